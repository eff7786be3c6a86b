"""One input → its record as JSON text, the same for every engine (local pool, Ray).

A worker process loads the components once (``init``) with its share of the cores as torch
threads; ``annotate_one`` never raises: a failure becomes the record's error."""
from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pipeline.batch.inputs import Input, has_undecodable_name


@dataclass(frozen=True)
class Settings:
    model: Optional[str] = None
    tag: bool = True
    link: bool = True
    check: bool = True
    max_mb: float = 20.0
    threads: int = 1
    min_confidence: Optional[float] = None        # the checker's threshold (None: configs/checking.yaml)
    disable_rules: tuple[str, ...] = ()           # tagger rules switched off
    no_rules: bool = False                        # the tagger's model and decoder only
    # the output folder, when the worker can write it (local engine): records are then streamed
    # to temporary files there instead of travelling back as strings (a 20 MB report's record
    # is hundreds of MB of JSON)
    staging: Optional[str] = None
    # seconds per document enforced inside the worker (Ray actors: Ray has no per-task time
    # limit; the local engine's pool kills and replaces the worker process instead)
    time_limit: Optional[float] = None


@dataclass(frozen=True)
class Result:
    name: str      # output file stem
    pretty: str    # <name>.json ("" when staged)
    line: str      # its records.jsonl line (no newline; "" when staged)
    path: str      # source.path, for messages
    errors: tuple[str, ...] = ()   # "stage: message" of real (non-warning) errors
    warnings: tuple[str, ...] = ()  # "stage: message" of the record's warnings
    # (pretty file, line file): the same two texts written by the worker to temporary files in
    # the output folder (Settings.staging), for the store to rename and append
    staged: Optional[tuple[str, str]] = None


_COMPONENTS = None
_SETTINGS: Optional[Settings] = None


