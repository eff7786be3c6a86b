"""ls-convert: Label Studio ⇄ training JSONL round trips (non-BMP, \\r\\n, tabs) and records → tasks."""
from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from pipeline.corpus import convert
from pipeline.corpus.lsformat import Example, RelationAnn, SpanAnn, example_to_task, read_tasks, task_to_example

# written for this test: a non-BMP character (𠮷, U+20BB7), Windows line ends and tab-separated cells
TEXT = "𠮷县文化馆\r\n一、问题\r\n1、场馆开放时间偏短。\r\n项目\t次数\t备注\r\n送戏下乡\t12场\t𠮷村\r\n二、措施\r\n延长周末开放时间。"


def span(label, piece, sid):
    i = TEXT.index(piece)
    return SpanAnn(i, i + len(piece), label, id=sid, text=piece)


def example():
    spans = [span("PROBLEM", "场馆开放时间偏短", "p1"), span("WORKLOAD", "送戏下乡\t12场", "w1"),
             span("MEASURE", "延长周末开放时间", "m1")]
    return Example(TEXT, spans, [RelationAnn("p1", "m1", "addressed_by")], {"doc_id": "d1", "year": 2023})


def test_ls_train_ls_round_trip_keeps_offsets(tmp_path):
    ex = example()
    i = TEXT.index("送戏")
    assert len(TEXT[:i].encode("utf-16-le")) // 2 == i + 1  # 𠮷 is two UTF-16 units: code points must survive
    (tmp_path / "export.json").write_text(json.dumps([example_to_task(ex, task_id=7)], ensure_ascii=False), "utf-8")
    assert convert.ls_to_training(tmp_path / "export.json", tmp_path / "train.jsonl") == 1
    lines = (tmp_path / "train.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1  # \r\n and tabs are escaped inside the JSON line
    line = json.loads(lines[0])
    assert line["text"] == TEXT
    assert [(s["start"], s["end"], s["label"]) for s in line["spans"]] == [(s.start, s.end, s.label) for s in ex.spans]
    assert line["relations"] == [{"from_id": "p1", "to_id": "m1", "label": "addressed_by"}]
    assert line["data"] == {"doc_id": "d1", "year": 2023}

    assert convert.training_to_ls(tmp_path / "train.jsonl", tmp_path / "back.json") == 1
    back = task_to_example(read_tasks(tmp_path / "back.json")[0])
    assert back.text == TEXT
    assert [(s.start, s.end, s.label, s.text) for s in back.spans] == [(s.start, s.end, s.label, s.text) for s in ex.spans]
    assert [(r.from_id, r.to_id, r.label) for r in back.relations] == [("p1", "m1", "addressed_by")]
    assert back.data == ex.data
    assert back.check_offsets() == []


def test_invalid_offsets_are_refused(tmp_path):
    ex = example()
    task = example_to_task(ex)
    task["annotations"][0]["result"][0]["value"]["start"] += 1  # text no longer matches
    (tmp_path / "bad.json").write_text(json.dumps([task], ensure_ascii=False), "utf-8")
    with pytest.raises(convert.InvalidOffsets, match="PROBLEM"):
        convert.ls_to_training(tmp_path / "bad.json", tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()
    line = convert.example_to_line(ex)
    line["spans"][0]["end"] = len(TEXT) + 3
    (tmp_path / "bad.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    with pytest.raises(convert.InvalidOffsets, match="outside"):
        convert.training_to_ls(tmp_path / "bad.jsonl", tmp_path / "out.json")


def record():
    ex = example()
    return {"schema_version": "1.0", "doc_id": "d1", "text": TEXT, "model_version": "tagger-3",
            "source": {"path": "in/report.txt", "format": "txt"},
            "meta": {"unit": "某县文化馆", "year": 2023, "kind": None},
            "spans": [{"id": s.id, "label": s.label, "start": s.start, "end": s.end, "text": s.text,
                       "score": sc} for s, sc in zip(ex.spans, (0.9, 0.55, 0.8))],
            "links": [{"id": "l1", "from": "p1", "to": "m1", "relation": "addressed_by"},
                      {"id": "l2", "from": "w1", "to": "ind1", "relation": "reports_on"}]}


def test_records_to_tasks_with_predictions(tmp_path):
    (tmp_path / "records.jsonl").write_text(json.dumps(record(), ensure_ascii=False) + "\n", "utf-8")
    assert convert.records_to_ls(tmp_path / "records.jsonl", tmp_path / "tasks.json") == 1
    task = read_tasks(tmp_path / "tasks.json")[0]
    assert task["data"] == {"text": TEXT, "doc_id": "d1", "unit": "某县文化馆", "year": 2023, "source": "in/report.txt"}
    pred = task["predictions"][0]
    assert pred["model_version"] == "tagger-3" and pred["score"] == 0.55
    regions = [r for r in pred["result"] if r["type"] == "labels"]
    assert [r["score"] for r in regions] == [0.9, 0.55, 0.8]
    relations = [r for r in pred["result"] if r["type"] == "relation"]
    assert relations == [{"type": "relation", "from_id": "p1", "to_id": "m1", "direction": "right",
                          "labels": ["addressed_by"]}]  # the row link cannot travel as a region relation
    back = task_to_example(task, use_predictions=True)
    assert back.check_offsets() == [] and [s.text for s in back.spans] == [s.text for s in example().spans]


def test_detect_format(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps([example_to_task(example())], ensure_ascii=False), "utf-8")
    (tmp_path / "r.json").write_text(json.dumps(record(), ensure_ascii=False), "utf-8")
    (tmp_path / "x.jsonl").write_text(json.dumps(convert.example_to_line(example()), ensure_ascii=False), "utf-8")
    assert convert.detect_format(tmp_path / "t.json") == "ls"
    assert convert.detect_format(tmp_path / "r.json") == "records"
    assert convert.detect_format(tmp_path / "x.jsonl") == "train"


def test_cli_both_ways_and_error_exit(tmp_path):
    from pipeline.corpus.data_cli import register
    app = typer.Typer()
    register(app)
    run = CliRunner().invoke
    (tmp_path / "export.json").write_text(json.dumps([example_to_task(example())], ensure_ascii=False), "utf-8")
    res = run(app, ["ls-convert", str(tmp_path / "export.json"), str(tmp_path / "train.jsonl")])
    assert res.exit_code == 0, res.output
    res = run(app, ["ls-convert", str(tmp_path / "train.jsonl"), str(tmp_path / "tasks.json"),
                    "--as-prediction", "--model-version", "v9"])
    assert res.exit_code == 0, res.output
    task = read_tasks(tmp_path / "tasks.json")[0]
    assert task["predictions"][0]["model_version"] == "v9"
    assert task_to_example(task, use_predictions=True).check_offsets() == []
    bad = example_to_task(example())
    bad["annotations"][0]["result"][1]["value"]["end"] += 2
    (tmp_path / "bad.json").write_text(json.dumps([bad], ensure_ascii=False), "utf-8")
    res = run(app, ["ls-convert", str(tmp_path / "bad.json"), str(tmp_path / "x.jsonl")])
    assert res.exit_code == 1 and "invalid offsets" in res.output
