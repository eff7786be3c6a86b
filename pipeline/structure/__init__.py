"""Structure stage: sections, tables and typed facts of a cleaned text, written into a Record.

``structure_into(record, cleaned, explicit_tables)`` is the whole stage; the pieces
live in sections.py (headings), tables.py (tables in text), table_facts.py (rows →
facts) and prose_facts.py (key–value pairs and sentences → facts).
"""
from __future__ import annotations

import bisect
import re

from pipeline.clean import Cleaned, line_spans
from pipeline.record import Meta, Record, Section, SectionLookup, Span, Staff, StatedValue, Table
from pipeline.structure.prose_facts import (ASSET_PATTERNS, BUDGET_PATTERNS, RATE_PATTERNS, find_goals, find_meta, find_staff,
                                            find_stated)
from pipeline.structure.sections import build_sections, classify_title, find_headings
from pipeline.structure.table_facts import read_table_facts
from pipeline.structure.tables import TextTable, detect_tables


def _make_table(text: str, tid: str, layout: str, rows_spans: list[list[tuple[int, int]]]) -> Table:
    # One validation of plain dicts for the whole table: pydantic-core builds the Row/Cell models
    # in Rust, about 2.5x faster than a model_construct per cell (pure Python in pydantic 2).
    rows = [{"id": f"{tid}.r{ri + 1}", "cells": [{"text": text[s:e], "start": s, "end": e} for s, e in r]}
            for ri, r in enumerate(rows_spans)]
    starts = [s for r in rows_spans for s, e in r if e > s] or [0]
    ends = [e for r in rows_spans for s, e in r if e > s] or [0]
    return Table(id=tid, kind="other", start=min(starts), end=max(ends), layout=layout, rows=rows)


def structure_into(record: Record, cleaned: Cleaned,
                   explicit_tables: list[tuple[str, list[list[tuple[int, int]]]]] | None = None) -> Record:
    """Fill sections, tables and facts of record from its cleaned text.

    explicit_tables: tables a reader marked itself, as (layout, rows of cell spans in cleaned text).
    """
    text = cleaned.text
    lines = line_spans(text)
    explicit = explicit_tables or []
    explicit_ranges = sorted((min(s for r in rows for s, _ in r), max(e for r in rows for _, e in r))
                             for _, rows in explicit if any(rows))
    found: list[TextTable] = detect_tables(text, lines, explicit_ranges)
    all_tables = [(t.layout, t.rows) for t in found] + [(lay, rows) for lay, rows in explicit]
    all_tables.sort(key=lambda lr: min((s for r in lr[1] for s, _ in r), default=0))
    record.tables = [_make_table(text, f"t{i + 1}", lay, rows) for i, (lay, rows) in enumerate(all_tables)]
    # a table's rows span whole lines: headings are never looked for inside them
    table_ranges = sorted((t.start, t.end) for t in record.tables)
    line_ranges = _line_ranges(text, table_ranges)

    headings = find_headings(text, lines, line_ranges, dict(cleaned.heading_hints))
    sections = build_sections(text, headings)

    facts = read_table_facts(text, record.tables)
    sections = _add_cell_sections(text, sections, facts.narrative_cells)
    record.sections = sections

    record.indicators = facts.indicators
    record.projects = facts.projects
    record.evaluators = facts.evaluators
    record.fund_use = facts.fund_use
    record.score_groups = facts.score_groups

    record.budget = find_stated(text, BUDGET_PATTERNS, line_ranges)
    for br in facts.budget_rows:
        if br.project is None:
            for field_name, cell in br.cells.items():
                value = {"budgeted": br.budgeted, "executed": br.executed, "execution_rate": br.execution_rate,
                         "execution_score": br.score, "balance": br.balance}[field_name]
                # the budget-execution table is the form's own statement: it wins over prose,
                # and a disagreeing prose figure is left for the linker and checker to flag
                if value is not None:
                    record.budget[field_name] = StatedValue(value=value, text=cell.text, start=cell.start, end=cell.end)
            break
    for field_name, sv in find_stated(text, RATE_PATTERNS, line_ranges).items():
        record.budget.setdefault(field_name, sv)
    record.assets = find_stated(text, ASSET_PATTERNS, line_ranges)
    record.goals = find_goals(text)

    meta = find_meta(text)
    for key in ("单位名称", "部门名称", "预算单位", "填报单位"):
        if facts.kv.get(key):
            meta.unit = facts.kv[key]
            break
    record.meta = Meta(unit=meta.unit, year=meta.year, kind=meta.kind, region=meta.region,
                       filled_on=meta.filled_on, total_score=meta.total_score, grade=meta.grade,
                       grade_scale=meta.grade_scale or {}, staff=Staff(**find_staff(text)))
    if facts.total_score is not None:
        # the indicator table's own total row is the most specific statement of the total
        record.meta.total_score = facts.total_score[0]
    record.spans = _function_items_from_cells(text, record)
    return record


