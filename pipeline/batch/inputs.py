"""Inputs at scale: paths, folders and manifests → one ``Input`` per file to annotate.

Nothing here opens a file for reading (a named pipe would block) and nothing raises for a bad
name: a symbolic link loop, a dangling link, a pipe, a device or a socket becomes an Input
with a ``problem``, which becomes that input's error record. File names that are not valid
UTF-8 are kept (Python's surrogate escapes in ``path``) and shown with the bad bytes escaped
(``display``), so that records can be written as UTF-8 JSON.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Optional


def display_path(path: str) -> str:
    """The path as valid text: bytes that are not UTF-8 shown as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def has_undecodable_name(path: str) -> bool:
    return display_path(path) != path


@dataclass(frozen=True)
class Input:
    path: str          # as given or found (may hold surrogate escapes); what is opened
    display: str       # the path as text, the record's source.path
    resolved: str      # absolute, links resolved, as text: the resume key with the content hash
    problem: Optional[str] = None   # why it cannot be read at all (no worker is asked)

    @property
    def name_hash(self) -> str:
        return hashlib.sha256(self.resolved.encode("utf-8")).hexdigest()[:10]

    @property
    def out_name(self) -> str:
        """``<stem>.<10 hex of the resolved path's hash>``: same-named files in two folders
        get two names, and the same input always the same name (a rerun replaces, never adds)."""
        stem = Path(self.display).stem[:80].strip() or "unnamed"
        return f"{stem}.{self.name_hash}"


def _resolved(path: str) -> str:
    # realpath does not raise on loops (strict=False); abspath keeps a dangling link's own name
    try:
        return display_path(os.path.realpath(path))
    except (OSError, ValueError):
        return display_path(os.path.abspath(path))


def _kind_of(mode: int) -> Optional[str]:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def _stat_problem(path: str) -> tuple[Optional[os.stat_result], Optional[str]]:
    """(stat following links, None) or (None, why it cannot be read)."""
    try:
        return os.stat(path), None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "symbolic link loop: the link never reaches a file"
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return None, f"dangling symbolic link: its target {display_path(os.readlink(path))} does not exist"
        if exc.errno == errno.ENOENT:
            return None, "file not found"
        return None, f"cannot open file: {exc.strerror or exc}"
    except ValueError as exc:  # an embedded NUL in a manifest line
        return None, f"not a usable path: {exc}"


def _one(path: str) -> Input:
    st, problem = _stat_problem(path)
    if problem is None and st is not None:
        problem = _kind_of(st.st_mode)
    return Input(path=path, display=display_path(path), resolved=_resolved(path), problem=problem)


def _walk(folder: str, seen_dirs: set[tuple[int, int]]) -> Iterator[Input]:
    """Every non-hidden entry under ``folder``, sorted; links to folders are followed once
    (a link back to a folder already walked is a loop and gets a record)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name))
    except OSError as exc:
        yield Input(folder, display_path(folder), _resolved(folder), f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        st, problem = _stat_problem(path)
        if st is not None and stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                yield Input(path, display_path(path), _resolved(path),
                            "link to a folder already walked (a loop): not followed")
                continue
            seen_dirs.add(key)
            yield from _walk(path, seen_dirs)
            continue
        yield _one(path)


def read_manifest(source: str | Path, stdin: BinaryIO | None = None) -> Iterator[str]:
    """Paths from a manifest, one a line (``-``: standard input); bytes kept as given."""
    def lines(fh: BinaryIO) -> Iterator[str]:
        for raw in fh:
            raw = raw.rstrip(b"\r\n")
            if raw.strip():
                yield os.fsdecode(raw)
    if str(source) == "-":
        yield from lines(stdin or sys.stdin.buffer)
    else:
        with open(source, "rb") as fh:
            yield from lines(fh)


def discover(paths: Iterable[str | Path]) -> list[Input]:
    """Files and folders → Inputs, each resolved file once, in the order given (folders sorted)."""
    out: list[Input] = []
    seen: set[str] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for p in paths:
        p = os.fspath(p)
        st, _ = _stat_problem(p)
        if st is not None and stat.S_ISDIR(st.st_mode):
            seen_dirs.add((st.st_dev, st.st_ino))
            found: Iterable[Input] = _walk(p, seen_dirs)
        else:
            found = [_one(p)]
        for item in found:
            if item.resolved not in seen:
                seen.add(item.resolved)
                out.append(item)
    return out
