"""Execution rates and the score formulas forms print (rate_mismatch, score_mismatch).

- A stated execution rate against executed / budgeted (the budget and each project); a
  rate equal to executed / initial budget (年初预算数) is another reading, not an error, and
  100% printed for a spend above the budget is the form's cap.
- 「得分 (20 分*执行率)」: where a table prints the formula in a header cell, each row
  below it with a rate cell and a score cell after it must follow it (capped at the
  full points). A rate over 100% earns the full points.
"""
from __future__ import annotations

import re
from typing import Iterator

from pipeline.check.base import Tolerance, finding, is_percent, number
from pipeline.link.ends import cell_id, text_id
from pipeline.record import Finding, Record, Table

RATE = "rate_mismatch"
SCORE = "score_mismatch"
_FORMULA = re.compile(r"(?P<pts>\d+(?:\.\d+)?)\s*分\s*[*×xX✕]\s*执行率|执行率\s*[*×xX✕]\s*(?P<pts2>\d+(?:\.\d+)?)\s*分")


def colocation(text: str, values) -> str:
    """How close the stated figures sit: in one table row, in one sentence, or apart. Only
    figures stated together are known to share a scope (年初 vs 全年, 财政拨款 vs all funds)."""
    start, end = min(v.start for v in values), max(v.end for v in values)
    between = text[start:end]
    if _SENTENCE_END.search(between):
        return "rate_across_document"
    return "rate_in_row" if "\t" in between else "rate_in_sentence"


_SENTENCE_END = re.compile(r"[。；;\n]")


def _rate_explained(stated: float, expected: float, tol: Tolerance) -> bool:
    """The stated rate is the computed one, or the 100% that forms print as the cap of a spend
    above its budget (执行率 is scored up to 100%)."""
    return tol.rate_ok(stated, expected) or (tol.rate_ok(stated, 100.0) and expected >= 100.0)


def _rates(record: Record, tol: Tolerance) -> Iterator[Finding]:
    b = record.budget
    if all(k in b for k in ("execution_rate", "executed", "budgeted")) and b["budgeted"].value:
        expected = b["executed"].value / b["budgeted"].value * 100
        # some reports divide by the initial budget (年初预算数) instead of the adjusted one: a
        # rate that reading explains is no evidence of an error
        of_initial = (b["executed"].value / b["initial"].value * 100
                      if "initial" in b and b["initial"].value else None)
        if not _rate_explained(b["execution_rate"].value, expected, tol) and not (
                of_initial is not None and tol.rate_ok(b["execution_rate"].value, of_initial)):
            yield finding(RATE, f"execution rate {b['execution_rate'].value:g}% is not executed/budgeted = {expected:.2f}%",
                          ["budget.execution_rate", "budget.executed", "budget.budgeted"],
                          b["execution_rate"].value, expected,
                          colocation(record.text, [b["execution_rate"], b["executed"], b["budgeted"]]))
    rows = {r.id: r for t in record.tables for r in t.rows}
    for p in record.projects:
        if p.execution_rate is not None and p.executed is not None and p.budgeted:
            expected = p.executed / p.budgeted * 100
            # another amount of the project's own row (its 年初预算数) may be the rate's base
            others = [v for c in (rows[p.row].cells if p.row in rows else [])
                      if (v := number(c.text)) and not is_percent(c.text) and v != p.executed]
            if not _rate_explained(p.execution_rate, expected, tol) and not any(
                    tol.rate_ok(p.execution_rate, p.executed / v * 100) for v in others):
                yield finding(RATE, f"project {p.name}: execution rate {p.execution_rate:g}% is not "
                                    f"{p.executed:g}/{p.budgeted:g} = {expected:.2f}%", [p.id], p.execution_rate, expected,
                              "rate_in_row")


def _formula_rows(table: Table, tol: Tolerance) -> Iterator[Finding]:
    points = None
    for row in table.rows:
        for c in row.cells:
            m = _FORMULA.search(c.text.replace(" ", ""))
            if m:
                points = float(m.group("pts") or m.group("pts2"))
                break
        else:
            if points is None:
                continue
            # a data row: the first percent cell is the rate, the next numeric cell the score
            cells = row.cells
            k = next((i for i, c in enumerate(cells) if is_percent(c.text)), None)
            if k is None:
                continue
            j = next((i for i in range(k + 1, len(cells)) if number(cells[i].text) is not None), None)
            if j is None or is_percent(cells[j].text):
                continue
            rate, stated = number(cells[k].text), number(cells[j].text)
            expected = min(points, points * rate / 100)
            if not tol.score_ok(stated, expected, cells[j].text):
                yield finding(SCORE, f"table {table.id}: score {stated:g} does not follow the printed formula "
                                     f"{points:g}分×执行率 = {points:g}×{rate:g}% = {expected:.2f}",
                              [cell_id(row, j), cell_id(row, k)], stated, expected, "printed_formula")


# 「预算执行率得分=执行率×分值」 printed among the scoring rules: it governs the indicator rows
# whose name holds its subject (基本支出预算执行率, 项目支出预算执行率), and no other row
_PROSE_RULE = re.compile(r"(?P<subject>[\u4e00-\u9fff]{2,10}?)得分\s*[=＝]\s*(?:执行率\s*[×*xX✕]\s*(?:分值|权重)"
                         r"|(?:分值|权重)\s*[×*xX✕]\s*执行率)")
_RATE_IN_NAME = re.compile(r"(?P<rate>\d+(?:\.\d+)?)\s*%")


def _printed_rule_rows(record: Record, tol: Tolerance) -> Iterator[Finding]:
    for m in _PROSE_RULE.finditer(record.text):
        subject = m.group("subject")
        for i in record.indicators:
            if subject not in i.name or i.weight is None or i.score is None:
                continue
            rm = _RATE_IN_NAME.search(i.name) or (i.actual and _RATE_IN_NAME.search(i.actual.text))
            if not rm:
                continue
            rate = float(rm.group("rate"))
            expected = min(i.weight, i.weight * rate / 100)
            if not tol.score_ok(i.score, expected):
                yield finding(SCORE, f"indicator {i.name}: score {i.score:g} does not follow the printed rule "
                                     f"「{m.group(0)}」: {i.weight:g}×{rate:g}% = {expected:.2f}",
                              [i.id, text_id(m.start(), m.end())], i.score, expected, "printed_formula")
        break  # one rule statement per report


def check(record: Record, tol: Tolerance) -> list[Finding]:
    out = list(_rates(record, tol)) + list(_printed_rule_rows(record, tol))
    for t in record.tables:
        out.extend(_formula_rows(t, tol))
    return out
