"""Data-side commands: `jixiao evaluate`, `jixiao ls-convert`, `jixiao gold-stats`.

Registered on the main app from pipeline/corpus/cli.py.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def _score_table(title: str, block: dict) -> Table:
    table = Table(title=title)
    for col in ("label", "mode", "tp", "fp", "fn", "P", "R", "F1"):
        table.add_column(col, justify="right" if col not in ("label", "mode") else "left")
    labels = sorted(set().union(*(block[m]["per_label"] for m in block)))
    for lab in labels:
        for mode in block:
            s = block[mode]["per_label"].get(lab)
            if s:
                table.add_row(lab, mode, str(s["tp"]), str(s["fp"]), str(s["fn"]),
                              _fmt(s["precision"]), _fmt(s["recall"]), _fmt(s["f1"]))
    for mode in block:
        m = block[mode]["micro"]
        table.add_row("micro", mode, str(m["tp"]), str(m["fp"]), str(m["fn"]),
                      _fmt(m["precision"]), _fmt(m["recall"]), _fmt(m["f1"]))
        a = block[mode]["macro"]
        table.add_row("macro", mode, "", "", "", _fmt(a["precision"]), _fmt(a["recall"]), _fmt(a["f1"]))
    return table


def print_report(report: dict) -> None:
    docs = report["documents"]
    console.print(f"documents paired: {docs['paired']}, gold only: {len(docs['gold_only'])}, "
                  f"prediction only: {len(docs['pred_only'])}, misaligned: {len(docs['misaligned'])}")
    for note in report.get("inputs", {}).get("skipped", []):
        console.print(f"[yellow]skipped[/yellow] {note}")
    for note in docs["misaligned"]:
        console.print(f"[yellow]misaligned[/yellow] {note}")
    console.print(_score_table("spans", report["spans"]))
    console.print(_score_table("links", report["links"]))
    facts = report.get("facts")
    if facts:
        console.print(f"facts: {facts['correct']}/{facts['compared']} correct "
                      f"(accuracy {_fmt(facts['accuracy'])}); not compared: {', '.join(facts['not_compared']) or '-'}")


def register(app: typer.Typer) -> None:
    @app.command("evaluate")
    def evaluate_cmd(
        gold: Path = typer.Option(..., "--gold", help="Label Studio export, records, training JSONL or gold files (file or folder)"),
        pred: Path = typer.Option(..., "--pred", help="the same kinds of input, for the predictions"),
        out: Optional[Path] = typer.Option(None, "--out", help="write the full report as JSON here"),
        facts: Optional[Path] = typer.Option(None, "--facts", help="gold facts keyed by doc_id or file name (e.g. seed_facts.json)"),
        iou: float = typer.Option(0.5, "--iou", help="overlap matching: minimum character IoU"),
    ) -> None:
        """Per-label P/R/F1 (exact and overlap matching), link P/R/F1 and fact accuracy."""
        from pipeline.corpus.evaluate import evaluate_paths
        report = evaluate_paths(gold, pred, facts, iou)
        print_report(report)
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
            console.print(f"report → {out}")

    @app.command("ls-convert")
    def ls_convert_cmd(
        src: Path = typer.Argument(..., help="input file or folder"),
        dst: Path = typer.Argument(..., help="output file (.jsonl for training, .json for Label Studio)"),
        source_format: str = typer.Option("auto", "--from", help="auto | ls | train | records"),
        use_predictions: bool = typer.Option(False, "--use-predictions", help="ls → train: take predictions, not annotations"),
        as_prediction: bool = typer.Option(False, "--as-prediction", help="train → ls: write predictions, not annotations"),
        model_version: Optional[str] = typer.Option(None, "--model-version"),
    ) -> None:
        """Label Studio export ⇄ training JSONL, and records → Label Studio tasks with predictions (offsets validated)."""
        from pipeline.corpus import convert
        fmt = convert.detect_format(src) if source_format == "auto" else source_format
        try:
            if fmt == "ls":
                n = convert.ls_to_training(src, dst, use_predictions)
                what = "training examples"
            elif fmt == "train":
                n = convert.training_to_ls(src, dst, as_prediction, model_version)
                what = "Label Studio tasks"
            elif fmt == "records":
                n = convert.records_to_ls(src, dst, model_version)
                what = "Label Studio tasks with predictions"
            else:
                raise typer.BadParameter(f"--from must be auto, ls, train or records, not {fmt!r}")
        except convert.InvalidOffsets as err:
            console.print(f"[red]{err}[/red]")
            raise typer.Exit(1)
        console.print(f"{fmt} → {n} {what} → {dst}")

    @app.command("gold-stats")
    def gold_stats_cmd(
        gold_dir: Optional[Path] = typer.Option(None, "--gold-dir", help="default: annotations/gold"),
        markdown: bool = typer.Option(False, "--markdown", help="print a markdown table (for annotations/README.md)"),
    ) -> None:
        """Span counts per label and link counts per relation in the seed gold (hashes verified)."""
        from pipeline.corpus.gold import GOLD_DIR, gold_stats, load_all_gold
        from pipeline.labels import load_labels
        labels = load_labels()
        examples = load_all_gold(gold_dir or GOLD_DIR)
        cols = labels.names + [r.name for r in labels.relations]
        rows = gold_stats(examples, labels.names, [r.name for r in labels.relations])
        total = {"file": "total", **{c: sum(r[c] for r in rows) for c in cols}}
        if markdown:
            print("| file | " + " | ".join(cols) + " |")
            print("|---" * (len(cols) + 1) + "|")
            for r in rows + [total]:
                print(f"| {r['file']} | " + " | ".join(str(r[c]) for c in cols) + " |")
            return
        table = Table(title="seed gold")
        table.add_column("file")
        for c in cols:
            table.add_column(c, justify="right")
        for r in rows + [total]:
            table.add_row(r["file"], *(str(r[c]) for c in cols))
        console.print(table)
