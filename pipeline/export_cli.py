"""`jixiao export RECORDS... --format F --out FILE`: records into the files other tools load.

One command for every export format: add a format by adding a function to FORMATS that takes
(record paths, out path) and returns an object with ``records`` and ``errors`` (a list of
messages), as pipeline.search.export.export_es_bulk does.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import typer
from rich.console import Console


def _es_bulk(paths: list[Path], out: Path):
    from pipeline.search.export import export_es_bulk

    return export_es_bulk(paths, out)


FORMATS: dict[str, tuple[Callable, str]] = {
    "es-bulk": (_es_bulk, "Elasticsearch/OpenSearch _bulk NDJSON (templates in configs/search/)"),
}


def register(app: typer.Typer) -> None:
    @app.command()
    def export(
        records: list[Path] = typer.Argument(..., help="record JSON files, records.jsonl, or folders"),
        format: str = typer.Option(..., "--format", "-f", help="one of: " + ", ".join(FORMATS)),
        out: Path = typer.Option(..., "--out", "-o", help="output file"),
    ) -> None:
        """Export records in another tool's format; a bad record is reported and the rest exported."""
        console = Console(stderr=True, soft_wrap=True)
        if format not in FORMATS:
            console.print(f"[red]error:[/red] unknown format {format!r}; one of: {', '.join(FORMATS)}")
            raise typer.Exit(2)
        report = FORMATS[format][0](records, out)
        for message in report.errors:
            console.print(f"[red]error:[/red] {message}", highlight=False)
        console.print(f"{report.records} records → {out} ({format}); {len(report.errors)} errors")
        if report.records == 0 and report.errors:
            raise typer.Exit(1)
