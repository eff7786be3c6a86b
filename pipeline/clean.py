"""Cleaning with an offset map.

Turns the text a reader produced (the *source* text) into the record's ``text``
and keeps, for every cleaned character, the index of the source character it
came from, so any span can be traced back to the original file.

Every pass is a list of edits ``(start, end, replacement)`` with
``len(replacement) <= end - start``; replacement character k maps to source
index ``start + k``. The map therefore stays monotonic, which is what makes the
reverse lookup (source offset → cleaned offset) a binary search.

The passes, in order, and why:
1. line endings → ``\\n`` (readers and the Label Studio browser disagree on ``\\r``);
2. markup the seeds carry: HTML tags (the gap between two table cells becomes a tab), ``[bookmark: …]``, markdown heading marks
   (their level is kept as a heading hint), HTML entities;
3. character normalisation, one for one: full-width digits and Latin letters,
   NBSP/ideographic spaces inside numbers, zero-width characters and stray control
   characters (NUL, DEL, C1; the reader warns about them) dropped;
4. OCR spacing inside numbers: ``1609. 99`` → ``1609.99``, ``1 286. 4`` → ``1286.4``,
   ``9 8 . 2 5`` → ``98.25``;
5. OCR garbage: runs of letters from scripts a Chinese report never uses
   (Devanagari, Hebrew, Arabic, …) and lines that hold nothing but stray symbols;
6. trailing spaces at line ends (tabs are kept: they delimit table cells).

The cleaner is idempotent: cleaning a cleaned text changes nothing. That lets
Label Studio tasks (whose text is already clean) go through the same path.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import numpy as np

Edit = tuple[int, int, str]


@dataclass
class OffsetMap:
    """Cleaned index ⇄ source index. ``to_source`` has len(text)+1 entries."""
    to_source_arr: np.ndarray
    source_len: int

    def to_source(self, i: int) -> int:
        return int(self.to_source_arr[min(max(i, 0), len(self.to_source_arr) - 1)])

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            s = self.to_source(start)
            return s, s
        return self.to_source(start), self.to_source(end - 1) + 1

    def span_to_clean(self, start: int, end: int) -> tuple[int, int]:
        """The cleaned span covering what survives of source [start, end)."""
        arr = self.to_source_arr[:-1]
        cs = int(np.searchsorted(arr, start, side="left"))
        ce = int(np.searchsorted(arr, end - 1, side="right")) if end > start else cs
        return cs, max(cs, ce)

    def runs(self) -> list[tuple[int, int, int]]:
        """Compressed form for the record: [clean_start, source_start, length] runs."""
        arr = self.to_source_arr[:-1]
        if len(arr) == 0:
            return []
        breaks = np.flatnonzero(np.diff(arr) != 1) + 1
        starts = np.concatenate(([0], breaks))
        ends = np.concatenate((breaks, [len(arr)]))
        return [(int(s), int(arr[s]), int(e - s)) for s, e in zip(starts, ends)]

    @classmethod
    def from_runs(cls, runs: list[tuple[int, int, int]], text_len: int, source_len: int) -> "OffsetMap":
        arr = np.empty(text_len + 1, dtype=np.int64)
        for cs, ss, n in runs:
            arr[cs:cs + n] = np.arange(ss, ss + n)
        arr[text_len] = source_len
        return cls(arr, source_len)

    @classmethod
    def identity(cls, n: int) -> "OffsetMap":
        return cls(np.arange(n + 1, dtype=np.int64), n)


@dataclass
class Cleaned:
    text: str
    offsets: OffsetMap
    # (offset of a line in text, markdown heading level) for lines that carried `#` marks
    heading_hints: list[tuple[int, int]] = field(default_factory=list)


def _apply(text: str, idx: np.ndarray, edits: list[Edit]) -> tuple[str, np.ndarray]:
    """Apply sorted, non-overlapping edits to text and its index array."""
    if not edits:
        return text, idx
    parts: list[str] = []
    idx_parts: list[np.ndarray] = []
    pos = 0
    for start, end, repl in edits:
        if start < pos:  # overlapping edit: the earlier one wins
            continue
        parts.append(text[pos:start])
        idx_parts.append(idx[pos:start])
        if repl:
            parts.append(repl)
            idx_parts.append(idx[start:start + len(repl)])
        pos = end
    parts.append(text[pos:])
    idx_parts.append(idx[pos:])
    return "".join(parts), np.concatenate(idx_parts)


def _regex_edits(pattern: re.Pattern, text: str, repl) -> list[Edit]:
    edits = []
    for m in pattern.finditer(text):
        r = repl(m) if callable(repl) else repl
        if r != m.group(0):
            edits.append((m.start(), m.end(), r))
    return edits


# --- pass 1: line endings
_CRLF = re.compile(r"\r\n?")

# --- pass 2: markup
# HTML table cells pasted into a text file: 「<td>100</td><td>99.47</td>」 are two cells, not
# 「10099.47」; the gap between two cells becomes a tab (table layout "tabs")
_CELL_GAP = re.compile(r"</t[dh]>[ \t]*<t[dh]\b[^<>\n]{0,200}?>", re.I)
_TAG = re.compile(r"</?(?:p|b|i|u|em|strong|sup|sub|span|div|font|br|td|tr|th|table|tbody|thead|h[1-6]|li|ul|ol|a|img|hr|s|strike|del|ins|mark|small|big)\b[^<>\n]{0,200}?/?>", re.I)
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+", re.M)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")

# --- pass 3: one-for-one character normalisation
_CHAR_MAP = {chr(0xFF10 + i): str(i) for i in range(10)}
_CHAR_MAP.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_CHAR_MAP.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_CHAR_MAP.update({"\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
                  "％": "%", "\x0b": "\n", "\x0c": "\n"})
_CHAR_RE = re.compile("[" + "".join(re.escape(c) for c in _CHAR_MAP) + "]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x9f]")
# The patterns below that look back at a digit or a cell start with the character they
# consume and check behind it afterwards: a pattern that opens with a lookbehind is tried at
# every offset, one that opens with a character set is not (4-8x faster). Same matches as the
# compact forms kept in tests/structure/test_clean_patterns.py.
_FW_DOT = re.compile(r"[．。](?<=\d[．。])(?=\d)")

# --- pass 4: OCR spacing in numbers
_DEC_SPACE = re.compile(r"([.．])(?<=\d[.．])[ \u3000]+(?=\d{1,2}(?!\d))")
# a number broken across two table cells: 「14596\t.83」
_SPLIT_DECIMAL = re.compile(r"\t(?<=\d\t)\t*(?=[.．]\d)")
# OCR spacing through a whole decimal: 「9 8 . 2 5分」 (each space removed on its own, so every
# digit keeps its own source offset)
_SPACED_DECIMAL = re.compile(r"(?<![\d.．])\d(?: \d)* [.．] \d(?: \d)*(?![\d.．])")
_THOUSANDS_SPACE = re.compile(r"(\d(?<![\d.,]\d)\d{0,2}) (?=\d{3}(?:\.\d|万|元|%))")

# --- pass 5: OCR garbage. Scripts that never occur in a Chinese report, plus their marks.
_FOREIGN = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0900-\u097f\u0980-\u09ff\u0a00-\u0dff"
    "\u0e00-\u0e7f\u0f00-\u0fff\u10a0-\u10ff\u1200-\u137f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]+"
)
_SYMBOL_LINE = re.compile(r"^[ \u3000]*[^\t\n|\w\u3400-\u9fff]{1,40}[ \u3000]*$", re.M)
# A lone Latin letter glued to the front of a Chinese table cell is an OCR misread of a stroke.
_OCR_LETTER = re.compile(r"[A-Za-z](?<=[\u4e00-\u9fff]\t[A-Za-z])(?=[\u4e00-\u9fff])")
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")

# --- pass 6: trailing spaces (not tabs)
_TRAILING = re.compile(r"[ \u3000]+$", re.M)


def _entity_repl(m: re.Match) -> str:
    out = html.unescape(m.group(0))
    return out if len(out) <= len(m.group(0)) and out != m.group(0) else m.group(0)


def clean_text(source: str) -> Cleaned:
    """Clean a reader's text; see the module docstring for the passes."""
    text = source
    idx = np.arange(len(source) + 1, dtype=np.int64)
    # idx carries one extra sentinel (the end) that the edits never touch.

    def run(edits: list[Edit]) -> None:
        nonlocal text, idx
        body, end = idx[:-1], idx[-1:]
        text, body = _apply(text, body, edits)
        idx = np.concatenate((body, end))

    run(_regex_edits(_CRLF, text, "\n"))
    run(_regex_edits(_CELL_GAP, text, "\t"))
    run(_regex_edits(_TAG, text, lambda m: " " if m.group(0).lower().startswith("<br") else ""))
    run(_regex_edits(_BOOKMARK, text, ""))
    # markdown heading marks: remember, by source index, where each heading's words begin
    md_marks = [(int(idx[m.end()]), len(m.group(1))) for m in _MD_HEADING.finditer(text)]
    run(_regex_edits(_MD_HEADING, text, ""))
    run(_regex_edits(_ENTITY, text, _entity_repl))
    run(_regex_edits(_ZERO_WIDTH, text, ""))
    run(_regex_edits(_CHAR_RE, text, lambda m: _CHAR_MAP[m.group(0)]))
    # foreign-script debris goes before the number passes: removing it can bring a split
    # decimal together (「0\t.क0」), which a later pass would otherwise only join on a second cleaning
    run(_regex_edits(_FOREIGN, text, ""))
    run(_regex_edits(_FW_DOT, text, "."))
    run([(m.start() + k, m.start() + k + 1, "") for m in _SPACED_DECIMAL.finditer(text)
         for k, ch in enumerate(m.group(0)) if ch == " "])
    run(_regex_edits(_DEC_SPACE, text, lambda m: "."))
    run(_regex_edits(_SPLIT_DECIMAL, text, ""))
    run(_regex_edits(_THOUSANDS_SPACE, text, lambda m: m.group(1)))
    run(_regex_edits(_OCR_LETTER, text, ""))
    run([(m.start(), m.end() + (1 if m.end() < len(text) else 0), "")
         for m in _SYMBOL_LINE.finditer(text)
         if m.group(0).strip() and not _MEANINGFUL.search(m.group(0))])
    run(_regex_edits(_TRAILING, text, ""))

    offsets = OffsetMap(idx, len(source))
    hints = []
    for src_pos, level in md_marks:
        cs, _ = offsets.span_to_clean(src_pos, src_pos + 1)
        hints.append((text.rfind("\n", 0, cs) + 1, level))
    return Cleaned(text, offsets, hints)


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding the newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out
