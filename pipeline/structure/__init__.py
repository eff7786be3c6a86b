"""Structure stage: sections, tables and typed facts of a cleaned text, written into a Record.

``structure_into(record, cleaned, explicit_tables)`` is the whole stage; the pieces
live in sections.py (headings), tables.py (tables in text), table_facts.py (rows →
facts) and prose_facts.py (key–value pairs and sentences → facts).
"""
from __future__ import annotations

import bisect
import gc
import re
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter

from pipeline.clean import Cleaned, line_spans
from pipeline.record import (Goal, Indicator, Meta, Project, Record, ScoreGroup, Section, SectionLookup, Span, Staff,
                             StatedValue, Table)
from pipeline.structure.amounts import (Amount, ProseProject, RangeSet, add_printed_bare, find_assets, find_budget,
                                        find_prose_projects, in_ranges, read_amounts_of, read_cell_amounts)
from pipeline.structure.lexicon import load_lexicon
from pipeline.structure.prose_facts import (GOAL_WORD_MARK, find_goals, find_indicator_lines, find_meta, find_rates,
                                            find_staff, find_title_project, find_total_score, goals_numbered_by_word,
                                            is_project_report, numbered_goals, parse_date)
from pipeline.structure.numbers import NUMBER_RE, to_float
from pipeline.structure.sections import build_sections, classify_title, find_headings
from pipeline.structure.table_facts import MONEY_ROLES, norm, quantity, read_table_facts
from pipeline.structure.tables import TextTable, detect_tables


def _make_table(text: str, tid: str, layout: str, rows_spans: list[list[tuple[int, int]]]) -> Table:
    # One validation of plain dicts for the whole table: pydantic-core builds the Row/Cell models
    # in Rust, about 2.5x faster than a model_construct per cell (pure Python in pydantic 2).
    rows = [{"id": f"{tid}.r{ri + 1}", "cells": [{"text": text[s:e], "start": s, "end": e} for s, e in r]}
            for ri, r in enumerate(rows_spans)]
    filled = [c for r in rows_spans for c in r if c[1] > c[0]]
    # (the least (start, end) has the least start; the ends' maximum taken by map, not by a generator)
    return Table(id=tid, kind="other", start=min(filled)[0] if filled else 0,
                 end=max(map(itemgetter(1), filled)) if filled else 0, layout=layout, rows=rows)


