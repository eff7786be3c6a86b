"""Scores that must add up or stay within their weight (total_mismatch, score_mismatch).

- 综合得分/总分 (meta.total_score) against the sum of the indicator scores, only when the
  indicators form the whole scheme (their weights add up to 100): a form that scores
  goals or execution outside the indicator table is not a sum of its rows. In a report of
  several project forms, each form's 总分 against its own indicators (and execution score).
- Level-1 subtotal rows (投入/过程/产出/效果 …) against the scores of their indicators.
- An indicator scored above its weight.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterator, Optional

from pipeline.check.base import Tolerance, finding, number
from pipeline.link.ends import cell_id
from pipeline.record import Finding, Record

TOTAL = "total_mismatch"
SCORE = "score_mismatch"


def _scheme_sum(inds: list, execution: Optional[tuple[float, float]], tol: Tolerance) -> Optional[tuple[float, bool]]:
    """The total a scheme's indicator scores make, when they form the whole scheme (weights add up
    to 100), or with the execution score when they weigh the rest of the 100 points (execution:
    its (weight, score)); and whether the execution score is in it. None otherwise."""
    weights, expected = sum(i.weight for i in inds), sum(i.score for i in inds)
    if abs(weights - 100) <= tol.full_scheme:
        return expected, False
    if execution is not None and abs(weights + execution[0] - 100) <= tol.full_scheme:
        return expected + execution[1], True
    return None


def _total(record: Record, tol: Tolerance) -> Iterator[Finding]:
    """总分 against the indicator scores of a whole scheme. A project form (项目支出绩效自评表) scores
    budget execution in its funds row (分值 10, 得分 = 分值 × 执行率) and the indicators for the other
    90 points: its 总分 is both together."""
    stated = record.meta.total_score
    inds = [i for i in record.indicators if i.project is None]
    if not inds and len(record.projects) == 1:   # a one-project report: its indicators are the report's
        inds = [i for i in record.indicators if i.project == record.projects[0].id]
    if stated is None or not inds or any(i.weight is None or i.score is None for i in inds):
        return
    b = record.budget
    execution = ((b["execution_weight"].value, b["execution_score"].value)
                 if "execution_weight" in b and "execution_score" in b else None)
    total = _scheme_sum(inds, execution, tol)
    if total is None:
        return
    expected, with_execution = total
    refs = ["meta.total_score"] + [i.id for i in inds] + (["budget.execution_score"] if with_execution else [])
    what = (f"the execution score {execution[1]:g} plus {len(inds)} indicator scores" if with_execution
            else f"the sum of {len(inds)} indicator scores")
    # a whole-number total (「自评得分95分」) may be the sum rounded to the point (Tolerance.score_ok)
    if not tol.score_ok(stated, expected):
        yield finding(TOTAL, f"total score {stated:g} is not {what} ({expected:.2f})", refs, stated, expected,
                      "indicator_sum")


def _project_totals(record: Record, tol: Tolerance) -> Iterator[Finding]:
    """Each project form's 总分 in a report of several: against its own indicator scores, plus its
    funds row's execution score where the indicators weigh the rest of the 100 points."""
    if len(record.projects) < 2:
        return
    for p in record.projects:
        inds = [i for i in record.indicators if i.project == p.id]
        if p.score is None or p.score_cell is None or not inds or any(i.weight is None or i.score is None for i in inds):
            continue
        execution = (p.execution_weight, p.execution_score) \
            if p.execution_weight is not None and p.execution_score is not None else None
        total = _scheme_sum(inds, execution, tol)
        if total is None:
            continue
        expected, with_execution = total
        refs = [p.score_cell] + [i.id for i in inds] + ([p.id] if with_execution else [])
        what = (f"its execution score {execution[1]:g} plus {len(inds)} indicator scores" if with_execution
                else f"the sum of its {len(inds)} indicator scores")
        if not tol.score_ok(p.score, expected):
            yield finding(TOTAL, f"project {p.name}: total score {p.score:g} is not {what} ({expected:.2f})", refs,
                          p.score, expected, "indicator_sum")


def _subtotals(record: Record, tol: Tolerance) -> Iterator[Finding]:
    by_table: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    rows_of_inds = set()
    table_of_row = {r.id: t for t in record.tables for r in t.rows}
    for i in record.indicators:
        if i.row and i.row in table_of_row and i.level1:
            by_table[table_of_row[i.row].id][i.level1].append(i)
        if i.row:
            rows_of_inds.add(i.row)
    for t in record.tables:
        groups = by_table.get(t.id)
        if not groups:
            continue
        for row in t.rows:
            if row.id in rows_of_inds:
                continue
            # a subtotal row names its level-1 group and nothing else but numbers and dashes
            names = [c.text.strip() for c in row.cells if c.text.strip() and number(c.text) is None
                     and c.text.strip().strip("—-－") != ""]
            if len(names) != 1 or names[0] not in groups:
                continue
            level1 = names[0]
            k = max((k for k, c in enumerate(row.cells) if number(c.text) is not None), default=None)
            inds = groups[level1]
            if k is None or any(i.score is None for i in inds):
                continue
            stated, expected = number(row.cells[k].text), sum(i.score for i in inds)
            if not tol.score_ok(stated, expected, row.cells[k].text):
                yield finding(TOTAL, f"subtotal {level1} states {stated:g}, its {len(inds)} indicators score {expected:.2f}",
                              [cell_id(row, k)] + [i.id for i in inds], stated, expected, "level1_subtotal")


def _within_weight(record: Record, tol: Tolerance) -> Iterator[Finding]:
    for i in record.indicators:
        if i.score is not None and i.weight is not None and i.score > i.weight + tol.score_abs:
            yield finding(SCORE, f"indicator {i.name}: score {i.score:g} exceeds its weight {i.weight:g}",
                          [i.id], i.score, i.weight, "score_over_weight")


def check(record: Record, tol: Tolerance) -> list[Finding]:
    return (list(_total(record, tol)) + list(_project_totals(record, tol)) + list(_subtotals(record, tol))
            + list(_within_weight(record, tol)))
