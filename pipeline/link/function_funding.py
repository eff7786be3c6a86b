"""FUNCTION span → fund-use or project row that serves it (funded_by).

Functions and fund-use rows are worded differently (「监督本级人民政府…的工作」 ↔
「坚持有效监督，推动…」), so edit similarity is useless; what they share is a rare
topic word. Overlap is weighted by rarity across this document's functions and
rows, so a word every row carries (坚持, 政协) counts for little. Each row goes to
its best function when the overlap passes the threshold.
"""
from __future__ import annotations

from pipeline.link.config import load_linking_config, relation_sources, require_relation
from pipeline.link.ends import RecordIndex
from pipeline.link.money import cell_number
from pipeline.link.similarity import KeywordWeights
from pipeline.record import Link, Record

RELATION = require_relation("funded_by")
_TOTAL_WORDS = ("合计", "总计", "小计", "合  计")


def funding_rows(record: Record) -> list[tuple[str, str]]:
    """(id, name) of each project and each named fund-use row with an amount, totals left out."""
    rows, seen_rows = [], set()
    for p in record.projects:
        rows.append((p.id, p.name))
        if p.row:
            seen_rows.add(p.row)
    for t in record.tables:
        if t.kind not in ("fund_use", "projects"):
            continue
        for r in t.rows:
            if r.id in seen_rows:
                continue
            name = "".join(c.text for c in r.cells if cell_number(c.text) is None).strip()
            has_amount = any(cell_number(c.text) is not None for c in r.cells)
            if name and has_amount and not any(w in name.replace(" ", "") for w in _TOTAL_WORDS):
                rows.append((r.id, name))
    return rows


def predict(record: Record, index: RecordIndex | None = None) -> list[Link]:
    cfg = load_linking_config()["funded_by"]
    sources = set(relation_sources(RELATION))
    functions = [s for s in record.spans if s.label in sources]
    rows = funding_rows(record)
    if not functions or not rows:
        return []
    kw = KeywordWeights([f.text for f in functions] + [name for _, name in rows])
    links = []
    for rid, name in rows:
        scored = sorted(((kw.overlap(f.text, name), f) for f in functions), key=lambda x: -x[0])
        score, f = scored[0]
        if score >= cfg["threshold"]:
            links.append(Link(id="", from_=f.id, to=rid, relation=RELATION, score=round(min(score, 1.0), 4),
                              evidence=f"shared words {'/'.join(kw.shared(f.text, name)[:4])} (weighted overlap {score:.2f})"))
    return links
