"""`jixiao view RECORDS... --out SITE`."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def view(
        records: list[Path] = typer.Argument(..., help="Record files (.json), JSONL files or annotate output folders."),
        out: Path = typer.Option(Path("site"), "--out", "-o", help="Folder for the site (index.html)."),
    ) -> None:
        """Write a static review site: index.html and one page per document, no server needed."""
        from pipeline.view.site import build_site
        report = build_site(records, out)
        typer.echo(f"{report.pages} document page(s) → {(out / 'index.html')}")
        if report.duplicates:
            typer.echo(f"{report.duplicates} duplicate record(s) (same doc_id) shown once")
        if report.unreadable:
            typer.echo(f"{len(report.unreadable)} entr(y/ies) not a record, listed in the index: "
                       + ", ".join(report.unreadable[:5]))
        if report.unplaced_spans:
            typer.echo(f"{report.unplaced_spans} span(s) lie between table cells: listed under their document's text")
        if report.pages == 0:
            raise typer.Exit(1)
