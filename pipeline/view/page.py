"""One record as its document page shows it: the text with its spans and link ends, its tables
as tables, facts, links and findings, ready for the template.

Everything here is plain data (strings, numbers, attribute dicts); the template escapes it
all (Jinja2 autoescaping, ``xmlattr`` for attributes), so no document text is ever trusted as
markup.

Hover and jump work through two attributes, resolved by ``static/view.js``:
``data-ref`` names the record ids an element shows (a span id, a row id with the indicator,
project or fund-use row on it, a cell ``ROW#cK``, ``budget.FIELD``, ``text:START-END``), and
``data-links`` names the ids linked to them (both directions of every record link; for a
finding, its refs). Link ends are resolved by :class:`pipeline.link.ends.RecordIndex`, the
helper the linker and its evaluation use.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Optional

from pipeline.link.ends import RecordIndex
from pipeline.record import Record, Span, Table


@dataclass
class Part:
    """A run of text inside one span (or outside any) with the same link ends and heading state."""
    text: str
    mark: Optional[dict[str, str]] = None  # attributes of a <mark> for link ends, or None
    heading: bool = False


@dataclass
class Group:
    """A run of text covered by one span (span attributes) or by none (span None)."""
    span: Optional[dict[str, str]]
    parts: list[Part]


@dataclass
class CellView:
    attrs: dict[str, str]
    groups: list[Group]


@dataclass
class RowView:
    attrs: dict[str, str]
    cells: list[CellView]


@dataclass
class Block:
    """Prose (groups) or a table (rows), in text order."""
    kind: str  # "text" | "table"
    groups: list[Group] = field(default_factory=list)
    table: Optional[Table] = None
    rows: list[RowView] = field(default_factory=list)


def _fmt(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


class _Anchors:
    """One element id per record id: the first element that shows it (what a jump goes to)."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def claim(self, refs: list[str], attrs: dict[str, str]) -> dict[str, str]:
        for ref in refs:
            if ref not in self.ids:
                self.ids[ref] = f"r{len(self.ids) + 1}"
                if "id" not in attrs:
                    attrs["id"] = self.ids[ref]
                else:  # the element already has an id: jumps to this ref go to it too
                    self.ids[ref] = attrs["id"]
        return attrs


