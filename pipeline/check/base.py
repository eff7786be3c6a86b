"""What every check shares: tolerances, the finding constructor, numbers in cells."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from pipeline import CONFIG_DIR
from pipeline.record import Finding

_NUMBER = r"[-−－]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−－]?\d+(?:\.\d+)?"
_PRINTED = re.compile(r"\d(?:\.(?P<dec>\d+))?\s*(?P<unit>亿元|万元|千元|元)?\s*$")
_UNIT_TO_WAN = {"亿元": 10000.0, "万元": 1.0, "千元": 0.1, "元": 0.0001}
_NUMERIC_CELL = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<pct>%)?\s*$")


@lru_cache(maxsize=4)
def load_checking_config(path: Path | None = None) -> dict:
    return yaml.safe_load((path or CONFIG_DIR / "checking.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Tolerance:
    money_abs: float = 0.01
    money_rel: float = 0.005
    score_abs: float = 0.05
    rate_abs: float = 0.05
    full_scheme: float = 0.5
    approximate_share: float = 0.1

    @classmethod
    def from_config(cls, cfg: dict | None = None) -> "Tolerance":
        cfg = cfg or load_checking_config()
        return cls(**cfg["tolerance"])

    def money_ok(self, stated: float, expected: float) -> bool:
        return abs(stated - expected) <= self.money_abs + self.money_rel * abs(stated) + 1e-9

    def printed_ok(self, stated: float, expected: float, printed: list[str]) -> bool:
        """A sum of printed amounts against a printed total, within the rounding their printed
        decimals allow (half a unit of the last printed digit each, in 万元). A complete listing
        printed to the 0.01 万元 differs from its total only by a real error beyond that."""
        slack = 0.0
        for t in printed:
            m = _PRINTED.search(t)
            if not m:
                return self.money_ok(stated, expected)
            decimals = len(m.group("dec") or "")
            scale = _UNIT_TO_WAN.get(m.group("unit") or "万元", 1.0)
            slack += 0.5 * 10 ** -decimals * scale
        return abs(stated - expected) <= slack + 1e-9

    def score_ok(self, stated: float, expected: float, printed: str | None = None) -> bool:
        """Within the score tolerance, or a score printed without decimals (「95分」, 「10」) within
        half a point: the value rounded to the point. ``printed``: the score as printed, when
        known (a float alone cannot tell 95 from 95.0)."""
        if abs(stated - expected) <= self.score_abs + 1e-9:
            return True
        whole = float(stated).is_integer() and (printed is None or "." not in printed)
        return whole and abs(stated - expected) < 0.5

    def rate_ok(self, stated: float, expected: float) -> bool:
        return abs(stated - expected) <= self.rate_abs + 1e-9


def number(text: str) -> Optional[float]:
    """The value of a cell that holds only a number (percent allowed), else None."""
    m = _NUMERIC_CELL.match(text or "")
    if not m:
        return None
    return float(m.group("num").replace(",", "").replace("−", "-").replace("－", "-"))


def is_percent(text: str) -> bool:
    m = _NUMERIC_CELL.match(text or "")
    return bool(m and m.group("pct"))


def relation_confidence(relation: str) -> float:
    """How sure a finding of this relation is (configs/checking.yaml: relations)."""
    return float(load_checking_config()["relations"][relation])


def finding(kind: str, message: str, refs: list[str], stated: Optional[float], expected: Optional[float],
            relation: str) -> Finding:
    """A finding whose confidence and severity follow from the relation that ties its sides:
    an error only where the document itself prints the relation."""
    confidence = relation_confidence(relation)
    severity = "error" if confidence >= float(load_checking_config()["error_confidence"]) else "warning"
    return Finding(id="", kind=kind, severity=severity, message=message, refs=refs,
                   stated=None if stated is None else round(stated, 4),
                   expected=None if expected is None else round(expected, 4),
                   relation=relation, confidence=confidence)
