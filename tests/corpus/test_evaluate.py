"""Evaluation: identity, empty prediction, hand-computed numbers, links, facts, inputs and the CLI."""
from __future__ import annotations

import json
from fractions import Fraction

import pytest
import typer
from typer.testing import CliRunner

from pipeline.corpus.evaluate import (Doc, End, Link, Span, doc_from_record, evaluate_docs, evaluate_paths,
                                      iou, match_spans)
from pipeline.corpus.lsformat import Example, RelationAnn, SpanAnn, example_to_task

TEXT = "".join(chr(0x4E00 + i) for i in range(80))  # 80 distinct characters, no seed text


def doc(spans, links=(), key="d1", facts=None, text=TEXT):
    return Doc(key, text, [Span(*s) for s in spans], list(links), dict(facts or {}))


def approx(x):
    return pytest.approx(float(x), abs=1e-12)


GOLD_SPANS = [(0, 10, "PROBLEM", "p"), (20, 30, "MEASURE", "m"), (40, 44, "WORKLOAD", "w")]
PRED_SPANS = [(0, 10, "PROBLEM", "a"),     # exact hit
              (21, 30, "MEASURE", "b"),    # IoU 0.9: overlap only
              (50, 55, "WORKLOAD", "c"),   # misses
              (2, 8, "PROBLEM", "d")]      # IoU 0.6 with p, but p is taken by the exact hit


def test_gold_against_itself_is_perfect():
    g = doc(GOLD_SPANS, [Link(End("span", "p"), End("span", "m"), "addressed_by")])
    r = evaluate_docs([g], [g])
    for mode in ("exact", "overlap"):
        assert r["spans"][mode]["micro"]["f1"] == 1.0
        assert r["spans"][mode]["macro"]["f1"] == 1.0
        assert r["links"][mode]["micro"]["f1"] == 1.0


def test_empty_prediction_scores_zero():
    g = doc(GOLD_SPANS, [Link(End("span", "p"), End("span", "m"), "addressed_by")])
    r = evaluate_docs([g], [doc([])])
    for mode in ("exact", "overlap"):
        micro = r["spans"][mode]["micro"]
        assert (micro["tp"], micro["fp"], micro["fn"]) == (0, 0, 3)
        assert micro["recall"] == 0.0 and micro["f1"] == 0.0 and micro["precision"] == 0.0
        assert r["links"][mode]["micro"]["recall"] == 0.0


def test_hand_computed_exact_vs_overlap():
    g = doc(GOLD_SPANS, [Link(End("span", "p"), End("span", "m"), "addressed_by")])
    p = doc(PRED_SPANS, [Link(End("span", "a"), End("span", "b"), "addressed_by")])
    r = evaluate_docs([g], [p])
    ex, ov = r["spans"]["exact"], r["spans"]["overlap"]
    # exact: tp 1 (p), fp 3 (b, c, d), fn 2 (m, w) → P 1/4, R 1/3, F1 2/7
    assert (ex["micro"]["tp"], ex["micro"]["fp"], ex["micro"]["fn"]) == (1, 3, 2)
    assert ex["micro"]["precision"] == approx(Fraction(1, 4))
    assert ex["micro"]["recall"] == approx(Fraction(1, 3))
    assert ex["micro"]["f1"] == approx(Fraction(2, 7))
    # per label exact: PROBLEM P 1/2 R 1 F1 2/3; MEASURE 0; WORKLOAD 0 → macro F1 2/9
    assert ex["per_label"]["PROBLEM"]["f1"] == approx(Fraction(2, 3))
    assert ex["macro"]["f1"] == approx(Fraction(2, 9))
    # overlap: tp 2 (p, m), fp 2 (c, d), fn 1 (w) → P 1/2, R 2/3, F1 4/7; macro F1 (2/3 + 1 + 0) / 3 = 5/9
    assert (ov["micro"]["tp"], ov["micro"]["fp"], ov["micro"]["fn"]) == (2, 2, 1)
    assert ov["micro"]["f1"] == approx(Fraction(4, 7))
    assert ov["macro"]["f1"] == approx(Fraction(5, 9))
    assert ov["per_label"]["MEASURE"]["f1"] == 1.0
    # the link's MEASURE end only matches under overlap
    assert r["links"]["exact"]["micro"]["tp"] == 0 and r["links"]["exact"]["micro"]["fp"] == 1
    assert r["links"]["overlap"]["micro"]["f1"] == 1.0


def test_one_gold_span_is_credited_once():
    gold = [Span(0, 20, "MEASURE", "g")]
    pred = [Span(0, 10, "MEASURE", "a"), Span(10, 20, "MEASURE", "b")]
    assert iou((0, 20), (0, 10)) == 0.5
    assert len(match_spans(gold, pred, "overlap")) == 1
    r = evaluate_docs([doc([(0, 20, "MEASURE", "g")])], [doc([(0, 10, "MEASURE", "a"), (10, 20, "MEASURE", "b")])])
    assert (r["spans"]["overlap"]["micro"]["tp"], r["spans"]["overlap"]["micro"]["fp"]) == (1, 1)


