"""Record → Label Studio task and prediction, with offset validation.

One task per document: ``data.text`` is ``Record.text`` and the other data
fields (doc_id, unit, year, kind, region) let the Data Manager filter. The
prediction carries

* one ``label`` region per span, with the span's score;
* one ``table`` region per indicator / project / fund-use table row and per
  stated budget figure, so links into tables have something to point at;
* a region for every other link end (a figure in the narrative, a table cell, a row of a
  table not shown otherwise), so that every record link is one relation the annotator sees;
* a task-level ``score`` for uncertainty-first review: the mean span score
  (sort ascending in the Data Manager to see the least certain documents first).

Label Studio accepts wrong offsets silently, so :func:`validate_record` checks
every offset that goes into a task and :func:`record_to_prediction` refuses a
record that fails.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from pipeline.corpus.lsformat import SPAN_FROM_NAME, TEXT_TO_NAME
from pipeline.labels import load_labels
from pipeline.labelstudio.config import (BUDGET_FIELD, FIGURE, FUND_ROW, INDICATOR_ROW, PROJECT_ROW,
                                         TABLE_FROM_NAME, TABLES_FIELD)
from pipeline.link.ends import RecordIndex
from pipeline.record import Record

META_FIELDS = ("unit", "year", "kind", "region")
TABLE_KIND_REGION = {"indicators": INDICATOR_ROW, "scores": INDICATOR_ROW, "projects": PROJECT_ROW,
                     "fund_use": FUND_ROW, "budget": BUDGET_FIELD}
# Rows of these tables are always shown: they are where links from narrative go.
ALWAYS_SHOWN_TABLES = ("indicators", "projects", "fund_use")


class OffsetError(ValueError):
    """A record whose offsets do not point at its own text."""


def validate_record(record: Record) -> list[str]:
    """Every offset problem in the parts of a record that go into a task (empty when all are valid)."""
    text, n = record.text, len(record.text)
    problems: list[str] = []

    def check(what: str, start: int, end: int, expected: str | None, allow_empty: bool = False) -> None:
        if not (0 <= start <= end <= n) or (start == end and not allow_empty):
            problems.append(f"{what}: [{start},{end}) is not a non-empty range inside the text (length {n})")
        elif expected is not None and text[start:end] != expected:
            problems.append(f"{what}: [{start},{end}) holds {text[start:end]!r}, the record says {expected!r}")

    for s in record.spans:
        check(f"span {s.id} {s.label}", s.start, s.end, s.text)
    for t in record.tables:
        for row in t.rows:
            for i, c in enumerate(row.cells):
                check(f"table {t.id} row {row.id} cell {i}", c.start, c.end, c.text, allow_empty=True)
    for name, v in record.budget.items():
        check(f"budget.{name}", v.start, v.end, v.text)
    for p in record.projects:
        if p.start is not None and p.end is not None:
            check(f"project {p.id}", p.start, p.end, None)
    return problems


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def region_id(prefix: str, key: str) -> str:
    """A result id Label Studio's front end accepts (letters, digits, _ and -)."""
    return prefix + _ID_UNSAFE.sub("_", key)


@dataclass
class Converted:
    """A record's prediction and what could not be shown."""
    result: list[dict]
    score: float | None
    region_of: dict[str, str]  # record id (span, row, indicator, project, budget.FIELD) → region id
    unlinked: list[str] = field(default_factory=list)  # links with an end that has no region


def _row_extent(cells) -> tuple[int, int] | None:
    filled = [c for c in cells if c.end > c.start]
    if not filled:
        return None
    return min(c.start for c in filled), max(c.end for c in filled)


