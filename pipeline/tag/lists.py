"""List consistency: the items of one numbered list of functions (or of measures) share their label.

labels.md: a FUNCTION is one item of the unit's list of duties, one span per numbered item.
The model reads each line on its own and misses some items of a list whose other items it
tags (a long item, or wording unlike the synthetic phrase banks: 「依照规定审定本级所属单位的章程、
编制方案……」). When at least half of a numbered list's items (and at least ``min_tagged``) hold a
FUNCTION (any ``min_tagged`` of them under a 职责/职能 heading), every other item of that list
without a span of its own becomes a FUNCTION too:
the item's text without its number and final punctuation, scored with the lowest score of
its tagged siblings.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from pipeline.lexicon import (CLAUSE, ITEM_END, LEFT_EDGE_JUNK, NUMBERING, PLAN_MARKER, SENTENCE, enumerator_value,
                              is_count)
from pipeline.tag.regions import title_kind
from pipeline.tag.workload import LEAD_WORDS, QUANTITY, parse_workload



@dataclass(frozen=True)
class ListItem:
    style: int  # the numbering level (pipeline.lexicon.NUMBERING)
    start: int  # first character after the numbering
    end: int    # before the final punctuation
    number: int | None = None  # the item's number as its numbering writes it (（二） → 2)


class Overlaps:
    """The spans overlapping [a, b), by bisection (a record may hold thousands of spans)."""

    def __init__(self, spans: list):
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]
        self.longest = max((s.end - s.start for s in self.spans), default=0)

    def __call__(self, a: int, b: int) -> list:
        lo = bisect_left(self.starts, a - self.longest)
        hi = bisect_left(self.starts, b)
        return [s for s in self.spans[lo:hi] if s.end > a]


def _style_at(text: str, pos: int) -> tuple[int, int] | None:
    for level, pat in NUMBERING:
        m = pat.match(text, pos)
        if m:
            return level, m.end()
    return None


def numbered_items(text: str) -> list[ListItem]:
    """Numbered items in reading order: at a line start, or right after 。/； inside a line, or
    after the colon of a lead that opens an inline list (「主要职能：1.…；2.…」)."""
    items: list[ListItem] = []
    starts = [0] + [m.end() for m in re.finditer(r"\n|[。；;：:](?=\s*[（(]?[\d一二三四五六七八九十])", text)]
    for pos in starts:
        while pos < len(text) and text[pos] in " \u3000":
            pos += 1
        hit = _style_at(text, pos)
        if not hit:
            continue
        style, body = hit
        while body < len(text) and text[body] in " \u3000":  # 「1. 团结…」: a Markdown list's blank
            body += 1
        m = ITEM_END.search(text, body)
        end = m.start() if m else len(text)
        if end - body >= 4:
            items.append(ListItem(style, body, end, enumerator_value(text[pos:hit[1]])))
    return items


def item_lists(text: str, max_gap_lines: int = 2) -> list[list[ListItem]]:
    """Runs of items of one numbering style with no other text line between them
    (blank lines allowed, up to ``max_gap_lines``). A number that does not follow the one before
    starts a new list (「（二）主要工作」 then 「（一）负责…」: a heading, then the items under it)."""
    lists: list[list[ListItem]] = []
    for item in numbered_items(text):
        prev = lists[-1][-1] if lists else None
        restarts = prev is not None and prev.number is not None and item.number is not None and item.number != prev.number + 1
        if prev and prev.style == item.style and not restarts:
            between = text[prev.end:item.start]
            lines = [ln for ln in between.split("\n")[1:-1] if ln.strip()]
            if not lines and between.count("\n") <= max_gap_lines + 1:
                lists[-1].append(item)
                continue
        lists.append([item])
    return lists


def _is_title(text: str, item: ListItem, max_chars: int = 12) -> bool:
    """A section title numbered like the items (「2.人员情况」 after a list of duties); an item
    closed by 。 or ； is a sentence, not a title (「1、建议完善借阅制度。」)."""
    if text[item.end:item.end + 1] in ("。", "；", ";"):
        return False
    body = text[item.start:item.end].strip()
    return len(body) <= max_chars and title_kind(body) != "other"


def complete_lists(text: str, spans: list, make_span, label: str, min_tagged: int = 2,
                   min_share: float = 0.5, home=None) -> list:
    """New ``label`` spans (made by ``make_span(start, end, score)``) for the untagged items
    of numbered lists whose share of items holding a ``label`` span reaches ``min_share``.
    ``spans`` need .start/.end/.label/.score. ``home(pos)``, when given, says whether a heading
    of the label's own kind is above ``pos`` (职责/职能 for FUNCTION): a list there is the list
    itself, so ``min_tagged`` items suffice whatever their share (the model may read only a
    few items of a long list of duties)."""
    added = []
    overlapping = Overlaps(spans)
    for items in item_lists(text):
        items = [it for it in items if not _is_title(text, it)]
        if len(items) < 3:
            continue
        tagged, free = [], []
        for it in items:
            inside = overlapping(it.start, it.end)
            same = [s for s in inside if s.label == label]
            if same:
                tagged.append(min(s.score for s in same))
            elif not inside:
                free.append(it)
        share = 0.0 if home is not None and home(items[0].start) else min_share
        if len(tagged) >= min_tagged and len(tagged) >= share * len(items):
            added += [make_span(it.start, it.end, min(tagged)) for it in free]
    return added


def complete_function_lists(text: str, spans: list, make_span, min_tagged: int = 2,
                            min_share: float = 0.5, under_functions=None) -> list:
    """``complete_lists`` for FUNCTION; ``under_functions(pos)``: a 职责/职能 heading is above."""
    return complete_lists(text, spans, make_span, "FUNCTION", min_tagged, min_share, under_functions)


# ---------------------------------------------------------------- counted clauses of one sentence

# what labels.md says is never a WORKLOAD: money, rates, staffing, organisational units, dates;
# and ordinals (第三次, 四届人大七次会议期间)
_NOT_WORKLOAD = re.compile(r"万?元|%|％|率|在职|编制|实有|退休|离休|内设|机构|科室|下属|\d+\s*[月日]|截至|截止|年龄|岁"
                           rf"|第|届|期间|目标|{PLAN_MARKER.pattern}")   # and plans: a WORKLOAD is work done
# counts that describe the evaluation, not work done (设置二级指标8个): never a list of work on their own
_NOT_UNSEEDED = re.compile(r"指标|分值|得分|权重|评分")
_MAX_CLAUSE = 30


def complete_workload_clauses(text: str, spans: list, make_span, min_unseeded: int = 3,
                              unseeded_score: float = 0.5) -> list:
    """A sentence that lists the year's work (「编印学习资料12期，组织集中学习9次，专题辅导3次」)
    gives each counted clause the same role. In a sentence where the model tagged at least
    one WORKLOAD, every other clause that ends with a count and measure word, holds no span
    and is none of the spec's non-WORKLOAD numbers becomes a WORKLOAD (lead words such as
    全年共 outside), scored with the lowest score of the sentence's tagged WORKLOADs. A prose
    sentence (no table cells) of at least ``min_unseeded`` such clauses, none about indicators
    or scores, is such a list even where the model tagged none (score ``unseeded_score``)."""
    workloads = Overlaps([s for s in spans if s.label == "WORKLOAD"])
    overlapping = Overlaps(spans)
    added = []
    for sent in SENTENCE.finditer(text):
        a0, b0 = sent.span()
        tagged = [s for s in workloads(a0, b0) if a0 <= s.start < b0] if workloads.spans else []
        found = []
        for clause in CLAUSE.finditer(text, a0, b0):
            a, b = clause.span()
            while a < b and text[a] in LEFT_EDGE_JUNK:
                a += 1
            if b - a > _MAX_CLAUSE or overlapping(a, b):
                continue
            q = None
            for q in QUANTITY.finditer(text, a, b):
                pass
            # the count ends the clause (an object of a few characters may follow: 立案53件提案);
            # is_count rules out ordinals and names (牢固树立“四个意识”), as for the model's spans
            if q is None or b - q.end() > 4 or _NOT_WORKLOAD.search(text, a, b) or not is_count(text, q):
                continue
            lead = LEAD_WORDS.match(text, a, b)
            a = lead.end() if lead else a
            if b - a >= 3 and parse_workload(text[a:b]).count is not None:
                found.append((a, b))
        # a sentence of at least ``min_unseeded`` counted clauses lists the year's work even
        # where the model tagged none of them (an achievement passage under an unusual heading)
        if tagged or (len(found) >= min_unseeded and "\t" not in text[a0:b0]
                      and not any(_NOT_UNSEEDED.search(text, a, b) for a, b in found)):
            score = min(s.score for s in tagged) if tagged else unseeded_score
            added += [make_span(a, b, score) for a, b in found]
    return added
