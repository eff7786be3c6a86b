"""pipeline.tag.devset: the development set's gold spans and its scorer's span matching."""
from __future__ import annotations

import json

from pipeline.tag.devset import gold_spans, overlaps, scorer_text


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
