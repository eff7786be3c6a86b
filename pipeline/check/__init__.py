"""Consistency findings: numbers in a report that do not agree with each other.

``Checker`` follows the spaCy component pattern: ``predict(record)`` returns
findings without touching the record, ``set_annotations`` writes them into
``record.findings``. Each kind of check is its own module:

- sums: table columns vs total rows, prose breakdowns (其中…), projects vs 项目支出
- rates: execution rate vs executed/budgeted; printed score formulas (20分×执行率)
- scores: 综合得分 vs indicator scores, level-1 subtotals, scores above weight
- balance: carryover + initial + adjustments − executed = balance
- grades: the grade vs the document's scale or the usual 90/80/60 one
- narrative: the linker's agree=False links (run the Linker first)

Only what the document states is checked; an absent figure is never flagged.
Tolerances: configs/checking.yaml.
"""
from __future__ import annotations

from pipeline.check import balance, grades, narrative, rates, scores, sums
from pipeline.check.base import Tolerance
from pipeline.record import Finding, Record

FINDING_ID_PREFIX = "find-"


class Checker:
    name = "checker"

    def __init__(self, tolerance: Tolerance | None = None,
                 checks=(sums, rates, scores, balance, grades, narrative)):
        self.tolerance = tolerance or Tolerance.from_config()
        self.checks = checks

    def predict(self, record: Record) -> list[Finding]:
        found: list[Finding] = []
        for check in self.checks:
            found.extend(check.check(record, self.tolerance))
        return [f.model_copy(update={"id": f"{FINDING_ID_PREFIX}{i + 1}"}) for i, f in enumerate(found)]

    def set_annotations(self, record: Record, findings: list[Finding]) -> Record:
        """Replace this component's earlier findings; keep any from elsewhere."""
        record.findings = [f for f in record.findings if not f.id.startswith(FINDING_ID_PREFIX)] + list(findings)
        return record

    def __call__(self, record: Record) -> Record:
        return self.set_annotations(record, self.predict(record))


__all__ = ["Checker", "Tolerance", "FINDING_ID_PREFIX"]