def _table_region(rid: str, label: str, start: int, end: int, text: str) -> dict:
    return {"id": rid, "from_name": TABLE_FROM_NAME, "to_name": TEXT_TO_NAME, "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def provenance_note(span) -> str | None:
    """What made a span, for the annotator: its source and the tagger rules that made or changed
    it, in order (pipeline.tag.rules); None for a span the model decoded and no rule touched."""
    rules = span.attrs.get("rules") or []
    if span.source == "model" and not rules:
        return None
    note = f"source: {span.source}"
    return note + (f"; rules: {' → '.join(rules)}" if rules else "")


def record_to_prediction(record: Record, span_labels: Iterable[str] | None = None) -> Converted:
    """The Label Studio prediction result for a record; raises OffsetError on invalid offsets."""
    problems = validate_record(record)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise OffsetError(f"record {record.doc_id} ({record.source.path}) has {len(problems)} invalid "
                          f"offset(s); not imported:\n  {shown}{more}")
    text = record.text
    allowed = set(span_labels or load_labels().names)
    result: list[dict] = []
    region_of: dict[str, str] = {}
    used_ids: set[str] = set()

    def unique(rid: str) -> str:
        base, k = rid, 1
        while rid in used_ids:
            k += 1
            rid = f"{base}-{k}"
        used_ids.add(rid)
        return rid

    scores = []
    for s in record.spans:
        if s.label not in allowed:
            continue
        rid = unique(region_id("s_", s.id))
        region_of[s.id] = rid
        region: dict[str, Any] = {"id": rid, "from_name": SPAN_FROM_NAME, "to_name": TEXT_TO_NAME,
                                  "type": "labels",
                                  "value": {"start": s.start, "end": s.end, "text": text[s.start:s.end],
                                            "labels": [s.label]}}
        if s.score is not None:
            region["score"] = s.score
        if (note := provenance_note(s)):
            region["meta"] = {"text": [note]}  # shown with the region in Label Studio's sidebar
        # A span without a score comes from a rule or a table: deterministic, full confidence.
        scores.append(1.0 if s.score is None else float(s.score))
        result.append(region)

    linked = {end for link in record.links for end in (link.from_, link.to)}
    rows: dict[str, tuple[str, Any]] = {}
    for t in record.tables:
        for row in t.rows:
            rows[row.id] = (t.kind, row)
            if t.kind not in ALWAYS_SHOWN_TABLES and row.id not in linked:
                continue
            extent = _row_extent(row.cells)
            if extent is None:
                continue
            # Other tables only appear as targets of "states" (money in narrative → a cell).
            label = TABLE_KIND_REGION.get(t.kind, BUDGET_FIELD)
            rid = unique(region_id("r_", row.id))
            region_of[row.id] = rid
            result.append(_table_region(rid, label, *extent, text))
    for name, v in record.budget.items():
        rid = unique(region_id("b_", name))
        region_of[f"budget.{name}"] = rid
        result.append(_table_region(rid, BUDGET_FIELD, v.start, v.end, text))
    # Indicators and projects are shown through their table rows.
    for ind in record.indicators:
        if ind.row and ind.row in region_of:
            region_of[ind.id] = region_of[ind.row]
    for p in record.projects:
        if p.row and p.row in region_of:
            region_of[p.id] = region_of[p.row]
        elif p.start is not None and p.end is not None and p.end > p.start:
            rid = unique(region_id("p_", p.id))
            region_of[p.id] = rid
            result.append(_table_region(rid, PROJECT_ROW, p.start, p.end, text))

    for f in record.fund_use:
        if f.row and f.row in region_of:
            region_of[f.id] = region_of[f.row]

    index = RecordIndex(record)

    def end_region(ref: str) -> str | None:
        """The region of a link end; one is made for ends not shown yet (a narrative figure
        「text:S-E」, a cell 「ROW#cK」, a row of a table not shown, an asset figure)."""
        if ref in region_of:
            return region_of[ref]
        end = index.resolve(ref)
        intervals = [(s, e) for s, e in end.intervals if e > s] if end else []
        if not intervals:
            return None
        start, stop = min(s for s, _ in intervals), max(e for _, e in intervals)
        if end.kind == "row":
            table = index.table_of_row(ref) or index.table_of_row(getattr(
                index.indicators.get(ref) or index.projects.get(ref), "row", None))
            label = TABLE_KIND_REGION.get(table.kind if table else "", BUDGET_FIELD)
        else:
            label = FIGURE if end.kind == "text" else BUDGET_FIELD
        rid = unique(region_id("e_", ref))
        region_of[ref] = rid
        result.append(_table_region(rid, label, start, stop, text))
        return rid

    unlinked = []
    for link in record.links:
        a, b = end_region(link.from_), end_region(link.to)
        if a is None or b is None:
            unlinked.append(f"{link.id} {link.from_} -{link.relation}-> {link.to}")
            continue
        result.append({"type": "relation", "from_id": a, "to_id": b,
                       "direction": "right", "labels": [link.relation]})

    score = sum(scores) / len(scores) if scores else 0.0  # no spans at all: review it first
    return Converted(result, round(score, 6), region_of, unlinked)


def tables_html(record: Record) -> str:
    """The record's tables as HTML tables for the read-only panel beside the text: one <tr>
    per row, its id in the first column, so the columns stay columns whatever the layout."""
    from html import escape

    parts = []
    for t in record.tables:
        parts.append(f'<table><caption>{escape(t.id)} · {escape(t.kind)}</caption>')
        for row in t.rows:
            cells = "".join(f"<td>{escape(c.text)}</td>" for c in row.cells)
            parts.append(f"<tr><th>{escape(row.id)}</th>{cells}</tr>")
        parts.append("</table>")
    return "".join(parts) or "<p>(no tables)</p>"


def task_data(record: Record) -> dict[str, Any]:
    data: dict[str, Any] = {"text": record.text, "doc_id": record.doc_id, "source": record.source.path,
                            TABLES_FIELD: tables_html(record)}
    for name in META_FIELDS:
        data[name] = getattr(record.meta, name)
    return data


def prediction_payload(record: Record, converted: Converted) -> dict[str, Any]:
    return {"result": converted.result, "score": converted.score,
            "model_version": record.model_version or "unknown"}


def record_to_task(record: Record) -> dict[str, Any]:
    """A complete import payload: data plus one prediction."""
    converted = record_to_prediction(record)
    return {"data": task_data(record), "predictions": [prediction_payload(record, converted)]}