@contextmanager
def _cyclic_gc_paused():
    """The stage builds objects that live on with the record (its tables' rows and cells, its
    facts, sections and spans: hundreds of thousands in a large report) and leaves no cyclic
    garbage. The cyclic collector, started every 700 allocations, would walk them again and
    again, more often the larger the record grows: a 5 MB report spent 15% of the stage there,
    its seconds per MB growing with the size. Paused for the stage and enabled again after (a
    garbage cycle made meanwhile is collected then)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def structure_into(record: Record, cleaned: Cleaned,
                   explicit_tables: list[tuple[str, list[list[tuple[int, int]]]]] | None = None) -> Record:
    """Fill sections, tables and facts of record from its cleaned text.

    explicit_tables: tables a reader marked itself, as (layout, rows of cell spans in cleaned text).
    """
    with _cyclic_gc_paused():
        return _structure_into(record, cleaned, explicit_tables)


def _structure_into(record: Record, cleaned: Cleaned,
                    explicit_tables: list[tuple[str, list[list[tuple[int, int]]]]] | None) -> Record:
    text = cleaned.text
    lines = line_spans(text)
    explicit = explicit_tables or []
    explicit_ranges = sorted((min(s for r in rows for s, _ in r), max(e for r in rows for _, e in r))
                             for _, rows in explicit if any(rows))
    found: list[TextTable] = detect_tables(text, lines, explicit_ranges)
    all_tables = [(t.layout, t.rows) for t in found] + [(lay, rows) for lay, rows in explicit]
    # by the first cell's start: a row's least (start, end) holds its least start (min over tuples, in C)
    all_tables.sort(key=lambda lr: min((min(r)[0] for r in lr[1] if r), default=0))
    record.tables = [_make_table(text, f"t{i + 1}", lay, rows) for i, (lay, rows) in enumerate(all_tables)]
    del found, all_tables   # every cell's offsets as tuples: tens of MB on a giant report, the record has its own
    # a table's rows span whole lines: headings are never looked for inside them
    table_ranges = sorted((t.start, t.end) for t in record.tables)
    line_ranges = _line_ranges(text, table_ranges)

    headings = find_headings(text, lines, line_ranges, dict(cleaned.heading_hints))
    del lines   # one tuple a line: not read after this
    sections = build_sections(text, headings)

    facts = read_table_facts(text, record.tables)
    sections = _add_cell_sections(text, sections, facts.narrative_cells)
    record.sections = sections

    record.indicators = facts.indicators
    record.projects = facts.projects
    record.evaluators = facts.evaluators
    record.fund_use = facts.fund_use
    record.score_groups = facts.score_groups

    meta = find_meta(text)
    prose_projects = find_prose_projects(text, line_ranges)
    # a report on one project names some of its fields in words of its own (到位资金)
    one_project = is_project_report(meta.kind) and len(facts.projects) + len(prose_projects) <= 1
    lex = load_lexicon()
    # the prose amounts and the key–value cells, each read once for the budget and the asset fields
    budget_fields = lex.one_project_budget if one_project else lex.budget
    budget_amounts, asset_amounts = read_amounts_of(text, line_ranges, budget_fields, lex.assets)
    budget_cells, asset_cells = read_cell_amounts(text, line_ranges, budget_fields, lex.assets)
    record.budget = _budget(text, line_ranges, facts, one_project, budget_cells, budget_amounts)
    record.assets = find_assets(text, line_ranges, asset_amounts)
    for field_name, sv in asset_cells.items():
        record.assets.setdefault(field_name, sv)
    add_printed_bare(record.assets)
    _add_prose_projects(prose_projects, record)
    # a goals cell of a form bounds its items (a CSV row's next cell is on the same line)
    record.goals = (find_goals(text) or _goals_from_tables(text, record.tables)
                    or goals_numbered_by_word(text))
    if not record.indicators:
        record.indicators = _indicators_from_lines(text, line_ranges)
    record.score_groups += _group_scores_in_prose(text, record)
    _single_project_from_prose(text, line_ranges, record)
    if is_project_report(meta.kind):
        _single_project_from_title(text, meta.unit, record)

    for key in ("单位名称", "部门名称", "预算单位", "填报单位"):
        if facts.kv.get(key):
            meta.unit = facts.kv[key]
            break
    if meta.filled_on is None:
        for key in ("填报日期", "填表日期"):
            if facts.kv.get(key):
                meta.filled_on = parse_date(facts.kv[key])
                break
    record.meta = Meta(unit=meta.unit, year=meta.year, kind=meta.kind, region=meta.region,
                       filled_on=meta.filled_on, total_score=meta.total_score, grade=meta.grade,
                       grade_scale=meta.grade_scale or {}, staff=Staff(**find_staff(text)))
    # the indicator table's own total row is the most specific statement of the total, where it
    # totals the whole report: a project's table in a report of several projects is not the report's
    whole = [t for t in facts.total_scores if t[2] is None or len(facts.projects) <= 1]
    if whole:
        record.meta.total_score = whole[-1][0]
    elif len(facts.projects) > 1:
        # a report of several projects: the tables' totals are the projects'; the report's own
        # total is the one its prose states
        record.meta.total_score = find_total_score(text, [(t.start, t.end) for t in record.tables])
        by_id = {p.id: p for p in record.projects}
        for score, _, pid, cell in facts.total_scores:
            p = by_id.get(pid)
            if p is not None and p.score is None:
                p.score, p.score_cell = score, cell
    record.spans = _function_items_from_cells(text, record)
    return record


_ROW_FIELDS = {"initial": "initial", "budgeted": "budgeted", "executed": "executed", "execution_rate": "execution_rate",
               "execution_score": "execution_score", "balance": "balance", "execution_weight": "weight"}


def _table_of(row_id: str) -> str:
    return row_id.split(".", 1)[0]


def _unit_scope(br, rows) -> bool:
    """Whether a budget row states the unit's figures. A project list's total row totals the
    projects listed (项目支出情况: often only the main ones), not the unit's budget, unless the
    same list also has a row for a field of the unit's own spending (基本支出 beside the projects)."""
    if not br.of_project_list:
        return True
    return any(o.field_name is not None and _table_of(o.row) == _table_of(br.row) for o in rows)


