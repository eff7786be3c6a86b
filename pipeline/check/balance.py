"""The budget balance closes (balance_mismatch):
carryover + initial + adjustment + other adjustment − executed = balance, or, where the
document states the adjusted total instead (预算数 / 执行数 / 结余 in one row),
budgeted − executed = balance.

Needs the terms stated; an adjustment the document does not state is taken as none
(forms print a row for each adjustment they had)."""
from __future__ import annotations

from pipeline.check.base import Tolerance, finding
from pipeline.record import Finding, Record

KIND = "balance_mismatch"


def check(record: Record, tol: Tolerance) -> list[Finding]:
    b = record.budget
    if not all(k in b for k in ("executed", "balance")):
        return []
    if all(k in b for k in ("carryover", "initial")):
        adj = [k for k in ("adjustment", "other_adjustment") if k in b]
        terms = ("carryover", "initial", *adj)
    elif "budgeted" in b:
        terms = ("budgeted",)
    else:
        return []
    expected = sum(b[k].value for k in terms) - b["executed"].value
    stated = b["balance"].value
    if tol.money_ok(stated, expected):
        return []
    refs = [f"budget.{k}" for k in (*terms, "executed", "balance")]
    return [finding(KIND, f"balance {stated:g}万元 does not close: {' + '.join(terms)} − executed = {expected:.2f}万元",
                    refs, stated, expected, "derived_balance")]
