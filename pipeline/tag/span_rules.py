"""Language rules that shape decoded spans to the spec (../shared/spec/labels.md).

Each function here is one rule over the spans of one region (text offsets; ``text`` is the
decoding text of pipeline.tag.regions.decoding_text). pipeline.tag.rules registers them by
name and runs them in the order of configs/tagger.yaml; the decoder itself is
pipeline.tag.decode.

- Spans are snapped to labels.md (``snap``, ``split_at_breaks``): no list numbering (一是、1.、
  （1）、①), no leading connective (同时、另外、此外), no sentence-final punctuation or
  whitespace, never across a line break, a tab or a sentence end (。；！？).
- A character model without pretraining tends to break one long clause into pieces; adjacent
  pieces of the same label separated only by a comma inside one sentence are merged
  (``merge_pieces`` for the rule per label).
- Clause labels are widened to their clause's edges and a WORKLOAD to its clause's start when
  that is near (``widen_to_clauses``, ``refine_workload``): a character model without
  pretraining often starts a few characters late. A FUNCTION is one whole item, commas and all
  (``widen_function_items``).
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

from pipeline.lexicon import (ACTIVITY_FRAME, BREAK, CLAUSE_END_CHARS, COUNT, DOER_END, ENUMERATOR,
                              IMPERATIVE_OPENING, ITEM_END_CHARS, LEFT_EDGE_JUNK, NEGATIVE_STATE, PLAN_MARKER,
                              PROBLEM_FRAME, PROBLEM_FRAME_OPENERS, SENTENCE_EDGE_CHARS, clause_head,
                              continues_broken_line, has_count, inside_quotes, is_count, item_number_before,
                              item_number_before_figure)
from pipeline.segment import word_edges
from pipeline.tag.decode import DecodedSpan
from pipeline.tag.lists import Overlaps
from pipeline.tag.workload import LEAD_WORDS, QUANTITY, TIME_AND_TOTAL_LEADS, chinese_number, parse_workload


# ---------------------------------------------------------------- snapping to the spec

_CONSEQUENCE = "导致|造成|使得|以致|从而|进而"  # words that link a cause to its effect, in neither span
# the marker that introduces a cause (究其原因，主要原因是……)
_CAUSE_LEAD = r"(?:究其原因|分析原因|(?:主要|根本|偏差)?原因(?:主要)?(?:是|在于)|主要是)"
_LEADING = re.compile(
    r"(?:\s+"
    rf"|{ENUMERATOR}"                                  # 一是、 第一， （1） 1. 一、 ① (pipeline.lexicon)
    r"|(?:同时|另外|此外|其次|首先|最后|再次|其中|并且|而且|以及|总之)[，,、：:]?"
    # discourse markers before a statement (labels.md: connectives stay outside a span)
    r"|(?:但同时|但也要看到|与此同时|另一方面|再者|总体来看|客观地说|在实际工作中|但是|然而|但)[，,、：:]?"
    r"|从[^，,。；;\n]{1,6}看[，,]"                      # 从执行情况看，
    rf"|(?:{_CONSEQUENCE}|因此|所以)[，,]?"                          # a consequence after its cause
    r"|[，,。；;、：:！!？?]"
    r"|\*{1,3}|#{1,6}|[•·▪◆■□●○]"                  # markdown emphasis, headings and bullets: markup, never words
    # the marker that introduces a cause, and the lead of a plan (labels.md: markers stay outside)
    rf"|{_CAUSE_LEAD}[，,：:]?"
    # 「下一步（，我局）（将）…」: the next-step lead, 将 or not; 今后 only with 将 (guidelines §5
    # keep 「今后提前下达评价通知」 whole after a dropped 建议)
    r"|(?:下一步|下步|下一阶段)[，,]?(?:(?:我们|我局|我单位|我委|我院|我校|本单位|街道)?将)?"
    r"|今后[，,]?(?:我们|我局|我单位|我委|我院|我校|本单位|街道)?将"
    r")"
)
_TRAILING = re.compile(rf"(?:[\s。；;，,、：:！!？?*]|{_CONSEQUENCE})+$")
_BREAK = re.compile(r"[\n\t]")
_ENDS_WITH_CAUSE_LEAD = re.compile(rf"{_CAUSE_LEAD}$")


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) to the spec: leading numbering/connectives and trailing punctuation off."""
    while start < end:
        m = _LEADING.match(text, start, end)
        item_end = None if m else item_number_before_figure(text, start)
        if item_end is not None and item_end < end:
            start = item_end
            continue
        if not m or m.end() == start:
            break
        start = m.end()
    m = _TRAILING.search(text[start:end])
    if m:
        end = start + m.start()
    return start, max(start, end)


