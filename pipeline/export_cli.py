"""`jixiao export RECORDS... --format F --out FILE`: records into the files other tools load.

One command for every export format: add a format by adding a function to FORMATS that takes
(record paths, out path) and returns an object with ``records`` and ``errors`` (a list of
messages), as pipeline.search.export.export_es_bulk does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console


@dataclass
class _Report:
    records: int = 0
    errors: list[str] = field(default_factory=list)


def _es_bulk(paths: list[Path], out: Path, split: str):
    from pipeline.search.export import export_es_bulk

    return export_es_bulk(paths, out)


def _records(paths: list[Path]) -> tuple[list[dict], list[str]]:
    from pipeline.search.index import read_record_dicts
    from pipeline.search.schema import BadRecord

    recs, errors = [], []
    for where, rec in read_record_dicts(paths):
        if isinstance(rec, BadRecord):
            errors.append(str(rec))
        elif isinstance(rec, list):
            recs += rec
        else:
            recs.append(rec)
    return recs, errors


def _spacy(paths: list[Path], out: Path, split: str):
    from pipeline.tag.baselines.spacy_ner import records_to_docbin

    recs, errors = _records(paths)
    out.parent.mkdir(parents=True, exist_ok=True)
    records_to_docbin(recs).to_disk(out)
    return _Report(len(recs), errors)


def _hf(paths: list[Path], out: Path, split: str):
    from pipeline.tag.hf_export import export_hf

    recs, errors = _records(paths)
    export_hf(recs, out, split)
    return _Report(len(recs), errors)


FORMATS: dict[str, tuple[Callable, str]] = {
    "es-bulk": (_es_bulk, "Elasticsearch/OpenSearch _bulk NDJSON (templates in configs/search/)"),
    "spacy": (_spacy, "spaCy DocBin, spans in doc.spans['sc'] (the spaCy baseline's training data)"),
    "hf": (_hf, "Hugging Face datasets.DatasetDict folder, BIOES tags as a ClassLabel sequence"),
}


def register(app: typer.Typer) -> None:
    @app.command()
    def export(
        records: list[Path] = typer.Argument(..., help="record JSON files, records.jsonl, or folders"),
        format: str = typer.Option(..., "--format", "-f", help="one of: " + ", ".join(FORMATS)),
        out: Path = typer.Option(..., "--out", "-o", help="output file (a folder for hf)"),
        split: str = typer.Option("train", "--split", help="hf: the DatasetDict's split name"),
    ) -> None:
        """Export records in another tool's format; a bad record is reported and the rest exported."""
        console = Console(stderr=True, soft_wrap=True)
        if format not in FORMATS:
            console.print(f"[red]error:[/red] unknown format {format!r}; one of: {', '.join(FORMATS)}")
            raise typer.Exit(2)
        report = FORMATS[format][0](records, out, split)
        for message in report.errors:
            console.print(f"[red]error:[/red] {message}", highlight=False)
        console.print(f"{report.records} records → {out} ({format}); {len(report.errors)} errors")
        if report.records == 0 and report.errors:
            raise typer.Exit(1)
