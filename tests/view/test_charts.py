from __future__ import annotations

import re

from pipeline.record import Finding, StatedValue
from pipeline.view.charts import _bins, archive_charts, execution_rate
from tests.view.records import roads_record


def test_bins_count_every_value_once():
    labels, counts = _bins([10, 60, 69.9, 95, 100, 130], [0, 60, 70, 100, float("inf")])
    assert labels == ["0–60", "60–70", "70–100", "≥100"]
    assert counts == [1, 2, 1, 2]


def test_execution_rate_stated_or_computed():
    r = roads_record()
    assert execution_rate(r) is None
    r.budget["budgeted"] = StatedValue(value=400.0, text="400", start=0, end=1)
    assert execution_rate(r) == 87.5
    r.budget["execution_rate"] = StatedValue(value=90.0, text="90%", start=0, end=1)
    assert execution_rate(r) == 90.0


def test_charts_are_svg_that_name_no_network_script():
    r = roads_record()
    r.findings.append(Finding(id="f2", kind="sum", message="m"))
    charts = archive_charts([r, roads_record("b", score=59)])
    assert set(charts) == {"total_score.svg", "execution_rate.svg", "findings.svg"}
    for svg in charts.values():
        assert "<svg" in svg
        assert not re.search(r"<script[^>]*\bhref=", svg)  # pygal's tooltip script from the network is off
    assert "Total score (2 documents)" in charts["total_score.svg"]
    assert "Findings per kind (3)" in charts["findings.svg"]
