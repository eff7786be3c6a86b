import pytest

from pipeline.labelstudio.config import BUDGET_FIELD, INDICATOR_ROW, TABLE_FROM_NAME
from pipeline.labelstudio.tasks import OffsetError, record_to_prediction, record_to_task, validate_record

from .factory import TEXT, make_record


def _regions(result):
    return {r["id"]: r for r in result if r.get("type") == "labels"}


def test_task_carries_text_doc_id_and_meta_for_filtering():
    rec = make_record()
    task = record_to_task(rec)
    data = task["data"]
    assert data["text"] == TEXT and data["doc_id"] == rec.doc_id
    assert (data["unit"], data["year"], data["kind"], data["region"]) == ("测试区园林所", 2023, "部门整体", "测试区")
    (pred,) = task["predictions"]
    assert pred["model_version"] == "test-v1"


def test_spans_become_label_regions_with_exact_offsets_and_scores():
    rec = make_record()
    regions = _regions(record_to_prediction(rec).result)
    for span in rec.spans:
        r = regions[f"s_{span.id}"]
        assert r["from_name"] == "label" and r["to_name"] == "text"
        assert (r["value"]["start"], r["value"]["end"], r["value"]["labels"]) == (span.start, span.end, [span.label])
        assert TEXT[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"] == span.text
        assert r["score"] == span.score


def test_table_rows_and_budget_fields_are_regions_links_are_relations():
    conv = record_to_prediction(make_record())
    regions = _regions(conv.result)
    row = regions[conv.region_of["t1.r1"]]
    assert row["from_name"] == TABLE_FROM_NAME and row["value"]["labels"] == [INDICATOR_ROW]
    assert row["value"]["text"] == "培训场次\t≥10场次\t12场次\t10"
    budget = regions[conv.region_of["budget.initial"]]
    assert budget["value"]["labels"] == [BUDGET_FIELD] and budget["value"]["text"] == "35.5万元"
    rels = {(r["from_id"], r["to_id"], r["labels"][0]) for r in conv.result if r["type"] == "relation"}
    # the WORKLOAD → indicator link points at the indicator's table row
    assert rels == {("s_s2", conv.region_of["t1.r1"], "reports_on"), ("s_s4", "s_s5", "caused_by"),
                    ("s_s4", "s_s6", "addressed_by")}
    assert conv.unlinked == []


def test_task_score_is_the_mean_span_score_and_zero_without_spans():
    rec = make_record()
    scores = [s.score for s in rec.spans]
    assert record_to_prediction(rec).score == pytest.approx(sum(scores) / len(scores))
    rec.spans, rec.links = [], []
    assert record_to_prediction(rec).score == 0.0


def test_link_to_something_without_a_region_is_reported_not_sent():
    rec = make_record()
    rec.indicators[0].row = None
    conv = record_to_prediction(rec)
    assert [u.split()[0] for u in conv.unlinked] == ["l1"]
    assert all(r["labels"] != ["reports_on"] for r in conv.result if r["type"] == "relation")


@pytest.mark.parametrize("mutate, fragment", [
    (lambda r: setattr(r.spans[0], "start", r.spans[0].start + 1), "span s1 FUNCTION"),
    (lambda r: setattr(r.spans[1], "end", len(r.text) + 5), "not a non-empty range"),
    (lambda r: setattr(r.spans[2], "end", r.spans[2].start), "not a non-empty range"),
    (lambda r: setattr(r.tables[0].rows[0].cells[1], "start", 0), "table t1 row t1.r1 cell 1"),
    (lambda r: setattr(r.budget["initial"], "text", "36万元"), "budget.initial"),
])
def test_wrong_offsets_are_rejected_with_a_clear_message(mutate, fragment):
    rec = make_record()
    assert validate_record(rec) == []
    mutate(rec)
    problems = validate_record(rec)
    assert len(problems) == 1 and fragment in problems[0]
    with pytest.raises(OffsetError, match="invalid offset") as err:
        record_to_prediction(rec)
    assert rec.doc_id in str(err.value) and fragment in str(err.value)


def test_offsets_counted_in_utf16_units_are_caught():
    # A client counting UTF-16 units puts every span after 𠮷 one unit later.
    from pipeline.corpus.lsformat import to_utf16

    rec = make_record()
    s = rec.spans[1]
    s.start, s.end = to_utf16(rec.text, s.start), to_utf16(rec.text, s.end)
    with pytest.raises(OffsetError, match="span s2 WORKLOAD"):
        record_to_prediction(rec)


def test_rule_provenance_is_shown_with_the_region():
    rec = make_record()
    made, changed, plain = rec.spans[0], rec.spans[1], rec.spans[2]
    made.source, made.attrs = "rule", {"rules": ["function_lists"]}
    changed.attrs = {"rules": ["snap", "widen_to_clauses"]}
    regions = _regions(record_to_prediction(rec).result)
    assert regions[f"s_{made.id}"]["meta"]["text"] == ["source: rule; rules: function_lists"]
    assert regions[f"s_{changed.id}"]["meta"]["text"] == ["source: model; rules: snap → widen_to_clauses"]
    assert "meta" not in regions[f"s_{plain.id}"]
