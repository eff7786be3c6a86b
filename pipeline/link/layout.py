"""Where a span sits on the page: its paragraph (or table cell), its row, its list number.

Problem/cause/measure linking reads structure, not just words: 「一是」 ↔ 「1、」,
a cause in the same numbered item as its problem, a measure in the table row
after the 偏差原因 row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from pipeline.lexicon import (BULLET, ENUMERATOR, ENUMERATOR_RE, continues_broken_line, enumerator_value,
                              section_item_value)
from pipeline.link.ends import RecordIndex
from pipeline.record import Span

# An item's number right before the span (「一是」, 「2、」, 「（3）」, 「1)」, 「④」), the last one earlier in
# its paragraph, or a bullet's place in its run of bulleted lines (pipeline.lexicon: one reading of
# list numbering for the whole project)
_NUMBER_AT_END = re.compile(rf"(?:{ENUMERATOR})[\s:：，,]*$")
# how many lines a paragraph broken by a PDF may span (a page holds about 40)
_MAX_BROKEN_LINES = 40


def _ordinal(text: str, start: int, span_start: int) -> Optional[int]:
    before = text[start:span_start]
    m = _NUMBER_AT_END.search(before[-8:])
    if m is None:
        marks = list(ENUMERATOR_RE.finditer(before))
        m = marks[-1] if marks else ENUMERATOR_RE.match(text, start + len(before) - len(before.lstrip()))
    if m is not None:
        value = enumerator_value(m.group(0))
        if value is None:
            value = section_item_value(m.group(0))   # 4.2 and 5.2: the second problem and its measure
        if value is not None:
            return value
    if BULLET.match(text, start):
        # 1 + the bulleted lines right above this one
        k, ls = 1, start
        while ls > 1:
            prev = text.rfind("\n", 0, ls - 1) + 1
            if not BULLET.match(text, prev):
                break
            k, ls = k + 1, prev
        return k
    return None


@dataclass
class Place:
    span: Span
    para_start: int
    para_end: int
    ordinal: Optional[int]       # the list number the span is under, if any
    table: Optional[str] = None  # table id when the span lies in a cell
    row_pos: Optional[int] = None  # the row's position in its table
    row_id: Optional[str] = None

    def same_paragraph(self, other: "Place") -> bool:
        return (self.para_start, self.para_end) == (other.para_start, other.para_end)


def place_of(span: Span, text: str, index: RecordIndex) -> Place:
    hit = index.cell_containing(span.start, span.end)
    if hit:
        table, row, _, cell = hit
        start, end = cell.start, cell.end
        pos = table.rows.index(row)
        tid, rid = table.id, row.id
    elif (spanning := index.row_spanning(span.start)) is not None:
        table, row = spanning  # a span across OCR tabs: its block is the whole row
        start, end = row.cells[0].start, row.cells[-1].end
        pos, tid, rid = table.rows.index(row), table.id, row.id
    else:
        # a paragraph is its lines, the ones a PDF broke mid-sentence included: an item's number
        # stands on its first line only
        start = text.rfind("\n", 0, span.start) + 1
        for _ in range(_MAX_BROKEN_LINES):   # bounded: a text of broken lines only stays linear
            if not (start and continues_broken_line(text, start)):
                break
            start = text.rfind("\n", 0, start - 1) + 1
        nl = text.find("\n", span.end)
        end = len(text) if nl < 0 else nl
        for _ in range(_MAX_BROKEN_LINES):
            if not (end < len(text) and continues_broken_line(text, end + 1)):
                break
            nl = text.find("\n", end + 1)
            end = len(text) if nl < 0 else nl
        tid = rid = pos = None
    # the nearest list number earlier in the paragraph (「1、预算…。由于…」: the cause is under 1)
    return Place(span, start, end, _ordinal(text, start, span.start), tid, pos, rid)