def test_overlap_below_threshold_and_other_label_do_not_match():
    gold = [Span(0, 10, "PROBLEM", "g")]
    assert match_spans(gold, [Span(0, 4, "PROBLEM", "a")], "overlap") == {}   # IoU 0.4
    assert match_spans(gold, [Span(0, 10, "CAUSE", "a")], "overlap") == {}


def record_with_links():
    """A record-shaped dict: a WORKLOAD, an indicator row, narrative money and a budget field."""
    return {
        "schema_version": "1.0", "doc_id": "abc", "text": TEXT,
        "meta": {"year": 2022, "unit": "某单位", "staff": {"authorized": 12}},
        "budget": {"executed": {"value": 100.004, "text": "100.00", "start": 70, "end": 76}},
        "spans": [{"id": "s1", "label": "WORKLOAD", "start": 5, "end": 12, "text": TEXT[5:12]}],
        "tables": [{"id": "t1", "kind": "indicators", "start": 50, "end": 69,
                    "rows": [{"id": "t1r1", "cells": [{"text": TEXT[50:54], "start": 50, "end": 54},
                                                       {"text": TEXT[55:58], "start": 55, "end": 58}]}]}],
        "indicators": [{"id": "i1", "name": TEXT[50:54], "row": "t1r1"}],
        "links": [{"id": "l1", "from": "s1", "to": "i1", "relation": "reports_on"},
                  {"id": "l2", "from": "text:30-36", "to": "budget.executed", "relation": "states"},
                  {"id": "l3", "from": "text:37-40", "to": "t1r1#c1", "relation": "states"}],
    }


def test_links_to_rows_budget_and_cells():
    pred = doc_from_record(record_with_links())
    gold = Doc("abc", TEXT, [Span(5, 12, "WORKLOAD", "g1")], [
        # a row is named by its naming cell's offsets; the budget by field; money by its offsets
        Link(End("span", "g1"), End("row", "indicator", [(50, 54)]), "reports_on"),
        Link(End("money", intervals=[(30, 36)]), End("budget", "executed"), "states"),
        Link(End("money", intervals=[(37, 40)]), End("cell", intervals=[(55, 58)]), "states"),
        Link(End("money", intervals=[(60, 62)]), End("budget", "balance"), "states"),  # not predicted
    ], {"budget.executed": 100.0, "year": 2021, "staff.authorized": 12, "indicator_rows": 3})
    r = evaluate_docs([gold], [pred])
    links = r["links"]["exact"]
    assert links["per_label"]["reports_on"]["f1"] == 1.0
    assert (links["per_label"]["states"]["tp"], links["per_label"]["states"]["fn"]) == (2, 1)
    facts = r["facts"]
    assert (facts["compared"], facts["correct"]) == (3, 2)  # executed within 0.01, staff equal, year wrong
    assert facts["mistakes"] == [{"doc": "abc", "key": "year", "gold": 2021, "pred": 2022}]
    assert facts["not_compared"] == ["indicator_rows"]


def test_row_end_must_hold_the_anchor():
    rec = record_with_links()
    pred = doc_from_record(rec)
    gold = Doc("abc", TEXT, [Span(5, 12, "WORKLOAD", "g1")],
               [Link(End("span", "g1"), End("row", "indicator", [(60, 64)]), "reports_on")])
    assert evaluate_docs([gold], [pred])["links"]["exact"]["micro"]["tp"] == 0


def write(path, obj):
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def test_paths_ls_export_vs_records_with_text_fallback_and_cleaning(tmp_path):
    # gold: a Label Studio export whose text is raw (\r\n); prediction: a record over the cleaned text
    raw = "一、问题\r\n经费拨付进度偏慢，需加快。\r\n二、措施\r\n建立月度台账。"
    clean = raw.replace("\r\n", "\n")
    def at(t, s):
        i = t.index(s)
        return i, i + len(s)
    g_p, g_m = at(raw, "经费拨付进度偏慢，需加快"), at(raw, "建立月度台账")
    ex = Example(raw, [SpanAnn(*g_p, "PROBLEM", id="a"), SpanAnn(*g_m, "MEASURE", id="b")],
                 [RelationAnn("a", "b", "addressed_by")], {})
    write(tmp_path / "gold.json", [example_to_task(ex)])
    p_p, p_m = at(clean, "经费拨付进度偏慢，需加快"), at(clean, "建立月度台账")
    record = {"doc_id": "x", "schema_version": "1.0", "text": clean,
              "spans": [{"id": "s1", "label": "PROBLEM", "start": p_p[0], "end": p_p[1]},
                        {"id": "s2", "label": "MEASURE", "start": p_m[0], "end": p_m[1]}],
              "links": [{"id": "l", "from": "s1", "to": "s2", "relation": "addressed_by"}]}
    (tmp_path / "pred").mkdir()
    write(tmp_path / "pred" / "x.json", record)
    r = evaluate_paths(tmp_path / "gold.json", tmp_path / "pred")
    assert r["documents"]["paired"] == 1
    assert r["spans"]["exact"]["micro"]["f1"] == 1.0
    assert r["links"]["exact"]["micro"]["f1"] == 1.0


