"""`jixiao annotate` and `jixiao schema`.

Batch behaviour, for archives of tens of thousands of reports (pipeline.batch does the work):
- every input yields exactly one record, errors included: unreadable, odd (pipes, devices,
  link loops, dangling links), timed-out documents too; nothing is skipped silently;
- documents are annotated by ``--workers`` processes (each loads the model once) or on Ray
  (``--engine ray``), and written as they finish: ``DIR/<stem>.<hash>.json`` and one line of
  ``DIR/records.jsonl``, in an order that survives kill -9 (pipeline.batch.store);
- a re-run resumes: inputs whose resolved path and content are already in records.jsonl are
  not redone (``--no-resume`` starts over);
- exit status is non-zero only when no document could be processed.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

DEFAULT_TIMEOUT_S = 600.0
MAX_ERRORS_SHOWN = 50


def _real_errors(record: dict) -> list[dict]:
    # records of schema 1.0 kept read warnings among the errors, as "warning: …"
    return [e for e in record.get("errors", []) if not e["message"].startswith("warning:")]


def _warnings(record: dict) -> list[dict]:
    old = [e for e in record.get("errors", []) if e["message"].startswith("warning:")]
    return record.get("warnings", []) + old


def summarize(records: Iterable[dict]) -> dict[str, int]:
    """Counts over records, in one pass (a generator over records.jsonl keeps memory flat), or
    over their heads (pipeline.batch.store.iter_heads: list fields as ranges of their length)."""
    stats = dict.fromkeys(("documents", "with errors", "with warnings", "unreadable", "sections", "tables",
                           "indicators", "projects", "spans", "links", "findings"), 0)
    for r in records:
        stats["documents"] += 1
        stats["with errors"] += bool(_real_errors(r))
        stats["with warnings"] += bool(_warnings(r))
        stats["unreadable"] += not r.get("text")
        for k in ("sections", "tables", "indicators", "projects", "spans", "links", "findings"):
            stats[k] += len(r.get(k, []))
    return stats


def _run(engine: str, todo, settings, workers: int, timeout: float):
    if engine == "ray":
        from pipeline.batch.ray_engine import run_ray
        return run_ray(todo, settings, workers, timeout)
    from pipeline.batch.local import run_local
    return run_local(todo, settings, workers, timeout)


def register(app: typer.Typer) -> None:
    from pipeline.batch.local import available_cores

    @app.command()
    def annotate(
        paths: Optional[list[Path]] = typer.Argument(None, help="Report files or folders (.txt .md .docx .pdf .html)."),
        out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
        from_list: Optional[str] = typer.Option(None, "--from-list", help="A file naming one input a line ('-': standard input)."),
        model: Optional[Path] = typer.Option(None, "--model", help="Tagger model folder (default models/tagger)."),
        tag: bool = typer.Option(True, "--tag/--no-tag", help="Run the trained tagger."),
        link: bool = typer.Option(True, "--link/--no-link", help="Link spans to tables."),
        check: bool = typer.Option(True, "--check/--no-check", help="Check the arithmetic."),
        resume: bool = typer.Option(True, "--resume/--no-resume", help="Skip inputs already in records.jsonl."),
        max_mb: float = typer.Option(20.0, "--max-mb", help="Refuse files larger than this (MB)."),
        workers: int = typer.Option(available_cores(), "--workers", "-j", min=1,
                                    help="Worker processes (default: the cores); torch threads are shared out among them."),
        timeout: float = typer.Option(DEFAULT_TIMEOUT_S, "--timeout", min=1,
                                      help="Seconds per document; then an error record, and the worker is replaced."),
        engine: str = typer.Option("local", "--engine", help="local (process pool) or ray (Ray Data; pip install 'jixiao[ray]')."),
        min_confidence: Optional[float] = typer.Option(
            None, "--min-confidence", min=0.0, max=1.0,
            help="Raise only findings at least this sure (0-1; default configs/checking.yaml min_confidence). "
                 "Findings tied by a relation the report prints score 0.8-0.9, derived ones 0.3-0.4."),
        disable_rule: list[str] = typer.Option([], "--disable-rule",
                                               help="Switch off a tagger rule of configs/tagger.yaml (repeatable)."),
        no_rules: bool = typer.Option(False, "--no-rules", help="The tagger's model and decoder only, no rules."),
    ) -> None:
        """Annotate reports: one record per document in OUT/<stem>.<hash>.json and OUT/records.jsonl."""
        from pipeline.batch.inputs import discover, read_manifest
        from pipeline.batch.local import threads_per_worker
        from pipeline.batch.store import OutputStore, iter_heads
        from pipeline.batch.worker import Settings

        console = Console(stderr=True)
        if engine not in ("local", "ray"):
            console.print(f"[red]--engine must be local or ray, not {engine!r}[/red]")
            raise typer.Exit(2)
        if disable_rule:
            from pipeline.tag.rules import REGISTRY
            unknown = sorted(set(disable_rule) - set(REGISTRY))
            if unknown:
                console.print(f"[red]unknown rule(s)[/red] {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
                raise typer.Exit(2)
        given: list = [str(p) for p in paths or []]
        if from_list:
            given += list(read_manifest(from_list))
        inputs = discover(given)
        if not inputs:
            console.print(f"[red]no input files[/red] in {', '.join(given) or '(nothing given)'}")
            raise typer.Exit(2)
        store = OutputStore.open(out, resume=resume, inputs=inputs)
        if store.repaired_bytes:
            console.print(f"repaired {store.jsonl}: cut an unfinished last line ({store.repaired_bytes} bytes)")
        if store.dropped_lines:
            console.print(f"dropped {store.dropped_lines} repeated or outdated lines of {store.jsonl}")
        todo = [i for i in inputs if not store.is_done(i)]
        if len(todo) < len(inputs):
            console.print(f"resuming: {len(inputs) - len(todo)} of {len(inputs)} documents already in {store.jsonl}")
        settings = Settings(model=str(model) if model else None, tag=tag, link=link, check=check, max_mb=max_mb,
                            threads=threads_per_worker(workers), min_confidence=min_confidence,
                            disable_rules=tuple(disable_rule), no_rules=no_rules,
                            # local workers stream records to files in the output folder; Ray actors
                            # may run on machines that cannot write it, so their records travel back
                            staging=str(store.folder.resolve()) if engine == "local" else None)
        shown = failed = 0
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                          console=console, disable=not console.is_terminal) as progress:
                task = progress.add_task("annotating", total=len(todo))
                for result in _run(engine, todo, settings, workers, timeout) if todo else ():
                    store.write_result(result)
                    progress.advance(task)
                    if result.errors:
                        failed += 1
                        if shown < MAX_ERRORS_SHOWN:
                            shown += 1
                            console.print(f"[yellow]{result.path}[/yellow]: " + "; ".join(result.errors[:3]))
                    elif result.warnings and shown < MAX_ERRORS_SHOWN:
                        shown += 1
                        console.print(f"[cyan]{result.path}[/cyan] warning: " + "; ".join(result.warnings[:3]))
        finally:
            store.close()
        if failed > shown:
            console.print(f"… and {failed - shown} more documents with errors (see their records)")
        # the summary covers the whole output folder, resumed documents included
        stats = summarize(iter_heads(store.jsonl))   # each line streamed: its head, never its whole record
        table = RichTable(title=f"jixiao annotate → {out}")
        table.add_column("what")
        table.add_column("count", justify="right")
        for k, v in stats.items():
            table.add_row(k, str(v))
        Console().print(table)
        if stats["documents"] and stats["unreadable"] == stats["documents"]:
            raise typer.Exit(1)

    @app.command()
    def schema(out: Optional[Path] = typer.Option(None, "--out", help="Write here instead of stdout.")) -> None:
        """Print (or write) the JSON Schema of the record."""
        from pipeline.schema import record_schema

        text = json.dumps(record_schema(), ensure_ascii=False, indent=1)
        if out:
            out.write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