# no span holds a sentence end (labels.md: a clause or a sentence, one item, one title
# sentence; none of the seed gold or synthetic spans does)


def split_at_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of [start, end) between line breaks, tabs and sentence ends."""
    pieces, s = [], start
    for m in BREAK.finditer(text, start, end):
        pieces.append((s, m.start()))
        s = m.end()
    pieces.append((s, end))
    return [(a, b) for a, b in pieces if b > a]


# ---------------------------------------------------------------- clause boundaries

CLAUSE_LABELS = frozenset({"PROBLEM", "CAUSE", "MEASURE", "FUNCTION"})
# where a clause ends; 、 is not one: it joins list items inside a clause
# the end of a lead-in that introduces a statement without belonging to it
LEAD_IN = re.compile(r"将|是|在于|为[:：]?|如下[:：]?|[:：]")


def widen_to_clauses(text: str, region_start: int, region_end: int, spans: list[DecodedSpan],
                     max_widen: int = 40) -> list[DecodedSpan]:
    """Clause labels are whole clauses (labels.md), but a character model without
    pretraining often starts or stops a few characters inside one (「委员会会议、主席会议的决议」
    for 「组织实施…委员会会议、主席会议的决议」). Each clause-label span whose edge falls
    inside a clause is widened to the clause's edge when that edge is at most
    ``max_widen`` characters away and no other span lies in between; the result is
    snapped again, so numbering and connectives (导致, 同时 …) stay outside."""
    spans = sorted(spans, key=lambda s: s.start)
    out: list[DecodedSpan] = []
    for k, sp in enumerate(spans):
        if sp.label not in CLAUSE_LABELS:
            out.append(sp)
            continue
        lo = out[-1].end if out else region_start
        hi = min(region_end, spans[k + 1].start if k + 1 < len(spans) else region_end)
        a = sp.start
        while a > lo and text[a - 1] not in CLAUSE_END_CHARS and sp.start - a < max_widen:
            a -= 1
        # widen up to a clause edge or the next span; a connective left between two spans
        # (…不足导致…) is cut off again by snap
        if not (a == lo or text[a - 1] in CLAUSE_END_CHARS):
            a = sp.start  # no clause edge close enough: keep the model's start
        elif a < sp.start:
            # a lead-in (我局将…, 主要原因是…, 原因在于…) stays outside the span
            leads = list(LEAD_IN.finditer(text, a, sp.start))
            if leads:
                a = leads[-1].end()
        b = sp.end
        while b < hi and text[b] not in CLAUSE_END_CHARS and b - sp.end < max_widen:
            b += 1
        if not (b == hi or text[b] in CLAUSE_END_CHARS):
            b = sp.end
        a, b = snap(text, a, b)
        if b - a < sp.end - sp.start:  # snapping removed more than widening added: keep the original
            a, b = sp.start, sp.end
        framed = PROBLEM_FRAME.fullmatch(text, a, b)
        if framed:  # the clause is a frame around a problem: the span is the problem inside it
            a, b = framed.span("inner")
        out.append(DecodedSpan(a, b, sp.label, sp.score))
    return out


def _union(a: DecodedSpan, b: DecodedSpan) -> DecodedSpan:
    """a and a later b of the same label as one span, scored by length-weighted mean."""
    n1, n2 = a.end - a.start, b.end - b.start
    return DecodedSpan(a.start, b.end, a.label, (a.score * n1 + b.score * n2) / (n1 + n2))


# where a FUNCTION item begins and ends: an item is a numbered line or a ；-separated duty,
# and may hold commas and 、 lists
_ITEM_EDGE = ITEM_END_CHARS | frozenset("：:")


def widen_function_items(text: str, region_start: int, region_end: int, spans: list[DecodedSpan],
                         max_item: int = 160) -> list[DecodedSpan]:
    """labels.md: 「One span per item. A numbered item is one span: its text without the number.」
    A character model often stops a duty at its first comma or 、 (「负责委员联络」 for
    「负责委员联络接待和来信来访工作，收集…意见和建议」). FUNCTION pieces inside one item are
    joined, and a FUNCTION is widened to its item's edges (。；, a line or cell break, the
    colon of a lead-in) when the item is at most ``max_item`` characters and holds no span of
    another label; the result is snapped, so numbering stays outside."""
    spans = sorted(spans, key=lambda s: s.start)
    joined: list[DecodedSpan] = []
    for sp in spans:
        prev = joined[-1] if joined else None
        if (prev is not None and prev.label == sp.label == "FUNCTION"
                and not any(ch in _ITEM_EDGE for ch in text[prev.end:sp.start])):
            joined[-1] = _union(prev, sp)
        else:
            joined.append(DecodedSpan(sp.start, sp.end, sp.label, sp.score))
    out: list[DecodedSpan] = []
    for k, sp in enumerate(joined):
        if sp.label != "FUNCTION":
            out.append(sp)
            continue
        lo = out[-1].end if out else region_start
        hi = joined[k + 1].start if k + 1 < len(joined) else region_end
        a = sp.start
        while a > lo and text[a - 1] not in _ITEM_EDGE:
            a -= 1
        b = sp.end
        while b < hi and text[b] not in ITEM_END_CHARS:
            b += 1
        whole_item = (a == region_start or text[a - 1] in _ITEM_EDGE) and (b == region_end or text[b] in ITEM_END_CHARS)
        if whole_item and b - a <= max_item:
            a, b = snap(text, a, b)
            if b - a >= sp.end - sp.start:
                out.append(DecodedSpan(a, b, sp.label, sp.score))
                continue
        out.append(sp)
    return out


# ---------------------------------------------------------------- merging broken pieces

_COMMA_GAP = re.compile(r"^[，,、\s]*$")


def merge_pieces(text: str, spans: list[DecodedSpan], merge_labels: frozenset[str],
                 gap_o_prob: Callable[[int, int], float] | None = None,
                 max_gap_o: float = 0.9) -> list[DecodedSpan]:
    """Join adjacent same-label spans separated only by a comma (or nothing) within one sentence.

    For clause labels (PROBLEM, CAUSE, MEASURE, FUNCTION) a comma is not a
    statement boundary the way 。；, numbering or a line break are, so the model
    saying "outside" at a comma is a weak signal: pieces are joined when the
    model's mean P(O) over the gap is below ``max_gap_o`` (a confident O at the
    comma keeps two statements apart). Two pieces with no gap at all are always
    joined. Two WORKLOADs separated by a comma are usually two activities, so a
    WORKLOAD piece is only joined to the next when it has no count of its own yet.
    Two clause-label pieces of different labels that meet between two hanzi (「……主要依据是 |
    ……方案，……没有统一的规定」, 「部分指标以工作量为 | 主，……偏少」) cut one clause, and a
    clause has one role (labels.md): they are joined under the first piece's label, then
    relabelled by the clause's form (relabel_by_form); not where the first ends with a cause's
    marker (「……主要原因是 | ……」: the marker opens the next role).
    """
    out: list[DecodedSpan] = []
    for sp in sorted(spans, key=lambda s: s.start):
        prev = out[-1] if out else None
        if (prev is not None and prev.label != sp.label and prev.end == sp.start
                and prev.label in merge_labels and sp.label in merge_labels
                and _CJK.match(text, prev.end - 1) and _CJK.match(text, sp.start)
                and not _ENDS_WITH_CAUSE_LEAD.search(text, prev.start, prev.end)):
            out[-1] = relabel_by_form(text, _union(prev, DecodedSpan(sp.start, sp.end, prev.label, sp.score)))
            continue
        if (prev is not None and prev.label == sp.label and prev.end <= sp.start
                and _COMMA_GAP.match(text[prev.end:sp.start])
                and not _BREAK.search(text, prev.end, sp.start)):
            gap = text[prev.end:sp.start].strip()
            gap_is_weak = (prev.end == sp.start or gap_o_prob is None
                           or gap_o_prob(prev.end, sp.start) < max_gap_o
                           # guidelines §5: one MEASURE per sentence, not per comma clause; a
                           # PROBLEM cut at 、 stops inside a list (时间不足、任务密集的问题)
                           or (sp.label == "MEASURE" and gap in ("，", ",", "、", ""))
                           or (sp.label == "PROBLEM" and gap == "、"))
            if sp.label == "WORKLOAD":
                joinable = not has_count(text, prev.start, prev.end) and gap_is_weak
            else:
                joinable = sp.label in merge_labels and gap_is_weak
            if joinable:
                out[-1] = _union(prev, sp)
                continue
        out.append(DecodedSpan(sp.start, sp.end, sp.label, sp.score))
    return out




def _sentence_edge(text: str, pos: int, bound: int, step: int, max_widen: int) -> int | None:
    """The sentence edge reached from ``pos`` moving left (step -1) or right (step +1) before
    ``bound``, or None when it lies more than ``max_widen`` characters away."""
    peek = -1 if step < 0 else 0  # the character beyond the edge
    q = pos
    while q != bound and text[q + peek] not in SENTENCE_EDGE_CHARS and abs(q - pos) <= max_widen:
        q += step
    return q if (q == bound or text[q + peek] in SENTENCE_EDGE_CHARS) and abs(q - pos) <= max_widen else None


# labels widened to their sentence, and the characters at which a right edge is a cut: a
# PROBLEM cut at 、 stops inside a list (「存在时间不足、任务密集的问题」)
_WIDEN_RIGHT_AT = {"MEASURE": "，,", "PROBLEM": "，,、"}


def widen_to_sentence(text: str, region_start: int, region_end: int, spans: list[DecodedSpan],
                      max_widen: int = 30) -> list[DecodedSpan]:
    """A measure is its whole sentence: 「增强各科室的绩效意识，明确……」 and
    「完善资金拨付流程，加快项目验收，提高专项资金的使用效益」 are one MEASURE each, but
    the model often starts at the second clause or stops before the purpose clause. Every
    MEASURE of the seeds' gold starts its sentence (after numbering and lead-ins such as
    建议, 我单位将) and all but garbled ones end it, so a MEASURE edge at a comma is moved to
    the sentence edge when no other span lies in between and that edge is at most
    ``max_widen`` characters away; a lead-in (我们将…, 一是) stays outside, and snap drops
    numbering, connectives and final punctuation again. PROBLEMs likewise: 20 of the seeds'
    22 gold PROBLEMs end their sentence, and those that do not start it follow a reason
    clause (由于…，) that is a span of its own and so bounds the widening."""
    spans = sorted(spans, key=lambda s: s.start)
    out: list[DecodedSpan] = []
    for k, sp in enumerate(spans):
        if sp.label in _WIDEN_RIGHT_AT:
            lo = out[-1].end if out else region_start
            hi = spans[k + 1].start if k + 1 < len(spans) else region_end
            a, b = sp.start, sp.end
            # reaching a neighbouring span is not reaching the sentence edge (…不够及时，原因是【CAUSE】)
            if a > lo and text[a - 1] in "，," and (edge := _sentence_edge(text, a, lo, -1, max_widen)) is not None \
                    and not (out and edge == lo):
                leads = list(LEAD_IN.finditer(text, edge, a))
                a = min(a, snap(text, leads[-1].end() if leads else edge, b)[0])
            if b < hi and text[b] in _WIDEN_RIGHT_AT[sp.label] and \
                    (edge := _sentence_edge(text, b, hi, +1, max_widen)) is not None \
                    and not (k + 1 < len(spans) and edge == hi):
                b = max(b, snap(text, a, edge)[1])
            sp = DecodedSpan(a, b, sp.label, sp.score) if (a, b) != (sp.start, sp.end) else sp
        out.append(sp)
    return out


# a word that introduces a statement of this label without belonging to it: 「建议今后在……」
# → 「今后在……」 (labels.md's MEASURE examples; the seeds' gold leaves 建议 out every time)
_LABEL_LEADS = {"MEASURE": re.compile(r"(?:建议|我们将|我单位将|我局将|我部门将)[，,：:]?")}


def strip_label_lead(text: str, span: DecodedSpan, min_left: int = 4) -> DecodedSpan:
    lead = _LABEL_LEADS.get(span.label)
    m = lead.match(text, span.start, span.end) if lead else None
    if not m or span.end - m.end() < min_left:
        return span
    return DecodedSpan(m.end(), span.end, span.label, span.score)




def relabel_by_form(text: str, span: DecodedSpan) -> DecodedSpan:
    """PROBLEM and MEASURE by the form of the clause when the model's label contradicts it:
    a MEASURE that states a negative state and does not open with an action is a PROBLEM
    (「目前的绩效评价工作没有配备专人」), a PROBLEM that opens with an action and states no
    negative state is a MEASURE (「提前规划，合理安排绩效评价时间」)."""
    t = text[span.start:span.end]
    if span.label == "MEASURE" and NEGATIVE_STATE.search(t) and not IMPERATIVE_OPENING.match(t):
        return DecodedSpan(span.start, span.end, "PROBLEM", span.score)
    if span.label == "PROBLEM" and IMPERATIVE_OPENING.match(t) and not NEGATIVE_STATE.search(t):
        return DecodedSpan(span.start, span.end, "MEASURE", span.score)
    return span


# a clause that states a reason: 由于……, 因为……, 因……
CAUSE_CLAUSE = re.compile(r"(?:由于|因为|因)[^，,；;。]{2,}?(?=[，,])")
_CONSEQUENCE_RE = re.compile(_CONSEQUENCE)


def split_leading_cause(text: str, span: DecodedSpan, min_chars: int = 4) -> list[DecodedSpan]:
    """labels.md: a clause's role decides its label. A PROBLEM (or a CAUSE whose later clauses
    state a shortcoming) that opens with a reason clause and a comma
    (「由于业务类型多、差异大，部分指标难以量化」) is a CAUSE followed by the
    PROBLEM, the CAUSE running to a consequence word (导致, 造成 …) where one follows; a CAUSE that holds 「，由于……」 starts at 由于 (「除因政策因素外，由于临时性的……」)."""
    if span.label in ("PROBLEM", "CAUSE"):
        m = CAUSE_CLAUSE.match(text, span.start, span.end)
        if m:
            # the reason runs to a consequence word when one follows (……，导致预算执行存在偏差)
            c = _CONSEQUENCE_RE.search(text, m.end(), span.end)
            cause_end = c.start() if c else m.end()
            rest = snap(text, c.end() if c else m.end(), span.end)
            # a CAUSE read over the whole sentence splits only where the clauses after the
            # reason state a shortcoming of their own (「由于……复杂性，指标体系设置难度大，……
            # 缺乏可比性」); a consequence linked by 导致/造成 stays in the CAUSE, as labels.md's
            # 「由于临时性的工作任务导致本年度调整增加预算」, and so does 「由于……，影响了……」
            if span.label == "CAUSE" and (c or not NEGATIVE_STATE.search(text, rest[0], rest[1])):
                rest = (0, 0)
            if rest[1] - rest[0] >= min_chars:
                cause_end = snap(text, span.start, cause_end)[1]
                return [DecodedSpan(span.start, cause_end, "CAUSE", span.score),
                        DecodedSpan(rest[0], rest[1], "PROBLEM", span.score)]
    if span.label == "CAUSE":
        k = text.find("，由于", span.start, span.end)
        if k >= 0 and span.end - (k + 1) >= min_chars:
            return [DecodedSpan(k + 1, span.end, span.label, span.score)]
    return [span]


DEFAULT_MERGE_LABELS = frozenset({"PROBLEM", "CAUSE", "MEASURE", "FUNCTION"})


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LEAD_IN_REACH = re.compile("|".join(TIME_AND_TOTAL_LEADS))
_CLAUSE_SEP = re.compile(r"[,，;；、]")
_WL_EDGE = CLAUSE_END_CHARS | {"、"}  # a WORKLOAD list item ends at 、 too


def _list_item_start(text: str, region_start: int, a: int, reach: int) -> int:
    """Where the activity begins when a WORKLOAD starts inside a quoted name or after a 、 that
    joins the uncounted items of one activity (「巡查维护气象、墒情、水质监测点83个」,
    「开展“进企业、进农村、进家庭”宣讲19场」): back over such items to the clause's start. A 、
    after an item with a count of its own separates two workloads, and stops the walk."""
    c = a
    while c > region_start and a - c < reach and text[c - 1] not in CLAUSE_END_CHARS:
        if text[c - 1] == "、" and not inside_quotes(text, c - 1):
            item = c - 1
            while item > region_start and text[item - 1] not in _WL_EDGE:
                item -= 1
            if COUNT.search(text, item, c - 1):
                return c
        c -= 1
    return c if (c == region_start or text[c - 1] in CLAUSE_END_CHARS) else a


_WORD_REACH = 8   # characters segmented before a widened start, so that jieba sees the word it opens


def refine_workload(text: str, region_start: int, p_o: np.ndarray, span: DecodedSpan,
                    max_left: int = 6, o_threshold: float = 0.5, clause_left: int = 12,
                    list_left: int = 0) -> list[DecodedSpan]:
    """Character models cut a WORKLOAD's activity short on the left (「出建议219件」 for
    「提出建议219件」) and glue two counted items together (「…219件,议案1件」).
    Widen the start over preceding hanzi the model did not call O with confidence,
    and split at a clause separator when both sides carry a count of their own."""
    if span.label != "WORKLOAD":
        return [span]
    a = span.start
    # a count is never cut: 「来电24.65万个」 read as 「4.65万个」 starts at the number's first digit
    while a > region_start and (text[a - 1].isdigit() or (text[a - 1] in ".," and a - 1 > region_start
                                                           and text[a - 2].isdigit() and text[a].isdigit())):
        a -= 1
    origin = a
    while (a > region_start and origin - a < max_left and _CJK.match(text[a - 1])
           and p_o[a - 1 - region_start] < o_threshold):
        a -= 1
    if a < origin:
        # the widening stops on a word's start, where the decoder's spans open (pipeline.segment.
        # word_edges): over 「程」 of 「…在建工程开展巡查9次」 it opens at 「开展」, not inside 「工程」
        lo = max(region_start, a - _WORD_REACH)
        starts = word_edges(text[lo:origin])[0]
        while a < origin and not starts[a - lo]:
            a += 1
    # the activity runs from the start of its clause (labels.md) when that start is near:
    # 「导批示8篇次」 → 「市领导批示8篇次」; lead words (全年共, 累计 …) and a frame the model
    # left out (为困难群众, 向社会, 汛前, 春节期间) stay outside
    c = a
    while c > region_start and text[c - 1] not in _WL_EDGE and a - c < clause_left:
        c -= 1
    if c == region_start or text[c - 1] in _WL_EDGE:
        while c < a and text[c] in LEFT_EDGE_JUNK:  # 「**（二）…。** 受理…」: the markup is no activity
            c += 1
        m = LEAD_WORDS.match(text, c, a)
        c = m.end() if m else c
        if not ACTIVITY_FRAME.search(text[c:a]):  # a slice: ^ does not anchor at a search's pos
            # where the widening above went over a frame to the clause's start (「，汛期转移…」),
            # the activity starts where the model started it
            a = origin if ACTIVITY_FRAME.search(text[c:origin]) else c
    elif c < a:
        # the clause starts beyond reach (「96110专线全年受理…」): a time or total lead within reach
        # still ends where the activity begins
        leads = list(_LEAD_IN_REACH.finditer(text, c, a))
        lead = leads[-1] if leads else None
        if lead and lead.end() < a and all(_CJK.match(ch) for ch in text[lead.end():a]):
            a = lead.end()
    if list_left and a > region_start and (text[a - 1] == "、" or inside_quotes(text, a)):
        c = _list_item_start(text, region_start, a, list_left)
        if c < a:
            while c < a and text[c] in LEFT_EDGE_JUNK:
                c += 1
            m = LEAD_WORDS.match(text, c, a)
            a = m.end() if m else c
    pieces, cur = [], a
    for m in _CLAUSE_SEP.finditer(text, a, span.end):
        left, right = text[cur:m.start()], text[m.end():span.end]
        if COUNT.search(left) and COUNT.search(right) and re.search(r"\d", left) and re.search(r"\d", right):
            pieces.append((cur, m.start()))
            cur = m.end()
    pieces.append((cur, span.end))
    return [_workload_clause(text, DecodedSpan(x, y, span.label, span.score)) for x, y in pieces if y > x]


# a clause end (not a digit-group comma: 5,362) and a tail that starts a new predicate (…326个并正常运作)
_WLCLAUSE_END_CHARS = re.compile(r"[，；;：:]|,(?!\d)")
_WL_TAIL = re.compile(r"[并且而]")


# the end of a subject or time phrase before the activity: 共/累计/共计/先后 (not 公共, 中共, 共同,
# 共享, 共建共享 …), 全年,
# or 每人, after a few characters of subject (我市, 本单位, 11月底前, 科级干部)
_WL_SUBJECT_END = re.compile(r"(?<=[\u4e00-\u9fff\d])(?:共计|累计|先后|每人|全年|(?<![公中总])共(?![同享青产性识赢振鸣担治共]|建共))")
_WL_SUBJECT_REACH = 12
# what may stand before 共/累计 and leave the span: the reporting unit or a time
_WL_WHO_OR_WHEN = re.compile(r"^(?:[我本该全][\u4e00-\u9fff]{1,3}|.*(?:月|年|前|底|以来|截至|截止|期间).*)$")


def _workload_clause(text: str, span: DecodedSpan) -> DecodedSpan:
    """A WORKLOAD is one activity with its count (labels.md): no gold or synthetic WORKLOAD
    holds a clause end before its count (「坚持邀请……，共邀请……72人次」 → 「邀请……72人次」),
    and the span ends with the quantity or the object after it, not with a new predicate
    joined by 并 (「建成……326个并正常运作」 → 「建成……326个」)."""
    counts = list(COUNT.finditer(text, span.start, span.end))
    if not counts:
        return span
    a, b = span.start, span.end
    for m in _WLCLAUSE_END_CHARS.finditer(text, a, b):  # up to b: the lookahead must see the digit after 2,
        if m.start() < counts[-1].start():
            a = m.end()
    if a == 0 or _WLCLAUSE_END_CHARS.match(text, a - 1) or text[a - 1] in _WL_EDGE:
        lead = LEAD_WORDS.match(text, a, counts[-1].start())
        a = lead.end() if lead else a
    # who did it and by when stay outside (labels.md: the span starts at the activity):
    # 「我市共建成…326个」, 「11月底前共办理…160件」, 「干部每人撰写…5篇」
    head = text[a:min(counts[-1].start(), a + _WL_SUBJECT_REACH)]
    for m in _WL_SUBJECT_END.finditer(head):
        # a named doer stays (「委员共提交提案146件」: the seed facts keep such a doer); the reporting
        # unit (我市, 本单位), a time (11月底前, 截至年底) or 每人 does not, nor a doer before 全年
        # (「…服务站全年开展…」: ACTIVITY_FRAME's doer and time word, which the model may have kept)
        if (len(_CJK.findall(text, a + m.end(), counts[-1].start())) >= 2
                and (m.group() == "每人" or _WL_WHO_OR_WHEN.search(head[:m.start()])
                     or (m.group() == "全年" and DOER_END.search(head[:m.start()])))):
            a += m.end()
            break
    tail = _WL_TAIL.search(text, counts[-1].end(), b)
    if tail:
        b = tail.start()
    if (a, b) == (span.start, span.end) or b - a < 3:
        return span
    return DecodedSpan(a, b, span.label, span.score)


# Spans the spec rules out whatever the model says: a WORKLOAD is an activity *with* a
# count and measure word (labels.md), and PROBLEM/CAUSE/MEASURE/FUNCTION are clauses,
# so a two-character fragment is a decoding accident, not an item.
MIN_CHARS = {"WORKLOAD": 3, "FUNCTION": 4, "PROBLEM": 4, "CAUSE": 4, "MEASURE": 4}


# a sentence that announces the list after it (「……，提出以下几点建议」, 「主要存在以下问题」)
# states no measure or problem of its own
_ANNOUNCES_LIST = re.compile(r"(?:以下|如下)[^，,。；]{0,6}?(?:建议|措施|意见|问题|工作|方面|不足)$")


def meets_spec(text: str, span: DecodedSpan) -> bool:
    """The spec's hard constraints: a minimum length per label (not for the rest of a span that a
    broken line carries over, 「法规划」), no sentence that only announces the list after it, a
    WORKLOAD holds a count (not an ordinal or a name) of more than nothing, outside a plan's clause."""
    n = span.end - span.start
    if n < MIN_CHARS.get(span.label, 2) and not (n >= 2 and continues_broken_line(text, span.start)):
        return False
    if span.label in ("MEASURE", "PROBLEM", "CAUSE") and _ANNOUNCES_LIST.search(text, span.start, span.end):
        return False
    if span.label == "WORKLOAD":
        # a line's piece of a workload that a PDF's extraction broke at the page width (「…组织开展消防安全培\n
        # 训12场」): each line's piece is a span of its own (the development set's convention), and the count the first
        # piece lacks is in the rest of its clause on the next line
        end = _broken_clause_end(text, span.end)
        count = parse_workload(text[span.start:end]).count
        # a count of nothing (「…0起」) is an outcome, an accident or a complaint that did not
        # happen, never work done (labels.md: a quantified piece of work done in the year)
        if not count or not any(is_count(text, m) for m in QUANTITY.finditer(text, span.start, end)):
            return False
        # a count in a plan's clause is still to be done
        if PLAN_MARKER.search(clause_head(text, span.start) + text[span.start:end]):
            return False
    return True


