"""`jixiao annotate` at scale through the command line: odd inputs, names, manifests, resume,
worker counts and the time limit."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import MODELS_DIR, PROJECT_ROOT
from pipeline.cli import app
from pipeline.schema import validate_record

from tests.batch.test_inputs import odd_folder

runner = CliRunner()
GOOD = PROJECT_ROOT / "examples" / "county_education_bureau_2022.txt"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def annotate(*args: str, input: str | None = None):
    result = runner.invoke(app, ["annotate", *args], input=input)
    assert result.exit_code == 0, result.output
    return result


def test_odd_inputs_each_get_an_error_record_and_the_batch_finishes(tmp_path):
    folder = odd_folder(tmp_path / "in")
    (folder / "good.txt").write_bytes(GOOD.read_bytes())
    out = tmp_path / "out"
    annotate(str(folder), str(folder / "loop_a"), "--out", str(out), "--no-tag", "-j", "1")
    records = {os.path.relpath(r["source"]["path"], str(folder)): r for r in read_jsonl(out / "records.jsonl")}
    assert len(records) == len(read_jsonl(out / "records.jsonl")) == 9
    for rec in records.values():
        assert validate_record(rec) == []
    assert records["good.txt"]["indicators"] and not records["good.txt"]["errors"]
    expect = {"loop_a": "loop", "loop_b": "loop", "dangling.txt": "dangling", "pipe.txt": "pipe",
              "device.txt": "device", "sub/up": "loop", "bad\\xff\\xfe.txt": "not valid UTF-8"}
    for name, words in expect.items():
        # a non-UTF-8 name is annotated normally, with a warning; the others cannot be read
        said = records[name]["errors"] + records[name]["warnings"]
        assert any(words in e["message"] for e in said), (name, said)
    assert len(list(out.glob("*.json"))) == 9


def test_same_named_files_in_two_folders_get_two_records(tmp_path):
    for sub, year in (("a", b"2022"), ("b", b"2023")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "report.txt").write_bytes(GOOD.read_bytes().replace(b"2022", year))
    out = tmp_path / "out"
    annotate(str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out), "--no-tag", "-j", "1")
    records = read_jsonl(out / "records.jsonl")
    assert sorted(r["meta"]["year"] for r in records) == [2022, 2023]
    files = sorted(out.glob("report.*.json"))
    assert len(files) == 2
    assert {json.loads(f.read_text(encoding="utf-8"))["meta"]["year"] for f in files} == {2022, 2023}


def test_manifest_on_stdin_and_resume_keyed_on_the_resolved_path(tmp_path, monkeypatch):
    src = tmp_path / "docs"
    src.mkdir()
    for k in range(3):
        (src / f"r{k}.txt").write_bytes(GOOD.read_bytes().replace(b"2022", str(2010 + k).encode()))
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    annotate("--from-list", "-", "--out", str(out), "--no-tag", "-j", "1", input="docs/r0.txt\n\ndocs/r1.txt\n")
    assert len(read_jsonl(out / "records.jsonl")) == 2
    result = annotate(str(src.resolve()), "--out", str(out), "--no-tag", "-j", "1")   # the folder, absolute
    assert "resuming: 2 of 3" in result.output
    records = read_jsonl(out / "records.jsonl")
    assert sorted(r["meta"]["year"] for r in records) == [2010, 2011, 2012]


@pytest.mark.slow
@pytest.mark.skipif(not (MODELS_DIR / "tagger" / "config.json").exists(), reason="no shipped tagger model")
def test_two_workers_give_the_records_of_one(tmp_path):
    runs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        annotate(str(PROJECT_ROOT / "examples"), "--out", str(out), "-j", workers)
        runs[workers] = sorted(read_jsonl(out / "records.jsonl"), key=lambda r: r["source"]["path"])
    assert len(runs["1"]) == len(list((PROJECT_ROOT / "examples").iterdir()))
    assert sum(len(r["spans"]) for r in runs["1"]) > 0 and sum(len(r["indicators"]) for r in runs["1"]) > 0
    assert runs["1"] == runs["2"]


@pytest.mark.slow
def test_a_document_over_the_time_limit_gets_an_error_record_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = GOOD.read_text(encoding="utf-8")
    (src / "a_big.txt").write_text((text + "\n") * 600, encoding="utf-8")   # ~1.6 MB: seconds of work
    for k in range(3):
        (src / f"small{k}.txt").write_bytes(GOOD.read_bytes())
    out = tmp_path / "out"
    annotate(str(src), "--out", str(out), "--no-tag", "-j", "1", "--timeout", "1")
    records = {Path(r["source"]["path"]).name: r for r in read_jsonl(out / "records.jsonl")}
    assert sorted(records) == ["a_big.txt", "small0.txt", "small1.txt", "small2.txt"]
    assert any("timed out" in e["message"] for e in records["a_big.txt"]["errors"])
    assert all(records[f"small{k}.txt"]["indicators"] for k in range(3))
