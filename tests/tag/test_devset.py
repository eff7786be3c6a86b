"""pipeline.tag.devset: the development set's gold spans and its scorer's span matching."""
from __future__ import annotations

import json

from pipeline.tag.devset import edge_class, edge_errors, gold_spans, overlaps, scorer_text


def test_scorer_text_drops_whitespace_and_reads_fullwidth_comma_and_colon_as_ascii():
    assert scorer_text(" 预算 执行，偏低：\n90%") == "预算执行,偏低:90%"
    assert scorer_text("") == "" and scorer_text(None) == ""


def test_overlap_needs_half_of_the_longer_span():
    assert overlaps("开展巡查12次", "巡查12次")  # 5 of 7 characters
    assert not overlaps("开展巡查工作共计12次", "12次")  # 3 of 10
    assert not overlaps("", "巡查")


def test_gold_spans_of_a_document_and_none_without_its_file(tmp_path):
    text = "一、存在的问题\n预算编制不够细化，执行率偏低。"
    a = text.index("预算")
    piece = "预算编制不够细化，执行率偏低"
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "x1.ls.json").write_text(json.dumps([{"data": {"text": text}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": a, "end": a + len(piece), "text": piece, "labels": ["PROBLEM"]}},
        {"type": "relation", "from_id": "a", "to_id": "b"}]}]}], ensure_ascii=False), encoding="utf-8")
    assert gold_spans(tmp_path, "x1") == [("PROBLEM", "预算编制不够细化,执行率偏低")]
    assert gold_spans(tmp_path, "x2") == []


def test_edge_class_says_which_edge_of_a_gold_span_a_prediction_missed():
    gold = "开展消防安全检查12次"
    assert edge_class(gold, ["开展消防安全检查12次", "检查12次"]) == "exact"
    assert edge_class(gold, ["安全检查12次"]) == "starts late"
    assert edge_class(gold, ["全年开展消防安全检查12次"]) == "starts early"
    assert edge_class(gold, ["开展消防安全检查"]) == "ends early"
    assert edge_class(gold, ["开展消防安全检查12次，整改隐患3处"]) == "ends late"
    assert edge_class(gold, ["消防安全检查"]) == "inside"
    assert edge_class(gold, ["全年开展消防安全检查12次，整改隐患3处"]) == "around"
    assert edge_class(gold, []) == "missed" and edge_class(gold, ["检查工作"]) == "missed"


def test_edge_errors_count_gold_spans_per_label_against_predictions_of_the_same_label():
    gold = {"x1": [("WORKLOAD", "开展巡查12次"), ("PROBLEM", "执行率偏低")], "x2": [("WORKLOAD", "培训干部40人次")]}
    pred = {"x1": [("WORKLOAD", "巡查12次"), ("CAUSE", "执行率偏低")], "x2": [("WORKLOAD", "培训干部40人次")]}
    errors = edge_errors(gold, pred)
    assert errors["WORKLOAD"]["exact"] == 1 and errors["WORKLOAD"]["starts late"] == 1
    assert errors["PROBLEM"]["missed"] == 1   # a CAUSE over it is no PROBLEM
    assert sum(errors["WORKLOAD"].values()) == 2
