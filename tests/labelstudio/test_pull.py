import json

from pipeline.corpus.lsformat import iter_examples
from pipeline.labelstudio.diff import diff_spans
from pipeline.corpus.lsformat import RelationAnn, SpanAnn
from pipeline.labelstudio.pull import CHANGES_FILE, CORRECTIONS_FILE, EXAMPLES_FILE, base_prediction, corrections_from_tasks
from pipeline.labelstudio.tasks import record_to_prediction

from .factory import TEXT, at, make_record


def _region(rid, label, piece, from_name="label"):
    s, e = at(TEXT, piece)
    return {"id": rid, "from_name": from_name, "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": piece, "labels": [label]}}


def _exported_task(annotations):
    rec = make_record(drop=("s6",))
    pred = {"id": 7, "model_version": "test-v1", "created_at": "2024-01-01T00:00:00Z",
            "result": record_to_prediction(rec).result}
    return {"id": 11, "data": {"text": TEXT, "doc_id": rec.doc_id}, "predictions": [pred],
            "annotations": annotations}


def _corrected_result():
    """The prediction, with PROBLEM shortened, WORKLOAD s3 deleted and a MEASURE added."""
    pred = record_to_prediction(make_record(drop=("s6",))).result
    out = []
    for r in pred:
        if r.get("id") == "s_s3" or (r.get("type") == "relation" and "s_s3" in (r["from_id"], r["to_id"])):
            continue
        if r.get("id") == "s_s4":
            r = _region("s_s4", "PROBLEM", "养护合同验收不够及时")
        out.append(r)
    out.append(_region("new1", "MEASURE", "建立验收台账并按月通报"))
    out.append({"type": "relation", "from_id": "s_s4", "to_id": "new1", "direction": "right",
                "labels": ["addressed_by"]})
    return out


def test_diff_counts_kept_corrected_added_deleted():
    pred = [SpanAnn(0, 4, "PROBLEM", "p1"), SpanAnn(10, 14, "WORKLOAD", "p2"), SpanAnn(20, 24, "CAUSE", "p3")]
    ann = [SpanAnn(1, 4, "PROBLEM", "a1"), SpanAnn(20, 24, "CAUSE", "a3"), SpanAnn(30, 33, "MEASURE", "a4")]
    d = diff_spans("x" * 40, pred, ann, [RelationAnn("p1", "p3", "caused_by")],
                   [RelationAnn("a1", "a3", "caused_by"), RelationAnn("a1", "a4", "addressed_by")])
    assert d.counts == {"PROBLEM": {"kept": 0, "corrected": 1, "added": 0, "deleted": 0},
                        "CAUSE": {"kept": 1, "corrected": 0, "added": 0, "deleted": 0},
                        "MEASURE": {"kept": 0, "corrected": 0, "added": 1, "deleted": 0},
                        "WORKLOAD": {"kept": 0, "corrected": 0, "added": 0, "deleted": 1}}
    # caused_by moved with its (corrected) PROBLEM span: compared by offsets, it changed
    assert (d.relations_added, d.relations_deleted) == (2, 1)


def test_relabelled_span_is_a_correction_under_the_new_label():
    d = diff_spans("x" * 10, [SpanAnn(0, 4, "PROBLEM")], [SpanAnn(0, 4, "CAUSE")])
    assert d.counts["CAUSE"]["corrected"] == 1 and d.changes[0].pred_label == "PROBLEM"


def test_corrections_are_the_latest_human_annotation_and_lsformat_reads_them(tmp_path):
    older = {"id": 1, "result": [], "updated_at": "2024-02-01T00:00:00Z", "was_cancelled": False}
    cancelled = {"id": 3, "result": [], "updated_at": "2024-04-01T00:00:00Z", "was_cancelled": True}
    latest = {"id": 2, "result": _corrected_result(), "updated_at": "2024-03-01T00:00:00Z",
              "was_cancelled": False, "parent_prediction": 7}
    tasks = [_exported_task([older, latest, cancelled]), {"id": 12, "data": {"text": "x"}, "annotations": []}]
    corrections, examples, report = corrections_from_tasks(tasks)
    assert (report.tasks_total, report.tasks_annotated) == (2, 1)
    assert corrections[0]["annotations"] == [latest]
    c = report.diff.counts
    assert c["PROBLEM"]["corrected"] == 1 and c["MEASURE"]["added"] == 1 and c["WORKLOAD"]["deleted"] == 1
    assert c["FUNCTION"]["kept"] == 1 and c["WORKLOAD"]["kept"] == 1 and c["CAUSE"]["kept"] == 1

    from pipeline.corpus.lsformat import write_tasks
    write_tasks(corrections, tmp_path / CORRECTIONS_FILE)
    (tmp_path / EXAMPLES_FILE).write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in examples))
    (tmp_path / CHANGES_FILE).write_text(json.dumps(report.to_json()))
    # the trainer reads the whole folder: only the corrections count as examples
    (ex,) = list(iter_examples(tmp_path, {"FUNCTION", "WORKLOAD", "PROBLEM", "CAUSE", "MEASURE"}))
    got = sorted((s.start, s.end, s.label) for s in ex.spans)
    want = sorted([(*at(TEXT, "负责本区𠮷祥路沿线绿地的日常养护"), "FUNCTION"),
                   (*at(TEXT, "组织园林技能培训12场次"), "WORKLOAD"),
                   (*at(TEXT, "养护合同验收不够及时"), "PROBLEM"),
                   (*at(TEXT, "验收人员临时抽调"), "CAUSE"),
                   (*at(TEXT, "建立验收台账并按月通报"), "MEASURE")])
    assert got == want and ex.text == TEXT and ex.check_offsets() == []
    assert examples[0]["spans"][0]["text"] == TEXT[examples[0]["spans"][0]["start"]:examples[0]["spans"][0]["end"]]


def test_base_prediction_prefers_the_parent_then_the_newest():
    task = {"predictions": [{"id": 1, "created_at": "2024-01-02"}, {"id": 2, "created_at": "2024-01-01"}]}
    assert base_prediction(task, {"parent_prediction": 2})["id"] == 2
    assert base_prediction(task, {})["id"] == 1
    assert base_prediction({"predictions": []}, {}) is None
