"""What a link end or finding ref names in a record, and where it sits in the text.

Ids a link may use (record.md): span ids, indicator ids, project ids, table row
ids, ``budget.FIELD``; plus ``text:START-END`` for a stretch of text that is not a
span (a money amount in the narrative). A cell is ``ROWID#cK`` (K from 0).
Evaluation matches ends by offsets, so every id resolves to the intervals it
covers: a span to its own interval, a row (or the indicator/project on it) to its
cells' intervals, a budget field to the amount it was read from.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from pipeline.record import Cell, Indicator, Project, Record, Row, Span, Table

_TEXT_ID = re.compile(r"^text:(\d+)-(\d+)$")
_CELL_ID = re.compile(r"^(?P<row>.+)#c(?P<k>\d+)$")


def text_id(start: int, end: int) -> str:
    return f"text:{start}-{end}"


def cell_id(row: Row, k: int) -> str:
    return f"{row.id}#c{k}"


@dataclass
class End:
    """A resolved link end: its kind, a label for spans, and the text intervals it covers."""
    kind: str  # span | row | budget | text | cell
    intervals: list[tuple[int, int]]
    label: Optional[str] = None


class RecordIndex:
    """Lookups by id over one record (built once per predict call)."""

    def __init__(self, record: Record):
        self.record = record
        self.spans: dict[str, Span] = {s.id: s for s in record.spans}
        self.rows: dict[str, tuple[Table, Row]] = {r.id: (t, r) for t in record.tables for r in t.rows}
        self.indicators: dict[str, Indicator] = {i.id: i for i in record.indicators}
        self.projects: dict[str, Project] = {p.id: p for p in record.projects}
        # tables in text order without overlaps (the parser's output): an offset's table is found
        # by bisection, so lookups over a long document's spans stay linear; otherwise a scan
        tables = record.tables
        self._disjoint = all(a.end <= b.start for a, b in zip(tables, tables[1:]))
        self._table_starts = [t.start for t in tables]

    def _tables_at(self, offset: int) -> list[Table]:
        """The tables that may contain offset, in record order."""
        if not self._disjoint:
            return self.record.tables
        k = bisect.bisect_right(self._table_starts, offset) - 1
        return self.record.tables[k:k + 1] if k >= 0 else []

    def row_of(self, item: Indicator | Project) -> Optional[Row]:
        hit = self.rows.get(item.row) if item.row else None
        return hit[1] if hit else None

    def table_of_row(self, row_id: Optional[str]) -> Optional[Table]:
        hit = self.rows.get(row_id) if row_id else None
        return hit[0] if hit else None

    def cell_containing(self, start: int, end: int) -> Optional[tuple[Table, Row, int, Cell]]:
        for t in self._tables_at(start):
            if not (t.start <= start and end <= t.end):
                continue
            for r in t.rows:
                for k, c in enumerate(r.cells):
                    if c.start <= start and end <= c.end:
                        return t, r, k, c
        return None

    def row_spanning(self, offset: int) -> Optional[tuple[Table, Row]]:
        """The row whose cells' extent covers offset (a span that crosses an OCR tab inside a row)."""
        for t in self._tables_at(offset):
            if not (t.start <= offset < t.end):
                continue
            for r in t.rows:
                if r.cells and r.cells[0].start <= offset < r.cells[-1].end:
                    return t, r
        return None

    def resolve(self, ref: str) -> Optional[End]:
        if ref in self.spans:
            s = self.spans[ref]
            return End("span", [(s.start, s.end)], s.label)
        m = _TEXT_ID.match(ref)
        if m:
            return End("text", [(int(m.group(1)), int(m.group(2)))])
        if ref.startswith("budget."):
            sv = self.record.budget.get(ref.split(".", 1)[1])
            return End("budget", [(sv.start, sv.end)]) if sv else None
        if ref.startswith("assets."):
            sv = self.record.assets.get(ref.split(".", 1)[1])
            return End("budget", [(sv.start, sv.end)]) if sv else None
        row_id = None
        if ref in self.indicators:
            row_id = self.indicators[ref].row
        elif ref in self.projects:
            p = self.projects[ref]
            row_id = p.row
            if row_id is None and p.start is not None and p.end is not None:
                return End("row", [(p.start, p.end)])
        elif ref in self.rows:
            row_id = ref
        else:
            m = _CELL_ID.match(ref)
            if m and m.group("row") in self.rows:
                row = self.rows[m.group("row")][1]
                k = int(m.group("k"))
                if k < len(row.cells):
                    c = row.cells[k]
                    return End("cell", [(c.start, c.end)])
            return None
        if row_id is None or row_id not in self.rows:
            return None
        row = self.rows[row_id][1]
        return End("row", [(c.start, c.end) for c in row.cells])