def limit_threads(threads: int, torch_too: bool = True) -> None:
    """N workers × their threads = the cores (OpenMP read the variables when torch loads)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if torch_too:
        import torch
        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass  # already set in this process


# A short report of this project's own: every stage reads it once when a worker starts
WARM_UP_TEXT = ("2023年度部门整体支出绩效自评报告\n一、部门基本情况\n（一）主要职能\n1.负责全区园林绿化的规划和管理工作。\n"
                "二、预算执行情况\n年初预算100.00万元，全年支出98.00万元，预算执行率98.00%。\n项目\t预算数（万元）\t执行数（万元）\t执行率\n合计\t100.00\t98.00\t98.00%\n"
                "三、绩效目标完成情况\n全年开展绿地巡查120次。\n四、存在的问题\n预算编制不够细化。\n五、改进措施\n进一步加强预算管理。\n")


def init(settings: Settings) -> None:
    """Worker start: threads, then the model, loaded once for every document this worker does;
    then one short report through every stage, so that what the stages load on first use (the
    lexicons, compiled patterns, the tagger's first pass) is loaded before any document's time
    limit runs: a document is timed for its own work. Without it the first document of a worker
    paid for the loading, and where a large first document was stopped part-way through it the
    next one paid again (a 1 s limit stopped a 1,000-character report on a loaded machine)."""
    global _COMPONENTS, _SETTINGS
    from pipeline.annotate import annotate_text, load_components
    _SETTINGS = settings
    limit_threads(settings.threads, torch_too=settings.tag)
    _COMPONENTS = load_components(Path(settings.model) if settings.model else None, tag=settings.tag,
                                  link=settings.link, check=settings.check, threads=settings.threads,
                                  tagger_options={"disable": list(settings.disable_rules), "no_rules": settings.no_rules},
                                  min_confidence=settings.min_confidence)
    annotate_text(WARM_UP_TEXT, components=_COMPONENTS)   # never raises: a stage's failure is its record's error


def _clean_surrogates(value):
    """Strings with surrogate escapes (bytes of a non-UTF-8 file name quoted in a message)
    shown as \\xNN, so that the record is valid UTF-8 JSON."""
    if isinstance(value, str):
        return os.fsencode(value).decode("utf-8", "backslashreplace") if _has_surrogate(value) else value
    if isinstance(value, list):
        return [_clean_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_surrogates(v) for k, v in value.items()}
    return value


def _has_surrogate(s: str) -> bool:
    try:
        s.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def serialize(record, inp: Input, staging: Optional[str] = None) -> Result:
    """The record as its records.jsonl line and its indented file, written piece by piece
    (``Record.json_pieces``): to two temporary files in ``staging`` when given, else to strings."""
    from pipeline.batch.store import TMP_SUFFIX

    errors = tuple(_clean_surrogates(f"{e.stage}: {e.message}") for e in record.errors)
    warnings = tuple(_clean_surrogates(f"{w.stage}: {w.message}") for w in record.warnings)
    pieces = record.json_pieces((None, 1), fix=_clean_surrogates)
    if staging is None:
        line, pretty = (io.StringIO(), io.StringIO())
        for compact, indented in pieces:
            line.write(compact)
            pretty.write(indented)
        return Result(inp.out_name, pretty.getvalue(), line.getvalue(), inp.display, errors, warnings)
    base = os.path.join(staging, f"{inp.out_name}.{os.getpid()}")
    pretty_file, line_file = f"{base}.json{TMP_SUFFIX}", f"{base}.line{TMP_SUFFIX}"
    try:
        with open(line_file, "w", encoding="utf-8") as line, open(pretty_file, "w", encoding="utf-8") as pretty:
            for compact, indented in pieces:
                line.write(compact)
                pretty.write(indented)
    except BaseException:
        for f in (pretty_file, line_file):
            with contextlib.suppress(OSError):
                os.unlink(f)
        raise
    return Result(inp.out_name, "", "", inp.display, errors, warnings, staged=(pretty_file, line_file))


def _stamp(record, inp: Input) -> None:
    from pipeline.record import WarningEntry
    record.source.path = inp.display
    record.source.resolved = inp.resolved
    if has_undecodable_name(inp.path):
        record.warnings.insert(0, WarningEntry(stage="read", message=(
            "the file name is not valid UTF-8; source.path shows its bytes escaped (\\xNN)")))


def error_record(inp: Input, stage: str, message: str) -> Result:
    """The record of an input no reader got to (a pipe, a loop, a timeout, a dead worker)."""
    from pipeline.record import ErrorEntry, Record, Source
    record = Record(doc_id=hashlib.sha256(inp.resolved.encode("utf-8")).hexdigest(),
                    source=Source(path=inp.display, format="unknown", bytes=0))
    _stamp(record, inp)
    record.errors.append(ErrorEntry(stage=stage, message=message))
    return serialize(record, inp)


class DocumentTimeout(BaseException):
    """Raised in the thread annotating a document when it passes its time limit. A
    BaseException, so that no stage's ``except Exception`` takes it for that stage's failure."""


def _raise_in(thread_id: int, exc: Optional[type]) -> None:
    # CPython's PyThreadState_SetAsyncExc: the exception is raised in that thread at its next
    # Python instruction (None clears one not raised yet)
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


@contextlib.contextmanager
def time_limit(seconds: Optional[float]):
    """Raise DocumentTimeout in the calling thread after ``seconds`` (wall clock). Ray Data
    runs a map actor's function in a thread of its own, where no signal can reach, so a timer
    thread raises the exception there asynchronously: it lands between two Python
    instructions (regular expressions and torch hand back to Python often), the document's
    work unwinds, and the worker goes on with the next document. Without a limit nothing is
    armed."""
    if not seconds:
        yield
        return
    target, lock, state = threading.get_ident(), threading.Lock(), {"done": False}

    def expire():
        with lock:
            if not state["done"]:
                _raise_in(target, DocumentTimeout)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            _raise_in(target, None)   # an exception sent just now and not yet raised: cleared


def annotate_one(inp: Input) -> Result:
    """In a worker started with ``init``: read, annotate, serialize one input."""
    from pipeline.annotate import annotate_path
    from pipeline.read import ReadLimits

    if inp.problem is not None:
        return error_record(inp, "read", inp.problem)
    settings = _SETTINGS or Settings()
    try:
        with time_limit(settings.time_limit):
            record = annotate_path(Path(inp.path), _COMPONENTS,
                                   ReadLimits(max_bytes=int(settings.max_mb * 1024 * 1024)))
        _stamp(record, inp)
        return serialize(record, inp, settings.staging)
    except DocumentTimeout:
        return error_record(inp, "annotate", f"timed out after {settings.time_limit:g} s (--timeout): stopped "
                                             "in its worker, which goes on; the document was not annotated")
    except Exception as exc:  # noqa: BLE001 - annotate_path does not raise; this is the last guard
        return error_record(inp, "annotate", f"unexpected failure: {type(exc).__name__}: {exc}")
