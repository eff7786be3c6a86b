"""Things that should add up (sum_mismatch).

- A table column above a total row (合计/总计/小计) against the total row's cell.
- A breakdown in prose: 「项目支出353.5万元(其中: a万元, b万元 …)」, 「总收入X万元。其中：…」,
  「…万元。主要用于…」: the parts against the figure they break down. A listing that
  falls short may be partial (「其中」 sometimes names only some items), so a shortfall
  is a warning and an excess an error. One part alone is not a breakdown.
- Project budgets (or executions) adding up to more than the stated 项目支出.
Only stated figures are compared; an empty cell is never read as zero.
"""
from __future__ import annotations

import re
from typing import Iterator

from pipeline.check.base import Tolerance, finding, is_percent, number
from pipeline.link.ends import cell_id, text_id
from pipeline.record import Finding, Record, Table

KIND = "sum_mismatch"
_TOTAL_WORDS = ("合计", "总计", "小计", "总额")
_NUMBER = r"[-−－]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−－]?\d+(?:\.\d+)?"
_MONEY = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>亿元|万元|千元|元)")
_TO_WAN = {"亿元": 10000.0, "万元": 1.0, "千元": 0.1, "元": 0.0001}
_BREAKDOWN = re.compile(r"[(（]?\s*(?:其中|主要用于|主要包括|包括)\s*[:：]?")
_OPEN, _CLOSE = "(（", ")）"


def _is_total_row(cells) -> bool:
    return any(c.text.replace(" ", "").strip() in _TOTAL_WORDS or
               c.text.replace(" ", "").strip().endswith(("合计", "总计")) for c in cells if c.text.strip())


def _column_values(parts, k: int):
    """(row, value) for column k over the rows, or None when a text cell says it is not an amount column."""
    values = []
    for r in parts:
        t = r.cells[k].text.strip()
        v = number(t)
        if v is None and t:
            return None
        if v is not None:
            values.append((r, v))
    return values


def _table_sums(table: Table, tol: Tolerance) -> Iterator[Finding]:
    """A total row sums the rows of its group: the rows before it (back to the previous total)
    or, in tables that print the total first, the rows after it (up to the next total)."""
    if table.kind in ("indicators", "scores", "evaluators"):
        return  # score tables are checked against their scheme in pipeline.check.scores
    rows = [r for r in table.rows if _is_total_row(r.cells) or any(number(c.text) is not None for c in r.cells)]
    totals = [i for i, r in enumerate(rows) if _is_total_row(r.cells)]
    for n, i in enumerate(totals):
        before = rows[(totals[n - 1] + 1 if n else 0):i]
        after = rows[i + 1:(totals[n + 1] if n + 1 < len(totals) else len(rows))]
        total_row = rows[i]
        blocks = [b for b in (before, after) if len(b) >= 2 and all(len(r.cells) == len(total_row.cells) for r in b)]
        if not blocks:
            continue  # too few rows, or merged cells: columns cannot be trusted
        for k, cell in enumerate(total_row.cells):
            stated = number(cell.text)
            if stated is None or is_percent(cell.text):
                continue
            candidates = [v for b in blocks if (v := _column_values(b, k)) and len(v) >= 2]
            if not candidates or any(tol.money_ok(stated, sum(x for _, x in v)) for v in candidates):
                continue
            values = candidates[0]
            expected = sum(v for _, v in values)
            yield finding(KIND, f"table {table.id} column {k}: rows add up to {expected:g}, total row states {stated:g}",
                          [cell_id(total_row, k)] + [cell_id(r, k) for r, _ in values], stated, expected, "error")


def _amounts(text: str, start: int, end: int) -> list[tuple[int, int, float]]:
    """Money mentions in text[start:end] at parenthesis depth 0 (a nested (其中…) is its own breakdown)."""
    out, depth, pos = [], 0, start
    for m in _MONEY.finditer(text, start, end):
        for ch in text[pos:m.start()]:
            depth += ch in _OPEN
            depth -= ch in _CLOSE and depth > 0
        pos = m.start()
        if depth == 0:
            v = float(m.group("num").replace(",", "").replace("−", "-").replace("－", "-")) * _TO_WAN[m.group("unit")]
            out.append((m.start(), m.end(), v))
    return out


def _prose_breakdowns(record: Record, tol: Tolerance) -> Iterator[Finding]:
    text = record.text
    for total in _MONEY.finditer(text):
        after = text[total.end():total.end() + 8]
        lead = re.match(r"\s*[，,。;；]?\s*", after)
        m = _BREAKDOWN.match(after, lead.end())
        if not m:
            continue
        start = total.end() + m.end()
        opened = any(ch in _OPEN for ch in after[:m.end()])
        if opened:  # runs to the matching closing parenthesis
            depth, end = 1, start
            while end < len(text) and depth and text[end] != "\n":
                depth += text[end] in _OPEN
                depth -= text[end] in _CLOSE
                end += 1
        else:  # runs to the end of the sentence
            stop = re.compile(r"[。\n]").search(text, start)
            end = stop.start() if stop else len(text)
        parts = _amounts(text, start, end)
        if len(parts) < 2:
            continue
        stated = float(total.group("num").replace(",", "").replace("−", "-").replace("－", "-")) * _TO_WAN[total.group("unit")]
        expected = sum(v for _, _, v in parts)
        if tol.money_ok(stated, expected):
            continue
        severity = "error" if expected > stated else "warning"
        note = "" if expected > stated else " (the listing may be partial)"
        yield finding(KIND, f"breakdown of {stated:g}万元 lists {len(parts)} parts adding up to {expected:g}万元{note}",
                      [text_id(total.start(), total.end())] + [text_id(s, e) for s, e, _ in parts],
                      stated, expected, severity)


def _projects_vs_budget(record: Record, tol: Tolerance) -> Iterator[Finding]:
    """Projects whose amounts exceed 项目支出. A shortfall is not flagged: a report may
    tabulate only its main projects."""
    pe = record.budget.get("project_expenditure")
    projects = record.projects
    if pe is None or len(projects) < 2:
        return
    sums = {}
    for field in ("executed", "budgeted"):
        values = [getattr(p, field) for p in projects]
        if all(v is not None for v in values):
            sums[field] = sum(values)
    if not sums or any(tol.money_ok(pe.value, s) or s < pe.value for s in sums.values()):
        return
    field, expected = next(iter(sums.items()))
    yield finding(KIND, f"{len(projects)} projects' {field} amounts add up to {expected:g}万元, more than 项目支出 {pe.value:g}万元",
                  ["budget.project_expenditure"] + [p.id for p in projects], pe.value, expected, "error")


def check(record: Record, tol: Tolerance) -> list[Finding]:
    out = []
    for t in record.tables:
        out.extend(_table_sums(t, tol))
    out.extend(_prose_breakdowns(record, tol))
    out.extend(_projects_vs_budget(record, tol))
    return out