def _row_statements(br) -> list[tuple[str, float]]:
    """(field, value) for the money a budget row states: a total row in each column, a field's
    row in its lexicon column."""
    if br.field_name is None:
        return [(f, br.values[r]) for f, r in _ROW_FIELDS.items() if r in MONEY_ROLES and r in br.values]
    col = load_lexicon().budget_field(br.field_name).row_column
    return [(br.field_name, br.values[col])] if col in br.values and col in MONEY_ROLES else []


def _unstated_unit_scales(rows, prose: dict[str, StatedValue]) -> dict[str, float]:
    """table id → the money scale of a table that states no unit, where the prose states the same
    fields with theirs: a table in 元 beside prose in 万元 (3,500,000.00 and 350.00万元) agrees at
    one of the lexicon's unit factors, and at no other, for every field both state."""
    found: dict[str, set[float]] = {}
    factors = sorted(set(load_lexicon().unit_scale.values()))
    for br in rows:
        if br.unit_stated:
            continue
        for field_name, value in _row_statements(br):
            stated = prose.get(field_name)
            if stated is None or not stated.value or not value:
                continue
            fits = {f for f in factors if abs(value * f - stated.value) <= 0.005 * abs(stated.value)}
            found.setdefault(_table_of(br.row), set()).update(fits or {0.0})
    # one factor only, and not 1: the figures agree once read in that unit, and only then
    return {tid: next(iter(fs)) for tid, fs in found.items() if len(fs) == 1 and 1.0 not in fs and 0.0 not in fs}


def _budget(text: str, line_ranges: list[tuple[int, int]], facts, one_project: bool,
            cells: dict[str, StatedValue], amounts: list[Amount]) -> dict[str, StatedValue]:
    """Budget fields: the prose grammar (amounts: read_amounts' for the budget fields), key–value
    cells (cells: read_cell_amounts'), then the budget table, which wins.

    The table's total row (合计/资金总额) is the form's own statement of the unit's figures; rows
    labelled with a field (上年结转资金, 基本支出) state that field in its lexicon column. A
    one-project report (项目支出绩效自评表) states its figures in the project's own table, and
    names some fields in words of its own (到位资金)."""
    budget = find_budget(text, line_ranges, one_project, amounts)
    for field_name, sv in cells.items():
        budget.setdefault(field_name, sv)
    rows = [br for br in facts.budget_rows if br.project is None and _unit_scope(br, facts.budget_rows)]
    if not any(br.field_name is None for br in rows) and len(facts.projects) == 1:
        rows = [br for br in facts.budget_rows if br.project == facts.projects[0].id]
    lex = load_lexicon()
    scales = _unstated_unit_scales(rows, budget)
    table_set: set[str] = set()
    has_total_row = any(br.field_name is None for br in rows)
    for br in rows:
        if br.field_name is None:
            if any(f in table_set for f in ("budgeted", "executed")):
                continue  # the first total row is the unit's
            picks = dict(_ROW_FIELDS)   # field → the row's column role
        else:
            terms = lex.budget_field(br.field_name)
            col = terms.row_column
            picks = {br.field_name: col if col in br.values else next(
                (r for r in ("budgeted", "executed", "initial") if r in br.values), None)}
            if terms.whole_budget_row and not has_total_row and "executed" in br.values and (
                    "budgeted" in br.values or "initial" in br.values):
                # 支出合计 with its budget and execution columns, and no 资金总额 row: the unit's
                # budget, for the fields nothing else states (where prose states one too, the two
                # are compared by the restated check, not overwritten by a row that may be the typo)
                picks.update({f: role for f, role in _ROW_FIELDS.items() if f not in budget})
        for field_name, role in picks.items():
            if role is None or role not in br.values or field_name in table_set:
                continue
            cell = br.cells[role]
            value = br.values[role]
            if role in MONEY_ROLES and _table_of(br.row) in scales:
                value = round(value * scales[_table_of(br.row)], 6)
            budget[field_name] = StatedValue(value=value, text=cell.text, start=cell.start, end=cell.end)
            table_set.add(field_name)
    for field_name, sv in find_rates(text).items():
        budget.setdefault(field_name, sv)
    for f in lex.budget:
        for other in f.also:
            if f.name in budget and other not in budget:
                budget[other] = budget[f.name]
    return budget


