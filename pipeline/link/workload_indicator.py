"""WORKLOAD span → indicator row measuring the same activity (reports_on).

A WORKLOAD 「开展视察、专题调研26项」 may report on several rows (视察评议, 专项调研):
its activity is split at 、/和/及 and each part finds its best rows. A row is
scored on three features (weights in configs/linking.yaml):
- activity: phrase similarity of the part and the row's 指标名称 (synonyms, containment);
- unit: the measure words agree (次 ↔ 次 1.0, 篇 ↔ 篇次 0.8, 项 ↔ 次 0.5, 次 ↔ % never);
- value: the count agrees with the row's actual value, or with the sum over the rows the
  span reports on (26 ↔ ≥6 + ≥3 agrees). A contradiction lowers the score but the link is
  kept when the activity matches well: it is marked agree=False, and the checker turns it
  into a narrative_table_mismatch finding.
"""
from __future__ import annotations

import re
from typing import Optional

from pipeline.lexicon import PLAN_MARKER, clause_head
from pipeline.link.bounds import Candidates
from pipeline.link.config import load_linking_config, relation_sources, require_relation
from pipeline.link.ends import RecordIndex
from pipeline.link.quantities import count_agrees, workload_parts
from pipeline.link.similarity import normalize, phrase_similarity
from pipeline.record import Indicator, Link, Record

RELATION = require_relation("reports_on")
RELATIONS = (RELATION,)   # what predict emits (Linker: its links are deduplicated per component)
_SPLIT = re.compile(r"[、，,/和及与]")


def unit_compatibility(a: Optional[str], b: Optional[str], cfg: dict) -> float:
    """1.0 same word; 0.8 one is the other plus 次; 0.5 same family or unknown; 0 incompatible."""
    if not a or not b:
        return 0.5
    if a == b:
        return 1.0
    if a.rstrip("次") == b.rstrip("次") and a.rstrip("次"):
        return 0.8
    for family in cfg.get("unit_families", []):
        if a in family and b in family:
            return 0.5
    return 0.0


def _row_unit(ind: Indicator) -> Optional[str]:
    for q in (ind.actual, ind.target):
        if q is not None and q.unit:
            return q.unit
    return None


def _is_count_row(ind: Indicator, cfg: dict) -> bool:
    """Rows measured as rates, money or scores never report a count."""
    unit = _row_unit(ind)
    if unit and (unit in cfg.get("non_count_units", []) or unit.endswith("元")):
        return False
    return not ind.name.rstrip("（%）()").endswith("率")


def activity_queries(activity: str) -> list[str]:
    """The whole activity and, when it lists several (视察、专题调研), each part."""
    parts = [p for p in _SPLIT.split(activity) if len(normalize(p)) >= 2]
    return [activity] + (parts if len(parts) > 1 else [])


def _open_list(activity: str, rcfg: dict) -> bool:
    """「A、B等各项业务」: a list of kinds closed by 等 before a category (configs/linking.yaml
    reports_on.open_list_closers)."""
    if "、" not in activity:
        return False
    tail = activity[activity.rindex("、") + 1:]
    return any(c in tail for c in rcfg.get("open_list_closers", ()))


_CLAUSE_REACH = 20   # characters of a span's clause read before it (part, period, plan and scope words)


def _any(patterns, text: str) -> bool:
    return bool(patterns) and re.search("|".join(patterns), text) is not None


def not_compared(text: str, start: int, end: int, rcfg: dict) -> Optional[str]:
    """Why a span's count is not judged against a row's actual value, or None (configs/linking.yaml
    reports_on): a part of another count or of a period of the year (其中, 上半年), a count of more
    than the year (自2019年以来累计), or a planned count (计划开展…)."""
    before = clause_head(text, start, _CLAUSE_REACH)
    if _any(rcfg.get("part_markers"), before):
        return "a part"
    if _any(rcfg.get("other_period_markers"), before):
        return "another period"
    if PLAN_MARKER.search(before + text[start:end]):
        return "planned"
    return None


def _scopes_differ(text: str, span_start: int, span_end: int, row_name: str, rcfg: dict) -> bool:
    """Whether the span's clause and the row each name a scope (全市, 市本级 …) and not the same one."""
    words = sorted(rcfg.get("scope_words", ()), key=len, reverse=True)
    if not words:
        return False
    pattern = "|".join(map(re.escape, words))
    said = re.search(pattern, clause_head(text, span_start, _CLAUSE_REACH) + text[span_start:span_end])
    named = re.search(pattern, row_name)
    return bool(said and named) and said.group() != named.group()


