"""jixiao index / search / export through the command line (typer's runner, same process)."""
import json

from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def test_index_search_delete_export(tmp_path, records_file):
    ix = str(tmp_path / "ix")
    r = runner.invoke(app, ["index", str(records_file), "--index", ix])
    assert r.exit_code == 0, r.output
    assert "4 documents, 12 spans" in r.output
    r = runner.invoke(app, ["index", str(records_file), "--index", ix])
    assert "4 documents, 12 spans" in r.output

    r = runner.invoke(app, ["search", "禁毒", "--index", ix, "--label", "WORKLOAD", "--json"])
    assert r.exit_code == 0, r.output
    hits = [json.loads(line) for line in r.output.splitlines()]
    assert [(h["doc_id"], h["label"], h["text"]) for h in hits] == [("doc-b", "WORKLOAD", "开展禁毒宣传活动45场")]
    assert hits[0]["path"] == "reports/doc-b.txt" and hits[0]["year"] == 2022

    r = runner.invoke(app, ["search", "预算", "--index", ix, "--facets", "--json", "--has-findings"])
    *_, last = r.output.splitlines()
    assert "facets" in json.loads(last)

    r = runner.invoke(app, ["search", "农田", "--index", ix])
    assert r.exit_code == 0 and "西岭镇人民政府" in r.output

    r = runner.invoke(app, ["index", "--index", ix, "--delete", "doc-c"])
    assert r.exit_code == 0 and "3 documents, 9 spans" in r.output

    out = tmp_path / "bulk.ndjson"
    r = runner.invoke(app, ["export", str(records_file), "--format", "es-bulk", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2 * 16


def test_unknown_export_format_is_refused(tmp_path, records_file):
    r = runner.invoke(app, ["export", str(records_file), "--format", "csv", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and "unknown format" in r.output


def test_index_with_only_bad_records_exits_1(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": 5}\n', encoding="utf-8")
    r = runner.invoke(app, ["index", str(bad), "--index", str(tmp_path / "ix")])
    assert r.exit_code == 1 and "bad field" in r.output


def test_search_on_a_folder_without_index(tmp_path):
    r = runner.invoke(app, ["search", "培训", "--index", str(tmp_path)])
    assert r.exit_code == 2 and "no jixiao search index" in r.output
