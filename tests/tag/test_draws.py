"""`jixiao compare-draws`: rule-ablation reports of several trainings side by side, by group."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.tag.draws import Draw, compare_table, figures, group_summary, load_draw, parse_draw_arg


def _report(version: str, full: float, raw: float, late: int, seeds: float | None = 0.9) -> dict:
    def variant(exact: float, late_starts: int) -> dict:
        return {"exact": exact, "overlap": round(exact + 0.03, 3),
                "exact_per_label": {lab: exact for lab in ("FUNCTION", "WORKLOAD", "PROBLEM", "CAUSE", "MEASURE")},
                "overlap_per_label": {}, "span_facts": 100,
                "edges": {"WORKLOAD": {"exact": 50, "starts late": late_starts, "starts early": 2, "missed": 3}}}
    return {"model_version": version, "devset": {"all": variant(full, 1), "none": variant(raw, late), "-snap": {}},
            "seeds": {"all": {"exact": seeds, "overlap": seeds + 0.02}} if seeds is not None else {}}


def _write(tmp_path, name: str, report: dict):
    path = tmp_path / name / "eval" / "rules-ablation.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_figures_read_the_gap_and_the_raw_edges(tmp_path):
    d = Draw("x", tmp_path, _report("m1", 0.94, 0.88, late=14))
    f = figures(d)
    assert f["gap exact"] == pytest.approx(0.06) and f["gap overlap"] == pytest.approx(0.06)
    assert f["raw WL starts late"] == 14 and f["raw WL missed"] == 3
    assert f["raw WORKLOAD"] == 0.88 and f["seeds exact"] == 0.9


def test_groups_have_their_mean_and_range(tmp_path):
    draws = [Draw("base", tmp_path, _report("a", 0.94, 0.88, 14)), Draw("base", tmp_path, _report("b", 0.90, 0.82, 21)),
             Draw("loss", tmp_path, _report("c", 0.92, 0.90, 8, seeds=None))]
    s = group_summary(draws)
    assert s["base"]["gap exact"]["mean"] == pytest.approx(0.07) and s["base"]["gap exact"]["n"] == 2
    assert (s["base"]["raw exact"]["min"], s["base"]["raw exact"]["max"]) == (0.82, 0.88)
    assert s["loss"]["raw WL starts late"]["mean"] == 8
    assert "seeds exact" not in s["loss"]   # a report without seed scores adds no figure, not a zero
    table = compare_table(draws)
    assert "| **base: mean of 2** |" in table and "| base: range |" in table
    assert "loss: mean" not in table and "| loss: range |" not in table   # one draw: its own row
    assert "| 17.5 |" in table                # the mean late starts of base, (14 + 21) / 2


def test_a_report_without_raw_scores_is_refused(tmp_path):
    report = _report("a", 0.9, 0.8, 3)
    del report["devset"]["none"]
    path = _write(tmp_path, "m", report)
    with pytest.raises(ValueError, match="eval-rules"):
        load_draw("g", path)


def test_group_names_from_the_argument_or_the_model_folder(tmp_path):
    assert parse_draw_arg("path loss=/r/m/eval/x.json") == ("path loss", Path("/r/m/eval/x.json"))
    assert parse_draw_arg("/r/m13/eval/x.json")[0] == "m13"
    assert parse_draw_arg("/r/reports/x.json")[0] == "reports"


def test_cli_writes_the_table_and_the_summary(tmp_path):
    from pipeline.cli import app
    a = _write(tmp_path, "m1", _report("m1", 0.94, 0.88, 14))
    b = _write(tmp_path, "m2", _report("m2", 0.92, 0.89, 9))
    out = tmp_path / "cmp" / "draws"
    res = CliRunner().invoke(app, ["compare-draws", f"base={a}", f"loss={b}", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "| loss | m2 |" in res.output
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert [d["group"] for d in data["draws"]] == ["base", "loss"]
    assert data["groups"]["loss"]["gap exact"]["mean"] == pytest.approx(0.03)