def test_pairs_by_doc_id_and_reports_unpaired(tmp_path):
    a = Example(TEXT, [SpanAnn(0, 5, "FUNCTION")], [], {"doc_id": "A"})
    b = Example(TEXT[:40], [SpanAnn(0, 5, "FUNCTION")], [], {"doc_id": "B"})
    write(tmp_path / "gold.json", [example_to_task(a), example_to_task(b)])
    pred_a = example_to_task(Example(TEXT, [SpanAnn(0, 5, "FUNCTION")], [], {"doc_id": "A"}), as_prediction=True)
    pred_c = example_to_task(Example("别的文本", [], [], {"doc_id": "C"}), as_prediction=True)
    write(tmp_path / "pred.json", [pred_c, pred_a])
    r = evaluate_paths(tmp_path / "gold.json", tmp_path / "pred.json")
    assert r["documents"]["paired"] == 1
    assert len(r["documents"]["gold_only"]) == 1 and len(r["documents"]["pred_only"]) == 1
    assert r["spans"]["exact"]["micro"]["f1"] == 1.0


def test_cli_writes_report(tmp_path):
    from pipeline.corpus.data_cli import register
    app = typer.Typer()
    register(app)
    ex = Example(TEXT, [SpanAnn(0, 5, "FUNCTION"), SpanAnn(10, 15, "PROBLEM")], [], {"doc_id": "A"})
    write(tmp_path / "g.json", [example_to_task(ex)])
    pred = Example(TEXT, [SpanAnn(0, 5, "FUNCTION")], [], {"doc_id": "A"})
    write(tmp_path / "p.json", [example_to_task(pred, as_prediction=True)])
    out = tmp_path / "r" / "report.json"
    res = CliRunner().invoke(app, ["evaluate", "--gold", str(tmp_path / "g.json"), "--pred", str(tmp_path / "p.json"),
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["spans"]["exact"]["micro"]["recall"] == 0.5
    assert "FUNCTION" in res.output


def test_seed_gold_files_evaluate_against_themselves():
    from pipeline import SEEDS_DIR
    from pipeline.corpus.gold import GOLD_DIR
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared/seeds not present")
    r = evaluate_paths(GOLD_DIR, GOLD_DIR)
    assert r["documents"]["paired"] == len(list(GOLD_DIR.glob("*.json")))
    assert r["spans"]["exact"]["micro"]["f1"] == 1.0 and r["links"]["exact"]["micro"]["f1"] == 1.0


def test_annotate_output_folder_counts_each_record_once(tmp_path):
    rec = record_with_links()
    out = tmp_path / "out"
    out.mkdir()
    write(out / "report.json", rec)
    (out / "records.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    write(out / "summary.json", {"documents": 1})  # not a document: listed, not fatal
    gold = Example(TEXT, [SpanAnn(5, 12, "WORKLOAD")], [], {"doc_id": "abc"})
    write(tmp_path / "gold.json", [example_to_task(gold)])
    r = evaluate_paths(tmp_path / "gold.json", out)
    assert r["documents"]["paired"] == 1 and r["documents"]["pred_only"] == []
    assert len(r["inputs"]["skipped"]) == 1 and "summary.json" in r["inputs"]["skipped"][0]
    assert r["spans"]["exact"]["micro"]["f1"] == 1.0


def test_examples_entry_point_maps_source_gold_onto_cleaned_prediction():
    from pipeline.corpus.evaluate import evaluate_examples
    raw = "问题\r\n资料归档不及时。\r\n措施\r\n\u3000按月归档。"
    clean = raw.replace("\r\n", "\n")
    gold = Example(raw, [SpanAnn(raw.index("资料"), raw.index("。"), "PROBLEM", id="p")], [], {"doc_id": "k"})
    pred = Example(clean, [SpanAnn(clean.index("资料"), clean.index("。"), "PROBLEM", id="x"),
                           SpanAnn(clean.index("按月"), clean.index("按月") + 4, "MEASURE", id="y")], [], {"doc_id": "k"})
    r = evaluate_examples([gold], [pred])
    assert r["documents"]["paired"] == 1
    assert r["spans"]["exact"]["per_label"]["PROBLEM"]["f1"] == 1.0
    assert r["spans"]["exact"]["micro"]["precision"] == 0.5
