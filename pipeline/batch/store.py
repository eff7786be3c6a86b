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
    """Complete, valid lines of records.jsonl, each parsed whole (one at a time; a giant record
    is one giant dict: the batch itself reads only ``iter_heads``)."""
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


class _Line:
    """One line of a file opened in binary mode, as a readable stream that ends at its newline
    (``read`` never returns more than one block), so that a parser can stop anywhere in it.
    ``skip`` reads on to the end of the line; ``complete``: it ended with a newline."""

    BLOCK = 1 << 16

    def __init__(self, fh):
        self.fh = fh
        self.start = fh.tell()
        self.done = False
        self.complete = False

    def read(self, size: int = -1) -> bytes:
        if self.done or size == 0:   # read(0): a parser asking whether the stream gives bytes
            return b""
        data = self.fh.readline(self.BLOCK if size is None or size < 0 else size)
        if data.endswith(b"\n"):
            self.done = self.complete = True
            return data[:-1]
        if not data:
            self.done = True
        return data

    def skip(self) -> None:
        while not self.done:
            self.read(self.BLOCK)


def _lines(jsonl: Path) -> Iterator[_Line]:
    """The lines of records.jsonl one after another, each read to its end once its consumer
    is done with it."""
    with open(jsonl, "rb") as fh:
        while True:
            line = _Line(fh)
            yield line
            line.skip()
            if fh.tell() == line.start:
                return


# the fields a head keeps whole: small ones, found before the text in every record
HEAD_FIELDS = ("schema_version", "doc_id", "source", "errors", "warnings", "model_version")
KEY_FIELDS = ("doc_id", "source")


def _scan(stream, keys_only: bool = False) -> Optional[dict]:
    """A record's head from its JSON text, streamed (ijson's C parser): HEAD_FIELDS whole,
    ``text`` cut to 100 characters, and every other list field as ``range(number of items)``
    (what the batch's summary counts); with ``keys_only``, reading stops once ``doc_id`` and
    ``source`` are read. None when the text is not a JSON object."""
    import ijson
    from ijson.common import ObjectBuilder

    head: dict = {}
    events = ijson.basic_parse(stream, use_float=True)
    try:
        if next(events, (None, None))[0] != "start_map":
            return None
        for event, field in events:
            if event == "end_map":
                return head
            if keys_only and all(k in head for k in KEY_FIELDS):
                return head
            event, value = next(events)   # the field's value starts
            if field in HEAD_FIELDS:
                builder = ObjectBuilder()
                builder.event(event, value)
                depth = event in _STARTS
                while depth:
                    event, value = next(events)
                    builder.event(event, value)
                    depth += (event in _STARTS) - (event in _ENDS)
                head[field] = builder.value
            elif event in _STARTS:   # a list's items counted, a map skipped
                depth, items = 1, 0
                while depth:
                    event = next(events)[0]
                    if event in _STARTS:
                        items += depth == 1
                        depth += 1
                    elif event in _ENDS:
                        depth -= 1
                    elif depth == 1 and event != "map_key":
                        items += 1
                if value is None and event == "end_array":
                    head[field] = range(items)
            elif field == "text" and event == "string":
                head["text"] = value[:100]
        return None   # the record never closed
    except (ijson.JSONError, StopIteration):
        return None


_STARTS = frozenset(("start_map", "start_array"))
_ENDS = frozenset(("end_map", "end_array"))


def iter_heads(jsonl: Path, keys_only: bool = False) -> Iterator[dict]:
    """The heads (``_scan``) of the complete, valid lines of records.jsonl, streamed: memory
    stays bounded by one block and one string of a record (its text), however big the record
    and the file. ``summarize`` in pipeline.annotate_cli reads heads as it reads records."""
    for line, head in _scanned(jsonl, keys_only):
        yield head


def _scanned(jsonl: Path, keys_only: bool) -> Iterator[tuple[_Line, dict]]:
    if not jsonl.exists():
        return
    for line in _lines(jsonl):
        head = _scan(line, keys_only)
        line.skip()
        if not line.complete:
            return   # an unfinished last line
        if head is not None:
            yield line, head


def write_indented(events, out, indent: int = 1) -> None:
    """The text of ``json.dumps(value, ensure_ascii=False, indent=indent)`` written to ``out``
    from the value's parser events (ijson.basic_parse with use_float=True), never holding the
    value: a per-document file restored from its records.jsonl line."""
    stack: list[list] = []   # per open container: [is_map, items written]
    for event, value in events:
        if event in ("end_map", "end_array"):
            _, n = stack.pop()
            if n:
                out.write("\n" + " " * (indent * len(stack)))
            out.write("}" if event == "end_map" else "]")
            continue
        if event == "map_key":
            top = stack[-1]
            out.write(("," if top[1] else "") + "\n" + " " * (indent * len(stack))
                      + json.dumps(value, ensure_ascii=False) + ": ")
            top[1] += 1
            continue
        if stack and not stack[-1][0]:   # an item of a list
            out.write(("," if stack[-1][1] else "") + "\n" + " " * (indent * len(stack)))
            stack[-1][1] += 1
        if event == "start_map":
            out.write("{")
            stack.append([True, 0])
        elif event == "start_array":
            out.write("[")
            stack.append([False, 0])
        else:
            out.write(json.dumps(value, ensure_ascii=False))


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
        # only each line's keys are read (doc_id and source, at its start): a giant record is
        # never parsed whole, and the rest of its line is skipped block by block
        by_resolved = {i.resolved: i for i in inputs}
        current: dict[str, Optional[str]] = {}   # content hash now, computed once per input seen in the file
        keep_keys: set[tuple[str, str]] = set()
        rewrite = False
        n_lines = 0
        for line, rec in _scanned(self.jsonl, keys_only=True):
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
                self._restore_file(rec, line.start)
        if rewrite:
            self._rewrite(keep_keys)
            self.dropped_lines = n_lines - len(keep_keys)

    def _restore_file(self, head: dict, start: int) -> None:
        """The per-document file of the line at byte ``start``, whose file is missing,
        re-indented from the line as it streams (the same text as the file a worker writes)."""
        import ijson
        path = self.folder / f"{out_name_of(head)}.json"
        tmp = path.with_name(path.name + f".{os.getpid()}{TMP_SUFFIX}")
        with open(self.jsonl, "rb") as src, open(tmp, "w", encoding="utf-8") as out:
            src.seek(start)
            write_indented(ijson.basic_parse(_Line(src), use_float=True), out)
        os.replace(tmp, path)
        self.restored_files += 1

    def _rewrite(self, keep: set[tuple[str, str]]) -> None:
        """records.jsonl without stale and repeated lines (each kept line copied as it is, block
        by block), replaced atomically."""
        tmp = self.jsonl.with_name(self.jsonl.name + f".{os.getpid()}{TMP_SUFFIX}")
        written: set[tuple[str, str]] = set()
        with open(tmp, "wb") as out, open(self.jsonl, "rb") as src:
            for line, rec in _scanned(self.jsonl, keys_only=True):
                key = record_key(rec)
                if key in keep and key not in written:
                    written.add(key)
                    src.seek(line.start)
                    piece = _Line(src)
                    for block in iter(lambda: piece.read(_Line.BLOCK), b""):
                        out.write(block)
                    out.write(b"\n")
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
