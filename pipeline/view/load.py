"""Records for the view: from record files, JSONL files and annotate output folders.

Unlike :func:`pipeline.labelstudio.push.read_records`, which stops at the first bad
record, the view keeps going: a file or line that is not a record becomes an entry
with an error, shown as a row of the index, so a site is always written for the
whole archive. An annotate output folder holds every record twice (``<stem>.json``
and a line of ``records.jsonl``); a folder with a ``records.jsonl`` is read from it
alone, and a document seen twice (same ``doc_id``) is kept once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from pydantic import ValidationError

from pipeline.record import Record

JSONL_NAME = "records.jsonl"


@dataclass
class Loaded:
    """One document for the site: its record, or why none could be read."""
    where: str
    record: Optional[Record] = None
    error: Optional[str] = None


def _parse(raw: str, where: str) -> Loaded:
    try:
        return Loaded(where, Record.from_data(json.loads(raw)))
    except (ValueError, TypeError, ValidationError) as exc:
        return Loaded(where, error=f"not a record: {str(exc)[:300]}")


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        if (path / JSONL_NAME).is_file():
            yield path / JSONL_NAME
        else:
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl"))
    else:
        yield path


def _entries(path: Path) -> Iterator[Loaded]:
    for f in _files(path):
        try:
            raw = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            yield Loaded(str(f), error=f"unreadable: {exc}")
            continue
        if f.suffix == ".jsonl":
            for n, line in enumerate(raw.splitlines(), 1):
                if line.strip():
                    yield _parse(line, f"{f}:{n}")
        else:
            yield _parse(raw, str(f))


def load_records(paths: Iterable[Path]) -> tuple[list[Loaded], int]:
    """Every document under paths, in the order given, and how many duplicates were dropped."""
    out: list[Loaded] = []
    seen: set[str] = set()
    duplicates = 0
    for path in map(Path, paths):
        for entry in _entries(path):
            if entry.record is not None:
                if entry.record.doc_id in seen:
                    duplicates += 1
                    continue
                seen.add(entry.record.doc_id)
            out.append(entry)
    return out, duplicates
