"""`jixiao index` and `jixiao search`: thin wrappers of pipeline.search.index and .query."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape


def _run(ix, records, delete, console):
    """Delete, then index; the IndexReport of the records (None when only deleting)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.search.index import read_record_dicts

    if delete:
        removed = ix.delete(delete)
        console.print(f"deleted {len(delete)} doc_id(s): {removed} entries removed")
    report = None
    if records:
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} records"),
                      TimeElapsedColumn(), console=console, disable=not console.is_terminal) as progress:
            task = progress.add_task("indexing", total=None)
            report = ix.add(read_record_dicts(records), progress=lambda: progress.advance(task))
        for message in report.errors:
            console.print(f"[red]error:[/red] {escape(message)}")
        console.print(f"indexed {report.records} records ({report.spans} spans), {len(report.errors)} errors")
    return report


def register(app: typer.Typer) -> None:
    @app.command()
    def index(
        records: list[Path] = typer.Argument(None, help="record JSON files, records.jsonl, or folders"),
        index_dir: Path = typer.Option(..., "--index", help="index folder (created if missing)"),
        delete: list[str] = typer.Option([], "--delete", help="remove this doc_id (repeatable)"),
        analyzer: Optional[str] = typer.Option(None, "--analyzer",
                                               help="bigram | jieba | both, for a new index (default: bigram, the measured best)"),
    ) -> None:
        """Index records (re-indexing a doc_id replaces it) or delete documents."""
        from pipeline.search.index import SearchIndex

        console = Console(stderr=True, soft_wrap=True)
        try:
            ix = SearchIndex.open_or_create(index_dir, analyzer)
        except (ValueError, OSError) as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2)
        try:
            report = _run(ix, records, delete, console)
        except ValueError as exc:  # tantivy: e.g. another process holds the index's writer lock
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2)
        counts = ix.counts()
        console.print(f"{index_dir}: {counts['doc']} documents, {counts['span']} spans, analyzer {ix.analyzer}")
        if report is not None and report.records == 0 and report.errors:
            raise typer.Exit(1)

    @app.command()
    def search(
        query: str = typer.Argument("", help="words to find: each must match, at least in part (its bigrams) or in another wording (configs/search/synonyms.yaml); the whole word ranks first. Empty: filters only"),
        index_dir: Path = typer.Option(..., "--index", help="index folder"),
        label: Optional[str] = typer.Option(None, "--label", help="span label (FUNCTION WORKLOAD PROBLEM CAUSE MEASURE); PROBLEM also finds CAUSE spans ranked lower, and CAUSE PROBLEM"),
        exact_label: bool = typer.Option(False, "--exact-label", help="with --label: that label only"),
        year: Optional[int] = typer.Option(None, "--year"),
        unit: Optional[str] = typer.Option(None, "--unit", help="part of the unit name"),
        region: Optional[str] = typer.Option(None, "--region", help="part of the region"),
        kind: Optional[str] = typer.Option(None, "--kind", help="part of the report kind"),
        entry: Optional[str] = typer.Option(None, "--entry", help="doc or span (default both)"),
        has_findings: bool = typer.Option(False, "--has-findings", help="only documents with findings"),
        limit: int = typer.Option(10, "--limit", "-n"),
        as_json: bool = typer.Option(False, "--json", help="one JSON object per hit"),
        show_facets: bool = typer.Option(False, "--facets", help="also count hits by label, year, unit, region, kind, grade"),
    ) -> None:
        """Ranked hits with highlighted snippets; --json for one object per line."""
        import json

        from pipeline.search.index import SearchIndex
        from pipeline.search.query import Filters, facets, search as run_search

        console = Console()
        try:
            ix = SearchIndex.open(index_dir)
        except (ValueError, OSError) as exc:
            Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2)
        f = Filters(label=label, year=year, unit=unit, region=region, kind=kind, has_findings=has_findings, entry=entry,
                    exact_label=exact_label)
        hits = run_search(ix, query, f, limit)
        counts = facets(ix, query, f) if show_facets else None
        if as_json:
            for h in hits:
                print(h.to_json())
            if counts is not None:
                print(json.dumps({"facets": {k: [[v, n] for v, n in vs] for k, vs in counts.items()}}, ensure_ascii=False))
            return
        for n, h in enumerate(hits, 1):
            what = h.label or "document"
            snippet = escape(h.snippet.replace("\n", " ")).replace("【", "[bold yellow]").replace("】", "[/bold yellow]")
            console.print(f"{n:>2}. [cyan]{what}[/cyan] {escape(h.unit or '?')} {h.year or ''} "
                          f"[dim]{escape(h.path or h.doc_id)} {h.start}-{h.end} score {h.score}[/dim]\n    {snippet}",
                          highlight=False)
        if not hits:
            console.print("no hits")
        if counts is not None:
            for name, values in counts.items():
                console.print(f"[bold]{name}[/bold]: " + ", ".join(f"{escape(str(v))} {c}" for v, c in values), highlight=False)
