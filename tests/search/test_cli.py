"""jixiao index / search through the command line (typer's runner, same process)."""
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


def test_index_held_by_another_writer_is_one_error_line(tmp_path, records_file):
    from pipeline.search.index import SearchIndex

    ix = SearchIndex.open_or_create(tmp_path / "ix")
    writer = ix._writer()  # another indexing run in progress
    r = runner.invoke(app, ["index", str(records_file), "--index", str(tmp_path / "ix")])
    assert r.exit_code == 2 and "LockBusy" in r.output
    writer.rollback()


def test_index_with_only_bad_records_exits_1(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": 5}\n', encoding="utf-8")
    r = runner.invoke(app, ["index", str(bad), "--index", str(tmp_path / "ix")])
    assert r.exit_code == 1 and "bad field" in r.output


def test_search_on_a_folder_without_index(tmp_path):
    r = runner.invoke(app, ["search", "培训", "--index", str(tmp_path)])
    assert r.exit_code == 2 and "no jixiao search index" in r.output
