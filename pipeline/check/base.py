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

    @classmethod
    def from_config(cls, cfg: dict | None = None) -> "Tolerance":
        cfg = cfg or load_checking_config()
        return cls(**cfg["tolerance"])

    def money_ok(self, stated: float, expected: float) -> bool:
        return abs(stated - expected) <= self.money_abs + self.money_rel * abs(stated) + 1e-9

    def score_ok(self, stated: float, expected: float) -> bool:
        return abs(stated - expected) <= self.score_abs + 1e-9

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


def finding(kind: str, message: str, refs: list[str], stated: Optional[float], expected: Optional[float],
            severity: str = "warning") -> Finding:
    return Finding(id="", kind=kind, severity=severity, message=message, refs=refs,
                   stated=None if stated is None else round(stated, 4),
                   expected=None if expected is None else round(expected, 4))
