"""Comparisons on parsed targets and actuals (record.Quantity) and on WORKLOAD counts.

A table's actual may be a bound (「6次以上」, 「≥8 篇次」), so "does the narrative
count agree with the row" is a question about intervals, not equality.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from pipeline.lexicon import APPROXIMATE_BEFORE
from pipeline.record import Indicator, Quantity

_AT_LEAST = re.compile(r"以上|不少于|不低于|至少|≥|>=|＞=|超过|多于")
_AT_MOST = re.compile(r"以下|不超过|不高于|不多于|以内|≤|<=|＜=")
_WORKLOAD = re.compile(
    rf"(?P<near>{'|'.join(APPROXIMATE_BEFORE)})?(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?P<approx>余|多)?"
    r"(?P<unit>人次|场次|篇次|件次|批次|个次|[次件篇期项个场名册条份批家人部])")


_ROUNDED = re.compile(r"\d\s*[万亿][^\d]*$")


def effective_op(q: Quantity) -> Optional[str]:
    """The comparison a quantity states, reading 「以上」/「不少于」 when the parser left op empty."""
    if q.op:
        return q.op
    if _AT_LEAST.search(q.text):
        return ">="
    if _AT_MOST.search(q.text):
        return "<="
    return "=" if q.value is not None else None


def workload_parts(text: str, attrs: dict) -> tuple[Optional[str], Optional[float], Optional[str], bool]:
    """(activity, count, unit, approximate) from a WORKLOAD span's attrs, parsing its text when
    the tagger left them out. The activity keeps an object after the count: 立案53件提案 → 立案提案."""
    activity, count, unit = attrs.get("activity"), attrs.get("count"), attrs.get("unit")
    approx = bool(attrs.get("approximate", False))
    if count is None or unit is None or not activity:
        matches = list(_WORKLOAD.finditer(text))
        if matches:
            m = matches[-1]
            count = float(m.group("num").replace(",", "")) if count is None else count
            unit = unit or m.group("unit")
            approx = approx or bool(m.group("approx") or m.group("near"))
            activity = activity or (text[:m.start()] + text[m.end():]).strip()
    # a count in 万 or 亿 (「3.2万批次」) is rounded to its last printed digit: approximate for comparing
    approx = approx or _ROUNDED.search(text) is not None
    return activity, (float(count) if count is not None else None), unit, approx


def count_agrees(count: float, approximate: bool, actuals: Iterable[Quantity], approximate_excess: float = 0.0) -> Optional[bool]:
    """Does a narrative count agree with the actual value of one row, or with the sum of several
    rows (a span 「视察、专题调研26项」 reporting on two rows)? None when a row has no value. An
    approximate count (60余, 近3000, 3.2万) agrees with any value from it up, and with one it exceeds
    by at most ``approximate_excess`` of that value (its rounding)."""
    lower, upper = 0.0, 0.0
    for q in actuals:
        if q is None or q.value is None:
            return None
        op = effective_op(q)
        if op in (">=", ">"):
            lower, upper = lower + q.value, float("inf")
        elif op in ("<=", "<"):
            upper += q.value
        else:
            lower, upper = lower + q.value, upper + q.value
    if approximate:  # 「60余篇」: at least 60; 「近3000人次」: a little under or over 2,962
        return count <= upper * (1 + approximate_excess) + 1e-9
    return lower - 1e-9 <= count <= upper + 1e-9


def _meets(actual: Quantity, target: Quantity) -> Optional[bool]:
    if actual.value is None or target.value is None:
        return None
    if actual.unit and target.unit and actual.unit != target.unit:
        return None
    op = effective_op(target)
    a = actual.value
    return {">=": a >= target.value, ">": a > target.value, "<=": a <= target.value,
            "<": a < target.value}.get(op or "=", abs(a - target.value) < 1e-9)


def shortfall(ind: Indicator, score_tolerance: float = 0.05) -> Optional[str]:
    """Why an indicator row counts as missed (lost points, or actual short of target), else None."""
    if ind.score is not None and ind.weight is not None and ind.score < ind.weight - score_tolerance:
        return f"得分{ind.score:g}<分值{ind.weight:g}"
    if ind.actual is not None and ind.target is not None and _meets(ind.actual, ind.target) is False:
        return f"实际{ind.actual.text}未达目标{ind.target.text}"
    return None
