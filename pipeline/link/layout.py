"""Where a span sits on the page: its paragraph (or table cell), its row, its list number.

Problem/cause/measure linking reads structure, not just words: 「一是」 ↔ 「1、」,
a cause in the same numbered item as its problem, a measure in the table row
after the 偏差原因 row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from pipeline.link.ends import RecordIndex
from pipeline.record import Span

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# A list number at the end of the text before a span (「一是」, 「2、」, 「（3）」, 「④」) ...
_ORDINAL_BEFORE = re.compile(
    r"(?:(?P<cn>[一二三四五六七八九十])是|(?P<cnd>[一二三四五六七八九十])、|(?P<ar>\d{1,2})\s*[、.．](?!\d)"
    r"|[（(](?P<par>\d{1,2}|[一二三四五六七八九十])[)）]|(?P<circ>[①-⑳]))[\s:：，,]*$")
# ... or at the start of its paragraph.
_ORDINAL_START = re.compile(
    r"^\s*(?:(?P<cn>[一二三四五六七八九十])是|(?P<cnd>[一二三四五六七八九十])、|(?P<ar>\d{1,2})\s*[、.．](?!\d)"
    r"|[（(](?P<par>\d{1,2}|[一二三四五六七八九十])[)）]|(?P<circ>[①-⑳]))")


def _ordinal_value(m: re.Match) -> int:
    g = m.groupdict()
    for key in ("cn", "cnd"):
        if g.get(key):
            return _CN[g[key]]
    if g.get("ar"):
        return int(g["ar"])
    if g.get("par"):
        return int(g["par"]) if g["par"].isdigit() else _CN[g["par"]]
    return _CIRCLED.index(g["circ"]) + 1


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
        start = text.rfind("\n", 0, span.start) + 1
        nl = text.find("\n", span.end)
        end = len(text) if nl < 0 else nl
        tid = rid = pos = None
    before = text[start:span.start]
    m = _ORDINAL_BEFORE.search(before[-8:])
    if m is None:
        # the nearest list number earlier in the paragraph (「1、预算…。由于…」: the cause is under 1)
        marks = list(re.finditer(_ORDINAL_BEFORE.pattern.rstrip("$"), before))
        m = marks[-1] if marks else _ORDINAL_START.match(text[start:end])
    ordinal = _ordinal_value(m) if m else None
    return Place(span, start, end, ordinal, tid, pos, rid)
