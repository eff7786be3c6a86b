"""ML backend for Label Studio: pre-annotations on demand, retraining on new annotations.

Implements the small HTTP protocol Label Studio 1.23 speaks to an ML backend
(label_studio/ml/api_connector.py) on the standard library's threading HTTP
server — label-studio-ml 1.0.9 pins Flask 1.1.2, which we do not want:

* ``GET  /health``  → ``{"status": "UP", "model_version": ...}``
* ``POST /setup``   → ``{"model_version": ...}`` (Label Studio calls it before predicting)
* ``POST /predict`` ``{"tasks": [...]}`` → ``{"results": [prediction per task]}``
* ``POST /webhook`` Label Studio's webhook events: ANNOTATION_CREATED/UPDATED
  store the annotation and schedule a retrain, ANNOTATIONS_DELETED forgets,
  START_TRAINING retrains now
* ``POST /train``   legacy training call with every annotated task
* ``GET  /versions`` → the model versions this backend has served

The model and the trainer are injected: :class:`Model` wraps a ``text → Record``
function, ``load_model(dir)`` builds one, and ``retrain(examples, workdir) ->
model_version`` trains a new one under ``workdir/<model_version>/``. The
defaults are ``pipeline.annotate.annotate_text`` with the components of
``pipeline.annotate.load_components`` and ``pipeline.tag.train.retrain``.

Retraining runs on one background thread, debounced: a burst of annotations
leads to one retrain on all annotations stored so far, and the new model
replaces the old only once it has loaded. Annotations are kept in
``workdir/annotations.json`` (one entry per task, the newest annotation), so a
restarted backend still trains on everything it has seen.
"""
from __future__ import annotations

import errno
import json
import logging
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from pipeline.clean import OffsetMap
from pipeline.corpus.lsformat import Example, latest_annotation, task_to_example
from pipeline.labels import load_labels
from pipeline.labelstudio.tasks import record_to_prediction
from pipeline.record import Record

log = logging.getLogger("jixiao.labelstudio.backend")

RETRAIN_ACTIONS = {"ANNOTATION_CREATED", "ANNOTATION_UPDATED"}


class BackendError(RuntimeError):
    """The backend cannot start or cannot serve (no model, busy port …)."""


@dataclass
class Model:
    predict: Callable[[str], Record]
    version: str


LoadModel = Callable[[Path | None], Model]
Retrain = Callable[[list[Example], Path], str]


def default_load_model(model_dir: Path | None) -> Model:
    """The real pipeline: structure + tagger (+ linker) from model_dir (default models/tagger)."""
    from pipeline import MODELS_DIR
    from pipeline.annotate import annotate_text, load_components

    where = Path(model_dir or MODELS_DIR / "tagger")
    if not (where / "config.json").exists():
        raise BackendError(f"no trained tagger in {where} (train one with `make train`, or pass --model DIR)")
    comps = load_components(where, check=False)
    if comps.tagger is None:
        why = "; ".join(e.message for e in comps.load_errors) or "no tagger"
        raise BackendError(f"cannot load the tagger from {where}: {why}")
    version = getattr(comps.tagger, "model_version", None) or where.name

    def predict(text: str) -> Record:
        record = annotate_text(text, components=comps)
        record.model_version = record.model_version or version
        return record
    return Model(predict, version)


def default_retrain(examples: list[Example], workdir: Path) -> str:
    """Uses pipeline.tag.train.retrain (synthetic data plus the annotated examples)."""
    from pipeline.tag.train import retrain

    return retrain(examples, workdir)


def record_on_text(record: Record, text: str) -> Record:
    """The record with its offsets moved onto ``text``, the text the pipeline was given.

    The pipeline cleans its input (\\r\\n → \\n, …) and reports offsets into the
    cleaned text; a Label Studio task needs them in its own ``data.text``.
    ``record.source_map`` maps one to the other.
    """
    if record.text == text:
        return record
    if not record.source_map and record.text:
        raise BackendError("the pipeline changed the task text but gave no source_map to map offsets back")
    omap = OffsetMap.from_runs(record.source_map, len(record.text), len(text))
    out = record.model_copy(deep=True)
    out.text = text

    def move(obj) -> None:
        obj.start, obj.end = omap.span_to_source(obj.start, obj.end)
        if hasattr(obj, "text") and isinstance(obj.text, str):
            obj.text = text[obj.start:obj.end]
    for s in out.spans:
        move(s)
    for t in out.tables:
        t.start, t.end = omap.span_to_source(t.start, t.end)
        for row in t.rows:
            for c in row.cells:
                move(c)
    for v in out.budget.values():
        move(v)
    for p in out.projects:
        if p.start is not None and p.end is not None:
            p.start, p.end = omap.span_to_source(p.start, p.end)
    return out


