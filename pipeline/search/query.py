"""Searching an index: query building, filters, ranked hits with highlighted snippets, facets.

A query is split at whitespace into terms; every term must match. A term matches an entry
when any of its analysed terms (bigrams or words) occurs in the entry's text or context
(section title, linked indicator names); the whole term as a phrase scores higher
(PHRASE_BOOST), as do text matches over context matches. BM25 ranks. Filters restrict
without scoring. ``search`` is what ``jixiao search`` prints; ``facets`` counts values.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from pipeline.search.analysis import fields_of, terms
from pipeline.search.index import SearchIndex

PHRASE_BOOST = 3.0    # the query term as written, in order, over its pieces in any order
CONTEXT_BOOST = 0.5   # a section title or an indicator name is weaker evidence than the text itself
SNIPPET_CHARS = 120   # a document hit shows this much text around its first match
FACET_FIELDS = ("entry", "label", "year", "unit", "region", "kind", "grade")


@dataclass
class Filters:
    label: Optional[str] = None
    year: Optional[int] = None
    unit: Optional[str] = None      # substring of the unit name
    region: Optional[str] = None    # substring
    kind: Optional[str] = None      # substring of the report kind
    has_findings: bool = False
    entry: Optional[str] = None     # "doc" or "span"; a label implies "span"


@dataclass
class Hit:
    doc_id: str
    path: Optional[str]
    entry: str
    unit: Optional[str]
    region: Optional[str]
    year: Optional[int]
    kind: Optional[str]
    label: Optional[str]
    text: str              # the span's text; for a document, the snippet's text
    start: int             # span: its offsets; document: the snippet's offsets, into record.text
    end: int
    score: float           # BM25 relevance (not the tagger's span score: see span_score)
    snippet: str           # text with matches in 【】... as marked by ``mark``
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] in record.text offsets
    span_id: Optional[str] = None
    span_score: Optional[float] = None
    source: Optional[str] = None
    section: Optional[str] = None
    indicators: list[str] = field(default_factory=list)
    grade: Optional[str] = None
    total_score: Optional[float] = None
    budget: dict[str, float] = field(default_factory=dict)  # document hits: budget figures, 万元 (rate in %)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def _unique(xs: list[str]) -> list[str]:
    return list(dict.fromkeys(xs))


def text_query(ix: SearchIndex, query: str):
    """The scoring part of a query, or None for an empty query."""
    import tantivy
    Q, O = tantivy.Query, tantivy.Occur

    musts = []
    for word in query.split():
        shoulds = []
        for a in fields_of(ix.analyzer):
            toks = _unique(terms(word, a))
            for name, boost in ((f"text_{a}", 1.0), (f"context_{a}", CONTEXT_BOOST)):
                parts = [Q.term_query(ix.schema, name, t) for t in toks]
                if len(toks) > 1:
                    parts.append(Q.boost_query(Q.phrase_query(ix.schema, name, terms(word, a)), PHRASE_BOOST))
                shoulds += [(O.Should, Q.boost_query(p, boost) if boost != 1.0 else p) for p in parts]
        if shoulds:
            musts.append((O.Must, Q.boolean_query(shoulds)))
    return Q.boolean_query(musts) if musts else None


def filter_query(ix: SearchIndex, f: Filters):
    """The non-scoring restrictions, or None."""
    import tantivy
    Q = tantivy.Query

    parts = []
    entry = "span" if f.label else f.entry
    if entry:
        parts.append(Q.term_query(ix.schema, "entry", entry))
    if f.label:
        parts.append(Q.term_query(ix.schema, "label", f.label.upper()))
    if f.year is not None:
        parts.append(Q.term_query(ix.schema, "year", int(f.year)))
    for name in ("unit", "region", "kind"):
        value = getattr(f, name)
        if value:
            chars = terms(value, "chars")
            parts.append(Q.phrase_query(ix.schema, f"{name}_chars", chars) if len(chars) > 1
                         else Q.term_query(ix.schema, f"{name}_chars", chars[0] if chars else value))
    if f.has_findings:
        parts.append(Q.range_query(ix.schema, "findings", tantivy.FieldType.Integer, 1, None))
    if not parts:
        return None
    return Q.boolean_query([(tantivy.Occur.Must, p) for p in parts])


def build_query(ix: SearchIndex, query: str, f: Filters):
    import tantivy
    Q, O = tantivy.Query, tantivy.Occur

    scoring = text_query(ix, query)
    restrict = filter_query(ix, f)
    if scoring is None and restrict is None:
        return Q.all_query()
    if restrict is None:
        return scoring
    if scoring is None:
        return restrict
    return Q.boolean_query([(O.Must, scoring), (O.Must, Q.const_score_query(restrict, 0.0))])


# ---------------------------------------------------------------- highlighting

def highlight_spans(text: str, query: str, analyzer: str) -> list[tuple[int, int]]:
    """Merged (start, end) ranges of text to mark: each query term where it occurs as written,
    else its analysed pieces of two or more characters (else any piece)."""
    low = text.lower()
    ranges: list[tuple[int, int]] = []
    for word in query.split():
        pieces = [word.lower()] if word.lower() in low else []
        if not pieces:
            toks = _unique(t for a in fields_of(analyzer) for t in terms(word, a))
            pieces = [t for t in toks if len(t) > 1] or toks
        for p in pieces:
            ranges += [(m.start(), m.end()) for m in re.finditer(re.escape(p), low)]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def mark(text: str, ranges: list[tuple[int, int]], open_: str = "【", close: str = "】") -> str:
    out, at = [], 0
    for s, e in ranges:
        out += [text[at:s], open_, text[s:e], close]
        at = e
    out.append(text[at:])
    return "".join(out)


def _window(text: str, ranges: list[tuple[int, int]]) -> tuple[int, int]:
    if not ranges:
        return 0, min(len(text), SNIPPET_CHARS)
    first = ranges[0][0]
    start = max(0, first - SNIPPET_CHARS // 3)
    return start, min(len(text), start + SNIPPET_CHARS)


def _first(d: dict, name: str) -> Any:
    v = d.get(name)
    return v[0] if v else None


def to_hit(ix: SearchIndex, stored: dict, score: float, query: str) -> Hit:
    extra = json.loads(bytes(_first(stored, "stored") or b"{}").decode("utf-8"))
    text = extra.get("text", "")
    entry = _first(stored, "entry")
    ranges = highlight_spans(text, query, ix.analyzer)
    base = _first(stored, "start") or 0
    if entry == "doc":
        ws, we = _window(text, ranges)
        shown = [(max(s, ws) - ws, min(e, we) - ws) for s, e in ranges if s < we and e > ws]
        snippet_text, offset, start, end = text[ws:we], ws, ws, we
    else:
        snippet_text, offset, shown = text, base, ranges
        start, end = base, _first(stored, "end") or base + len(text)
    return Hit(
        doc_id=_first(stored, "doc_id"), path=_first(stored, "path"), entry=entry,
        unit=_first(stored, "unit"), region=_first(stored, "region"), year=_first(stored, "year"),
        kind=_first(stored, "kind"), label=_first(stored, "label"), text=snippet_text,
        start=start, end=end, score=round(float(score), 4), snippet=mark(snippet_text, shown),
        highlights=[[s + offset, e + offset] for s, e in shown],
        span_id=_first(stored, "span_id"), span_score=_first(stored, "score"), source=_first(stored, "source"),
        section=extra.get("section"), indicators=extra.get("indicators", []),
        grade=_first(stored, "grade"), total_score=_first(stored, "total_score"), budget=extra.get("budget", {}),
    )


# ---------------------------------------------------------------- API

def search(ix: SearchIndex, query: str, filters: Optional[Filters] = None, limit: int = 10) -> list[Hit]:
    """Ranked hits (best first) for query under filters."""
    f = filters or Filters()
    searcher = ix.searcher()
    result = searcher.search(build_query(ix, query, f), limit=limit, count=False)
    return [to_hit(ix, searcher.doc(addr).to_dict(), score, query) for score, addr in result.hits]


def facets(ix: SearchIndex, query: str, filters: Optional[Filters] = None, size: int = 20) -> dict[str, list[tuple[Any, int]]]:
    """{field: [(value, count), …]} over every entry the query and filters match."""
    aggs = {name: {"terms": {"field": name, "size": size}} for name in FACET_FIELDS}
    res = ix.searcher().aggregate(build_query(ix, query, filters or Filters()), aggs)
    return {name: [(b["key"], b["doc_count"]) for b in res[name]["buckets"]] for name in FACET_FIELDS}


def rank_documents(hits: list[Hit]) -> list[str]:
    """doc_ids in the order of their best hit (a document counts once)."""
    return list(dict.fromkeys(h.doc_id for h in hits))
