"""`jixiao annotate` over a batch with every kind of bad input: one record each, the batch goes on."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from pipeline import PROJECT_ROOT
from pipeline.cli import app
from pipeline.schema import validate_record

runner = CliRunner()
GOOD = PROJECT_ROOT / "examples" / "county_education_bureau_2022.txt"


def make_batch(folder: Path) -> dict[str, str]:
    """file name → the words its error message must contain ("" for a good document)."""
    folder.mkdir()
    (folder / "good.txt").write_bytes(GOOD.read_bytes())
    (folder / "good_gbk.txt").write_bytes(GOOD.read_text(encoding="utf-8").encode("gb18030"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip file")
    with zipfile.ZipFile(folder / "nodoc.docx", "w") as z:
        z.writestr("hello.txt", "not a word document")
    (folder / "recipe.txt").write_text("红烧肉的做法：五花肉切块，加冰糖炒色，再加酱油和水焖煮一小时。\n", encoding="utf-8")
    (folder / "huge.txt").write_bytes(("预算绩效" * 100_000).encode("utf-8"))
    return {"good.txt": "", "good_gbk.txt": "", "empty.txt": "empty", "picture.txt": "binary",
            "broken.docx": "docx", "nodoc.docx": "docx", "recipe.txt": "not a budget-performance report",
            "huge.txt": "limit"}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_input_yields_exactly_one_record(tmp_path):
    expected = make_batch(tmp_path / "in")
    out = tmp_path / "out"
    result = runner.invoke(app, ["annotate", str(tmp_path / "in"), "--out", str(out), "--no-tag", "--max-mb", "0.5",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    records = read_jsonl(out / "records.jsonl")
    by_name = {Path(r["source"]["path"]).name: r for r in records}
    assert sorted(by_name) == sorted(expected) and len(records) == len(expected)
    for name, words in expected.items():
        rec = by_name[name]
        assert validate_record(rec) == [], name
        errors = [e for e in rec["errors"] if e["stage"] in ("read", "clean", "structure")]
        if words:
            assert errors and any(words.lower() in e["message"].lower() for e in errors), (name, errors)
        else:
            assert not errors, (name, errors)
            assert rec["indicators"] and rec["budget"]
        assert len(list(out.glob(f"{Path(name).stem}.*.json"))) == 1, name
    assert by_name["good_gbk.txt"]["source"]["encoding"] in ("gb18030", "gbk", "GB18030")
    assert by_name["good_gbk.txt"]["text"] == by_name["good.txt"]["text"]


def test_rerun_resumes_without_duplicates(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(GOOD.read_bytes())
    out = tmp_path / "out"
    assert runner.invoke(app, ["annotate", str(src), "--out", str(out), "--no-tag", "-j", "1"]).exit_code == 0
    (src / "b.txt").write_bytes(GOOD.read_bytes().replace(b"2022", b"2023"))
    result = runner.invoke(app, ["annotate", str(src), "--out", str(out), "--no-tag", "-j", "1"])
    assert result.exit_code == 0
    names = sorted(Path(r["source"]["path"]).name for r in read_jsonl(out / "records.jsonl"))
    assert names == ["a.txt", "b.txt"]


def test_exit_status_is_nonzero_only_when_nothing_could_be_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["annotate", str(src), "--out", str(tmp_path / "out"), "--no-tag", "-j", "1"])
    assert result.exit_code == 1
    assert len(read_jsonl(tmp_path / "out" / "records.jsonl")) == 1


def test_published_schema_matches_the_models():
    from pipeline.schema import SCHEMA_PATH, record_schema
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == record_schema(), "run `make schema`"


def test_min_confidence_decides_which_findings_are_raised(tmp_path):
    """A balance that does not close is a derived finding (0.4): raised only when asked for."""
    from typer.testing import CliRunner
    from pipeline.cli import app
    doc = tmp_path / "r.txt"
    doc.write_text("2022年度部门整体支出绩效自评报告\n上年结转10.00万元，年初预算100.00万元，全年支出90.00万元，年末结余30.00万元。\n",
                   encoding="utf-8")
    found = {}
    for level in ("0.6", "0"):
        out = tmp_path / f"out{level}"
        result = CliRunner().invoke(app, ["annotate", str(doc), "--out", str(out), "--no-tag", "--min-confidence", level])
        assert result.exit_code == 0, result.output
        (record,) = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
        found[level] = [(f["kind"], f["relation"]) for f in record["findings"]]
    assert found["0.6"] == []
    assert ("balance_mismatch", "derived_balance") in found["0"]