def _broken_line_rest(text: str, end: int, trailing: str = " \u3000") -> int | None:
    """Where the next line's text starts when a span ending at ``end`` runs to its line's end (only
    ``trailing`` characters after it) and that line goes on with the sentence a PDF's extraction
    broke at the page width (``continues_broken_line``); None otherwise."""
    le = text.find("\n", end)
    if le < 0 or text[end:le].strip(trailing):
        return None
    p = le + 1
    while p < len(text) and text[p] in " \u3000":
        p += 1
    return p if continues_broken_line(text, p) else None


def _broken_clause_end(text: str, end: int) -> int:
    """Where the clause of a span ending at ``end`` ends: ``end`` itself, unless the span runs on
    in the next line of a broken sentence (``_broken_line_rest``); then the end of that clause."""
    p = _broken_line_rest(text, end)
    if p is None:
        return end
    while p < len(text) and text[p] not in CLAUSE_END_CHARS:
        p += 1
    return p


ENUMERATOR_AT = re.compile(ENUMERATOR)
_ITEM_OR_SENTENCE_END = re.compile(r"[。；;！!？?\n\t]")


def carry_over_broken_lines(text: str, spans: list[DecodedSpan], labels: tuple[str, ...] | list[str],
                            max_chars: int = 60, score_factor: float = 0.9) -> list[DecodedSpan]:
    """The rest of a sentence that a PDF's extraction broke at the page width: a span that runs
    to its line's end goes on in the next line up to the sentence's end, as a span of its own (a
    span never crosses a line break; labels.md). Only where the line before is a full line
    (``continues_broken_line``), the next line opens no list item, and nothing is tagged there."""
    out = list(spans)
    overlapping = Overlaps(spans)
    for s in overlapping.spans:
        if s.label not in labels:
            continue
        p = _broken_line_rest(text, s.end, " \u3000，,、")
        if p is None or ENUMERATOR_AT.match(text, p):
            continue
        m = _ITEM_OR_SENTENCE_END.search(text, p)
        e = m.start() if m else len(text)
        while e > p and text[e - 1] in " \u3000，,、":
            e -= 1
        if not 2 <= e - p <= max_chars:
            continue
        if overlapping(p, e):
            continue
        out.append(DecodedSpan(p, e, s.label, round(s.score * score_factor, 4)))
    return sorted(out, key=lambda x: (x.start, x.end))