def _add_prose_projects(prose_projects: list[ProseProject], record: Record) -> None:
    """Projects a prose list states (「A项目预算…万元、支出…万元；B项目…」) that no table lists."""
    for pp in prose_projects:
        if any(norm(p.name) == norm(pp.name) for p in record.projects):
            continue
        record.projects.append(Project(id=f"p{len(record.projects) + 1}", name=pp.name, budgeted=pp.budgeted,
                                       executed=pp.executed, start=pp.start, end=pp.end))


def _indicators_from_lines(text: str, line_ranges: list[tuple[int, int]]) -> list[Indicator]:
    tables = RangeSet(line_ranges)   # by bisection: a long report has many indicator lines and tables
    def figure(value: str | None) -> float | None:
        m = NUMBER_RE.search(value or "")
        return to_float(m.group(0)) if m else None

    return [Indicator(id=f"i{k + 1}", level1=il.level, name=il.name, target=quantity(il.values.get("target", "")),
                      actual=quantity(il.values.get("actual", "")), weight=figure(il.values.get("weight")),
                      score=figure(il.values.get("score")))
            for k, il in enumerate(il for il in find_indicator_lines(text) if not in_ranges(il.start, tables))]


_GOAL_COLUMN = re.compile(r"^(?:年度)?(?:绩效|总体)?目标$|^预期目标$|^年度(?:总体|绩效)目标$")
_GOAL_ITEM_MARK = re.compile(r"(?:(?<=^)|(?<=[\s;；。]))(?P<n>\d{1,2})\s*[、.．]\s*(?!\d)")


def _goals_from_tables(text: str, tables: list[Table]) -> list[Goal]:
    """Goals a form lists under a goals column (年度绩效目标, 预期目标): one per numbered row, or
    the numbered items of the one cell below the header."""
    for t in tables:
        if text.find("标", t.start, t.end) < 0:
            continue   # (a cell's text is the text at its offsets, inside its table's span: no header here)
        for ri, row in enumerate(t.rows):
            # (a goals header ends in 目标: a cell without 标 is not asked)
            for col in (k for k, c in enumerate(row.cells) if "标" in c.text and _GOAL_COLUMN.match(norm(c.text))):
                below = [r.cells[col] for r in t.rows[ri + 1:] if col < len(r.cells) and r.cells[col].text.strip()]
                if not below:
                    continue
                cell = below[0]
                items = (numbered_goals(text, cell.start, cell.end, _GOAL_ITEM_MARK)
                         or numbered_goals(text, cell.start, cell.end, GOAL_WORD_MARK))
                if items:
                    return items
                rows = []
                for r in t.rows[ri + 1:]:
                    first = norm(r.cells[0].text) if r.cells else ""
                    if col >= len(r.cells) or not first.isdigit() or not r.cells[col].text.strip():
                        break
                    c = r.cells[col]
                    rows.append(Goal(id=f"g{len(rows) + 1}", text=c.text.strip(), start=c.start, end=c.end))
                if len(rows) >= 2:
                    return rows
    return []


