"""The whole loop against a real Label Studio 1.23 (see conftest.py)."""
from __future__ import annotations

import hashlib
import json
import logging

import pytest

from pipeline.corpus.lsformat import iter_examples
from pipeline.labels import load_labels
from pipeline.labelstudio.backend import Backend, Model, serve_in_thread
from pipeline.labelstudio.client import LabelStudioClient, LabelStudioError
from pipeline.labelstudio.pull import CHANGES_FILE, CORRECTIONS_FILE, EXAMPLES_FILE, pull_corrections
from pipeline.labelstudio.push import find_project, push_records
from pipeline.labelstudio.server import free_port
from pipeline.labelstudio.tasks import OffsetError
from pipeline.record import Record, Source, Span

from .factory import TEXT, at, fake_model_predict, make_record

pytestmark = pytest.mark.labelstudio
SPAN_LABELS = set(load_labels().names)


def _tasks(client: LabelStudioClient, project_id: int) -> list[dict]:
    body = client.request("GET", "/api/tasks/", params={"project": project_id, "fields": "all",
                                                         "page_size": 100}).json()
    return body["tasks"]


def _region(rid, label, piece, text=TEXT):
    s, e = at(text, piece)
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": piece, "labels": [label]}}


def test_push_correct_pull_repush(ls_client, project_title, tmp_path):
    v1 = make_record("test-v1", drop=("s6",))  # the model missed the MEASURE
    report = push_records(ls_client, [v1], project_title)
    assert report.project_created and report.created == [v1.doc_id]
    (task,) = _tasks(ls_client, report.project_id)
    assert task["data"]["doc_id"] == v1.doc_id and task["data"]["unit"] == "测试区园林所"
    (pred,) = task["predictions"]
    assert pred["model_version"] == "test-v1" and pred["score"] == pytest.approx(0.71)

    # An annotator starts from the prediction, shortens the PROBLEM and adds the MEASURE.
    result = [r for r in pred["result"] if r.get("id") != "s_s4"]
    result += [_region("s_s4", "PROBLEM", "养护合同验收不够及时"), _region("m1", "MEASURE", "建立验收台账并按月通报"),
               {"type": "relation", "from_id": "s_s4", "to_id": "m1", "direction": "right", "labels": ["addressed_by"]}]
    ls_client.sdk.annotations.create(id=task["id"], result=result)
    (ann_before,) = _tasks(ls_client, report.project_id)[0]["annotations"]

    out = tmp_path / "corrections"
    pulled = pull_corrections(ls_client, project_title, out)
    assert (pulled.tasks_total, pulled.tasks_annotated) == (1, 1)
    assert pulled.diff.counts["PROBLEM"] == {"kept": 0, "corrected": 1, "added": 0, "deleted": 0}
    assert pulled.diff.counts["MEASURE"] == {"kept": 0, "corrected": 0, "added": 1, "deleted": 0}
    assert pulled.diff.counts["WORKLOAD"]["kept"] == 2 and pulled.diff.relations_added >= 1
    changes = json.loads((out / CHANGES_FILE).read_text())
    assert changes["by_label"]["MEASURE"]["added"] == 1
    (ex,) = list(iter_examples(out, SPAN_LABELS))
    want = {(s.start, s.end, s.label) for s in v1.spans if s.id != "s4"}
    want |= {(*at(TEXT, "养护合同验收不够及时"), "PROBLEM"), (*at(TEXT, "建立验收台账并按月通报"), "MEASURE")}
    assert ex.text == TEXT and {(s.start, s.end, s.label) for s in ex.spans} == want
    assert {(r.from_id, r.to_id, r.label) for r in ex.relations} >= {("s_s4", "m1", "addressed_by"),
                                                                      ("s_s4", "s_s5", "caused_by")}
    assert len((out / EXAMPLES_FILE).read_text().splitlines()) == 1 and (out / CORRECTIONS_FILE).exists()

    # Same records again: nothing new. A new model version: one more prediction, annotation untouched.
    again = push_records(ls_client, [v1], project_title)
    assert (again.created, again.predicted, again.unchanged) == ([], [], [v1.doc_id])
    v2 = push_records(ls_client, [make_record("test-v2")], project_title)
    assert v2.predicted == [v1.doc_id] and not v2.project_created
    (task2,) = _tasks(ls_client, report.project_id)
    assert sorted(p["model_version"] for p in task2["predictions"]) == ["test-v1", "test-v2"]
    assert task2["annotations"] == [ann_before] and ann_before["result"] == result


def test_round_trip_keeps_offsets_with_astral_chars_crlf_and_tabs(ls_client, project_title, tmp_path):
    text = "𠀀𠀁\t一、职能\r\n负责𝄞园林养护。\r\n\t组织培训3场次\t😀\r\n问题：验收不及时。"
    pieces = [("FUNCTION", "负责𝄞园林养护"), ("WORKLOAD", "组织培训3场次"), ("PROBLEM", "验收不及时")]
    spans = [Span(id=f"x{i}", label=lab, start=at(text, p)[0], end=at(text, p)[1], text=p, score=0.9)
             for i, (lab, p) in enumerate(pieces)]
    rec = Record(doc_id=hashlib.sha256(text.encode()).hexdigest(), source=Source(path="rt.txt", format="txt"),
                 text=text, spans=spans, model_version="rt-v1")
    pid = push_records(ls_client, [rec], project_title).project_id
    (task,) = _tasks(ls_client, pid)
    assert task["data"]["text"] == text
    stored = {r["id"]: r["value"] for r in task["predictions"][0]["result"]}
    for s in spans:
        assert (stored[f"s_{s.id}"]["start"], stored[f"s_{s.id}"]["end"]) == (s.start, s.end)
    # the annotator accepts the prediction and adds the emoji as a (nonsense) MEASURE, after \r\n and a tab
    result = task["predictions"][0]["result"] + [_region("e1", "MEASURE", "😀", text)]
    ls_client.sdk.annotations.create(id=task["id"], result=result)
    pull_corrections(ls_client, project_title, tmp_path)
    (ex,) = list(iter_examples(tmp_path, SPAN_LABELS))
    assert ex.text == text and ex.check_offsets() == []
    assert sorted((s.start, s.end, s.label) for s in ex.spans) == sorted(
        [(s.start, s.end, s.label) for s in spans] + [(*at(text, "😀"), "MEASURE")])


