"""The evaluation protocol (`jixiao eval-protocol`, `make eval`).

(a) train without seed data (synthetic + corrections) → score on all five seeds' gold;
(b) leave-one-seed-out: train with the other four seeds' gold added → score on the fifth,
    counts pooled over the five folds;
(c) the same splits for both baselines (the rules need no training: one score serves both);
(d) throughput (chars/s) and peak RSS of each system, each measured in its own
    process (pipeline.tag.bench) on the same cleaned seed texts, one after the other.
(a)'s tagger is also scored on the development set (../shared/devset, its own scorer), with the
rules and raw: a model trained on neither the seeds' gold nor the dev set, read on 18 reports
where the seeds are five (report key ``a_devset``; skipped where the dev set is absent).
Scores: pipeline.corpus.evaluate (exact and overlap span matching, per label).
Writes OUT/report.json and OUT/report.md; models under OUT/a/ and OUT/b/<seed>/.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from pipeline import SHARED_DIR
from pipeline.tag.ablation import score_devset, score_seeds, variants
from pipeline.tag.baselines.rules import RuleTagger
from pipeline.tag.baselines.spacy_ner import SpacyTagger
from pipeline.tag.data import to_cleaned
from pipeline.tag.evaluation import predict_docs, score_docs, summary_line
from pipeline.tag.floors import ScoreFloors
from pipeline.tag.tagger import Tagger
from pipeline.tag.tagger_config import read_tagger_config
from pipeline.tag.train import collect_examples, git_commit, gold_examples, load_config, train

SYSTEMS = ("tagger", "spacy", "rules")


def _bench(system: str, model: Path | None, threads: int) -> dict:
    cmd = [sys.executable, "-m", "pipeline.tag.bench", "--system", system, "--threads", str(threads)]
    if model is not None:
        cmd += ["--model", str(model)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if res.returncode != 0:
        return {"error": res.stderr[-2000:]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def protocol_floors(config: Path) -> ScoreFloors | None:
    """The ``score_floors:`` block of a protocol config, None where it has none."""
    settings = read_tagger_config(config)
    return ScoreFloors.from_config(config) if isinstance(settings, dict) and "score_floors" in settings else None


MODEL_ONLY = "tagger_without_structure_rules"
RULES_ABLATION = "a_rules_ablation"  # (a)'s tagger, variant → exact/overlap micro F1 on the seeds
A_DEVSET = "a_devset"               # (a)'s tagger on the development set: all rules and none


def run_protocol(config: Path, out: Path, systems: tuple[str, ...] = SYSTEMS, folds: bool = True,
                 spacy_epochs: int = 10, say: Callable[[str], None] = print,
                 gold: list | None = None, reuse: bool = False, threads: int | None = None,
                 seed: int | None = None, devset: Path | None = SHARED_DIR / "devset") -> dict:
    model_args, data_args, train_args = load_config(config)
    if threads:
        train_args = replace(train_args, threads=threads)
    if seed is not None:
        train_args = replace(train_args, seed=seed)  # the same data, another initialisation and order
    gold = gold if gold is not None else gold_examples()
    if not gold:
        raise RuntimeError("no seed gold available (annotations/gold + ../shared/seeds needed)")
    base = [to_cleaned(ex) for ex in collect_examples(replace(data_args, use_gold=False))]
    out = Path(out)
    report: dict = {"config": str(config), "training_seed": train_args.seed, "threads": train_args.threads,
                    "gold_docs": [ex.data.get("file") for ex in gold],
                    "training_examples_without_gold": len(base), "a": {}, "b": {}, "speed": {}}
    say(f"protocol: {len(base)} non-gold training examples, {len(gold)} gold documents")

    report["commit"] = git_commit()  # the code that decoded and scored (models: report["models"])
    report["models"] = {}
    # the decoder's score floors: the protocol config's own ``score_floors:`` where it has one (the
    # fold config: floors fitted on the seeds would be fitted on the documents (b) holds out), else
    # configs/tagger.yaml's
    floors = protocol_floors(config)
    report["score_floors"] = (floors or ScoreFloors.from_config()).as_dict()

    def provenance(where: Path, reused: bool) -> None:
        # which code trained each model: a reused one may come from an earlier commit
        summary = where / "train_summary.json"
        trained = (json.loads(summary.read_text(encoding="utf-8")).get("model_version") if summary.exists()
                   else datetime.fromtimestamp(where.stat().st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        report["models"][str(where)] = {"reused": reused, "trained": trained}

    def fit(system: str, examples: list, where: Path):
        if reuse and system == "tagger" and (where / "config.json").exists():
            say(f"reusing the model in {where}")
            provenance(where, True)
            return Tagger.load(where, score_floors=floors), where
        if system == "tagger":
            train(model_args, data_args, train_args, where, examples=examples, progress=say)
            provenance(where, False)
            return Tagger.load(where, score_floors=floors), where
        if reuse and system == "spacy" and (where / "config.cfg").exists():
            say(f"reusing the spaCy pipeline in {where}")
            provenance(where, True)
            return SpacyTagger.from_disk(where), where
        if system == "spacy":
            st = SpacyTagger.train(examples, epochs=spacy_epochs, seed=train_args.seed, progress=say)
            st.to_disk(where)
            provenance(where, False)
            return st, where
        return RuleTagger(), None

    # (a) no seed data in training
    model_paths: dict[str, Path | None] = {}
    for system in systems:
        tagger, path = fit(system, base, out / "a" / system)
        model_paths[system] = path
        report["a"][system] = score_docs(*predict_docs(tagger, gold))
        say(f"(a) {system}: {summary_line(report['a'][system])}")
        if system == "tagger":
            # ablation: the same model's decoded spans without the structure rules (section gate,
            # row and list completion), so the model's own share of the score is visible
            bare = Tagger.load(path, structure_rules=False, score_floors=floors)
            report["a"][MODEL_ONLY] = score_docs(*predict_docs(bare, gold))
            say(f"(a) {MODEL_ONLY}: {summary_line(report['a'][MODEL_ONLY])}")
            # and each rule of configs/tagger.yaml switched off in turn (pipeline.tag.ablation)
            report[RULES_ABLATION] = score_seeds(tagger, say, gold)
            if devset is not None and (Path(devset) / "gold").is_dir():
                both = {name: (rules, None) for name, rules in variants(tagger).items() if name in ("all", "none")}
                report[A_DEVSET] = score_devset(tagger, Path(devset), say, both)
                say("(a) tagger on the dev set: " + ", ".join(
                    f"{name} {s['exact']:.3f} / {s['overlap']:.3f}" for name, s in report[A_DEVSET].items()))

    # (b) leave one seed out, the other seeds' gold in training
    if folds and len(gold) > 1:
        for system in systems:
            if system == "rules":  # nothing is trained: (b) equals (a) on the same documents
                report["b"][system] = report["a"][system]
                continue
            g_all, p_all = [], []
            for i, held in enumerate(gold):
                name = str(held.data.get("file", i))
                rest = [ex for j, ex in enumerate(gold) if j != i] * max(1, data_args.gold_repeat)
                tagger, _ = fit(system, base + rest, out / "b" / name.replace(".txt", "") / system)
                g, p = predict_docs(tagger, [held], tag=f"fold{i}-")
                g_all += g
                p_all += p
            report["b"][system] = score_docs(g_all, p_all)
            say(f"(b) {system}: {summary_line(report['b'][system])}")

    # (d) speed and memory, each system in its own process on the same texts
    for system in systems:
        report["speed"][system] = _bench(system, model_paths.get(system), train_args.threads)
        say(f"(d) {system}: {report['speed'][system]}")

    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")
    return report


def render_markdown(report: dict) -> str:
    lines = [f"# Tagger evaluation protocol\n\nconfig: `{report['config']}` (training seed "
             f"{report.get('training_seed', '?')}); gold documents: "
             f"{len(report['gold_docs'])}; non-gold training examples: {report['training_examples_without_gold']}\n"]
    for part, title in (("a", "(a) trained without seed data, scored on all seeds"),
                        ("b", "(b) leave-one-seed-out (pooled over folds)")):
        if not report[part]:
            continue
        lines.append(f"## {title}\n")
        lines.append("| system | label | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for system, rep in report[part].items():
            ex, ov = rep["spans"]["exact"], rep["spans"]["overlap"]
            for label in list(ex["per_label"]) + ["micro"]:
                e = ex["micro"] if label == "micro" else ex["per_label"][label]
                o = ov["micro"] if label == "micro" else ov["per_label"][label]
                lines.append(f"| {system} | {label} | {e['precision']:.3f} | {e['recall']:.3f} | {e['f1']:.3f} | "
                             f"{o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} |")
        lines.append("")
    if report.get(RULES_ABLATION):
        lines.append("## (a) each tagger rule switched off (micro F1 on the seeds; `none`: no rules)\n")
        lines.append("| variant | exact F1 | overlap F1 |")
        lines.append("|---|---|---|")
        lines += [f"| {name} | {s['exact']:.3f} | {s['overlap']:.3f} |" for name, s in report[RULES_ABLATION].items()]
        lines.append("")
    if report.get(A_DEVSET):
        lines.append("## (a)'s tagger on the development set (../shared/devset/score.py; trained on neither it nor "
                     "the seeds' gold)\n")
        labels = list(next(iter(report[A_DEVSET].values()))["exact_per_label"])
        lines.append("| variant | exact F1 | overlap F1 | " + " | ".join(f"{lab} exact / overlap" for lab in labels) + " |")
        lines.append("|---|---|---|" + "---|" * len(labels))
        for name, s in report[A_DEVSET].items():
            per = " | ".join(f"{s['exact_per_label'][lab]:.3f} / {s['overlap_per_label'][lab]:.3f}" for lab in labels)
            lines.append(f"| {'rules' if name == 'all' else 'raw (no rules)'} | {s['exact']:.3f} | {s['overlap']:.3f} | {per} |")
        lines.append("")
    if report.get("models"):
        lines.append(f"## Models (scored with the code of commit {report.get('commit', '?')})\n")
        lines += [f"- `{where}`: {'reused' if m['reused'] else 'trained in this run'}, trained {m['trained']}"
                  for where, m in report["models"].items()]
        lines.append("")
    if report["speed"]:
        lines.append("## (d) throughput and memory (each system in its own process, same texts)\n")
        lines.append("| system | chars/s | chars/s excl. structure parsing | peak RSS MB |")
        lines.append("|---|---|---|---|")
        for system, s in report["speed"].items():
            lines.append(f"| {system} | {s.get('chars_per_s')} | {s.get('chars_per_s_excluding_structure')} | "
                         f"{s.get('peak_rss_mb')} |")
    return "\n".join(lines) + "\n"
