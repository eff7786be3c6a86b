import socket

import httpx
import pytest

from pipeline.labelstudio.backend import Backend, BackendError, Model, make_server, record_on_text, serve_in_thread
from pipeline.labelstudio.server import free_port

from .factory import TEXT, at, fake_model_predict


class FakeTrainer:
    """Records what it was trained on; returns v2, v3 …"""

    def __init__(self, fail: bool = False):
        self.calls: list[list] = []
        self.fail = fail

    def __call__(self, examples, workdir):
        self.calls.append(examples)
        if self.fail:
            raise RuntimeError("out of memory")
        return f"fake-v{len(self.calls) + 1}"


def load_fake(model_dir):
    version = model_dir.name if model_dir is not None else "fake-v1"
    return Model(lambda text: fake_model_predict(text, version), version)


@pytest.fixture
def served(tmp_path):
    trainer = FakeTrainer()
    backend = Backend(tmp_path, load_model=load_fake, retrain=trainer, debounce=0.2)
    server, _ = serve_in_thread(backend, port=free_port())
    url = f"http://127.0.0.1:{server.server_address[1]}"
    yield backend, trainer, httpx.Client(base_url=url, timeout=10)
    server.shutdown()
    server.server_close()
    backend.close()


def _annotation_event(task_id, ann_id, piece="组织园林技能培训12场次", label="WORKLOAD"):
    s, e = at(TEXT, piece)
    return {"action": "ANNOTATION_CREATED", "task": {"id": task_id, "data": {"text": TEXT}},
            "annotation": {"id": ann_id, "task": task_id, "was_cancelled": False, "result": [
                {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": s, "end": e, "text": piece, "labels": [label]}}]}}


def test_health_setup_versions(served):
    _, _, http = served
    assert http.get("/health").json()["status"] == "UP"
    assert http.post("/setup", json={"project": "1.0", "schema": "<View/>"}).json() == {"model_version": "fake-v1"}
    assert http.get("/versions").json()["versions"] == ["fake-v1"]


def test_predict_maps_offsets_back_onto_the_task_text(served):
    _, _, http = served
    other = "无关文本"
    body = http.post("/predict", json={"tasks": [{"id": 1, "data": {"text": TEXT}}, {"id": 2, "data": {"text": other}}]}).json()
    assert len(body["results"]) == 2 and body["results"][1]["result"] == []
    first = body["results"][0]
    assert first["model_version"] == "fake-v1" and 0 < first["score"] < 1
    # the fake model cleaned \r\n to \n: its offsets are one less after the first line
    for r in first["result"]:
        v = r["value"]
        assert TEXT[v["start"]:v["end"]] == v["text"]
        assert (v["start"], v["end"]) == at(TEXT, v["text"])


def test_annotations_trigger_one_debounced_retrain_and_a_new_version(served):
    backend, trainer, http = served
    for k in range(3):  # a burst: one retrain on all three
        assert http.post("/webhook", json=_annotation_event(10 + k, 100 + k)).json()["scheduled"]
    assert backend.wait_idle(10)
    assert len(trainer.calls) == 1 and len(trainer.calls[0]) == 3
    assert http.get("/health").json()["model_version"] == "fake-v2"
    assert http.post("/setup", json={}).json()["model_version"] == "fake-v2"
    assert http.post("/predict", json={"tasks": [{"data": {"text": TEXT}}]}).json()["results"][0]["model_version"] == "fake-v2"
    # an updated annotation replaces the task's old one instead of adding a second example
    event = _annotation_event(10, 200, "部分养护合同验收不够及时", "PROBLEM")
    event["action"] = "ANNOTATION_UPDATED"
    http.post("/webhook", json=event)
    assert backend.wait_idle(10)
    assert len(trainer.calls[1]) == 3 and http.get("/versions").json()["versions"] == ["fake-v1", "fake-v2", "fake-v3"]
    assert sorted(s.label for ex in trainer.calls[1] for s in ex.spans) == ["PROBLEM", "WORKLOAD", "WORKLOAD"]


def test_annotations_survive_a_restart(tmp_path):
    trainer = FakeTrainer()
    b = Backend(tmp_path, load_model=load_fake, retrain=trainer, debounce=0.05)
    b.webhook(_annotation_event(1, 1))
    assert b.wait_idle(10)
    b.close()
    b2 = Backend(tmp_path, load_model=load_fake, retrain=trainer, debounce=0.05)
    assert len(b2.examples()) == 1
    b2.webhook({"action": "ANNOTATIONS_DELETED", "annotations": [{"id": 1}]})
    assert b2.examples() == []
    b2.close()


def test_failed_retrain_keeps_serving_the_old_model(tmp_path):
    b = Backend(tmp_path, load_model=load_fake, retrain=FakeTrainer(fail=True), debounce=0.05)
    b.webhook(_annotation_event(1, 1))
    assert b.wait_idle(10)
    assert b.model_version == "fake-v1" and "out of memory" in b.health()["last_error"]
    b.close()


def test_other_events_and_bad_requests(served):
    _, trainer, http = served
    assert http.post("/webhook", json={"action": "PROJECT_UPDATED"}).json()["status"] == "ignored"
    assert http.post("/predict", content=b"not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert http.get("/nowhere").status_code == 404
    assert trainer.calls == []


def test_predictor_failure_is_a_500_with_the_reason(tmp_path):
    def broken(model_dir):
        def predict(text):
            raise ValueError("tagger exploded")
        return Model(predict, "v")
    b = Backend(tmp_path, load_model=broken, retrain=FakeTrainer())
    server, _ = serve_in_thread(b, port=free_port())
    r = httpx.post(f"http://127.0.0.1:{server.server_address[1]}/predict", json={"tasks": [{"data": {"text": "x"}}]})
    assert r.status_code == 500 and "tagger exploded" in r.json()["error"]
    server.shutdown(); server.server_close(); b.close()


def test_busy_port_is_a_clear_error(tmp_path):
    b = Backend(tmp_path, load_model=load_fake, retrain=FakeTrainer())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        with pytest.raises(BackendError, match=f"port {s.getsockname()[1]} .* is busy"):
            make_server(b, port=s.getsockname()[1])
    b.close()


def test_record_on_identical_text_is_unchanged():
    rec = fake_model_predict("负责本区𠮷祥路沿线绿地的日常养护。")
    assert record_on_text(rec, rec.text) is rec
