"""One input → its record as JSON text, the same for every engine (local pool, Ray).

A worker process loads the components once (``init``) with its share of the cores as torch
threads; ``annotate_one`` never raises: a failure becomes the record's error."""
from __future__ import annotations

import hashlib
import json
import os
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


@dataclass(frozen=True)
class Result:
    name: str      # output file stem
    pretty: str    # <name>.json
    line: str      # its records.jsonl line (no newline)
    path: str      # source.path, for messages
    errors: tuple[str, ...] = ()   # "stage: message" of real (non-warning) errors
    warnings: tuple[str, ...] = ()  # "stage: message" of the record's warnings


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


def init(settings: Settings) -> None:
    """Worker start: threads, then the model, loaded once for every document this worker does."""
    global _COMPONENTS, _SETTINGS
    from pipeline.annotate import load_components
    _SETTINGS = settings
    limit_threads(settings.threads, torch_too=settings.tag)
    if settings.tag:
        from transformers.utils import logging as hf_logging
        hf_logging.disable_progress_bar()   # one "Loading weights" bar per worker would cover the progress bar
    _COMPONENTS = load_components(Path(settings.model) if settings.model else None, tag=settings.tag,
                                  link=settings.link, check=settings.check, threads=settings.threads,
                                  tagger_options={"disable": list(settings.disable_rules), "no_rules": settings.no_rules},
                                  min_confidence=settings.min_confidence)


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


def serialize(record, inp: Input) -> Result:
    data = record.to_json_dict()
    line = json.dumps(data, ensure_ascii=False)
    if _has_surrogate(line):
        data = _clean_surrogates(data)
        line = json.dumps(data, ensure_ascii=False)
    errors = tuple(f"{e['stage']}: {e['message']}" for e in data.get("errors", []))
    warnings = tuple(f"{w['stage']}: {w['message']}" for w in data.get("warnings", []))
    return Result(inp.out_name, json.dumps(data, ensure_ascii=False, indent=1), line, inp.display, errors, warnings)


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


def annotate_one(inp: Input) -> Result:
    """In a worker started with ``init``: read, annotate, serialize one input."""
    from pipeline.annotate import annotate_path
    from pipeline.read import ReadLimits

    if inp.problem is not None:
        return error_record(inp, "read", inp.problem)
    settings = _SETTINGS or Settings()
    try:
        record = annotate_path(Path(inp.path), _COMPONENTS,
                               ReadLimits(max_bytes=int(settings.max_mb * 1024 * 1024)))
        _stamp(record, inp)
        return serialize(record, inp)
    except Exception as exc:  # noqa: BLE001 - annotate_path does not raise; this is the last guard
        return error_record(inp, "annotate", f"unexpected failure: {type(exc).__name__}: {exc}")