def test_bad_offsets_never_reach_the_server(ls_client, project_title):
    rec = make_record()
    rec.spans[1].start += 1
    with pytest.raises(OffsetError):
        push_records(ls_client, [make_record(doc_seed="fine"), rec], project_title)
    assert find_project(ls_client, project_title) is None


def test_wrong_token_is_a_clear_error_and_is_never_logged(ls_server, caplog):
    wrong = "wrong-token-0a1b2c3d4e"
    with caplog.at_level(logging.DEBUG):
        with LabelStudioClient(ls_server.url, wrong, retries=1) as bad:
            with pytest.raises(LabelStudioError, match="rejected the API token") as err:
                bad.check()
        with LabelStudioClient(ls_server.url, ls_server.credentials.token) as good:
            good.check()
            push_records(good, [make_record(doc_seed="log-check")], "jixiao-log-check")
    assert wrong not in str(err.value) and wrong not in caplog.text
    assert ls_server.credentials.token not in caplog.text


def test_ml_backend_predictions_are_stored_and_annotations_retrain(ls_client, project_title, tmp_path):
    trained = []

    def retrain(examples, workdir):
        trained.append(examples)
        return f"fake-v{len(trained) + 1}"

    def load(model_dir):
        version = model_dir.name if model_dir else "fake-v1"
        return Model(lambda text: fake_model_predict(text, version), version)

    backend = Backend(tmp_path / "backend", load_model=load, retrain=retrain, debounce=0.2)
    server, _ = serve_in_thread(backend, port=free_port())
    try:
        pid = push_records(ls_client, [], project_title).project_id  # an empty project
        # a task imported by hand names every field of the labeling config; tables_html may be empty
        ls_client.sdk.projects.import_tasks(id=pid, request=[{"data": {"text": TEXT, "doc_id": "raw",
                                                                       "tables_html": ""}}])
        ml = ls_client.sdk.ml.create(project=pid, url=f"http://127.0.0.1:{server.server_address[1]}",
                                     title="jixiao", auto_update=True)
        assert ml.readable_state == "Connected" and ml.model_version == "fake-v1"
        everything = {"all": True, "excluded": []}
        ls_client.sdk.actions.create(id="retrieve_tasks_predictions", project=pid, selected_items=everything)
        (task,) = _tasks(ls_client, pid)
        (pred,) = task["predictions"]
        assert pred["model_version"] == "fake-v1"
        got = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in pred["result"])
        # offsets on the task's own text (with \r\n), not the model's cleaned text
        assert got == sorted([(*at(TEXT, "负责本区𠮷祥路沿线绿地的日常养护"), "FUNCTION"),
                              (*at(TEXT, "组织园林技能培训12场次"), "WORKLOAD"),
                              (*at(TEXT, "部分养护合同验收不够及时"), "PROBLEM")])

        # A human annotation reaches the backend through Label Studio's webhook and retrains it.
        ls_client.sdk.annotations.create(id=task["id"], result=[_region("a", "CAUSE", "验收人员临时抽调")])
        assert backend.wait_idle(30)
        assert len(trained) == 1 and [s.label for s in trained[0][0].spans] == ["CAUSE"]
        assert backend.model_version == "fake-v2"
        ls_client.sdk.actions.create(id="retrieve_tasks_predictions", project=pid, selected_items=everything)
        (task,) = _tasks(ls_client, pid)
        assert sorted(p["model_version"] for p in task["predictions"]) == ["fake-v1", "fake-v2"]
    finally:
        server.shutdown()
        server.server_close()
        backend.close()


def test_every_link_is_stored_as_a_relation_and_tables_travel_as_html(ls_client, project_title):
    from .test_tables_and_links import record_with_every_kind_of_link

    record = record_with_every_kind_of_link()
    report = push_records(ls_client, [record], project_title)
    assert report.created == [record.doc_id] and report.unlinked == 0
    (task,) = _tasks(ls_client, report.project_id)
    (pred,) = task["predictions"]
    relations = [r for r in pred["result"] if r.get("type") == "relation"]
    region_ids = {r["id"] for r in pred["result"] if r.get("type") == "labels"}
    assert len(relations) == len(record.links) == 6
    assert all(r["from_id"] in region_ids and r["to_id"] in region_ids for r in relations)
    assert "<td>≥10场次</td>" in task["data"]["tables_html"]
    # the project got the labeling config with the tables panel (Label Studio validated it)
    project = ls_client.request("GET", f"/api/projects/{report.project_id}/").json()
    assert 'name="tables"' in project["label_config"] and "pre-wrap" in project["label_config"]
