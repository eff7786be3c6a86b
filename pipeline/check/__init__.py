"""Consistency findings: numbers in a report that do not agree with each other.

``Checker`` follows the spaCy component pattern: ``predict(record)`` returns
findings without touching the record, ``set_annotations`` writes them into
``record.findings``. Each kind of check is its own module:

- sums: table columns vs total rows, prose breakdowns (其中…), projects vs 项目支出
- rates: execution rate vs executed/budgeted; printed score formulas (20分×执行率)
- scores: 综合得分 vs indicator scores, level-1 subtotals, scores above weight
- balance: carryover + initial + adjustments − executed = balance
- grades: the grade vs the document's scale or the usual 90/80/60 one
- restated: a budget figure stated in a table row and again, differently, in a sentence
- narrative: the linker's agree=False links (run the Linker first)

Only what the document states is checked; an absent figure is never flagged.
Tolerances: configs/checking.yaml.
"""
from __future__ import annotations

from pipeline.check import balance, grades, narrative, rates, restated, scores, sums
from pipeline.check.base import Tolerance, load_checking_config
from pipeline.link.ends import RecordIndex
from pipeline.record import Finding, FindingSide, Record

FINDING_ID_PREFIX = "find-"


class Checker:
    name = "checker"

    def __init__(self, tolerance: Tolerance | None = None,
                 checks=(sums, rates, scores, balance, grades, restated, narrative), min_confidence: float | None = None):
        self.tolerance = tolerance or Tolerance.from_config()
        self.checks = checks
        # a finding claims the report is wrong: below this confidence it is not raised
        self.min_confidence = float(load_checking_config()["min_confidence"] if min_confidence is None else min_confidence)

    def predict(self, record: Record) -> list[Finding]:
        found: list[Finding] = []
        for check in self.checks:
            found.extend(f for f in check.check(record, self.tolerance) if f.confidence >= self.min_confidence)
        index = RecordIndex(record)
        return [f.model_copy(update={"id": f"{FINDING_ID_PREFIX}{i + 1}", "sides": _sides(record, index, f)})
                for i, f in enumerate(found)]

    def set_annotations(self, record: Record, findings: list[Finding]) -> Record:
        """Replace this component's earlier findings; keep any from elsewhere."""
        record.findings = [f for f in record.findings if not f.id.startswith(FINDING_ID_PREFIX)] + list(findings)
        return record

    def __call__(self, record: Record) -> Record:
        return self.set_annotations(record, self.predict(record))


def _sides(record: Record, index: RecordIndex, f: Finding) -> list[FindingSide]:
    """The evidence: each ref of the finding with the text it covers (the first ref is the
    figure judged wrong, the others what it is compared with)."""
    sides = []
    for k, ref in enumerate(f.refs):
        end = index.resolve(ref)
        if end is None or not end.intervals:
            continue
        start, stop = min(s for s, _ in end.intervals), max(e for _, e in end.intervals)
        sides.append(FindingSide(role="stated" if k == 0 else "operand", ref=ref, text=record.text[start:stop],
                                 start=start, end=stop))
    return sides


__all__ = ["Checker", "Tolerance", "FINDING_ID_PREFIX"]
