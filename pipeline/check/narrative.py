"""Narrative figures that disagree with the tables (narrative_table_mismatch).

Reads the linker's verdicts: a ``states`` link (amount → budget field or cell) or a
``reports_on`` link (WORKLOAD → indicator row) with agree=False. The stated value is
the narrative's, the expected value the table's."""
from __future__ import annotations

from typing import Optional

from pipeline.check.base import Tolerance, finding, number
from pipeline.link.ends import RecordIndex
from pipeline.link.money import parse_money
from pipeline.link.quantities import workload_parts
from pipeline.record import Finding, Link, Record

KIND = "narrative_table_mismatch"


def _narrative_value(record: Record, index: RecordIndex, link: Link) -> Optional[float]:
    if link.from_ in index.spans:
        s = index.spans[link.from_]
        return workload_parts(s.text, s.attrs)[1]
    end = index.resolve(link.from_)
    if end and end.intervals:
        a, b = end.intervals[0]
        return parse_money(record.text[a:b])
    return None


def _table_value(record: Record, index: RecordIndex, link: Link) -> Optional[float]:
    if link.to.startswith("budget."):
        sv = record.budget.get(link.to.split(".", 1)[1])
        return sv.value if sv else None
    if link.to in index.indicators:
        q = index.indicators[link.to].actual
        return q.value if q else None
    end = index.resolve(link.to)
    if end and end.kind == "cell":
        a, b = end.intervals[0]
        return number(record.text[a:b])
    return None


def check(record: Record, tol: Tolerance) -> list[Finding]:
    index = RecordIndex(record)
    out = []
    for link in record.links:
        if link.agree is not False or link.relation not in ("states", "reports_on"):
            continue
        stated, expected = _narrative_value(record, index, link), _table_value(record, index, link)
        what = "amount" if link.relation == "states" else "count"
        out.append(finding(KIND, f"narrative {what} disagrees with {link.to}: {link.evidence}",
                           [link.from_, link.to, link.id], stated, expected, "narrative_link"))
    return out
