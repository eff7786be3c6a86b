"""`jixiao export --format hf` (datasets.DatasetDict, ClassLabel tags) and the seqeval report."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.corpus.evaluate import Doc, Span
from pipeline.labels import load_labels
from pipeline.tag.evaluation import score_docs

TEXT = "一、存在问题\n预算编制不够细化。\n培训教师120人次。"


def _record() -> dict:
    a = TEXT.index("预算编制不够细化")
    b = TEXT.index("培训教师120人次")
    return {"doc_id": "d1", "source": {"path": "x.txt"}, "text": TEXT,
            "spans": [{"label": "PROBLEM", "start": a, "end": a + 8}, {"label": "WORKLOAD", "start": b, "end": b + 9}]}


def test_export_hf_writes_a_datasetdict_with_classlabel_tags(tmp_path):
    from datasets import ClassLabel, load_from_disk
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_record(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "hf"
    res = CliRunner().invoke(app, ["export", "--format", "hf", "--out", str(out), str(path)])
    assert res.exit_code == 0, res.output
    ds = load_from_disk(str(out))["train"]
    feature = ds.features["tags"].feature
    assert isinstance(feature, ClassLabel) and feature.names == load_labels().tags()
    row = ds[0]
    assert "".join(row["chars"]) == TEXT
    names = [feature.int2str(t) for t in row["tags"]]
    a = TEXT.index("预算")
    assert names[a] == "B-PROBLEM" and names[a + 7] == "E-PROBLEM" and names[0] == "O"


def test_seqeval_strict_agrees_with_exact_span_matching():
    gold = Doc("d", TEXT, [Span(7, 15, "PROBLEM", "g1"), Span(17, 26, "WORKLOAD", "g2")])
    pred = Doc("d", TEXT, [Span(7, 15, "PROBLEM", "p1"), Span(18, 26, "WORKLOAD", "p2")])  # one boundary off
    report = score_docs([gold], [pred])
    assert report["seqeval"]["PROBLEM"]["f1-score"] == 1.0
    assert report["seqeval"]["WORKLOAD"]["f1-score"] == 0.0
    assert round(report["seqeval"]["micro avg"]["f1-score"], 3) == round(report["spans"]["exact"]["micro"]["f1"], 3)
    json.dumps(report["seqeval"])  # reports are written as JSON
