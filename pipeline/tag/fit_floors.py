"""Fit the decoder's per-label score floors (`jixiao fit-floors`); evaluation side.

    jixiao fit-floors --model runs/eval-full/a/tagger --model runs/eval-seed13/a/tagger

Fitting data: the seeds' gold, read by models of the shipped config trained *without* it
(the protocol's part (a) models, `make eval`): their scores on the seeds are scores on text they
never saw, as the shipped model's are on an archive. The shipped model itself trained on the
seeds, so its seed scores say nothing about its errors; the development set is never fitted on.

Search: coordinate ascent over the labels (two passes), each label's floor from ``GRID`` with
the others held; the objective is the mean of exact and overlap micro F1 over every model's
predictions pooled, decoded as the shipped tagger decodes (its rules on). On a tie the lower
floor wins: a floor is raised only for a measured gain. The models run once per document
(``Tagger.forward``); each candidate re-decodes the same probabilities.

Held out: the fitted floors are scored on the very predictions they were fitted on, so their seed
scores (and the protocol's part (a), which reads the same seeds with the same floors) are
in-sample for the floors. ``cross_fitted`` says what fitting buys on a document the fit never
saw: each seed is decoded with floors fitted on the other seeds alone (the same search), and the
pooled predictions are scored.

The development set is then measured, never fitted on, as `jixiao calibrate` measures its map:
the shipped model (``--shipped``) decodes it with the configured and with the fitted floors, rules
on and off. The fit is ``adopted`` only when, with the rules, neither exact nor overlap micro F1
falls, nor the facts that count spans (「PROBLEM>=3」: a floor trades recall for precision, and a
record's counts need the recall): five seeds are few, and floors that suit them need not suit other
reports.

Writes OUT/score-floors.json and .md: the fitted floors, the development-set check and every
candidate's scores. Adopted floors go into ``score_floors:`` of configs/tagger.yaml (a test holds
the config equal to an adopted fit, and free of floors a rejected fit would have set).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, NamedTuple

from pipeline.tag.floors import DEFAULT_FLOOR, ScoreFloors

GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
PASSES = 2
STEM = "score-floors"


def objective(scores: dict) -> float:
    return round((scores["exact"] + scores["overlap"]) / 2, 4)


def coordinate_ascent(score: Callable[[ScoreFloors], dict], labels: list[str], grid: tuple[float, ...] = GRID,
                      passes: int = PASSES, start: ScoreFloors | None = None,
                      say: Callable[[str], None] = print) -> tuple[ScoreFloors, list[dict]]:
    """The floors that maximise ``objective(score(floors))``, one label at a time; returns them and
    every candidate tried ({"pass", "label", "floor", scores…})."""
    floors = start or ScoreFloors(DEFAULT_FLOOR)
    trials: list[dict] = []
    cache: dict[tuple, dict] = {}

    def measured(f: ScoreFloors) -> dict:
        key = tuple(sorted(f.as_dict().items()))
        if key not in cache:
            cache[key] = score(f)
        return cache[key]

    for p in range(1, passes + 1):
        for label in labels:
            best, best_value = floors.floor(label), None
            for value in sorted(grid):  # ascending: a tie keeps the lower floor
                s = measured(floors.with_floor(label, value))
                trials.append({"pass": p, "label": label, "floor": value, **s})
                if best_value is None or objective(s) > best_value:
                    best, best_value = value, objective(s)
            floors = floors.with_floor(label, best)
            say(f"pass {p} {label}: floor {best} (objective {best_value:.4f})")
    return floors, trials


def devset_check(shipped: Path, devset: Path, fitted: ScoreFloors, say: Callable[[str], None] = print) -> dict:
    """The shipped model's dev-set scores with the configured and the fitted floors, rules on and off,
    and whether the fit is adopted (with the rules, neither exact nor overlap nor span facts fall)."""
    from pipeline.tag.ablation import score_devset
    from pipeline.tag.tagger import Tagger
    tagger = Tagger.load(shipped, precision="fp32")
    none = tagger.rules.without(*tagger.rules.names)
    scores = score_devset(tagger, devset, say, {
        "configured": (tagger.rules, tagger.score_floors), "fitted": (tagger.rules, fitted),
        "configured raw": (none, tagger.score_floors), "fitted raw": (none, fitted)})
    pick = {k: {"exact": round(v["exact"], 4), "overlap": round(v["overlap"], 4), "span_facts": v["span_facts"]}
            for k, v in scores.items()}
    return {"model_version": tagger.model_version, "configured_floors": tagger.score_floors.as_dict(),
            "scores": pick, "adopted": adopts(pick["configured"], pick["fitted"])}


def adopts(configured: dict, fitted: dict) -> bool:
    """With the rules on the development set, the fit lowers none of exact F1, overlap F1 and the
    facts scored from the spans."""
    return all(fitted[m] >= configured[m] for m in ("exact", "overlap", "span_facts"))


def fit_floors(models: list[Path], gold: list | None = None, grid: tuple[float, ...] = GRID,
               passes: int = PASSES, say: Callable[[str], None] = print,
               shipped: Path | None = None, devset: Path | None = None) -> dict:
    from pipeline.corpus.evaluate import doc_from_example
    from pipeline.tag.structured import structure_for_example
    from pipeline.tag.tagger import Tagger
    from pipeline.tag.train import gold_examples

    gold = gold if gold is not None else gold_examples()
    if not gold:
        raise ValueError("no seed gold to fit on (../shared/seeds absent?)")
    prepared: list[Read] = []
    versions = []
    for k, model in enumerate(models):
        # fp32: the floors are fitted on the scores the reference precision gives
        tagger = Tagger.load(model, precision="fp32")
        versions.append(tagger.model_version)
        for i, ex in enumerate(gold):
            g = doc_from_example(ex, source=str(ex.data.get("file", i)))
            g.key = f"{g.key}#{k}.{i}"
            prepared.append(Read(tagger, g, tagger.forward(ex.text, *structure_for_example(ex)), k, i))
    say(f"{len(gold)} gold documents read by {len(models)} models")

    def score(floors: ScoreFloors, raw: bool = False) -> dict:
        return scored(prepared, lambda _: floors, raw)

    labels = sorted({s.label for ex in gold for s in ex.spans})
    base = ScoreFloors(DEFAULT_FLOOR)
    fitted, trials = coordinate_ascent(score, labels, grid, passes, base, say)
    held_out = cross_fitted(prepared, labels, grid, passes, say)
    return {"models": [str(m) for m in models], "model_versions": versions, "documents": len(gold),
            "grid": list(grid), "passes": passes, "labels": labels,
            "fitted": fitted.as_dict(),
            "before": {"with_rules": score(base), "raw": score(base, raw=True)},
            "after": {"with_rules": score(fitted), "raw": score(fitted, raw=True)},
            "cross_fitted": held_out,
            "devset": devset_check(shipped, devset, fitted, say) if shipped and devset and (devset / "gold").is_dir()
            else None,
            "trials": trials}


class Read(NamedTuple):
    """One gold document as one model read it: the probabilities each candidate re-decodes."""
    tagger: Any
    gold: Any            # pipeline.corpus.evaluate.Doc
    out: Any             # Tagger.forward's output
    model: int           # index of the model
    doc: int             # index of the document


def scored(items: list[Read], floors_of: Callable[[int], ScoreFloors], raw: bool = False) -> dict:
    """Exact and overlap micro F1 of the items decoded with their document's floors
    (``floors_of(doc index)``), the rules on (or off: ``raw``)."""
    from pipeline.tag.evaluation import predicted_doc, score_docs
    preds = [predicted_doc(r.gold, r.tagger.decode(r.out, r.tagger.rules.without(*r.tagger.rules.names) if raw else None,
                                                   floors_of(r.doc))) for r in items]
    spans = score_docs([r.gold for r in items], preds)["spans"]
    return {"exact": round(spans["exact"]["micro"]["f1"], 4), "overlap": round(spans["overlap"]["micro"]["f1"], 4)}


def cross_fitted(prepared: list[Read], labels: list[str], grid: tuple[float, ...], passes: int,
                 say: Callable[[str], None] = print) -> dict:
    """Leave one seed out: each document decoded (by every model) with the floors fitted on the
    other documents alone; the pooled predictions scored with the rules on and off, each model's
    share, and each document's floors."""
    per_doc: dict[int, ScoreFloors] = {}
    for i in sorted({r.doc for r in prepared}):
        rest = [r for r in prepared if r.doc != i]
        per_doc[i], _ = coordinate_ascent(lambda f: scored(rest, lambda _: f), labels, grid, passes,
                                          ScoreFloors(DEFAULT_FLOOR), say=lambda _: None)
        say(f"held out document {i}: floors {per_doc[i].as_dict()}")
    return {"with_rules": scored(prepared, per_doc.__getitem__),
            "raw": scored(prepared, per_doc.__getitem__, raw=True),
            # each model's own share (the protocol scores one model at a time)
            "per_model": [scored([r for r in prepared if r.model == k], per_doc.__getitem__)
                          for k in sorted({r.model for r in prepared})],
            "floors": {str(i): f.as_dict() for i, f in per_doc.items()}}


