"""What the search index holds: flat entries made from a record, and the tantivy schema for them.

One entry per document (``entry: "doc"``) and one per span (``entry: "span"``). A span entry
carries its document's fields too, so every filter works on spans without a join. The same
entries feed the Elasticsearch/OpenSearch export (``pipeline.search.export``), so both hold
the same fields; ``configs/search/*.json`` are the templates for those engines.

Ids: a document entry's id is its doc_id, a span entry's is ``<doc_id>:<span id>``: both stay
the same when a record is re-annotated, so loading again replaces instead of adding.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterator, Optional

from pydantic import ValidationError

from pipeline.record import Record
from pipeline.search.analysis import as_field, fields_of

# document fields copied onto every entry (filters and facets)
DOC_FIELDS = ("doc_id", "path", "unit", "region", "year", "kind", "grade", "total_score", "findings")
# the budget figures a document entry carries (万元; execution_rate in percent)
BUDGET_KEYS = ("budgeted", "executed", "execution_rate", "income", "expenditure")
# fields a user filters on by substring (a phrase of single characters)
SUBSTRING_FIELDS = ("unit", "region", "kind")
# stored as one JSON blob, not indexed (a long text would be one oversized term in a raw field)
STORED_JSON = ("text", "section", "indicators", "budget")
KEYWORD_FIELDS = ("id", "entry", "doc_id", "unit", "region", "kind", "grade", "label", "source", "span_id")


class BadRecord(ValueError):
    """A record the index cannot take; the message says which record and which field."""


def validate(data: Any, where: str) -> Record:
    """The record as the pydantic model, or BadRecord naming the first bad fields."""
    if not isinstance(data, dict):
        raise BadRecord(f"{where}: not a record (a JSON object), but {type(data).__name__}")
    try:
        return Record.from_data(data)
    except ValidationError as exc:
        doc = data.get("doc_id", "?")
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        raise BadRecord(f"{where}: record {doc}: bad field {problems}") from None


def entries(record: Record) -> Iterator[dict[str, Any]]:
    """The document entry, then one entry per span, as plain JSON-able dicts."""
    m = record.meta
    doc = {
        "doc_id": record.doc_id, "path": record.source.path, "unit": m.unit, "region": m.region,
        "year": m.year, "kind": m.kind, "grade": m.grade, "total_score": m.total_score,
        "findings": len(record.findings),
    }
    budget = {k: record.budget[k].value for k in BUDGET_KEYS if k in record.budget}
    yield {"id": record.doc_id, "entry": "doc", **doc, "budget": budget,
           "text": record.text, "start": 0, "end": len(record.text),
           "context": " ".join(x for x in (m.unit, m.kind) if x)}
    titles = {s.id: s.title for s in record.sections}
    indicator_names = {i.id: i.name for i in record.indicators}
    linked: dict[str, list[str]] = {}
    for ln in record.links:
        for a, b in ((ln.from_, ln.to), (ln.to, ln.from_)):
            if b in indicator_names and indicator_names[b] not in linked.setdefault(a, []):
                linked[a].append(indicator_names[b])
    for s in record.spans:
        section = titles.get(s.section or "")
        if section is None and record.sections:
            sec = record.section_at(s.start)
            section = sec.title if sec else None
        names = linked.get(s.id, [])
        yield {"id": f"{record.doc_id}:{s.id}", "entry": "span", **doc, "span_id": s.id,
               "label": s.label, "text": s.text, "start": s.start, "end": s.end,
               "score": s.score, "source": s.source, "section": section, "indicators": names,
               "context": " ".join([section or "", *names]).strip()}


def build_schema(analyzer: str):
    """The tantivy schema: keyword fields (raw, fast: facets), numbers, stored text, term fields."""
    import tantivy

    sb = tantivy.SchemaBuilder()
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("path", stored=True, tokenizer_name="raw")
    for name in ("year", "findings", "start", "end"):
        sb.add_integer_field(name, stored=True, indexed=True, fast=True)
    # the doc_id as a number (doc_key), a fast field: ranking reads it for many hits without
    # fetching their stored fields (pipeline.search.query.search)
    sb.add_integer_field("doc_key", stored=False, indexed=True, fast=True)
    for name in ("total_score", "score"):
        sb.add_float_field(name, stored=True, indexed=True, fast=True)
    # stored, never tokenized: the text itself is searched through the term fields below
    sb.add_bytes_field("stored", stored=True, indexed=False)
    for name in SUBSTRING_FIELDS:
        sb.add_text_field(f"{name}_chars", stored=False, tokenizer_name=WHITESPACE)
    for a in fields_of(analyzer):
        sb.add_text_field(f"text_{a}", stored=False, tokenizer_name=WHITESPACE)
        sb.add_text_field(f"context_{a}", stored=False, tokenizer_name=WHITESPACE)
    return sb.build()


WHITESPACE = "jixiao_ws"  # pre-analysed terms, split at spaces (registered by pipeline.search.index)


def doc_key(doc_id: str) -> int:
    """A signed 64-bit number for a doc_id (BLAKE2b), the same in every process."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def to_document(entry: dict[str, Any], analyzer: str, memo: Optional[dict] = None):
    """The tantivy document of an entry: its term fields analysed in Python.

    ``memo`` (one dict per record) keeps the analysis of values its entries repeat (unit,
    region, kind, section titles), so a record with many spans analyses them once.
    """
    import tantivy

    memo = {} if memo is None else memo

    def analysed(value: str, how: str) -> str:
        key = (value, how)
        if key not in memo:
            memo[key] = as_field(value, how)
        return memo[key]

    d = tantivy.Document()
    for name in KEYWORD_FIELDS:
        if entry.get(name) is not None:
            d.add_text(name, str(entry[name]))
    if entry.get("path"):
        d.add_text("path", entry["path"])
    d.add_integer("doc_key", doc_key(entry["doc_id"]))
    for name in ("year", "findings", "start", "end"):
        if entry.get(name) is not None:
            d.add_integer(name, int(entry[name]))
    for name in ("total_score", "score"):
        if entry.get(name) is not None:
            d.add_float(name, float(entry[name]))
    stored = {k: entry[k] for k in STORED_JSON if entry.get(k)}
    d.add_bytes("stored", json.dumps(stored, ensure_ascii=False).encode("utf-8"))
    for name in SUBSTRING_FIELDS:
        if entry.get(name):
            d.add_text(f"{name}_chars", analysed(entry[name], "chars"))
    for a in fields_of(analyzer):
        d.add_text(f"text_{a}", as_field(entry["text"], a))
        if entry.get("context"):
            d.add_text(f"context_{a}", analysed(entry["context"], a))
    return d
