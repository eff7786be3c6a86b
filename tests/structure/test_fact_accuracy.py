"""Structure-stage fact accuracy on synthetic reports (facts known), so regressions show.

Thresholds sit a little under what `python -m pipeline.structure.fact_accuracy --n 270`
measures; the run-together layout (cells with no separator at all) has no table reader
yet and is excluded from the table families.
"""
from __future__ import annotations

from pipeline.structure.fact_accuracy import measure


def test_fact_accuracy_on_synthetic_layouts():
    result = measure(54, seed=2024)
    overall = result["overall"]
    assert overall["year"] >= 0.98
    assert overall["unit"] >= 0.9
    assert overall["grade"] >= 0.9
    assert overall["budget"] >= 0.8
    assert overall["staff"] >= 0.9
    for layout, rates in result["by_layout"].items():
        if layout == "run_together":
            continue
        assert rates.get("indicators", 1.0) >= 0.8, (layout, rates)
        assert rates.get("total_score", 1.0) >= 0.8, (layout, rates)
