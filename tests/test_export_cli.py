"""jixiao export: one command, formats dispatched by --format (pipeline/export_cli.py)."""
import json

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export_cli import FORMATS
from pipeline.record import Record

runner = CliRunner()


def _records_file(tmp_path):
    text = "东湖县水务局2022年度部门整体支出绩效自评报告\n完成河道清淤12公里。"
    rec = Record.model_validate({
        "doc_id": "doc-x", "source": {"path": "x.txt", "format": "txt"}, "text": text,
        "meta": {"unit": "东湖县水务局", "year": 2022},
        "spans": [{"id": "m1", "label": "WORKLOAD", "start": 25, "end": 35, "text": text[25:35]}],
    })
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(rec.to_json_dict(), ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    return path


def test_es_bulk_through_the_command(tmp_path):
    out = tmp_path / "bulk.ndjson"
    r = runner.invoke(app, ["export", str(_records_file(tmp_path)), "--format", "es-bulk", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "1 records" in r.output and "1 errors" in r.output and "not JSON" in r.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [a["index"]["_id"] for a in lines[::2]] == ["doc-x", "doc-x:m1"]
    assert lines[3]["text"] == "完成河道清淤12公里"


def test_unknown_format_is_refused_with_the_known_ones(tmp_path):
    r = runner.invoke(app, ["export", str(_records_file(tmp_path)), "--format", "csv", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and "unknown format" in r.output and "es-bulk" in r.output
    assert "es-bulk" in FORMATS