def _item_number(text: str, start: int) -> tuple[str, int] | None:
    """The enumerator before a span (pipeline.lexicon.item_number_before): its family and value."""
    found = item_number_before(text, start)
    if found is None:
        return None
    family, numeral = found
    value = int(numeral) if numeral.isdigit() else chinese_number(numeral)
    return None if value is None else (family, int(value))


def problems_open_items(text: str, spans: list[DecodedSpan]) -> list[DecodedSpan]:
    """A list's position decides a label (labels.md: its role in context). A CAUSE that opens
    item N of an enumerated list (「三是…」) whose item N−1 opened with a PROBLEM is a PROBLEM:
    the list goes on with the next problem (「二是…偏保守，主要是…。三是…不到位，…」); the
    causes of a problem follow their marker inside its item."""
    last: dict[str, tuple[int, str]] = {}
    out: list[DecodedSpan] = []
    for sp in sorted(spans, key=lambda x: x.start):
        item = _item_number(text, sp.start)
        opener = next((o for o in PROBLEM_FRAME_OPENERS if text.endswith(o, 0, sp.start)), None)
        if item is None and opener:
            # 「（二）针对…的问题，…」: the problem inside a frame opens the item all the same
            item = _item_number(text, sp.start - len(opener))
        if item is not None:
            family, n = item
            if sp.label == "CAUSE" and last.get(family) == (n - 1, "PROBLEM"):
                sp = DecodedSpan(sp.start, sp.end, "PROBLEM", sp.score)
            last[family] = (n, sp.label)
        out.append(sp)
    return out