def write_report(report: dict, out: Path, command: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    report = {"command": command, **report}
    (out / f"{STEM}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    b, a = report["before"], report["after"]
    lines = [f"# Decoder score floors ({', '.join(report['model_versions'])})", "",
             f"Command: `{command}`. Fitted on the {report['documents']} seeds' gold as read by models "
             "trained without it (the protocol's (a) models); never on the development set. "
             "Objective: the mean of exact and overlap micro F1 with the rules on, all models pooled; "
             "coordinate ascent over the labels, a tie keeps the lower floor.", "",
             f"Fitted: `{json.dumps(report['fitted'])}`", "",
             "| floors | with rules exact | with rules overlap | raw exact | raw overlap |", "|---|---|---|---|---|",
             f"| all {DEFAULT_FLOOR} | {b['with_rules']['exact']:.3f} | {b['with_rules']['overlap']:.3f} | "
             f"{b['raw']['exact']:.3f} | {b['raw']['overlap']:.3f} |",
             f"| fitted (in-sample: fitted on these predictions) | {a['with_rules']['exact']:.3f} | "
             f"{a['with_rules']['overlap']:.3f} | {a['raw']['exact']:.3f} | {a['raw']['overlap']:.3f} |"]
    cf = report.get("cross_fitted")
    if cf:
        lines += [f"| cross-fitted (each seed with floors fitted on the other seeds) | {cf['with_rules']['exact']:.3f} | "
                  f"{cf['with_rules']['overlap']:.3f} | {cf['raw']['exact']:.3f} | {cf['raw']['overlap']:.3f} |", "",
                  "The fitted row is in-sample for the floors (and so is the protocol's part (a) on the seeds, which "
                  "reads them with the configured floors); the cross-fitted row is what the fit gives a document it "
                  "never saw. Per model, cross-fitted with the rules: " +
                  "; ".join(f"{v} {m['exact']:.3f} / {m['overlap']:.3f}"
                            for v, m in zip(report["model_versions"], cf.get("per_model", []))) +
                  ". Floors per held-out seed: " +
                  "; ".join(f"{k}: `{json.dumps(v)}`" for k, v in cf["floors"].items())]
    lines += [""]
    dev = report.get("devset")
    if dev:
        sc = dev["scores"]
        lines += [f"Development set (measured, never fitted on), {dev['model_version']}, micro F1 exact / overlap:", "",
                  "| floors | with rules | facts scored from the spans, with rules | raw |", "|---|---|---|---|",
                  f"| configured `{json.dumps(dev['configured_floors'])}` | {sc['configured']['exact']:.3f} / "
                  f"{sc['configured']['overlap']:.3f} | {sc['configured']['span_facts']} | "
                  f"{sc['configured raw']['exact']:.3f} / {sc['configured raw']['overlap']:.3f} |",
                  f"| fitted | {sc['fitted']['exact']:.3f} / {sc['fitted']['overlap']:.3f} | {sc['fitted']['span_facts']} | "
                  f"{sc['fitted raw']['exact']:.3f} / {sc['fitted raw']['overlap']:.3f} |", "",
                  "**Adopted** (configs/tagger.yaml `score_floors:`)." if dev["adopted"] else
                  "**Not adopted**: with the rules the fit lowers the development set's spans or span-count facts; "
                  "configs/tagger.yaml keeps its floors.", ""]
    else:
        lines += ["No development set measured: the fit is not adopted.", ""]
    lines += ["Last pass, each label's candidates (the other labels at their fitted floors), with rules:", "",
              "| label | " + " | ".join(str(v) for v in report["grid"]) + " |", "|---|" + "---|" * len(report["grid"])]
    last = report["passes"]
    for label in report["labels"]:
        row = {t["floor"]: t for t in report["trials"] if t["pass"] == last and t["label"] == label}
        lines.append(f"| {label} | " + " | ".join(
            f"{row[v]['exact']:.3f} / {row[v]['overlap']:.3f}" if v in row else "–" for v in report["grid"]) + " |")
    path = out / f"{STEM}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
