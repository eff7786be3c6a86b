"""Span-score calibration: the map a model ships with, its error measure, its fit, its use."""
from __future__ import annotations

import json
import shutil

import pytest

from pipeline.tag.calibrate import fit
from pipeline.tag.calibration import CALIBRATION_FILE, Calibration, expected_calibration_error


def test_expected_calibration_error_is_the_weighted_gap_per_bin():
    assert expected_calibration_error([0.95] * 10, [True] * 10) == pytest.approx(0.05)
    # bin 0.9: scores 0.9, half right (gap 0.4); bin 0.2: scores 0.2, none right (gap 0.2)
    scores = [0.9, 0.9, 0.2, 0.2]
    assert expected_calibration_error(scores, [True, False, False, False]) == pytest.approx((0.4 * 2 + 0.2 * 2) / 4)
    assert expected_calibration_error([], []) == 0.0


def test_fit_gives_an_increasing_map_per_label_and_a_fallback():
    points = [("PROBLEM", 0.6 + i / 1000, i % 3 == 0) for i in range(60)]       # a third right
    points += [("PROBLEM", 0.9 + i / 1000, i % 10 != 0) for i in range(60)]     # nine tenths right
    points += [("CAUSE", 0.8, True)] * 5                                          # too few for a map of its own
    maps = fit(points)
    assert set(maps) == {"PROBLEM", "*"}
    cal = Calibration({k: (tuple(m["x"]), tuple(m["y"])) for k, m in maps.items()})
    low, high = cal("PROBLEM", 0.62), cal("PROBLEM", 0.93)
    assert low < 0.5 < high and all(a <= b for a, b in zip(maps["PROBLEM"]["y"], maps["PROBLEM"]["y"][1:]))
    assert cal("CAUSE", 0.8) == cal("*", 0.8)                                   # the all-labels map serves it
    scores = [cal(label, s) for label, s, _ in points]
    assert expected_calibration_error(scores, [ok for *_, ok in points]) < \
        expected_calibration_error([s for _, s, _ in points], [ok for *_, ok in points])


def test_a_tagger_reports_calibrated_scores_and_keeps_the_raw_one(toy_model, tmp_path):
    from pipeline.tag.tagger import Tagger

    model_dir = tmp_path / "m"
    shutil.copytree(toy_model[0], model_dir)
    text = "二、存在的问题\n预算编制不够细化。\n三、改进措施\n进一步加强预算绩效管理。\n"
    raw = Tagger.load(model_dir).predict_text(text)
    assert raw, "the toy model tags this text"
    assert Tagger.load(model_dir).calibration is None and all("raw_score" not in p.attrs for p in raw)
    (model_dir / CALIBRATION_FILE).write_text(json.dumps(
        {"maps": {"*": {"x": [0.0, 1.0], "y": [0.25, 0.25]}}}), encoding="utf-8")
    calibrated = Tagger.load(model_dir).predict_text(text)
    assert [(p.start, p.end, p.label) for p in calibrated] == [(p.start, p.end, p.label) for p in raw]
    assert all(p.score == 0.25 and p.attrs["raw_score"] == r.score for p, r in zip(calibrated, raw))


def test_a_map_that_worsens_held_out_reports_is_kept_but_not_applied(toy_model, tmp_path):
    """Synthetic reports are easier than real ones: a map fitted on them that raises the
    development set's calibration error is written for inspection with "applied": false, and
    the tagger then reports raw scores."""
    from pipeline.tag.calibrate import should_apply
    from pipeline.tag.tagger import Tagger

    held = lambda raw, cal: {"devset_held_out": {"raw": {"ece": raw}, "calibrated": {"ece": cal}}}
    assert should_apply(held(0.05, 0.02)) and not should_apply(held(0.018, 0.056)) and should_apply({})
    model_dir = tmp_path / "m"
    shutil.copytree(toy_model[0], model_dir)
    (model_dir / CALIBRATION_FILE).write_text(json.dumps(
        {"applied": False, "maps": {"*": {"x": [0.0, 1.0], "y": [0.25, 0.25]}}}), encoding="utf-8")
    assert Calibration.load(model_dir) is None and Tagger.load(model_dir).calibration is None


def test_the_model_card_states_the_calibration_errors_and_whether_the_map_is_applied(tmp_path):
    from pipeline.tag.card import calibration_section

    assert "no calibration fitted" in "\n".join(calibration_section(tmp_path))
    part = lambda raw, cal: {"raw": {"ece": raw, "spans": 672, "share_correct": 0.933},  # noqa: E731
                             "calibrated": {"ece": cal, "spans": 672, "share_correct": 0.933}}
    (tmp_path / CALIBRATION_FILE).write_text(json.dumps(
        {"fitted_on": "synthetic", "applied": False, "devset_held_out": part(0.02, 0.0455), "maps": {}}), encoding="utf-8")
    text = "\n".join(calibration_section(tmp_path))
    assert "ECE raw 0.02, with the map 0.0455" in text and "not applied" in text and "93.3 % correct" in text