@dataclass
class BackendState:
    """What /health and /versions report; guarded by Backend.lock."""
    versions: list[str] = field(default_factory=list)
    training: bool = False
    last_error: str | None = None
    trained_on: int = 0


class Backend:
    def __init__(self, workdir: Path, model_dir: Path | None = None, load_model: LoadModel = default_load_model,
                 retrain: Retrain = default_retrain, debounce: float = 5.0):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.load_model = load_model
        self.retrain_fn = retrain
        self.debounce = debounce
        self.lock = threading.RLock()
        self.model = load_model(model_dir)
        self.state = BackendState(versions=[self.model.version])
        self.span_labels = set(load_labels().names)
        self._store_path = self.workdir / "annotations.json"
        self._store: dict[str, dict] = (json.loads(self._store_path.read_text(encoding="utf-8"))
                                        if self._store_path.exists() else {})
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stop = False
        self._pending_since: float | None = None
        self._thread = threading.Thread(target=self._train_loop, name="jixiao-retrain", daemon=True)
        self._thread.start()

    @property
    def model_version(self) -> str:
        with self.lock:
            return self.model.version

    # ---------------------------------------------------------------- protocol

    def health(self) -> dict:
        with self.lock:
            return {"status": "UP", "model_class": "jixiao", "model_version": self.model.version,
                    "training": self.state.training, "annotations": len(self._store),
                    "last_error": self.state.last_error}

    def setup(self, payload: dict) -> dict:
        return {"model_version": self.model_version}

    def versions(self) -> dict:
        with self.lock:
            return {"versions": list(self.state.versions), "model_version": self.model.version}

    def predict(self, payload: dict) -> dict:
        with self.lock:
            model = self.model
        results = []
        for task in payload.get("tasks") or []:
            text = (task.get("data") or {}).get("text") or ""
            record = record_on_text(model.predict(text), text)
            converted = record_to_prediction(record, self.span_labels)
            results.append({"result": converted.result, "score": converted.score,
                            "model_version": record.model_version or model.version})
        return {"results": results, "model_version": model.version}

    def webhook(self, payload: dict) -> dict:
        action = payload.get("action")
        if action in RETRAIN_ACTIONS:
            task = dict(payload.get("task") or {})
            annotation = payload.get("annotation") or {}
            if not task.get("id") and annotation.get("task"):
                task["id"] = annotation["task"]
            if annotation.get("was_cancelled"):
                return {"status": "ignored", "reason": "cancelled annotation"}
            task["annotations"] = [annotation]
            self._remember([task])
            self.schedule_retrain()
            return {"status": "ok", "scheduled": True}
        if action == "ANNOTATIONS_DELETED":
            ids = {a.get("id") for a in payload.get("annotations") or []}
            with self.lock:
                for key in [k for k, t in self._store.items() if t["annotations"][0].get("id") in ids]:
                    del self._store[key]
                self._save_store()
            return {"status": "ok", "forgotten": len(ids)}
        if action == "START_TRAINING":
            self.schedule_retrain(now=True)
            return {"status": "ok", "scheduled": True}
        return {"status": "ignored", "action": action}

    def train(self, payload: dict) -> dict:
        """Legacy /train: every annotated task of the project."""
        self._remember(payload.get("annotations") or [])
        self.schedule_retrain(now=True)
        return {"status": "ok", "job": f"retrain-{int(time.time())}"}

    # ---------------------------------------------------------------- annotations

    def _remember(self, tasks: list[dict]) -> None:
        """Keep each task's newest non-cancelled annotation (a later one replaces it)."""
        with self.lock:
            for task in tasks:
                ann = latest_annotation(task)
                if ann is None or task.get("id") is None:
                    continue
                self._store[str(task["id"])] = {"id": task["id"], "data": dict(task.get("data") or {}),
                                                "annotations": [ann]}
            self._save_store()

    def _save_store(self) -> None:
        tmp = self._store_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._store, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self._store_path)

    def examples(self) -> list[Example]:
        with self.lock:
            tasks = list(self._store.values())
        return [ex for ex in (task_to_example(t, self.span_labels) for t in tasks) if ex is not None]

    # ---------------------------------------------------------------- retraining

    def schedule_retrain(self, now: bool = False) -> None:
        with self.lock:
            self._pending_since = time.monotonic() - (self.debounce if now else 0.0)
            self._idle.clear()
        self._wake.set()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no retrain is pending or running (for tests and shutdown)."""
        return self._idle.wait(timeout)

    def _train_loop(self) -> None:
        while not self._stop:
            self._wake.wait(timeout=1.0)
            self._wake.clear()
            with self.lock:
                since = self._pending_since
            if since is None:
                continue
            wait = since + self.debounce - time.monotonic()
            if wait > 0:  # more annotations may be on their way: wait for the burst to end
                time.sleep(min(wait, 1.0))
                self._wake.set()
                continue
            with self.lock:
                self._pending_since = None
                self.state.training = True
            self._retrain_once()
            with self.lock:
                self.state.training = False
                if self._pending_since is None:
                    self._idle.set()

    def _retrain_once(self) -> None:
        examples = self.examples()
        if not examples:
            return
        with self.lock:
            n = len(self.state.versions)
        workdir = self.workdir / "models" / f"run-{n:03d}"
        try:
            version = self.retrain_fn(examples, workdir)
            model = self.load_model(workdir / version)
            if not model.version or model.version == self.model_version:
                model = Model(model.predict, version)
        except Exception as exc:  # noqa: BLE001 - keep serving the old model
            log.error("retraining failed; still serving %s: %s", self.model_version, exc)
            log.debug("%s", traceback.format_exc())
            with self.lock:
                self.state.last_error = f"retraining failed: {exc}"
            return
        with self.lock:
            self.model = model
            self.state.versions.append(model.version)
            self.state.trained_on = len(examples)
            self.state.last_error = None
        log.info("retrained on %d annotated task(s): now serving %s", len(examples), model.version)

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join(timeout=5)


# ---------------------------------------------------------------- HTTP

ROUTES_GET = {"/health": "health", "/": "health", "/versions": "versions"}
ROUTES_POST = {"/predict": "predict", "/setup": "setup", "/webhook": "webhook", "/train": "train"}


def make_handler(backend: Backend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "jixiao-ml-backend"

        def _send(self, status: int, body: dict) -> None:
            raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _dispatch(self, routes: dict[str, str], payload: dict) -> None:
            name = routes.get(self.path.split("?", 1)[0].rstrip("/") or "/")
            if name is None:
                self._send(404, {"error": f"no route {self.command} {self.path}"})
                return
            try:
                self._send(200, getattr(backend, name)(payload) if self.command == "POST" else getattr(backend, name)())
            except Exception as exc:  # noqa: BLE001 - answer Label Studio with the reason
                log.error("%s %s failed: %s", self.command, self.path, exc)
                self._send(500, {"error": str(exc)})

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._dispatch(ROUTES_GET, {})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            try:
                payload = json.loads(self.rfile.read(length).decode("utf-8") or "{}") if length else {}
            except ValueError:
                self._send(400, {"error": "body is not JSON"})
                return
            if not isinstance(payload, dict):
                self._send(400, {"error": "body must be a JSON object"})
                return
            self._dispatch(ROUTES_POST, payload)

        def log_message(self, fmt: str, *args) -> None:
            # Request lines only, through logging (where token redaction applies); never headers.
            log.info("%s %s", self.address_string(), fmt % args)

    return Handler


def make_server(backend: Backend, host: str = "127.0.0.1", port: int = 9090) -> ThreadingHTTPServer:
    try:
        server = ThreadingHTTPServer((host, port), make_handler(backend))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise BackendError(f"port {port} on {host} is busy: choose another with --port") from None
        raise BackendError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    server.daemon_threads = True
    return server


def serve_in_thread(backend: Backend, host: str = "127.0.0.1", port: int = 9090) -> tuple[ThreadingHTTPServer, threading.Thread]:
    server = make_server(backend, host, port)
    thread = threading.Thread(target=server.serve_forever, name="jixiao-ml-backend", daemon=True)
    thread.start()
    return server, thread

