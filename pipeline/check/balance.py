"""The budget balance closes (balance_mismatch):
carryover + initial + adjustment + other adjustment − executed = balance.

Needs carryover, initial, executed and balance stated; an adjustment the document
does not state is taken as none (forms print a row for each adjustment they had)."""
from __future__ import annotations

from pipeline.check.base import Tolerance, finding
from pipeline.record import Finding, Record

KIND = "balance_mismatch"


def check(record: Record, tol: Tolerance) -> list[Finding]:
    b = record.budget
    if not all(k in b for k in ("carryover", "initial", "executed", "balance")):
        return []
    adj = [k for k in ("adjustment", "other_adjustment") if k in b]
    expected = b["carryover"].value + b["initial"].value + sum(b[k].value for k in adj) - b["executed"].value
    stated = b["balance"].value
    if tol.money_ok(stated, expected):
        return []
    refs = [f"budget.{k}" for k in ("carryover", "initial", *adj, "executed", "balance")]
    return [finding(KIND, f"balance {stated:g}万元 does not close: carryover + initial + adjustments − executed = {expected:.2f}万元",
                    refs, stated, expected, "error")]
