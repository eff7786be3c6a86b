"""Elasticsearch/OpenSearch ``_bulk`` export of records: the same entries as the embedded index.

Each entry is two NDJSON lines: ``{"index": {"_index": NAME, "_id": ID}}`` and the entry
itself. ``_id`` is the doc_id for a document and ``<doc_id>:<span id>`` for a span, so loading
the file again replaces instead of duplicating. (A span that a re-annotation no longer has
keeps its old entry: delete by ``doc_id`` first, as ``jixiao index`` does, to drop those.)
Load with ``curl -H 'Content-Type: application/x-ndjson' -XPOST $ES/_bulk --data-binary @FILE``
after installing the template of ``configs/search/`` (see configs/search/README.md).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TextIO

from pipeline.search.index import read_record_dicts
from pipeline.search.schema import BadRecord, entries, validate

DEFAULT_INDEX = "jixiao"
# "context" joins section title and indicator names for the embedded index only; both are
# their own fields in the export
INTERNAL_FIELDS = ("context",)


@dataclass
class ExportReport:
    records: int = 0
    lines: int = 0
    errors: list[str] = field(default_factory=list)


def bulk_source(entry: dict[str, Any]) -> dict[str, Any]:
    """The document an engine stores for an entry: absent values left out."""
    return {k: v for k, v in entry.items() if k not in INTERNAL_FIELDS and v is not None and v != [] and v != {}}


def write_es_bulk(items: Iterable[tuple[str, Any]], fh: TextIO, index_name: str = DEFAULT_INDEX) -> ExportReport:
    report = ExportReport()
    for where, data in items:
        try:
            if isinstance(data, Exception):
                raise data
            record = validate(data, where)
        except BadRecord as exc:
            report.errors.append(str(exc))
            continue
        for e in entries(record):
            fh.write(json.dumps({"index": {"_index": index_name, "_id": e["id"]}}, ensure_ascii=False) + "\n")
            fh.write(json.dumps(bulk_source(e), ensure_ascii=False) + "\n")
            report.lines += 2
        report.records += 1
    return report


def export_es_bulk(paths: list[Path], out: Path, index_name: str = DEFAULT_INDEX) -> ExportReport:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        return write_es_bulk(read_record_dicts(paths), fh, index_name)
