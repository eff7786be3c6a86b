"""Span scores as probabilities: the calibration map a model ships with (inference side).

A span's raw score is the mean probability of its characters' tags (or the fixed score a rule
gives the spans it makes); read as "the chance this span is right" it is overconfident, so a
review queue ordered by it would not put the doubtful spans first. ``calibration.json`` in the
model folder holds, per label, an increasing step function from raw score to the observed share
of correct spans (isotonic regression, fitted by ``pipeline.tag.calibrate`` on reports the model
was not trained on); applying it is a table lookup, so inference needs no fitting library.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True)
class Calibration:
    """label → (raw score breakpoints, calibrated values); "*" serves labels without their own."""
    maps: dict[str, tuple[tuple[float, ...], tuple[float, ...]]]

    @classmethod
    def load(cls, model_dir: Path | str) -> "Calibration | None":
        path = Path(model_dir) / CALIBRATION_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("applied") is False:  # the fit made held-out real reports worse (pipeline.tag.calibrate)
            return None
        return cls({label: (tuple(m["x"]), tuple(m["y"])) for label, m in data["maps"].items()})

    def __call__(self, label: str, score: float) -> float:
        xy = self.maps.get(label) or self.maps.get("*")
        if xy is None:
            return score
        return round(float(np.interp(score, xy[0], xy[1])), 4)


def expected_calibration_error(scores: list[float], correct: list[bool], bins: int = 10) -> float:
    """ECE: over equal-width score bins, the gap between the mean score and the share correct,
    weighted by the bin's share of spans."""
    if not scores:
        return 0.0
    s, c = np.asarray(scores, dtype=float), np.asarray(correct, dtype=float)
    idx = np.minimum((s * bins).astype(int), bins - 1)
    return float(sum(abs(s[idx == b].mean() - c[idx == b].mean()) * (idx == b).sum()
                     for b in range(bins) if (idx == b).any()) / len(s))