def _judged(count: Optional[float], approx: bool, rows: list[Indicator], rcfg: dict) -> Optional[bool]:
    """Whether the count agrees with the rows' actual values (added up), or None where there is no
    value to judge: no count, or a row that names an open list (「A、B等各类业务」), which counts a
    category, so one listed kind's count is no value for it (the mirror of the span's open list)."""
    if count is None or any(_open_list(r.name, rcfg) for r in rows):
        return None
    return count_agrees(count, approx, [r.actual for r in rows], rcfg.get("approximate_excess", 0.0))


def _score(sim: float, unit: float, agree: Optional[bool], rcfg: dict) -> float:
    w = rcfg["weights"]
    # a contradicting count is weak evidence of a different activity, not proof: it lowers
    # the score (0.25) without vetoing, so a real mismatch with a well-matched row is kept
    value = {True: 1.0, None: 0.5, False: 0.25}[agree]
    return w["activity"] * sim + w["unit"] * unit + w["value"] * value


def predict(record: Record, index: RecordIndex | None = None) -> list[Link]:
    cfg = load_linking_config()
    rcfg = cfg["reports_on"]
    rows = [i for i in record.indicators if _is_count_row(i, cfg)]
    sources = set(relation_sources(RELATION))
    index = index or RecordIndex(record)
    positions = [(row.cells[0].start if (row := index.row_of(i)) is not None and row.cells else 0) for i in rows]
    nearby_rows = Candidates(rows, positions, sum(s.label in sources for s in record.spans))  # bounded on giant inputs
    links: list[Link] = []
    for span in record.spans:
        if span.label not in sources:
            continue
        activity, count, unit, approx = workload_parts(span.text, span.attrs)
        if not activity:
            continue
        # best rows per query (a query is the whole activity or one listed part)
        per_query: dict[str, list[tuple[float, Indicator]]] = {}
        for query in activity_queries(activity):
            scored = []
            for ind in nearby_rows(span.start):
                if unit_compatibility(unit, _row_unit(ind), cfg) == 0.0:
                    continue
                sim = phrase_similarity(query, ind.name)
                if sim >= rcfg["min_activity"]:
                    scored.append((sim, ind))
            if scored:
                best = max(s for s, _ in scored)
                per_query[query] = [(s, i) for s, i in scored if s >= best - rcfg["tie_margin"]]
        if not per_query:
            continue
        parts = [q for q in per_query if q != activity]
        if len(parts) >= 2 and len({id(max(per_query[q], key=lambda x: x[0])[1]) for q in parts}) < len(parts):
            # two parts that name the same row are one activity cut at a 、 inside it
            # (「经验做法被省、市有关部门推广」): no list of parts, no sum
            parts = [activity] if activity in per_query else [max(parts, key=lambda q: max(x for x, _ in per_query[q]))]
        if _open_list(activity, rcfg):
            count = None  # 「A、B等各项业务898件」: a category's total, not one listed kind's
        why_not = not_compared(record.text, span.start, span.end, rcfg)
        if len(parts) >= 2:
            # 「视察、专题调研26项」: the count covers one row per listed part, added up
            picked = {q: max(per_query[q], key=lambda x: x[0]) for q in parts}
            group = [ind for _, ind in picked.values()]
            agree = _judged(count, approx, group, rcfg)
            cands = [(ind, sim, q, agree) for q, (sim, ind) in picked.items()]
            multi = len(group)
        else:
            # one activity: tied rows (the same work in several project tables) are
            # alternatives, each compared with the count on its own
            q = parts[0] if parts else activity
            cands = [(ind, sim, q, _judged(count, approx, [ind], rcfg)) for sim, ind in per_query[q]]
            multi = 1
        if why_not:
            cands = [(ind, sim, q, agree or None) for ind, sim, q, agree in cands]
        scored = [(ind, sim, q, agree, _score(sim, unit_compatibility(unit, _row_unit(ind), cfg), agree, rcfg))
                  for ind, sim, q, agree in cands]
        for ind, sim, query, agree, score in scored:
            if score < rcfg["threshold"]:
                continue
            why = why_not
            if agree is False and _scopes_differ(record.text, span.start, span.end, ind.name, rcfg):
                agree, why = None, "another scope"   # scored as judged: the scope does not make the activity another
            u = unit_compatibility(unit, _row_unit(ind), cfg)
            actual = ind.actual.text if ind.actual else "—"
            evidence = f"activity 「{query}」~「{ind.name}」 sim={sim:.2f}; unit {unit or '?'}~{_row_unit(ind) or '?'} ({u:.1f})"
            if count is not None:
                evidence += (f"; count {count:g}{unit or ''} vs actual {actual}"
                             + (f" (sum over {multi} rows)" if multi > 1 else "")
                             + (f" ({why}: not compared)" if why and agree is None else
                                {True: " agrees", False: " CONTRADICTS", None: " (no value)"}[agree]))
            links.append(Link(id="", from_=span.id, to=ind.id, relation=RELATION, score=round(min(score, 1.0), 4),
                              evidence=evidence, agree=agree))
    return links