def _line_ranges(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Widen ranges to whole lines."""
    out = []
    for s, e in ranges:
        ls = text.rfind("\n", 0, s) + 1
        le = text.find("\n", e)
        out.append((ls, len(text) if le < 0 else le))
    return out


def _add_cell_sections(text: str, sections: list[Section], cells) -> list[Section]:
    """A key cell naming a topic (单位职能概况, 偏差原因分析…) makes its long neighbour a section,
    so narrative inside forms gets the same heading context as narrative under a heading."""
    out = list(sections)
    # the deepest heading section around the cell, the first one on a tie (reversed: the lookup
    # prefers the later), in O(log n): a long form has thousands of such cells
    innermost = SectionLookup(list(reversed(sections)))
    for nc in cells:
        title = re.sub(r"\s+", "", nc.key.text)
        kind = classify_title(title)
        level = 1
        parent = innermost.at(nc.key.start)
        if parent is not None:
            level = parent.level + 1
        out.append(Section(id=f"s{len(out) + 1}", title=title, level=level, kind=kind, start=nc.key.start,
                           end=nc.value.end, parent=parent.id if parent else None,
                           title_start=nc.key.start, title_end=nc.key.end))
    out.sort(key=lambda s: (s.start, s.level))
    return out


_ITEM_SPLIT = re.compile(r"(?:(?<=^)|(?<=[\s。；;]))(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[）)]|[①-⑳])\s*(?!\d)")


def _function_items_from_cells(text: str, record: Record) -> list[Span]:
    """FUNCTION spans the tables state directly: the numbered items of a functions cell."""
    spans: list[Span] = []
    if not any(sec.kind == "functions" for sec in record.sections):
        return spans  # most documents: no need to collect every cell's span below
    table_cells = {(c.start, c.end) for t in record.tables for r in t.rows for c in r.cells}
    # long cells by start, with their reading order: a section looks only at the cells inside it
    long_cells = sorted((c.start, c.end, k) for k, c in enumerate(
        c for t in record.tables for r in t.rows for c in r.cells) if c.end - c.start > 20)
    long_starts = [c[0] for c in long_cells]
    for sec in record.sections:
        if sec.kind != "functions" or (sec.title_start, sec.title_end) not in table_cells:
            continue
        inside = [(k, cs) for cs, ce, k in long_cells[bisect.bisect_right(long_starts, sec.title_end):
                                                     bisect.bisect_left(long_starts, sec.end)] if ce <= sec.end]
        body_start = min(inside)[1] if inside else None   # the first in reading order, as before
        if body_start is None:
            continue
        body = text[body_start:sec.end]
        marks = list(_ITEM_SPLIT.finditer(body))
        for i, m in enumerate(marks):
            s = body_start + m.end()
            e = body_start + (marks[i + 1].start() if i + 1 < len(marks) else len(body))
            while e > s and text[e - 1] in " \u3000\t\n。；;，,":
                e -= 1
            if e - s >= 4:
                spans.append(Span(id=f"t{len(spans) + 1}", label="FUNCTION", start=s, end=e, text=text[s:e],
                                  score=1.0, source="table", section=sec.id))
    return spans


__all__ = ["structure_into"]
