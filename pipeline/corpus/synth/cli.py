"""`jixiao synth` and `jixiao synth-stats` (registered by pipeline.corpus.cli)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("synth")
    def synth(n: int = typer.Option(200, "--n", help="number of documents"),
              seed: int = typer.Option(0, "--seed", help="same n and seed give byte-identical output"),
              out: Path = typer.Option(..., "--out", help="output folder (tasks.json, facts.jsonl)"),
              inconsistent_rate: float = typer.Option(0.0, "--inconsistent-rate",
                                                      help="share of documents with a planted inconsistency"),
              write_docs: bool = typer.Option(False, "--write-docs", help="also write docs/<doc_id>.txt"),
              noise: float = typer.Option(1.0, "--noise", help="noise level multiplier (0 = clean)")) -> None:
        """Generate synthetic labelled self-evaluation reports (Label Studio tasks + true facts)."""
        from pipeline.corpus.synth.generator import write_corpus

        t0 = time.perf_counter()
        summary = write_corpus(out, n, seed, inconsistent_rate, write_docs, noise)
        summary["seconds"] = round(time.perf_counter() - t0, 1)
        typer.echo(json.dumps(summary, ensure_ascii=False))

    @app.command("synth-stats")
    def synth_stats(folder: Path = typer.Argument(..., help="a folder written by `jixiao synth`"),
                    out: Path = typer.Option(None, "--out", help="JSON file (default FOLDER/stats.json)")) -> None:
        """Variety statistics of a synthetic corpus: layouts, units, years, spans per label, repetition."""
        from rich.console import Console
        from rich.table import Table

        from pipeline.corpus.synth.stats import corpus_stats

        stats = corpus_stats(folder)
        target = out or folder / "stats.json"
        target.write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
        console = Console()
        console.print(f"{stats['docs']} docs, {stats['chars']} characters; written {target}")
        for key in ("layouts", "unit_kinds", "years", "relations", "planted_kinds"):
            console.print(f"{key}: {stats[key]}")
        t = Table("label", "spans", "distinct", "top share", "most frequent span")
        for label, s in stats["labels"].items():
            t.add_row(label, str(s["spans"]), str(s["distinct"]), f"{s['top_share']:.2%}", s["top_text"][:40])
        console.print(t)
        s = stats["sentences"]
        console.print(f"sentences: {s['total']} ({s['distinct']} distinct), most frequent {s['top_share']:.2%}: "
                      f"{s['top_text'][:50]}")
