"""The output folder, written so that every input ends up exactly once whatever kills the run.

Order of writes for one document (a kill -9 between any two leaves a state the next run repairs):
1. ``<name>.json`` written to a temporary file, then renamed over the final name (atomic);
2. one line appended to ``records.jsonl``, flushed and fsynced.
On opening for a resume: temporary files are removed; a torn last line of records.jsonl is cut
off; lines of an input whose content changed since (or repeated lines) are dropped; every input
whose (resolved path, content hash) has a line is skipped. A per-document file written
without its line (killed between 1 and 2) is simply written again under the same name, and a
line whose file is missing gets its file back from the line.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from pipeline.batch.inputs import Input

RECORDS = "records.jsonl"
TMP_SUFFIX = ".tmp"


def content_sha256(path: str) -> Optional[str]:
    """The file's SHA-256 (the record's doc_id), opened without blocking (a file swapped for a
    pipe gives None instead of a hang); None when it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        import stat
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h = hashlib.sha256()
        with os.fdopen(fd, "rb", closefd=False) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def record_key(record: dict) -> tuple[str, str]:
    """(resolved path, doc_id) of a written record. Records of earlier versions have no
    source.resolved: their path is resolved now, from the current folder."""
    source = record.get("source", {})
    resolved = source.get("resolved") or os.path.realpath(source.get("path", ""))
    return resolved, record.get("doc_id", "")


def out_name_of(record: dict) -> str:
    resolved, _ = record_key(record)
    stem = Path(record.get("source", {}).get("path", "")).stem[:80].strip() or "unnamed"
    return f"{stem}.{hashlib.sha256(resolved.encode('utf-8')).hexdigest()[:10]}"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: str) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}{TMP_SUFFIX}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.replace(tmp, path)


def repair_torn_tail(jsonl: Path) -> int:
    """Cut records.jsonl after its last complete line; the number of bytes cut."""
    if not jsonl.exists():
        return 0
    size = jsonl.stat().st_size
    if size == 0:
        return 0
    with open(jsonl, "rb+") as fh:
        # read back from the end until a newline: the tail after it is an unfinished line
        pos, tail = size, b""
        while pos > 0:
            step = min(1 << 16, pos)
            pos -= step
            fh.seek(pos)
            tail = fh.read(step) + tail
            nl = tail.rfind(b"\n")
            if nl >= 0:
                keep = pos + nl + 1
                break
        else:
            keep = 0
        if keep < size:
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
        return size - keep


def iter_records(jsonl: Path) -> Iterator[dict]:
    """Complete, valid lines of records.jsonl (one at a time: constant memory)."""
    if not jsonl.exists():
        return
    with open(jsonl, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


@dataclass
class OutputStore:
    folder: Path
    done: dict[str, set[str]] = field(default_factory=dict)   # resolved path → doc_ids written
    repaired_bytes: int = 0
    dropped_lines: int = 0
    restored_files: int = 0
    _fh: object = None

    @property
    def jsonl(self) -> Path:
        return self.folder / RECORDS

    @classmethod
    def open(cls, folder: Path, resume: bool = True, inputs: list[Input] | None = None) -> "OutputStore":
        """Open (and repair) the output folder. With ``inputs``, lines of an input whose content
        has changed since are dropped, so that it is redone and present once."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        store = cls(folder)
        for tmp in folder.glob(f"*{TMP_SUFFIX}"):
            tmp.unlink(missing_ok=True)
        if not resume:
            store.jsonl.unlink(missing_ok=True)
        store.repaired_bytes = repair_torn_tail(store.jsonl)
        if store.jsonl.exists():
            store._load(inputs or [])
        store._fh = open(store.jsonl, "ab")
        return store

    def _load(self, inputs: list[Input]) -> None:
        by_resolved = {i.resolved: i for i in inputs}
        current: dict[str, Optional[str]] = {}   # content hash now, computed once per input seen in the file
        keep_keys: set[tuple[str, str]] = set()
        rewrite = False
        n_lines = 0
        for rec in iter_records(self.jsonl):
            n_lines += 1
            resolved, doc_id = record_key(rec)
            inp = by_resolved.get(resolved)
            stale = False
            if inp is not None and inp.problem is None:
                if resolved not in current:
                    current[resolved] = content_sha256(inp.path)
                stale = current[resolved] is not None and current[resolved] != doc_id
            if stale or (resolved, doc_id) in keep_keys:
                rewrite = True
                continue
            keep_keys.add((resolved, doc_id))
            self.done.setdefault(resolved, set()).add(doc_id)
            if not (self.folder / f"{out_name_of(rec)}.json").exists():
                write_atomic(self.folder / f"{out_name_of(rec)}.json", json.dumps(rec, ensure_ascii=False, indent=1))
                self.restored_files += 1
        if rewrite:
            self._rewrite(keep_keys)
            self.dropped_lines = n_lines - len(keep_keys)

    def _rewrite(self, keep: set[tuple[str, str]]) -> None:
        """records.jsonl without stale and repeated lines, replaced atomically."""
        tmp = self.jsonl.with_name(self.jsonl.name + f".{os.getpid()}{TMP_SUFFIX}")
        written: set[tuple[str, str]] = set()
        with open(tmp, "w", encoding="utf-8") as out:
            for rec in iter_records(self.jsonl):
                key = record_key(rec)
                if key in keep and key not in written:
                    written.add(key)
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.jsonl)
        _fsync_dir(self.folder)

    def is_done(self, inp: Input) -> bool:
        """True when a line for this input (same resolved path, same content) is written."""
        ids = self.done.get(inp.resolved)
        if not ids:
            return False
        if inp.problem is not None:
            return True
        now = content_sha256(inp.path)
        return now is None or now in ids

    def write(self, name: str, pretty: str, line: str) -> None:
        """One finished document: its file first (atomic), then its line (flushed, fsynced)."""
        write_atomic(self.folder / f"{name}.json", pretty)
        self._append_line(line.encode("utf-8"))

    def write_staged(self, name: str, pretty_file: str, line_file: str) -> None:
        """The same, from the two temporary files a worker wrote in this folder: the first is
        renamed to the document's file, the second copied to the end of records.jsonl in blocks
        (a giant record is never read into memory) and removed."""
        os.replace(pretty_file, self.folder / f"{name}.json")
        with open(line_file, "rb") as src:
            self._append_line(src)
        os.unlink(line_file)

    def write_result(self, result) -> None:
        """A worker's Result (pipeline.batch.worker), staged or as strings."""
        if result.staged:
            self.write_staged(result.name, *result.staged)
        else:
            self.write(result.name, result.pretty, result.line)

    def _append_line(self, line) -> None:
        """``line`` (bytes, or a binary file to copy) plus a newline, flushed and fsynced."""
        if isinstance(line, bytes):
            self._fh.write(line)
        else:
            shutil.copyfileobj(line, self._fh, 1 << 20)
        self._fh.write(b"\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
