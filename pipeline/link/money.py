"""Money in the narrative → the budget field or table row it states (states, agree/disagree).

An amount 「预算执行金额为1031.73万元」 is linked by the words just before it: a
keyword table (configs/linking.yaml, most specific first) names candidate budget
fields, and the first candidate the record states is the target. The link says
whether the two amounts agree. An amount without a budget keyword may state a
fund-use or project row: it links when the row holds the same amount and shares a
rare word with it (人大代表活动经费84.98万元 ↔ the 代表 row with 84.98), or when the
row's name matches the words before the amount closely (then agree may be False).

The amount is not a span, so the link starts at ``text:START-END``. An amount that
is itself where a budget field was read from is not linked to that field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from pipeline.link.config import load_linking_config, require_relation
from pipeline.link.ends import RecordIndex, text_id
from pipeline.link.similarity import KeywordWeights, phrase_similarity
from pipeline.record import Link, Record

RELATION = require_relation("states")

_NUMBER = r"[-−－]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−－]?\d+(?:\.\d+)?"
_MONEY = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>亿元|万元|千元|元)")
_TO_WAN = {"亿元": 10000.0, "万元": 1.0, "千元": 0.1, "元": 0.0001}
_STOP = re.compile(r"[。；;\n]")
_NUMERIC_CELL = re.compile(rf"^\s*(?:{_NUMBER})\s*(?:%|万元|元)?\s*$")


def _float(num: str) -> float:
    return float(num.replace(",", "").replace("−", "-").replace("－", "-"))


def parse_money(text: str) -> Optional[float]:
    """The first amount in text, in 万元."""
    m = _MONEY.search(text)
    return round(_float(m.group("num")) * _TO_WAN[m.group("unit")], 6) if m else None


def cell_number(text: str) -> Optional[float]:
    """A cell that holds only a number (「1,031.73」, 「98.20%」): its value; else None."""
    if not _NUMERIC_CELL.match(text):
        return None
    return _float(re.search(_NUMBER, text).group(0))


@dataclass
class Mention:
    start: int
    end: int
    value: float  # 万元
    context: str  # the words before the amount, back to the previous amount or sentence break


def find_mentions(record: Record, index: RecordIndex) -> Iterator[Mention]:
    """Amounts written in running text (including long narrative inside a table cell)."""
    window = load_linking_config()["states"]["window"]
    text, prev_end = record.text, 0
    for m in _MONEY.finditer(text):
        hit = index.cell_containing(m.start(), m.end())
        cell_start = hit[3].start if hit else 0
        if hit and len(hit[3].text.strip()) - (m.end() - m.start()) < 4:
            prev_end = m.end()
            continue  # the cell is just this amount: table data, not narrative
        lo = max(prev_end, cell_start, m.start() - window)
        ctx = text[lo:m.start()]
        breaks = list(_STOP.finditer(ctx))
        if breaks:
            ctx = ctx[breaks[-1].end():]
        prev_end = m.end()
        yield Mention(m.start(), m.end(), round(_float(m.group("num")) * _TO_WAN[m.group("unit")], 6), ctx)


def _keyword_fields(context: str, keywords: list) -> tuple[Optional[str], list[str]]:
    """The keyword ending nearest the amount (longest on ties) and its candidate fields."""
    best = None
    for kw, fields in keywords:
        at = context.rfind(kw)
        if at >= 0:
            key = (at + len(kw), len(kw))
            if best is None or key > best[0]:
                best = (key, kw, fields)
    return (best[1], list(best[2])) if best else (None, [])


def _row_candidates(record: Record, index: RecordIndex) -> list[tuple[str, str, list[float]]]:
    """(id, name, amounts) of fund-use / project / budget rows and of parsed projects."""
    out = []
    project_rows = set()
    for p in record.projects:
        amounts = [v for v in (p.budgeted, p.executed) if v is not None]
        if amounts:
            out.append((p.id, p.name, amounts))
            if p.row:
                project_rows.add(p.row)
    for t in record.tables:
        if t.kind not in ("fund_use", "projects", "budget"):
            continue
        for r in t.rows:
            if r.id in project_rows:
                continue
            nums = [v for c in r.cells if (v := cell_number(c.text)) is not None]
            name = "".join(c.text for c in r.cells if cell_number(c.text) is None)
            if nums and name.strip():
                out.append((r.id, name, nums))
    return out


def predict(record: Record, index: RecordIndex | None = None) -> list[Link]:
    index = index or RecordIndex(record)
    cfg = load_linking_config()["states"]
    tol = cfg["tolerance"]
    mentions = list(find_mentions(record, index))
    rows = _row_candidates(record, index)
    kw = KeywordWeights([m.context for m in mentions] + [name for _, name, _ in rows])
    links: list[Link] = []
    for m in mentions:
        own = {f for f, sv in record.budget.items() if sv.start < m.end and m.start < sv.end}
        keyword, fields = _keyword_fields(m.context, cfg["keywords"])
        if keyword:
            if own & set(fields):
                continue  # this amount is where the field was read from
            target = next((f for f in fields if f in record.budget), None)
            if target:
                sv = record.budget[target]
                agree = abs(sv.value - m.value) <= tol
                links.append(Link(id="", from_=text_id(m.start, m.end), to=f"budget.{target}", relation=RELATION,
                                  score=cfg["score_budget"], agree=agree,
                                  evidence=f"「{keyword}」 {m.value:g}万元 vs budget.{target} {sv.value:g}万元"
                                           + (" agrees" if agree else " DISAGREES")))
            continue
        best = None
        for rid, name, amounts in rows:
            equal = any(abs(a - m.value) <= tol for a in amounts)
            overlap = kw.overlap(m.context, name)
            sim = phrase_similarity(m.context, name)
            if equal and overlap >= cfg["row_min_overlap"]:
                cand = (0.55 + 0.45 * overlap, rid, True, f"same amount, shared words {'/'.join(kw.shared(m.context, name)[:3])}")
            elif sim >= cfg["row_threshold"]:
                cand = (sim, rid, equal, f"row name 「{name[:20]}」 ~ 「{m.context}」 sim={sim:.2f}")
            else:
                continue
            if best is None or cand[0] > best[0]:
                best = cand
        if best:
            score, rid, agree, why = best
            links.append(Link(id="", from_=text_id(m.start, m.end), to=rid, relation=RELATION, score=round(min(score, 1.0), 4),
                              agree=agree, evidence=f"{m.value:g}万元: {why}" + ("" if agree else " DISAGREES")))
    return links
