"""A grade that contradicts the scale (grade_mismatch).

The document's own scale (meta.grade_scale, e.g. {"优秀": ">=85", "良好": "75-85"}) is
used when it prints one; otherwise the usual 优/良/中/差 at 90/80/60
(configs/checking.yaml). Bounds: "lo-hi" means lo <= score < hi. A grade word the
scale does not know is not judged."""
from __future__ import annotations

import re
from typing import Optional

from pipeline.check.base import Tolerance, finding, load_checking_config
from pipeline.record import Finding, Record

KIND = "grade_mismatch"
_BOUND = re.compile(r"^\s*(?:(?P<op>>=|≥|>|<=|≤|<)\s*(?P<v>\d+(?:\.\d+)?)|(?P<lo>\d+(?:\.\d+)?)\s*[-~—～至]\s*(?P<hi>\d+(?:\.\d+)?))\s*$")


def parse_bound(text: str) -> Optional[tuple[float, float, bool]]:
    """(lo, hi, hi_inclusive) for ">=85", "<60", "75-85"; None when unreadable."""
    m = _BOUND.match(text or "")
    if not m:
        return None
    if m.group("lo"):
        return float(m.group("lo")), float(m.group("hi")), False
    v, op = float(m.group("v")), m.group("op")
    return {">=": (v, float("inf"), True), "≥": (v, float("inf"), True), ">": (v + 1e-9, float("inf"), True),
            "<": (float("-inf"), v, False), "<=": (float("-inf"), v, True), "≤": (float("-inf"), v, True)}[op]


def grade_for(score: float, scale: dict[str, str]) -> Optional[str]:
    for grade, text in scale.items():
        b = parse_bound(text)
        if b and b[0] <= score and (score < b[1] or (b[2] and score <= b[1])):
            return grade
    return None


def _canonical(grade: str, scale: dict[str, str], aliases: dict[str, list[str]]) -> Optional[str]:
    g = grade.strip()
    if g in scale:
        return g
    for key, words in aliases.items():
        if key in scale and g in words:
            return key
    return None


def _judge(score: float, grade: str, scale: dict, aliases: dict, tol: Tolerance) -> Optional[str]:
    """The grade the scale gives when it differs from the stated one (beyond score rounding)."""
    stated = _canonical(grade, scale, aliases)
    if stated is None:
        return None
    expected = grade_for(score, scale)
    if expected is None or expected == stated:
        return None
    # a score within rounding of a boundary may sit on either side
    if any(grade_for(score + d, scale) == stated for d in (-tol.score_abs, tol.score_abs)):
        return None
    return expected


def check(record: Record, tol: Tolerance) -> list[Finding]:
    cfg = load_checking_config()
    own = dict(record.meta.grade_scale)
    scale = own or cfg["default_grade_scale"]
    aliases = {} if own else cfg.get("grade_aliases", {})
    which = "the document's scale" if own else "the default 90/80/60 scale"
    relation = "printed_scale" if own else "default_scale"
    out = []
    if record.meta.total_score is not None and record.meta.grade:
        exp = _judge(record.meta.total_score, record.meta.grade, scale, aliases, tol)
        if exp:
            out.append(finding(KIND, f"grade {record.meta.grade} for {record.meta.total_score:g} points; {which} gives {exp}",
                               ["meta.grade", "meta.total_score"], record.meta.total_score, None, relation))
    for p in record.projects:
        if p.score is not None and p.grade:
            exp = _judge(p.score, p.grade, scale, aliases, tol)
            if exp:
                out.append(finding(KIND, f"project {p.name}: grade {p.grade} for {p.score:g} points; {which} gives {exp}",
                                   [p.id], p.score, None, relation))
    return out
