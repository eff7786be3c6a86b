"""FUNCTION span → fund-use or project row that serves it (funded_by).

Functions and fund-use rows are worded differently (「监督本级人民政府…的工作」 ↔
「坚持有效监督，推动…」): what they share is the kind of duty. A configured list of
duty kinds (configs/linking.yaml: 立法, 监督, 代表, 会议, 接待, 信息化 …) is looked
up in both; a row is funded_by each function that names one of the row's duties.
A title-only function (「政治协商」 on its own line) is read together with the
explanation after it, which is where its duties are named. Institution names that
contain a duty word (人民代表大会) are blanked first.
"""
from __future__ import annotations

from pipeline.link.config import load_linking_config, relation_sources, require_relation
from pipeline.link.ends import RecordIndex
from pipeline.link.money import cell_number
from pipeline.record import Link, Record, Span

RELATION = require_relation("funded_by")
RELATIONS = (RELATION,)   # what predict emits (Linker: its links are deduplicated per component)
_TOTAL_WORDS = ("合计", "总计", "小计")


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


def duties(text: str, cfg: dict) -> dict[str, str]:
    """Duty kind → the word that named it."""
    for name in cfg["ignore"]:
        text = text.replace(name, "#" * len(name))
    found = {}
    for family in cfg["duties"]:
        for word in family:
            if word in text:
                found[family[0]] = word
                break
    return found


def function_text(span: Span, functions: list[Span], record: Record, cfg: dict) -> str:
    """The span, plus the explanation after a title-only function (up to the next function,
    the next table or the end of the section)."""
    if len(span.text) > cfg["title_max_chars"]:
        return span.text
    later = [f.start for f in functions if f.start > span.start]
    tables = [t.start for t in record.tables if t.start >= span.end]  # a table is not the explanation
    end = min([span.end + cfg["context_chars"]] + later + tables)
    sec = record.section_at(span.start)
    if sec is not None:
        end = min(end, sec.end)
    return record.text[span.start:end]


def predict(record: Record, index: RecordIndex | None = None) -> list[Link]:
    cfg = load_linking_config()["funded_by"]
    sources = set(relation_sources(RELATION))
    functions = sorted((s for s in record.spans if s.label in sources), key=lambda s: s.start)
    rows = funding_rows(record)
    if not functions or not rows:
        return []
    fduties = {f.id: duties(function_text(f, functions, record, cfg), cfg) for f in functions}
    links = []
    for rid, name in rows:
        rd = duties(name, cfg)
        for f in functions:
            shared = sorted(set(rd) & set(fduties[f.id]))
            if shared:
                score = 0.9 if len(f.text) > cfg["title_max_chars"] else 0.75  # a title's duties come from context
                links.append(Link(id="", from_=f.id, to=rid, relation=RELATION, score=score,
                                  evidence="shared duty " + ", ".join(f"{k} (「{fduties[f.id][k]}」~「{rd[k]}」)" for k in shared)))
    return links
