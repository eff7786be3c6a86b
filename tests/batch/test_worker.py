"""The worker's own time limit (used by the Ray engine): the document over it gets an error
record and the same process annotates the next one."""
from __future__ import annotations

import json
import time

from pipeline import PROJECT_ROOT
from pipeline.batch import worker
from pipeline.batch.inputs import discover

GOOD = PROJECT_ROOT / "examples" / "county_education_bureau_2022.txt"


def test_time_limit_stops_the_document_and_the_worker_goes_on(tmp_path, monkeypatch):
    text = GOOD.read_text(encoding="utf-8")
    (tmp_path / "a_big.txt").write_text((text + "\n") * 600, encoding="utf-8")   # ~1.6 MB: seconds of work
    (tmp_path / "small.txt").write_bytes(GOOD.read_bytes())
    big, small = sorted(discover([str(tmp_path)]), key=lambda i: i.display)
    for name in ("_SETTINGS", "_COMPONENTS"):    # put back after the test
        monkeypatch.setattr(worker, name, getattr(worker, name))
    worker.init(worker.Settings(tag=False, time_limit=0.5))
    t = time.monotonic()
    late = worker.annotate_one(big)
    assert time.monotonic() - t < 5
    assert any("timed out after 0.5 s" in e for e in late.errors)
    assert json.loads(late.line)["spans"] == [] and json.loads(late.line)["source"]["path"] == big.display
    time.sleep(0.6)   # past the first limit again: no stray exception from its (cancelled) timer
    done = worker.annotate_one(small)
    assert not done.errors and json.loads(done.line)["indicators"]


def test_time_limit_in_another_thread_and_nothing_after_it():
    """Ray Data calls the actor from a thread of its own: the limit works there too, and a
    limit that did not expire raises nothing later."""
    import threading
    seen = []

    def run():
        try:
            with worker.time_limit(0.2):
                while True:
                    sum(range(100))
        except worker.DocumentTimeout:
            seen.append("stopped")
        with worker.time_limit(0.2):
            pass
        t = time.monotonic()
        while time.monotonic() - t < 0.5:
            sum(range(100))
        seen.append("went on")

    th = threading.Thread(target=run)
    th.start()
    th.join(5)
    assert seen == ["stopped", "went on"]


def test_a_worker_reads_a_report_through_every_stage_before_its_first_document(monkeypatch):
    """What the stages load on first use is loaded at the worker's start, outside any document's
    time limit: init annotates its own short report once, with the components it loaded."""
    from pipeline import annotate
    from pipeline.annotate import is_report

    for name in ("_SETTINGS", "_COMPONENTS"):
        monkeypatch.setattr(worker, name, getattr(worker, name))
    seen = []
    real = annotate.annotate_text
    monkeypatch.setattr(annotate, "annotate_text", lambda text, **kw: seen.append((text, kw)) or real(text, **kw))
    worker.init(worker.Settings(tag=False))
    assert [t for t, _ in seen] == [worker.WARM_UP_TEXT]
    assert seen[0][1]["components"] is worker._COMPONENTS
    record = real(worker.WARM_UP_TEXT, components=worker._COMPONENTS)
    assert is_report(worker.WARM_UP_TEXT) and not record.errors
    assert record.sections and record.tables and record.budget   # structure's readers, not only the cleaner