@lru_cache(maxsize=1024)
def _group_score(name: str) -> re.Pattern:
    """A group's score statement, compiled once per group name (reports name the same few levels:
    escaping and formatting the pattern for each report cost more than its search)."""
    return re.compile(rf"{re.escape(name)}(?:指标|类)?(?:得分|评分)?(?:为)?\s*(?P<num>\d+(?:\.\d+)?)\s*分")


def _group_scores_in_prose(text: str, record: Record) -> list[ScoreGroup]:
    """Level scores the conclusion states (「过程指标得分21.4分」, 「其中投入类12分」) for the groups
    the indicator table names."""
    have = {g.name for g in record.score_groups}
    names = {n for i in record.indicators for n in (i.level1, i.level2) if n} - have
    out = []
    for name in sorted(names, key=lambda n: (-len(n), n)):  # longest first; ties by name, not hash order
        m = _group_score(name).search(text)
        if m:
            out.append(ScoreGroup(name=name, score=float(m.group("num"))))
    return out


# 「项目名称：X」, or a form's first row left as a line of two cells (「项目名称 | X」, 「项目名称\tX」)
_PROJECT_NAME_LINE = re.compile(r"^[ \u3000]*项目名称[ \u3000]*[：:\t|｜][ \u3000]*(?P<name>[^\n\t|｜]{2,60}?)[ \u3000]*$", re.M)


def _single_project_from_prose(text: str, line_ranges: list[tuple[int, int]], record: Record) -> None:
    """A project report written as key–value lines (「项目名称：X」, no form grid) is about that one
    project: its budget figures are the project's."""
    if record.projects:
        return
    m = _PROJECT_NAME_LINE.search(text) if "项目名称" in text else None   # (found faster than tried per line)
    if not m or in_ranges(m.start(), line_ranges):
        return
    b = record.budget
    record.projects.append(Project(id="p1", name=m.group("name"), start=m.start("name"), end=m.end("name"),
                                   budgeted=b["budgeted"].value if "budgeted" in b else None,
                                   executed=b["executed"].value if "executed" in b else None,
                                   execution_rate=b["execution_rate"].value if "execution_rate" in b else None))


def _single_project_from_title(text: str, unit: str | None, record: Record) -> None:
    """A one-project report that lists no project (「2020年度X项目支出绩效自评报告」) is about the
    project its title names: its budget figures are the project's."""
    if record.projects:
        return
    named = find_title_project(text, unit)
    if named is None:
        return
    name, start, end = named
    b = record.budget
    record.projects.append(Project(id="p1", name=name, start=start, end=end,
                                   budgeted=b["budgeted"].value if "budgeted" in b else None,
                                   executed=b["executed"].value if "executed" in b else None,
                                   execution_rate=b["execution_rate"].value if "execution_rate" in b else None))


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
    innermost = SectionLookup(list(reversed(sections))) if cells else None   # (most reports: no such cell)
    for nc in cells:
        title = "".join(nc.key.text.split())   # (re.sub(r"\s+", "", …): \s is str.isspace)
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
    # (a cell with text lies inside its table's span, and a title is never empty: a functions
    # title outside every table is no cell's)
    if not any(sec.kind == "functions" and any(t.start <= sec.title_start and sec.title_end <= t.end for t in record.tables)
               for sec in record.sections):
        return spans  # most documents: no need to collect every cell's span below
    cell_spans = [(c.start, c.end) for t in record.tables for r in t.rows for c in r.cells]   # (read once)
    table_cells = set(cell_spans)
    # long cells by start, with their reading order: a section looks only at the cells inside it
    long_cells = sorted((s, e, k) for k, (s, e) in enumerate(cell_spans) if e - s > 20)
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
