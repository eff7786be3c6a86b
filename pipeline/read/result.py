"""What every reader returns, the one error type readers raise, and the size limits they obey.

All readers (txt, md, html, docx, pdf) produce a ReadResult so that the stages after them are
format-blind: offsets everywhere downstream point into ReadResult.text.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TableBlock:
    """A table the file itself marks as one (docx/pdf/html tables).

    start/end and every cell span are offsets into ReadResult.text (end exclusive). The
    rendered text joins cells with tabs, but the spans, not the tabs, are the truth: a cell
    may contain line breaks.
    """
    start: int
    end: int
    rows: list[list[tuple[int, int]]]


@dataclass
class ReadResult:
    text: str                # decoded / rendered source text
    format: str              # txt | docx | pdf | html | md
    encoding: str | None     # txt/md/html: detected encoding name; None for docx/pdf
    n_bytes: int
    tables: list[TableBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class ReadError(Exception):
    """A file that cannot be read; .message is one clear, user-facing sentence."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ReadLimits:
    max_bytes: int = 20 * 1024 * 1024
    # docx zip-bomb guard: the sum of declared uncompressed member sizes, and per-member ratio.
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: float = 200.0


def format_size(n_bytes: int) -> str:
    """Human size for messages: '31.2 MB', '20 MB', '512 KB', '37 bytes'."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n_bytes >= scale:
            value = f"{n_bytes / scale:.1f}".removesuffix(".0")
            return f"{value} {unit}"
    return f"{n_bytes} bytes"


def check_size(n_bytes: int, limits: ReadLimits) -> None:
    if n_bytes > limits.max_bytes:
        size, limit = format_size(n_bytes), format_size(limits.max_bytes)
        if size == limit:  # just over the limit: rounding would print "20 MB, over the 20 MB limit"
            size, limit = f"{n_bytes:,} bytes", f"{limits.max_bytes:,}-byte"
        raise ReadError(f"file is {size}, over the {limit} limit")
