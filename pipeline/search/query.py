"""Searching an index: query building, filters, ranked hits with highlighted snippets, facets.

A query is split at whitespace into terms; every term must match. A term matches an entry
when any of its analysed terms (bigrams or words) occurs in the entry's text or context
(section title, linked indicator names), or another wording of it does (a phrase of
configs/search/synonyms.yaml, SYNONYM_BOOST of the term's own weight); the whole term as a
phrase scores higher (PHRASE_BOOST), as do text matches over context matches. BM25 ranks,
and a hit also scores how much its document is about the query (DOC_WEIGHT times the BM25 of
the query's phrases on the document's whole text): a passage of a report about 食堂 ranks
above a like passage of a report that names it once. Filters restrict without scoring, but
for a label: PROBLEM also admits CAUSE spans and CAUSE PROBLEM ones, ranked lower
(NEAR_LABELS; ``Filters.exact_label`` turns it off), so a search does not hinge on the
tagger's choice between the two. ``search`` is what ``jixiao search`` prints; ``facets``
counts values.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from pipeline.search.analysis import fields_of, terms
from pipeline.search.index import SearchIndex
from pipeline.search.synonyms import variants

PHRASE_BOOST = 3.0    # the query term as written, in order, over its pieces in any order
SYNONYM_BOOST = 0.3   # another wording of a word (configs/search/synonyms.yaml), of the word as written
CONTEXT_BOOST = 0.5   # a section title or an indicator name is weaker evidence than the text itself
DOC_WEIGHT = 1.0      # a hit also scores how much its document is about the query (document_scores)
RERANK_POOL = 100     # hits fetched to rescore with their documents' scores (at least the limit)
SNIPPET_CHARS = 120   # a document hit shows this much text around its first match
# A problem and its cause are often one sentence, and the tagger takes one for the other more
# than any other pair of labels: a search for either label also finds the other, ranked lower.
NEAR_LABELS = {"PROBLEM": ("CAUSE",), "CAUSE": ("PROBLEM",)}
NEAR_LABEL_WEIGHT = 0.5
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
    exact_label: bool = False       # label: only that label (default: also its NEAR_LABELS, ranked lower)


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
    score: float           # BM25 relevance plus its document's (search; not the tagger's span score: see span_score)
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


def _word_query(ix: SearchIndex, word: str):
    """One query word: its analysed terms, the word as a phrase (PHRASE_BOOST), and its synonyms'
    phrases (SYNONYM_BOOST), in the text (1.0) and context (CONTEXT_BOOST) fields."""
    import tantivy
    Q, O = tantivy.Query, tantivy.Occur

    shoulds = []
    for a in fields_of(ix.analyzer):
        toks = _unique(terms(word, a))
        if not toks:
            continue
        # a synonym's phrase scores SYNONYM_BOOST of what the word as written would score in the
        # same entry, whatever the lengths and rarity of the two: BM25 weighs a phrase by the sum
        # of its terms' idf, and the whole word (pieces + phrase) is worth 1 + PHRASE_BOOST of it
        whole = (1.0 + PHRASE_BOOST) if len(toks) > 1 else 1.0
        others = [v for v in (terms(x, a) for x in variants(word)) if v]
        if others:
            idf = _idf(ix, f"text_{a}")
            weight = whole * sum(map(idf, terms(word, a)))
        for name, boost in ((f"text_{a}", 1.0), (f"context_{a}", CONTEXT_BOOST)):
            parts = [(Q.term_query(ix.schema, name, t), 1.0) for t in toks]
            if len(toks) > 1:
                parts.append((Q.phrase_query(ix.schema, name, terms(word, a)), PHRASE_BOOST))
            parts += [(_phrase(ix, name, v), SYNONYM_BOOST * weight / sum(map(idf, v))) for v in others]
            shoulds += [(O.Should, q if b * boost == 1.0 else Q.boost_query(q, b * boost)) for q, b in parts]
    return Q.boolean_query(shoulds) if shoulds else None


def _idf(ix: SearchIndex, name: str):
    """BM25's idf of a term in a field (as tantivy computes it), over the index as it is now."""
    import math

    searcher = ix.searcher()
    n = searcher.num_docs

    def idf(term: str) -> float:
        df = searcher.doc_freq(name, term)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))
    return idf


def _phrase(ix: SearchIndex, name: str, toks: list[str]):
    import tantivy

    if len(toks) == 1:
        return tantivy.Query.term_query(ix.schema, name, toks[0])
    return tantivy.Query.phrase_query(ix.schema, name, toks)


def text_query(ix: SearchIndex, query: str):
    """The scoring part of a query, or None for an empty query: every word must match."""
    import tantivy
    Q, O = tantivy.Query, tantivy.Occur

    musts = [(O.Must, q) for q in map(lambda w: _word_query(ix, w), query.split()) if q is not None]
    return Q.boolean_query(musts) if musts else None


