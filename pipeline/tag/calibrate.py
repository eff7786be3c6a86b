"""Fit the span-score calibration of a model (`jixiao calibrate`); training side.

    jixiao calibrate --model models/tagger --n 150 --seed 4243 --devset ../shared/devset

Fitting data: synthetic reports of a generator seed the model was not trained on (the shipped
config trains on seed 7), tagged by the full tagger (model and rules); a predicted span is
correct when a gold span of its label overlaps it (IoU ≥ 0.5, pipeline.corpus.evaluate). Per
label (and "*" for all), an isotonic regression (scikit-learn) from raw score to share correct is
written to MODEL/calibration.json as breakpoints. The development set is never fitted on: its
expected calibration error before and after is measured and reported, as are the fitting
set's (in-sample). A map that makes the development set's error larger than the raw scores'
is written with ``"applied": false`` and not used (`should_apply`): synthetic reports are
easier than real ones (about 98 % of the spans right against 93 % on the development set), and
a map fitted on them can only move real scores the wrong way.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Callable

from pipeline.tag.calibration import CALIBRATION_FILE, Calibration, expected_calibration_error
from pipeline.tag.devset import gold_spans, overlaps, scorer_text

MIN_PER_LABEL = 50  # fewer spans of a label than this: the label uses the all-labels map


def _synthetic_points(tagger, n: int, seed: int) -> list[tuple[str, float, bool]]:
    from pipeline.corpus.evaluate import iou
    from pipeline.corpus.synth.generator import generate_corpus
    from pipeline.tag.data import to_cleaned
    from pipeline.tag.structured import structure_for_example

    points = []
    for doc in generate_corpus(n, seed):
        ex = to_cleaned(doc.example)
        gold = [(s.start, s.end, s.label) for s in ex.spans]
        for p in tagger.predict_text(ex.text, *structure_for_example(ex)):
            ok = any(label == p.label and iou((a, b), (p.start, p.end)) >= 0.5 for a, b, label in gold)
            points.append((p.label, p.score, ok))
    return points


def _devset_points(tagger, devset: Path) -> list[tuple[str, float, bool]]:
    """(label, raw score, correct) of every span the tagger gives the development set's documents."""
    from pipeline.annotate import Components, annotate_path, expand_inputs

    points = []
    for path in expand_inputs([devset / "docs"]):
        rec = annotate_path(path, Components(tagger=tagger))
        gold = gold_spans(devset, Path(rec.source.path).name.split(".")[0])
        for s in rec.spans:
            if s.source in ("model", "rule"):
                raw = s.attrs.get("raw_score", s.score)
                points.append((s.label, raw, any(gl == s.label and overlaps(gt, scorer_text(s.text)) for gl, gt in gold)))
    return points


def fit(points: list[tuple[str, float, bool]]) -> dict:
    from sklearn.isotonic import IsotonicRegression

    by_label: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for label, score, ok in points:
        by_label[label].append((score, ok))
        by_label["*"].append((score, ok))
    maps = {}
    for label, pts in sorted(by_label.items()):
        if label != "*" and len(pts) < MIN_PER_LABEL:
            continue
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit([s for s, _ in pts], [float(ok) for _, ok in pts])
        maps[label] = {"x": [round(float(x), 4) for x in iso.X_thresholds_],
                       "y": [round(float(y), 4) for y in iso.y_thresholds_], "spans": len(pts)}
    return maps


def _ece(points, calibration: Calibration | None = None) -> dict:
    scores = [calibration(label, s) if calibration else s for label, s, _ in points]
    correct = [ok for _, _, ok in points]
    return {"ece": round(expected_calibration_error(scores, correct), 4), "spans": len(points),
            "share_correct": round(sum(correct) / max(1, len(correct)), 4)}


def should_apply(report: dict) -> bool:
    """Whether the fitted map is used: not when it raises the calibration error on held-out real
    reports above the raw scores' (a one-bit choice made on the development set, reported as
    such); without such reports, yes."""
    held = report.get("devset_held_out")
    return held is None or held["calibrated"]["ece"] < held["raw"]["ece"]


def calibrate(model: Path, n: int = 150, seed: int = 4243, devset: Path | None = None,
              say: Callable[[str], None] = print) -> dict:
    from pipeline.tag.tagger import Tagger

    model = Path(model)
    (model / CALIBRATION_FILE).unlink(missing_ok=True)  # raw scores while fitting and measuring
    tagger = Tagger.load(model)
    points = _synthetic_points(tagger, n, seed)
    say(f"fitting: {len(points)} spans of {n} synthetic reports (generator seed {seed})")
    maps = fit(points)
    cal = Calibration({label: (tuple(m["x"]), tuple(m["y"])) for label, m in maps.items()})
    report = {"model_version": tagger.model_version, "fitted_on": f"synthetic reports, generator seed {seed}, n={n}",
              "command": f"jixiao calibrate --model {model} --n {n} --seed {seed}"
                         + (f" --devset {devset}" if devset else ""),
              "synthetic_in_sample": {"raw": _ece(points), "calibrated": _ece(points, cal)}}
    if devset is not None and (Path(devset) / "gold").exists():
        dev = _devset_points(tagger, Path(devset))
        report["devset_held_out"] = {"raw": _ece(dev), "calibrated": _ece(dev, cal)}
    report["applied"] = should_apply(report)
    (model / CALIBRATION_FILE).write_text(json.dumps({**report, "maps": maps}, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    for part in ("synthetic_in_sample", "devset_held_out"):
        if part in report:
            r = report[part]
            say(f"{part}: {r['raw']['spans']} spans, {r['raw']['share_correct']:.3f} correct; "
                f"ECE raw {r['raw']['ece']:.4f}, calibrated {r['calibrated']['ece']:.4f}")
    if not report["applied"]:
        say("the map raises the development set's calibration error: written with \"applied\": false, "
            "the tagger reports raw scores")
    return report
