"""Commands of the tagger area: train, eval-protocol, calibrate, fit-floors, eval-rules, probe-work, compare-draws, export."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Optional

import typer

from pipeline import CONFIG_DIR, MODELS_DIR, SHARED_DIR


def register(app: typer.Typer) -> None:
    @app.command("train")
    def train_cmd(config: Path = typer.Option(CONFIG_DIR / "tagger.yaml", help="tagger YAML (model/data/training)"),
                  out: Path = typer.Option(MODELS_DIR / "tagger", help="model directory to write"),
                  no_gold: bool = typer.Option(False, "--no-gold", help="leave the seed gold out of training"),
                  max_steps: int = typer.Option(0, help="override training.max_steps (smoke runs)"),
                  seed: Optional[int] = typer.Option(None, help="override training.seed (another draw of the same config)"),
                  device: Optional[str] = typer.Option(None, help="override training.device: cpu, cuda or auto"),
                  time_limit: Optional[float] = typer.Option(None, help="override training.time_limit_s (seconds)")) -> None:
        """Train the character tagger and save it (weights, tokenizer, config, label map)."""
        from dataclasses import replace
        from pipeline.tag.train import load_config, train
        logging.basicConfig(level=logging.WARNING)
        m, d, t = load_config(config)
        if no_gold:
            d = replace(d, use_gold=False)
        if max_steps:
            t = replace(t, max_steps=max_steps)
        overrides = {"seed": seed, "device": device, "time_limit_s": time_limit}
        t = replace(t, **{k: v for k, v in overrides.items() if v is not None})
        summary = train(m, d, t, out, progress=typer.echo)
        from pipeline.tag.card import write_model_card
        typer.echo(f"model card: {write_model_card(out)} (add speed: python -m pipeline.tag.card {out} --bench)")
        typer.echo(json.dumps({k: summary[k] for k in ("model_version", "steps", "train_seconds", "examples")}))

    @app.command("eval-protocol")
    def eval_protocol_cmd(out: Path = typer.Option(Path("runs/eval"), help="output folder"),
                          config: Path = typer.Option(CONFIG_DIR / "tagger.yaml", help="tagger YAML"),
                          no_folds: bool = typer.Option(False, "--no-folds", help="skip leave-one-seed-out (b)"),
                          systems: str = typer.Option("tagger,spacy,rules", help="comma-separated systems"),
                          spacy_epochs: int = typer.Option(10, help="training epochs of the spaCy baseline"),
                          reuse: bool = typer.Option(False, "--reuse", help="score tagger and spaCy models already in OUT instead of retraining"),
                          threads: int = typer.Option(0, help="torch threads for training and (d) (0: the config's); "
                                                              "1 leaves a core to a job beside it"),
                          seed: Optional[int] = typer.Option(None, help="training seed instead of the config's "
                                                                    "(run-to-run spread)"),
                          devset: Path = typer.Option(SHARED_DIR / "devset", help="development set (its docs, gold "
                                                      "and score.py) that (a)'s tagger is also scored on; skipped "
                                                      "where it has no gold folder")) -> None:
        """(a) no-seed training, (b) leave-one-seed-out, (c) baselines, (d) speed/RSS → OUT/report.{json,md};
        (a)'s tagger also on the development set, with rules and raw."""
        from pipeline.tag.protocol import run_protocol
        logging.basicConfig(level=logging.WARNING)
        run_protocol(config, out, tuple(s.strip() for s in systems.split(",") if s.strip()),
                     folds=not no_folds, spacy_epochs=spacy_epochs, say=typer.echo, reuse=reuse,
                     threads=threads or None, seed=seed, devset=devset)
        typer.echo(f"wrote {out / 'report.md'}")

    @app.command("calibrate")
    def calibrate_cmd(model: Path = typer.Option(MODELS_DIR / "tagger", help="tagger model folder"),
                      n: int = typer.Option(150, help="synthetic reports to fit on"),
                      seed: int = typer.Option(4243, help="their generator seed (not the training one)"),
                      devset: Optional[Path] = typer.Option(Path("../shared/devset"),
                                                            help="development set: measured, never fitted on")) -> None:
        """Fit the span-score calibration (MODEL/calibration.json) and report its calibration error."""
        from pipeline.tag.calibrate import calibrate
        logging.basicConfig(level=logging.WARNING)
        calibrate(model, n, seed, devset if devset and devset.exists() else None, say=typer.echo)

    @app.command("fit-floors")
    def fit_floors_cmd(model: list[Path] = typer.Option(..., help="a model of the config trained without the seeds' "
                                                                   "gold (protocol (a): runs/eval-full/a/tagger); repeat"),
                       shipped: Path = typer.Option(MODELS_DIR / "tagger", help="the shipped model, measured on the dev set"),
                       devset: Path = typer.Option(Path("../shared/devset"), help="development set: measured, never fitted on"),
                       out: Path = typer.Option(MODELS_DIR / "tagger" / "eval", help="where the report goes")) -> None:
        """Fit the decoder's per-label score floors on the seeds as models that never trained on them read them;
        measure the fit on the development set (adopted only where it does not lower the score there)."""
        from pipeline import project_relative
        from pipeline.tag.fit_floors import fit_floors, write_report
        logging.basicConfig(level=logging.WARNING)
        report = fit_floors(model, say=typer.echo, shipped=shipped, devset=devset)
        command = "jixiao fit-floors " + " ".join(f"--model {project_relative(m)}" for m in model) + \
            f" --shipped {project_relative(shipped)} --devset {devset} --out {project_relative(out)}"
        typer.echo(f"wrote {write_report(report, out, command)}")
        dev = report["devset"]
        verdict = ("adopted: put it in configs/tagger.yaml" if dev and dev["adopted"] else
                   "not adopted: configs/tagger.yaml keeps its floors")
        typer.echo("score_floors: " + json.dumps(report["fitted"]) + f" ({verdict})")

    @app.command("eval-rules")
    def eval_rules_cmd(model: Path = typer.Option(MODELS_DIR / "tagger", help="tagger model folder"),
                       devset: Path = typer.Option(Path("../shared/devset"), help="development set (docs/, gold/, score.py)"),
                       out: Path = typer.Option(MODELS_DIR / "tagger" / "eval", help="where the report goes"),
                       stem: str = typer.Option("rules-ablation", help="report file name: OUT/STEM.{json,md}")) -> None:
        """Each rule of configs/tagger.yaml switched off in turn: span scores on the dev set and the seeds."""
        from pipeline import project_relative
        from pipeline.tag.ablation import run_ablation
        logging.basicConfig(level=logging.WARNING)
        run_ablation(model, devset, out, say=typer.echo, stem=stem,
                     command=f"jixiao eval-rules --model {project_relative(model)} --devset {devset} "
                             f"--out {project_relative(out)} --stem {stem}")

    @app.command("probe-work")
    def probe_work_cmd(model: Path = typer.Option(MODELS_DIR / "tagger", help="tagger model folder"),
                       no_rules: bool = typer.Option(False, "--no-rules", help="the raw model with its decoder"),
                       docs: int = typer.Option(40, help="synthetic reports, each read twice"),
                       seed: int = typer.Option(99, help="their generator seed (not the model's training one)"),
                       out: Optional[Path] = typer.Option(None, help="also write the report as JSON here")) -> None:
        """WORKLOAD edges on counted work the generator never draws (pipeline/tag/unseen_workloads.yaml)
        against the same reports with the bank's own work."""
        from pipeline.tag.unseen_work import format_report, run_probe
        logging.basicConfig(level=logging.WARNING)
        report = run_probe(model, docs, seed, no_rules)
        typer.echo(format_report(report))
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")

    @app.command("compare-draws")
    def compare_draws_cmd(reports: list[str] = typer.Argument(..., help="rule-ablation reports of the models to compare, "
                                                                         "each GROUP=PATH (GROUP: the change the model was "
                                                                         "trained with) or PATH (group: the model folder)"),
                          out: Path = typer.Option(Path("runs/draws"), help="writes OUT.md and OUT.json")) -> None:
        """Training draws side by side, grouped by change: dev with the rules and raw, the gap, raw per label,
        raw WORKLOAD edges, seeds; each group's mean and range. Reports: jixiao eval-rules --model DIR --out DIR/eval."""
        import shlex

        from pipeline.tag.draws import load_draw, parse_draw_arg, write_comparison
        draws = [load_draw(*parse_draw_arg(a)) for a in reports]
        md = write_comparison(draws, out, command=shlex.join(["jixiao", "compare-draws", *reports, "--out", str(out)]))
        typer.echo(md.read_text(encoding="utf-8"))
