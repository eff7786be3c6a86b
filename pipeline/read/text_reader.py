"""Read .txt and .md files: decode, record the encoding, drop the BOM, change nothing else.

Markdown is read exactly like plain text; its `#` headings and `|` pipe tables are recognised
by the structure stage, which sees every format through the same text.
"""
from __future__ import annotations

from pipeline.read.encoding import decode_text
from pipeline.read.result import ReadError, ReadLimits, ReadResult


def read_text(data: bytes, limits: ReadLimits, fmt: str = "txt") -> ReadResult:
    decoded = decode_text(data)
    # str.strip() knows U+3000 (the ideographic space); a stray BOM-like U+FEFF is no content either.
    if not decoded.text.replace("\ufeff", "").strip():
        raise ReadError("empty file (whitespace only)")
    return ReadResult(text=decoded.text, format=fmt, encoding=decoded.encoding, n_bytes=len(data),
                      warnings=decoded.warnings)
