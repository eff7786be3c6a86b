"""PROBLEM → CAUSE (caused_by), PROBLEM → MEASURE (addressed_by), PROBLEM/CAUSE → indicator (explains).

caused_by — a cause belongs to the problem it is written next to:
  same numbered item or paragraph (the nearest problem before it: one in between takes it),
  a cause marker between them (由于, 究其原因, 导致), shared topic words, equal list numbers in
  parallel lists, and character distance. A collective marker (「究其原因：一是…二是…」 after
  several problems) links each cause to every problem listed before the marker in that
  paragraph or the one before it, and reaches no cause after a later problem. A cause whose
  sentence names its problem first (「关于A的问题，主要原因是X」) goes to the problem the name covers.
addressed_by — a measure answers the problem it talks about or stands opposite to:
  topic overlap (rare bigrams weigh more: 预算编制 ↔ 预算编制), item k ↔ item k of parallel
  numbered lists (counted within their sections: the same numbers, or one list a number short),
  the same numbered item or table cell, 「针对…」 naming the problem, and the 改进措施 cell right
  after the 偏差原因 one. Structural pairs (numbers, items, cells) link every problem of the item
  to every measure of the answering one (configs/linking.yaml addressed_by.answer: item), or to
  its first measure only (answer: title).
explains — a problem or cause → an indicator row that missed its target or lost points,
  when the span sits in that row (its 偏差原因 cell) or names the indicator.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Iterable, Optional

from rapidfuzz import fuzz

from pipeline.lexicon import PROBLEM_FRAME_OPENERS, SENTENCE_END_CHARS
from pipeline.link.bounds import Candidates
from pipeline.link.config import load_linking_config, relation_sources, require_relation
from pipeline.link.ends import RecordIndex
from pipeline.link.layout import Place, place_of
from pipeline.link.quantities import shortfall
from pipeline.link.similarity import KeywordWeights, normalize
from pipeline.record import Link, Record, SectionLookup, Span

CAUSED_BY = require_relation("caused_by")
ADDRESSED_BY = require_relation("addressed_by")
EXPLAINS = require_relation("explains")
RELATIONS = (CAUSED_BY, ADDRESSED_BY, EXPLAINS)   # what predict emits (see Linker)


def _spans(record: Record, label: str) -> list[Span]:
    return sorted((s for s in record.spans if s.label == label), key=lambda s: s.start)


def _gap(a: Span, b: Span) -> int:
    return max(b.start - a.end, a.start - b.end, 0)


def _has_marker(text: str, markers: Iterable[str]) -> Optional[str]:
    """The longest marker in text. A line break or space inside a marker does not hide it: PDF
    text wraps lines mid-word (「主要\n原因是」)."""
    if any(ch.isspace() for ch in text):
        text = "".join(text.split())
    for m in sorted(markers, key=len, reverse=True):
        if m in text:
            return m
    return None


def _marker_at(text: str, marker: str) -> int:
    """Where the last occurrence of marker starts in text, whitespace allowed between its characters."""
    found = -1
    for m in re.finditer(r"\s*".join(map(re.escape, marker)), text):
        found = m.start()
    return found


def _list_size(places: list[Place]) -> int:
    return len({p.ordinal for p in places if p.ordinal is not None})


def _parallel(a: list[Place], b: list[Place]) -> bool:
    """Two numbered lists that pair item by item: the same numbers, or one list a number short
    of the other and no number of its own (a closing general measure, an item whose span the
    tagger missed)."""
    na, nb = ({p.ordinal for p in x if p.ordinal is not None} for x in (a, b))
    small, big = sorted((na, nb), key=len)
    return len(small) > 1 and small <= big and len(big) - len(small) <= 1


def _outer_sections(record: Record, spans: list[Span]) -> dict[str, Optional[str]]:
    """span id → the id of the outermost section it lies in (None outside any)."""
    lookup = SectionLookup(record.sections)
    return {s.id: (path[0].id if (path := lookup.path(s.start)) else None) for s in spans}


def _parallel_lists(problems: list[Span], answers: list[Span], places: dict[str, Place],
                    outer: dict[str, Optional[str]]) -> set[tuple]:
    """The (problem section, answer section) pairs whose numbered lists are parallel (_parallel):
    the answers' outermost section against the nearest section at or before it that numbers its
    problems. Lists are compared section by section, so a span numbered elsewhere in the report
    (a function's 6、) does not unbalance them."""
    firsts: dict[Optional[str], int] = {}
    groups: dict[Optional[str], list[Place]] = {}
    for p in problems:
        key = outer[p.id]
        groups.setdefault(key, []).append(places[p.id])
        firsts.setdefault(key, p.start)
    answer_groups: dict[Optional[str], list[Place]] = {}
    for a in answers:
        answer_groups.setdefault(outer[a.id], []).append(places[a.id])
    out = set()
    for key, aplaces in answer_groups.items():
        start = min(pl.span.start for pl in aplaces)
        # the nearest numbered list of problems before the answers (a block that restates the
        # problems unnumbered, 「关于A的问题，…」, sits between them at times)
        before = [k for k, at in firsts.items() if at <= start and _list_size(groups[k]) > 1]
        if not before:
            continue
        pkey = max(before, key=lambda k: firsts[k])
        if _parallel(groups[pkey], aplaces):
            out.add((pkey, key))
    return out


# ---------------------------------------------------------------- caused_by

def _cause_marker(text: str, p: Span, c: Span, markers: list[str]) -> Optional[str]:
    """A marker between the problem and the cause, or just before the cause when it comes first."""
    if c.start >= p.end:
        return _has_marker(text[p.end:c.start], markers)
    return _has_marker(text[max(0, c.start - 6):c.start], markers) or _has_marker(text[c.end:p.start], markers)


def _problem_name(text: str, c: Span, floor: int) -> Optional[str]:
    """The problem a cause's sentence names before the cause (「关于A的问题，主要原因是X」 → A; the
    openers of pipeline.lexicon's problem frame): the words after the opener, up to 问题 or a comma.
    The sentence starts at a sentence end, not at a line break (PDF text wraps lines mid-sentence),
    and no earlier than floor (the cause's paragraph). None when the sentence names none."""
    start = max(floor, max(text.rfind(ch, floor, c.start) for ch in SENTENCE_END_CHARS) + 1)
    head = text[start:c.start]
    found = [(i, o) for o in PROBLEM_FRAME_OPENERS if (i := head.find(o)) >= 0]
    if not found:
        return None
    at, opener = min(found)
    name = head[at + len(opener):]
    name = name[:min((i for i in (name.find(e) for e in ("问题", "，", ",")) if i >= 0), default=len(name))]
    name = name.removesuffix("的")
    return name if len(name) >= 2 else None


def _named_among(name: str, candidates: list[Span], kw: KeywordWeights, cfg: dict) -> Optional[Span]:
    """The candidate problem that covers most of the name, when it covers enough and leads the next
    one (configs/linking.yaml caused_by.named_problem); None otherwise (one candidate needs no name)."""
    if len(candidates) < 2:
        return None
    ranked = sorted(((kw.coverage(name, p.text), p) for p in candidates), key=lambda x: -x[0])
    best, runner_up = ranked[0][0], ranked[1][0]
    return ranked[0][1] if best >= cfg["min_coverage"] and best - runner_up >= cfg["margin"] else None


def predict_caused_by(record: Record, index: RecordIndex) -> list[Link]:
    cfg = load_linking_config()["caused_by"]
    w, text = cfg["weights"], record.text
    problems, causes = _spans(record, "PROBLEM"), _spans(record, "CAUSE")
    if not problems or not causes:
        return []
    places = {s.id: place_of(s, text, index) for s in problems + causes}
    kw = KeywordWeights(s.text for s in problems + causes)
    outer = _outer_sections(record, problems + causes)
    lists = _parallel_lists(problems, causes, places, outer)
    # Only problems near a cause can pair with it: they are taken from the problems sorted by
    # start (a slice found by bisection, in the same order), so that a giant report costs
    # linear time. A problem ends at most `longest` characters after its start.
    starts = [p.start for p in problems]
    longest = max(p.end - p.start for p in problems)
    cause_ends = sorted(x.end for x in causes)

    def starting_in(lo: int, hi: int) -> list[Span]:
        return problems[bisect_left(starts, lo):bisect_right(starts, hi)]

    links: list[Link] = []
    for c in causes:
        pc = places[c.id]
        # collective marker: 「…问题A；问题B。究其原因：一是…」
        head = text[pc.para_start:c.start]
        collective = _has_marker(head, cfg["collective_markers"])
        at = pc.para_start + _marker_at(head, collective) if collective else -1
        if collective and starting_in(at, c.start):
            collective = None   # 「一是A。究其原因，X。二是B，主要是Y」: that marker was A's, Y answers B alone
        if collective:
            # a problem of the cause's paragraph starts in it; one ending within the window before
            # `at` starts at most `longest` earlier
            group = [p for p in starting_in(min(pc.para_start, at - cfg["window"] - longest), at) if p.end <= at and
                     (places[p.id].same_paragraph(pc) or 0 <= at - p.end <= cfg["window"])]
            # only problems after the previous cause (a new 究其原因 starts a new group)
            k = bisect_right(cause_ends, at)
            group = [p for p in group if not k or p.start >= cause_ends[k - 1]]
            # 「关于A的问题，主要原因是X」: a problem named in the cause's own paragraph is the group
            own = [p for p in group if places[p.id].same_paragraph(pc)]
            group = own or group
        else:
            group = []
        # a cause that names its problem goes to the one the name covers: among the collective
        # marker's group, else among the problems before it within the window
        name = _problem_name(text, c, pc.para_start)
        named = _named_among(name, group or [p for p in starting_in(c.start - cfg["window"] - longest, c.start)
                                             if p.end <= c.start and _gap(p, c) <= cfg["window"]],
                             kw, cfg["named_problem"]) if name else None
        if named is not None:
            links.append(Link(id="", from_=named.id, to=c.id, relation=CAUSED_BY, score=round(cfg["threshold"] + 0.3, 4),
                              evidence=f"names the problem 「{name}」"))
            continue
        if group:
            for p in group:
                links.append(Link(id="", from_=p.id, to=c.id, relation=CAUSED_BY, score=round(cfg["threshold"] + 0.3, 4),
                                  evidence=f"collective marker 「{collective}」 after {len(group)} problem(s)"))
            continue
        best: tuple[float, Optional[Span], str] = (0.0, None, "")
        for p in starting_in(c.start - cfg["window"] - longest, c.end + cfg["window"]):   # the others: gap > window
            pp = places[p.id]
            gap = _gap(p, c)
            if gap > cfg["window"] or (p.start > c.start and not pp.same_paragraph(pc)):
                continue  # a cause looks back for its problem, or within its own paragraph
            same_item = pp.same_paragraph(pc) and (pp.ordinal == pc.ordinal or pp.ordinal is None or pc.ordinal is None)
            if p.end <= c.start and starting_in(p.end, c.start - 1):
                # another problem stands between them: the cause answers that nearer one, so this
                # one keeps neither the item nor the marker (「关于A，原因是X。关于B，主要是Y」: Y is B's)
                same_item = False
                marker = None
            else:
                marker = _cause_marker(text, p, c, cfg["markers"])
            topic = kw.overlap(p.text, c.text)
            numbering = (pp.ordinal is not None and pp.ordinal == pc.ordinal and not pp.same_paragraph(pc)
                         and (outer[p.id], outer[c.id]) in lists)
            proximity = max(0.0, 1 - gap / cfg["window"])
            score = (w["same_item"] * same_item + w["marker"] * bool(marker) + w["topic"] * topic
                     + w["numbering"] * numbering + w["proximity"] * proximity)
            if score > best[0]:
                why = ", ".join(x for x in (
                    "same item" if same_item else "", f"marker 「{marker}」" if marker else "",
                    f"topic {topic:.2f}" if topic else "", "same list number" if numbering else "",
                    f"{gap} chars apart") if x)
                best = (score, p, why)
        score, p, why = best
        if p is not None and score >= cfg["threshold"]:
            links.append(Link(id="", from_=p.id, to=c.id, relation=CAUSED_BY, score=round(min(score, 1.0), 4), evidence=why))
    return links


# ---------------------------------------------------------------- addressed_by

def measure_titles(measures: list[Span], places: dict[str, Place]) -> set[str]:
    """The measures a problem links to under ``answer: title``: a measure's title, not its elaboration.

    Elaborations are (a) a later measure under the same list number in the same paragraph
    (「一是提前规划…。建议今后…」), (b) numbered measures after an unnumbered first measure of
    their paragraph (「科学设置目标…。一是…二是…」), (c) an unnumbered paragraph right after a
    numbered one-line title (「1、科学编制预算。」 / 「我单位将…」)."""
    titles: set[str] = set()
    by_para: dict[tuple[int, int], list[Span]] = {}
    for m in measures:
        p = places[m.id]
        by_para.setdefault((p.para_start, p.para_end), []).append(m)
    prev_title_para: Optional[tuple[int, int, int]] = None  # (para_start, para_end, n measures) of a numbered title
    for key in sorted(by_para):
        ms = sorted(by_para[key], key=lambda x: x.start)
        first = places[ms[0].id]
        if first.ordinal is None and prev_title_para is not None and prev_title_para[2] == 1 \
                and 0 <= key[0] - prev_title_para[1] <= 2:
            prev_title_para = None
            continue  # (c)
        if first.ordinal is None and any(places[x.id].ordinal is not None for x in ms[1:]):
            titles.add(ms[0].id)  # (b)
        else:
            seen = set()
            for x in ms:  # (a)
                o = places[x.id].ordinal
                if o not in seen:
                    titles.add(x.id)
                    seen.add(o)
        prev_title_para = (key[0], key[1], len(ms)) if first.ordinal is not None else None
    return titles


def _adjacent(text: str, pp: Place, pm: Place, between_spans: bool) -> bool:
    """The measure's cell comes right after the problem's: the 改进措施 cell that follows the
    偏差原因 one, with at most a short row label between them. Only in tables: in running text
    the next paragraph may well be a new section's heading and its first, unrelated measure."""
    if pp.table is None or pm.table is None or pm.para_start < pp.para_end or between_spans:
        return False
    gap = text[pp.para_end:pm.para_start]
    return len("".join(gap.split())) <= 40


def _best_per(scores: dict[tuple[str, str], float], side: int, skip_other: set[str]) -> dict[str, list]:
    """For each problem (side 0) or measure (side 1): its two best scored pairs as (score, pair),
    best first (the first two of all its pairs sorted in reverse: only those two are read),
    leaving out pairs whose other end is in skip_other."""
    out: dict[str, list] = {}
    for k, sc in scores.items():
        if k[1 - side] in skip_other:
            continue
        item = (sc, k)
        best = out.get(k[side])
        if best is None:
            out[k[side]] = [item]
        elif item > best[0]:
            best.insert(0, item)
            del best[2:]
        elif len(best) == 1 or item > best[1]:
            best[1:] = [item]
    return out


def predict_addressed_by(record: Record, index: RecordIndex) -> list[Link]:
    cfg = load_linking_config()["addressed_by"]
    w, text = cfg["weights"], record.text
    problems, measures = _spans(record, "PROBLEM"), _spans(record, "MEASURE")
    if not problems or not measures:
        return []
    places = {s.id: place_of(s, text, index) for s in problems + measures}
    # which measures of an answering item a problem links to: all of them, or its title only
    # (configs/linking.yaml addressed_by.answer)
    titles = measure_titles(measures, places) if cfg.get("answer") == "title" else {m.id for m in measures}
    heads = [m for m in measures if m.id in titles]
    kw = KeywordWeights(s.text for s in problems + heads)
    outer = _outer_sections(record, problems + heads)
    lists = _parallel_lists(problems, heads, places, outer)
    starts = sorted(s.start for s in problems + measures)
    candidates = Candidates(problems, [p.start for p in problems], len(heads))   # bounded on giant inputs
    # a pair's evidence text is written only for the pairs kept: a giant report scores hundreds
    # of thousands of pairs, and their texts, held until the choice, were most of the linker's memory
    def pair(p: Span, m: Span, pm: Place, para: str, marker_at: list[tuple[str, int]], with_why: bool):
        """(score or None when the pair is not scored, structural, evidence text or None)."""
        pp = places[p.id]
        topic = kw.coverage(p.text, m.text)
        numbering = (pp.ordinal is not None and pp.ordinal == pm.ordinal and not pp.same_paragraph(pm)
                     and (outer[p.id], outer[m.id]) in lists)
        # the same numbered item, or the same table cell (a 偏差原因 cell: the shortfall, its cause
        # and 下一步将 + the measure)
        same_item = pp.same_paragraph(pm) and pp.ordinal == pm.ordinal and (pp.ordinal is not None or pp.table is not None)
        # a span starting between the problem's paragraph and the measure's
        between = pp.para_end < pm.para_start and bisect_left(starts, pp.para_end) < bisect_left(starts, pm.para_start)
        # the next cell answers the problems of this one; item by item where both cells number theirs
        adjacent = _adjacent(text, pp, pm, between) and (pp.ordinal is None or pm.ordinal is None or pp.ordinal == pm.ordinal)
        marker = None
        for mk, at in marker_at:
            if kw.overlap(para[at:at + 30], p.text) >= cfg["min_topic"]:
                marker = mk
        if not (same_item or adjacent) and topic < cfg["min_topic"] and not numbering:
            return None, False, None
        score = (w["topic"] * topic + w["numbering"] * numbering + w["same_table"] * (adjacent or same_item)
                 + w["marker"] * bool(marker))
        why = ", ".join(x for x in (
            f"topic {topic:.2f} ({'/'.join(kw.shared(p.text, m.text)[:4])})" if topic else "",
            f"list number {pp.ordinal}↔{pm.ordinal}" if numbering else "",
            "same numbered item" if same_item else "", "the next block" if adjacent else "",
            f"marker 「{marker}」" if marker else "") if x) if with_why else None
        structural = same_item or adjacent or numbering
        return (max(score, cfg["threshold"]) if structural else score), structural, why

    def measure_context(m: Span) -> tuple[Place, str, list[tuple[str, int]]]:
        pm = places[m.id]
        para = text[pm.para_start:pm.para_end]
        return pm, para, [(mk, at) for mk in cfg["markers"] if (at := para.find(mk)) >= 0]

    scores: dict[tuple[str, str], float] = {}
    structural: set[tuple[str, str]] = set()
    for m in heads:
        context = measure_context(m)
        for p in candidates(m.start):
            score, is_structural, _ = pair(p, m, *context, with_why=False)
            if is_structural:
                structural.add((p.id, m.id))
            if score is not None:
                scores[(p.id, m.id)] = score
    # structure (same item, the next block) pairs every problem with every title it faces
    keep: set[tuple[str, str]] = set(structural)
    paired_p = {k[0] for k in structural}
    paired_m = {k[1] for k in structural}
    by_measure = _best_per(scores, 1, paired_p)
    for m in heads:  # otherwise each measure answers its best problem ...
        if m.id in paired_m:
            continue
        cands = by_measure.get(m.id, [])
        if cands and cands[0][0] >= cfg["threshold"] and (len(cands) == 1 or cands[0][0] - cands[1][0] >= cfg["margin"]):
            keep.add(cands[0][1])
    del by_measure
    by_problem = _best_per(scores, 0, paired_m)
    for p in problems:  # ... and each problem keeps its best measure, when it is clearly the best
        if p.id in paired_p:
            continue
        cands = by_problem.get(p.id, [])
        if cands and cands[0][0] >= cfg["threshold"] and (len(cands) == 1 or cands[0][0] - cands[1][0] >= cfg["margin"]):
            keep.add(cands[0][1])
    by_id = {s.id: s for s in problems + heads}
    links = []
    for pid, mid in sorted(keep, key=lambda k: (k[1], k[0])):
        m = by_id[mid]
        _, _, why = pair(by_id[pid], m, *measure_context(m), with_why=True)
        links.append(Link(id="", from_=pid, to=mid, relation=ADDRESSED_BY, score=round(min(scores[(pid, mid)], 1.0), 4),
                          evidence=why))
    return links


# ---------------------------------------------------------------- explains

def _names_indicator(span_text: str, name: str) -> float:
    """1.0 when the span names the indicator (预算控制率有待降低 ↔ 预算控制率), else partial similarity."""
    ns, ni = normalize(span_text), normalize(name)
    if len(ni) < 2 or not ns:
        return 0.0
    if len(ni) >= 3 and ni in ns:
        return 1.0
    return fuzz.partial_ratio(ni, ns) / 100.0 if len(ni) >= 3 else 0.0


def predict_explains(record: Record, index: RecordIndex) -> list[Link]:
    cfg = load_linking_config()["explains"]
    w = cfg["weights"]
    missed = [(ind, why) for ind in record.indicators if (why := shortfall(ind))]
    if not missed:
        return []
    sources = set(relation_sources(EXPLAINS))
    positions = [(row.cells[0].start if (row := index.row_of(ind)) is not None and row.cells else 0) for ind, _ in missed]
    nearby = Candidates(missed, positions, sum(s.label in sources for s in record.spans))   # bounded on giant inputs
    links = []
    for s in record.spans:
        if s.label not in sources:
            continue
        hit = index.cell_containing(s.start, s.end)
        for ind, why in nearby(s.start):
            # the span sits in the row, or in the row's own 偏差原因 text
            in_row = (hit is not None and ind.row == hit[1].id) or bool(ind.deviation and s.text in ind.deviation)
            topic = _names_indicator(s.text, ind.name)
            score = max(w["in_row"] * in_row, w["topic"] * topic)
            if score >= cfg["threshold"]:
                ev = ("in the row's own cell" if in_row else f"names 「{ind.name}」 ({topic:.2f})") + f"; row missed: {why}"
                links.append(Link(id="", from_=s.id, to=ind.id, relation=EXPLAINS, score=round(min(score, 1.0), 4),
                                  evidence=ev))
    return links


def predict(record: Record, index: RecordIndex | None = None) -> list[Link]:
    index = index or RecordIndex(record)
    return predict_caused_by(record, index) + predict_addressed_by(record, index) + predict_explains(record, index)
