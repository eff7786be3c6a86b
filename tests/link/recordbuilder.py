"""Build small Records by hand, with correct offsets, for linker tests.

Text is written piece by piece; a piece is a string or ``S(label, text, key=...)``
(a span to record). Tables are tab-separated lines whose cells may hold spans too.
Every example sentence here is written for these tests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

from pipeline.record import (Cell, Indicator, Project, Quantity, Record, Row, Section, Source, Span,
                             StatedValue, Table)


@dataclass
class S:
    label: str
    text: str
    key: Optional[str] = None  # a name the test uses to refer to the span
    attrs: dict = field(default_factory=dict)


Piece = Union[str, S]

_Q = re.compile(r"^(?P<op>≥|>=|<=|≤|>|<)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]*?)(?P<suffix>以上)?$")


def quantity(text: str) -> Quantity:
    m = _Q.match(text.strip())
    if not m:
        return Quantity(text=text)
    op = {"≥": ">=", "≤": "<="}.get(m.group("op") or "", m.group("op")) or (">=" if m.group("suffix") else None)
    return Quantity(text=text, op=op, value=float(m.group("num")), unit=m.group("unit") or None)


class RecordBuilder:
    def __init__(self):
        self.text = ""
        self.spans: list[Span] = []
        self.keys: dict[str, str] = {}  # test key → span id
        self.sections: list[Section] = []
        self.tables: list[Table] = []
        self.indicators: list[Indicator] = []
        self.projects: list[Project] = []
        self.budget: dict[str, StatedValue] = {}
        self._open_section: Optional[Section] = None

    # -- text
    def _write(self, pieces: tuple[Piece, ...]) -> tuple[int, int]:
        start = len(self.text)
        for p in pieces:
            if isinstance(p, S):
                s0 = len(self.text)
                self.text += p.text
                sid = f"s{len(self.spans) + 1}"
                self.spans.append(Span(id=sid, label=p.label, start=s0, end=len(self.text), text=p.text,
                                       source="gold", attrs=p.attrs,
                                       section=self._open_section.id if self._open_section else None))
                if p.key:
                    self.keys[p.key] = sid
            else:
                self.text += p
        return start, len(self.text)

    def section(self, kind: str, title: str) -> "RecordBuilder":
        self._close_section()
        start = len(self.text)
        self.text += title + "\n"
        self._open_section = Section(id=f"sec{len(self.sections) + 1}", title=title, level=1, kind=kind,
                                     start=start, end=start, title_start=start, title_end=start + len(title))
        return self

    def _close_section(self):
        if self._open_section is not None:
            self._open_section.end = len(self.text)
            self.sections.append(self._open_section)
            self._open_section = None

    def para(self, *pieces: Piece) -> "RecordBuilder":
        self._write(pieces)
        self.text += "\n"
        return self

    # -- tables
    def table(self, kind: str, rows: list[list[Union[Piece, tuple[Piece, ...]]]], tid: Optional[str] = None) -> Table:
        tid = tid or f"t{len(self.tables) + 1}"
        start = len(self.text)
        out_rows = []
        for i, row in enumerate(rows):
            cells = []
            for k, cell in enumerate(row):
                pieces = cell if isinstance(cell, tuple) else (cell,)
                c0, c1 = self._write(pieces)
                cells.append(Cell(text=self.text[c0:c1], start=c0, end=c1))
                if k < len(row) - 1:
                    self.text += "\t"
            self.text += "\n"
            out_rows.append(Row(id=f"{tid}.r{i}", cells=cells))
        table = Table(id=tid, kind=kind, start=start, end=len(self.text), rows=out_rows)
        self.tables.append(table)
        return table

    def indicator_table(self, rows: list[tuple], project: Optional[str] = None) -> list[Indicator]:
        """rows: (name, weight, target, actual, score) — weight/score may be None."""
        header = ["指标名称", "分值", "目标值", "实际值", "得分"]
        body = [[name, "" if w is None else f"{w:g}", tgt, act, "" if sc is None else f"{sc:g}"]
                for name, w, tgt, act, sc in rows]
        table = self.table("indicators", [header] + body)
        made = []
        for (name, w, tgt, act, sc), row in zip(rows, table.rows[1:]):
            ind = Indicator(id=f"ind{len(self.indicators) + 1}", project=project, name=name, weight=w,
                            target=quantity(tgt) if tgt else None, actual=quantity(act) if act else None,
                            score=sc, row=row.id)
            self.indicators.append(ind)
            made.append(ind)
        return made

    def budget_row(self, label: str, fieldname: str, value_text: str) -> None:
        """A key/value row 「label<TAB>value」 that states a budget field."""
        table = self.table("budget", [[label, value_text]], tid=f"b{len(self.tables) + 1}")
        cell = table.rows[0].cells[1]
        self.budget[fieldname] = StatedValue(value=float(value_text.replace(",", "")), text=cell.text,
                                             start=cell.start, end=cell.end)

    # -- result
    def build(self) -> Record:
        self._close_section()
        return Record(doc_id="test", source=Source(path="test.txt", format="txt"), text=self.text,
                      sections=self.sections, tables=self.tables, indicators=self.indicators,
                      projects=self.projects, budget=self.budget, spans=self.spans)

    def id(self, key: str) -> str:
        return self.keys[key]