def phrase_query(ix: SearchIndex, query: str):
    """Each query word as written (a phrase of its terms) in the text fields, any of them; or None."""
    import tantivy
    Q, O = tantivy.Query, tantivy.Occur

    shoulds = []
    for word in query.split():
        for a in fields_of(ix.analyzer):
            toks = terms(word, a)
            if toks:
                shoulds.append((O.Should, _phrase(ix, f"text_{a}", toks)))
    return Q.boolean_query(shoulds) if shoulds else None


def near_labels(f: Filters, scoring: bool) -> tuple[str, ...]:
    """The labels a label filter also admits, ranked lower (NEAR_LABEL_WEIGHT): none for an
    exact filter or a query without words (nothing to rank by)."""
    if not f.label or f.exact_label or not scoring:
        return ()
    return NEAR_LABELS.get(f.label.upper(), ())


def filter_query(ix: SearchIndex, f: Filters, with_label: bool = True):
    """The non-scoring restrictions, or None; with_label=False leaves the label to the caller."""
    import tantivy
    Q = tantivy.Query

    parts = []
    entry = "span" if f.label else f.entry
    if entry:
        parts.append(Q.term_query(ix.schema, "entry", entry))
    if f.label and with_label:
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
    near = near_labels(f, scoring is not None)
    if near:
        # the filter's label at full score, the near labels at NEAR_LABEL_WEIGHT: one span has
        # one label, so exactly one branch scores it
        def labelled(labels: list[str], weight: float):
            only = Q.term_set_query(ix.schema, "label", labels) if len(labels) > 1 else Q.term_query(ix.schema, "label", labels[0])
            q = Q.boolean_query([(O.Must, scoring), (O.Must, Q.const_score_query(only, 0.0))])
            return q if weight == 1.0 else Q.boost_query(q, weight)
        scoring = Q.boolean_query([(O.Should, labelled([f.label.upper()], 1.0)),
                                   (O.Should, labelled(list(near), NEAR_LABEL_WEIGHT))])
    restrict = filter_query(ix, f, with_label=not near)
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
        pieces = [w for w in [word.lower(), *map(str.lower, variants(word))] if w in low]
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
    """Ranked hits (best first) for query under filters.

    With words to match, the best RERANK_POOL entries (at least limit) are scored again: each
    adds DOC_WEIGHT times how much its document is about the query (document_scores), so among
    passages that match alike, those of a document about the topic come first."""
    f = filters or Filters()
    searcher = ix.searcher()
    scoring = bool(query.split()) and DOC_WEIGHT > 0
    result = searcher.search(build_query(ix, query, f), limit=max(limit, RERANK_POOL) if scoring else limit,
                             count=False)
    found = [(float(score), addr) for score, addr in result.hits]
    if scoring and found:
        keys = searcher.fast_field_values("doc_key", [addr for _, addr in found])
        about = document_scores(ix, query, set(keys))
        found = [(score + DOC_WEIGHT * about.get(k, 0.0), addr) for (score, addr), k in zip(found, keys)]
        found.sort(key=lambda sa: -sa[0])  # stable: ties keep the engine's order
    return [to_hit(ix, searcher.doc(addr).to_dict(), score, query) for score, addr in found[:limit]]


def document_scores(ix: SearchIndex, query: str, doc_keys: set[int]) -> dict[int, float]:
    """{doc_key: BM25 of the query's words as written (phrases) on the document's whole text} for
    those documents: how much each is about the query. Pieces of a word are left out: in a long
    text they say little (教育 is everywhere in an education bureau's report)."""
    import tantivy
    Q, O = tantivy.Query, tantivy.Occur

    scoring = phrase_query(ix, query)
    if scoring is None or not doc_keys:
        return {}
    only = Q.boolean_query([(O.Must, Q.term_query(ix.schema, "entry", "doc")),
                            (O.Must, Q.term_set_query(ix.schema, "doc_key", sorted(doc_keys)))])
    searcher = ix.searcher()
    result = searcher.search(Q.boolean_query([(O.Must, scoring), (O.Must, Q.const_score_query(only, 0.0))]),
                             limit=len(doc_keys), count=False)
    keys = searcher.fast_field_values("doc_key", [addr for _, addr in result.hits])
    return {k: float(score) for (score, _), k in zip(result.hits, keys)}


def facets(ix: SearchIndex, query: str, filters: Optional[Filters] = None, size: int = 20) -> dict[str, list[tuple[Any, int]]]:
    """{field: [(value, count), …]} over every entry the query and filters match."""
    aggs = {name: {"terms": {"field": name, "size": size}} for name in FACET_FIELDS}
    res = ix.searcher().aggregate(build_query(ix, query, filters or Filters()), aggs)
    return {name: [(b["key"], b["doc_count"]) for b in res[name]["buckets"]] for name in FACET_FIELDS}


def rank_documents(hits: list[Hit]) -> list[str]:
    """doc_ids in the order of their best hit (a document counts once)."""
    return list(dict.fromkeys(h.doc_id for h in hits))