class PageBuilder:
    """Builds the view of one record (call :meth:`build` once)."""

    def __init__(self, record: Record):
        self.record = record
        self.index = RecordIndex(record)
        self.anchors = _Anchors()
        self.linked: dict[str, set[str]] = defaultdict(set)
        self.link_notes: dict[str, list[str]] = defaultdict(list)
        self.disagree: set[str] = set()
        for link in record.links:
            self.linked[link.from_].add(link.to)
            self.linked[link.to].add(link.from_)
            state = "" if link.agree is None else (" (agrees)" if link.agree else " (disagrees)")
            self.link_notes[link.from_].append(f"{link.relation} → {link.to}{state}")
            self.link_notes[link.to].append(f"{link.from_} {link.relation} →{state}")
            if link.agree is False:
                self.disagree.update((link.from_, link.to))
        self.row_refs = self._row_refs()
        self.spans = sorted(record.spans, key=lambda s: (s.start, -s.end))
        self.emitted: set[str] = set()

    # ---- which element shows which id -------------------------------------------------
    def _row_refs(self) -> dict[str, list[str]]:
        """Row id → the ids shown by its <tr>: the row and the indicators, projects, fund-use rows on it."""
        refs: dict[str, list[str]] = {r.id: [r.id] for t in self.record.tables for r in t.rows}
        for item in (*self.record.indicators, *self.record.projects, *self.record.fund_use):
            if item.row in refs:
                refs[item.row].append(item.id)
        return refs

    def _mark_refs(self) -> dict[str, list[tuple[int, int]]]:
        """Ids shown as marks in the text: stated figures and link ends that are neither spans nor rows."""
        shown_by_elements = set(self.index.spans) | {ref for refs in self.row_refs.values() for ref in refs}
        wanted = {f"budget.{k}" for k in self.record.budget} | {f"assets.{k}" for k in self.record.assets}
        wanted |= set(self.linked)
        wanted |= {ref for f in self.record.findings for ref in f.refs}
        out: dict[str, list[tuple[int, int]]] = {}
        n = len(self.record.text)
        for ref in sorted(wanted - shown_by_elements):
            end = self.index.resolve(ref)
            if end is None or end.kind == "cell":  # cells are <td>s
                continue
            spans = [(max(0, a), min(n, b)) for a, b in end.intervals if 0 <= a < b <= n]
            if spans:
                out[ref] = spans
        return out

    def _links_attr(self, refs: list[str]) -> str:
        return " ".join(sorted({o for r in refs for o in self.linked.get(r, ())} - set(refs)))

    def _element(self, refs: list[str], extra: dict[str, str] | None = None) -> dict[str, str]:
        attrs = dict(extra or {})
        attrs["data-ref"] = " ".join(refs)
        links = self._links_attr(refs)
        if links:
            attrs["data-links"] = links
        return self.anchors.claim(refs, attrs)

    # ---- text ------------------------------------------------------------------------
    def _prepare_text(self) -> None:
        text = self.record.text
        n = len(text)
        self.span_at: list[int] = [-1] * n
        for k, s in enumerate(self.spans):
            for i in range(max(0, s.start), min(n, s.end)):
                if self.span_at[i] < 0:  # an overlapped span keeps its own characters only
                    self.span_at[i] = k
        self.refs_at: list[tuple[str, ...]] = [()] * n
        for ref, intervals in self._mark_refs().items():
            for a, b in intervals:
                for i in range(a, b):
                    self.refs_at[i] = self.refs_at[i] + (ref,)
        self.heading_at = [False] * n
        for sec in self.record.sections:
            for i in range(max(0, sec.title_start), min(n, sec.title_end)):
                self.heading_at[i] = True

    def _span_attrs(self, s: Span) -> dict[str, str]:
        how = f"{s.label} · score {_fmt(s.score) or '—'} · {s.source}"
        notes = self.link_notes.get(s.id, [])
        title = how + "".join(f"\n{x}" for x in notes)
        extra = {"class": f"sp lab-{s.label}", "title": title}
        if s.id in self.emitted:  # a span cut by a table cell boundary: later pieces carry no label
            extra["class"] += " cont"
            extra["data-part-of"] = s.id
            return self._element([s.id], extra)
        self.emitted.add(s.id)
        extra.update({"data-label": s.label, "data-score": _fmt(s.score), "data-source": s.source})
        return self._element([s.id], extra)

    def _mark_attrs(self, refs: tuple[str, ...]) -> dict[str, str]:
        cls = "ref disagree" if self.disagree & set(refs) else "ref"
        notes = [f"{r}: {x}" for r in refs for x in self.link_notes.get(r, [])] or list(refs)
        return self._element(list(refs), {"class": cls, "title": "\n".join(notes)})

    def groups(self, lo: int, hi: int) -> list[Group]:
        """The text [lo, hi) as span groups of parts."""
        text = self.record.text
        out: list[Group] = []
        i = lo
        while i < hi:
            k = self.span_at[i]
            j = i
            while j < hi and self.span_at[j] == k:
                j += 1
            parts: list[Part] = []
            p = i
            while p < j:
                key = (self.refs_at[p], self.heading_at[p])
                q = p
                while q < j and (self.refs_at[q], self.heading_at[q]) == key:
                    q += 1
                parts.append(Part(text[p:q], self._mark_attrs(key[0]) if key[0] else None, key[1]))
                p = q
            out.append(Group(self._span_attrs(self.spans[k]) if k >= 0 else None, parts))
            i = j
        return out

    def _table_block(self, t: Table) -> Block:
        rows = []
        for r in t.rows:
            cells = [CellView(self._element([f"{r.id}#c{k}"]), self.groups(c.start, c.end))
                     for k, c in enumerate(r.cells)]
            rows.append(RowView(self._element(self.row_refs.get(r.id, [r.id])), cells))
        return Block("table", table=t, rows=rows)

    def blocks(self) -> list[Block]:
        """Prose and tables in text order; text between the cells of a table is not shown."""
        self._prepare_text()
        out: list[Block] = []
        pos = 0
        for t in sorted(self.record.tables, key=lambda t: t.start):
            if t.start < pos or not t.rows:  # overlapping or empty table: its text stays prose
                continue
            if t.start > pos:
                out.append(Block("text", groups=self.groups(pos, t.start)))
            out.append(self._table_block(t))
            pos = t.end
        if pos < len(self.record.text):
            out.append(Block("text", groups=self.groups(pos, len(self.record.text))))
        return out

    # ---- side panel --------------------------------------------------------------------
    def facts(self) -> dict[str, Any]:
        r = self.record
        meta = [(k, _fmt(getattr(r.meta, k))) for k in
                ("unit", "year", "kind", "region", "filled_on", "total_score", "grade")]
        meta += [(f"staff.{k}", _fmt(v)) for k, v in r.meta.staff.model_dump().items() if v is not None]

        def stated(prefix: str, values: dict) -> list[dict]:
            return [{"attrs": self._element([f"{prefix}.{k}"]), "name": k, "value": _fmt(v.value), "text": v.text}
                    for k, v in values.items()]

        def q(x) -> str:
            return x.text if x is not None else ""

        indicators = [{"attrs": self._element([i.id] + ([i.row] if i.row else [])),
                       "cells": [i.level1 or "", i.level2 or "", i.name, _fmt(i.weight), q(i.target), q(i.actual),
                                 _fmt(i.score), i.deviation or ""]} for i in r.indicators]
        projects = [{"attrs": self._element([p.id] + ([p.row] if p.row else [])),
                     "cells": [p.name, _fmt(p.budgeted), _fmt(p.executed), _fmt(p.execution_rate), _fmt(p.score),
                               p.grade or ""]} for p in r.projects]
        fund_use = [{"attrs": self._element([f.id] + ([f.row] if f.row else [])),
                     "cells": [f.name, f.function or "", _fmt(f.budgeted), _fmt(f.executed)]} for f in r.fund_use]
        return {"meta": [(k, v) for k, v in meta if v], "budget": stated("budget", r.budget),
                "assets": stated("assets", r.assets), "indicators": indicators, "projects": projects,
                "fund_use": fund_use, "goals": [g.text for g in r.goals],
                "evaluators": [" · ".join(x for x in (e.name, e.title, e.department) if x) for e in r.evaluators]}

    def _describe(self, ref: str) -> str:
        """A reader's name for a record id: a span's label and text, an indicator's name, a figure's text."""
        def short(x: str) -> str:
            return x if len(x) <= 16 else x[:15] + "…"
        if ref in self.index.spans:
            s = self.index.spans[ref]
            return f"{s.label} 「{short(s.text)}」"
        for item in (*self.record.indicators, *self.record.projects, *self.record.fund_use):
            if item.id == ref:
                return f"{ref} 「{short(item.name)}」"
        end = self.index.resolve(ref)
        if end is not None and end.kind in ("text", "budget", "cell") and end.intervals:
            a, b = end.intervals[0]
            return f"{ref} 「{short(self.record.text[a:b])}」"
        return ref

    def _target(self, ref: str) -> dict[str, str]:
        return {"ref": ref, "name": self._describe(ref),
                "href": f"#{self.anchors.ids[ref]}" if ref in self.anchors.ids else ""}

    def links(self) -> list[dict]:
        return [{"attrs": {"data-links": f"{link.from_} {link.to}"}, "from": self._target(link.from_),
                 "to": self._target(link.to), "relation": link.relation, "score": _fmt(link.score),
                 "agree": link.agree, "evidence": link.evidence} for link in self.record.links]

    def findings(self) -> list[dict]:
        return [{"attrs": {"data-links": " ".join(f.refs), "id": f"finding-{n}", "class": f"finding {f.severity}"},
                 "kind": f.kind, "severity": f.severity, "message": f.message, "stated": _fmt(f.stated),
                 "expected": _fmt(f.expected), "refs": [self._target(ref) for ref in f.refs]}
                for n, f in enumerate(self.record.findings, 1)]

    def unplaced_spans(self) -> list[Group]:
        """Spans no element shows (inside a table but between its cells, or overlapped whole)."""
        out = []
        for s in self.spans:
            if s.id not in self.emitted:
                out.append(Group(self._span_attrs(s), [Part(s.text)]))
        return out

    def build(self) -> dict[str, Any]:
        blocks = self.blocks()
        unplaced = self.unplaced_spans()
        facts = self.facts()  # after the text, so jumps go to the text first
        counts: dict[str, int] = defaultdict(int)
        for s in self.record.spans:
            counts[s.label] += 1
        return {"record": self.record, "blocks": blocks, "unplaced": unplaced, "facts": facts,
                "links": self.links(), "findings": self.findings(), "label_counts": dict(counts)}
