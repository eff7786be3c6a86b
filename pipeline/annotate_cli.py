"""`jixiao annotate` and `jixiao schema`.

Batch behaviour, for archives of thousands of reports:
- every input file yields exactly one record, errors included (nothing is skipped silently);
- records are written as they are made (``DIR/<stem>.json`` and one line of ``DIR/records.jsonl``),
  so an interrupted run loses at most the document in flight;
- a re-run resumes: inputs whose source path is already in ``records.jsonl`` are not redone
  (``--no-resume`` starts over);
- exit status is non-zero only when no document could be processed.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from pipeline.record import Record


def _out_name(path: Path, used: set[str]) -> str:
    name = path.stem
    if name in used:
        name = f"{path.stem}.{path.suffix.lstrip('.') or 'noext'}"
    n = 2
    base = name
    while name in used:
        name, n = f"{base}-{n}", n + 1
    used.add(name)
    return name


def _done_paths(jsonl: Path) -> set[str]:
    """Source paths of records already written (a torn last line is ignored)."""
    done: set[str] = set()
    if not jsonl.exists():
        return done
    with open(jsonl, encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            done.add(rec["source"]["path"])
    return done


def _write_atomic(path: Path, data: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


def _real_errors(record: dict) -> list[dict]:
    # records of schema 1.0 kept read warnings among the errors, as "warning: …"
    return [e for e in record.get("errors", []) if not e["message"].startswith("warning:")]


def _warnings(record: dict) -> list[dict]:
    old = [e for e in record.get("errors", []) if e["message"].startswith("warning:")]
    return record.get("warnings", []) + old


def summarize(records: list[dict]) -> dict[str, int]:
    return {
        "documents": len(records),
        "with errors": sum(1 for r in records if _real_errors(r)),
        "with warnings": sum(1 for r in records if _warnings(r)),
        "unreadable": sum(1 for r in records if not r.get("text")),
        "sections": sum(len(r.get("sections", [])) for r in records),
        "tables": sum(len(r.get("tables", [])) for r in records),
        "indicators": sum(len(r.get("indicators", [])) for r in records),
        "projects": sum(len(r.get("projects", [])) for r in records),
        "spans": sum(len(r.get("spans", [])) for r in records),
        "links": sum(len(r.get("links", [])) for r in records),
        "findings": sum(len(r.get("findings", [])) for r in records),
    }


def register(app: typer.Typer) -> None:
    @app.command()
    def annotate(
        paths: list[Path] = typer.Argument(..., help="Report files or folders (.txt .md .docx .pdf .html)."),
        out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
        model: Optional[Path] = typer.Option(None, "--model", help="Tagger model folder (default models/tagger)."),
        tag: bool = typer.Option(True, "--tag/--no-tag", help="Run the trained tagger."),
        link: bool = typer.Option(True, "--link/--no-link", help="Link spans to tables."),
        check: bool = typer.Option(True, "--check/--no-check", help="Check the arithmetic."),
        resume: bool = typer.Option(True, "--resume/--no-resume", help="Skip inputs already in records.jsonl."),
        max_mb: float = typer.Option(20.0, "--max-mb", help="Refuse files larger than this (MB)."),
        min_confidence: Optional[float] = typer.Option(
            None, "--min-confidence", min=0.0, max=1.0,
            help="Raise only findings at least this sure (0-1; default configs/checking.yaml min_confidence). "
                 "Findings tied by a relation the report prints score 0.8-0.9, derived ones 0.3-0.4."),
        disable_rule: list[str] = typer.Option([], "--disable-rule",
                                               help="Switch off a tagger rule of configs/tagger.yaml (repeatable)."),
        no_rules: bool = typer.Option(False, "--no-rules", help="The tagger's model and decoder only, no rules."),
    ) -> None:
        """Annotate reports: one record per document in OUT/<stem>.json and OUT/records.jsonl."""
        from pipeline.annotate import annotate_path, expand_inputs, load_components
        from pipeline.read import ReadLimits

        console = Console(stderr=True)
        inputs = expand_inputs(paths)
        missing = [p for p in paths if not Path(p).exists()]
        if not inputs:
            console.print(f"[red]no input files[/red] in {', '.join(map(str, paths))}")
            raise typer.Exit(2)
        out.mkdir(parents=True, exist_ok=True)
        jsonl = out / "records.jsonl"
        done = _done_paths(jsonl) if resume else set()
        if not resume and jsonl.exists():
            jsonl.unlink()
        todo = [p for p in inputs if str(p) not in done]
        if done:
            console.print(f"resuming: {len(inputs) - len(todo)} of {len(inputs)} documents already in {jsonl}")
        if disable_rule:
            from pipeline.tag.rules import REGISTRY
            unknown = sorted(set(disable_rule) - set(REGISTRY))
            if unknown:
                console.print(f"[red]unknown rule(s)[/red] {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
                raise typer.Exit(2)
        comps = load_components(model, tag=tag, link=link, check=check,
                                tagger_options={"disable": disable_rule, "no_rules": no_rules},
                                min_confidence=min_confidence)
        for e in comps.load_errors:
            console.print(f"[yellow]{e.stage}: {e.message}[/yellow]")
        limits = ReadLimits(max_bytes=int(max_mb * 1024 * 1024))
        used = {p.stem for p in out.glob("*.json")} if done else set()
        written: list[dict] = []
        with open(jsonl, "a", encoding="utf-8") as fh, Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=console, disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task("annotating", total=len(todo))
            for path in todo:
                record: Record = annotate_path(path, comps, limits)
                name = _out_name(path, used)
                data = record.to_json_dict()
                _write_atomic(out / f"{name}.json", json.dumps(data, ensure_ascii=False, indent=1))
                fh.write(json.dumps(data, ensure_ascii=False) + "\n")
                fh.flush()
                written.append(data)
                progress.advance(task)
        # the summary covers the whole output folder, resumed documents included
        all_records = []
        with open(jsonl, encoding="utf-8") as fh2:
            for line in fh2:
                try:
                    all_records.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        stats = summarize(all_records)
        table = RichTable(title=f"jixiao annotate → {out}")
        table.add_column("what")
        table.add_column("count", justify="right")
        for k, v in stats.items():
            table.add_row(k, str(v))
        Console().print(table)
        for r in written:
            errs = _real_errors(r)
            if errs:
                console.print(f"[yellow]{r['source']['path']}[/yellow]: " + "; ".join(f"{e['stage']}: {e['message']}" for e in errs[:3]))
            warns = _warnings(r)
            if warns:
                console.print(f"[cyan]{r['source']['path']}[/cyan] warning: " + "; ".join(f"{w['stage']}: {w['message']}" for w in warns[:3]))
        if missing:
            console.print(f"[red]not found:[/red] {', '.join(map(str, missing))}")
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
