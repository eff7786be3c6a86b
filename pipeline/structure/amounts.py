"""The prose amount grammar: every money amount in running text gets a field, a scope and a unit.

An amount is a number with its money unit (元/千元/万元/亿元; a bare number in prose is never
money). Its field is named by the nearest lexicon term before it in the same clause
(configs/facts.yaml), with nothing but a few words between them: 「年中因…调整增加预算
14,306,818.62元」 is an adjustment, 「全年预算数为92,735,418.62元」 the full-year budget.
An amount is not the field's when its clause puts it in another scope: the previous year
(「较上年支出…」), a budget rather than a spend (「基本支出预算…」), or a project
(「A项目预算…万元、支出…万元」, read as a project instead).

Conventions of the genre the grammar states:
- the first statement of a field is the report's; later ones are for the checker;
- adjustments are signed (调减/压减 are reductions), and the adjustments stated between the
  initial budget and the full-year budget add up to the year's adjustment (年初 + 调整 = 全年);
  a breakdown of an adjustment (「其中…」) is not added again.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Optional

from pipeline.record import StatedValue
from pipeline.structure.lexicon import FieldTerms, load_lexicon
from pipeline.structure.numbers import NUMBER, to_float

MONEY = re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|千元|元)")
# where a clause ends: a term before one of these never names an amount after it
# A line break is no clause break (PDF text wraps clauses at the page width), nor is 「、」 inside
# an enumeration between a term and its amount (「追加县…中心建设、法律援助等资金193.95万元」).
_CLAUSE_BREAK = re.compile(r"[，,。；;：:（(）)]|\n\s*\n")
_MAX_CLAUSE = 60
_SENTENCE_BREAK = re.compile(r"[。；;\n]|\.(?!\d)")
# a sentence about one project names it before the figures (该项目, A项目, 专项资金)
_PROJECT_SUBJECT = re.compile(r"(?:该|本|此)(?:项目|专项)|(?:项目|专项)(?=(?:全年|年初|年度)?预算)")
# a line that opens with a key (「全年预算数：」) starts a statement of its own
# and a table row (a line with a tab) is no part of the sentence after it
_SENTENCE_END_MARK = re.compile(r"[。；;！!？?]|\.(?!\d)|\n\s*\n|\n(?=[ \u3000]*[\u4e00-\u9fff]{2,12}[：:])|\t[^\n]*\n")
_MAX_SENTENCE = 200
_MAX_GAP = 24           # characters between a term and its amount (「追加中央和省级农业专项资金等」), whitespace aside
_FIGURE_IN_GAP = re.compile(rf"(?:{NUMBER})\s*(?:%|亿|万|千|元|个百分点)")
_TABLE_LINE = re.compile(r"\t")


@dataclass
class Amount:
    """One money amount of the prose, read."""
    field: Optional[str]       # budget field, or None when no term names it
    value: float               # 万元, signed for reductions
    start: int                 # the statement: from its term to its unit
    end: int
    term: str = ""
    scope: str = "unit"        # unit | previous_year | budget_of | part | project
    whole: Optional[str] = None  # for a part: the field of the figure it breaks down


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding pos begins. A single line break is no sentence end: PDF text
    wraps sentences at the page width (「该项目全年预\n算201.00万元」)."""
    lo = max(0, pos - _MAX_SENTENCE)
    last = None
    for last in _SENTENCE_END_MARK.finditer(text, lo, pos):
        pass
    return last.end() if last else lo


class RangeSet:
    """The union of (start, end) ranges, for many ``in_ranges`` questions about one text: each
    answered by bisection (a scan of every table per amount is quadratic on a giant report).
    Iterating gives the merged ranges, so a RangeSet is itself a list of ranges."""

    def __init__(self, ranges):
        merged: list[list[int]] = []
        for s, e in sorted((s, e) for s, e in ranges if s < e):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def __contains__(self, pos: int) -> bool:
        k = bisect_right(self._starts, pos) - 1
        return k >= 0 and pos < self._ends[k]

    def __iter__(self):
        return iter(zip(self._starts, self._ends))


def in_ranges(pos: int, ranges) -> bool:
    """Whether pos lies in one of the (start, end) ranges (tables, mostly)."""
    if isinstance(ranges, RangeSet):
        return pos in ranges
    return any(s <= pos < e for s, e in ranges)


def _nearest_term(fields: tuple[FieldTerms, ...], left: str, before: str = "") -> Optional[tuple[FieldTerms, re.Match]]:
    """The field whose term ends closest to the end of left (longest on a tie). before: the
    character preceding left, for a standalone term at its start."""
    joints = load_lexicon().name_joints
    best = None
    for f in fields:
        for m in f.pattern.finditer(left):
            if f.standalone:
                prev = left[m.start() - 1] if m.start() else before
                if prev and prev not in joints and not prev.isdigit():
                    continue  # the field's words end a longer name here
            key = (m.end(), m.end() - m.start())
            if best is None or key > best[0]:
                best = (key, f, m)
    return (best[1], best[2]) if best else None


def read_amounts(text: str, skip: list[tuple[int, int]], fields: tuple[FieldTerms, ...]) -> list[Amount]:
    """Every money amount outside the skipped ranges (tables), in order, with its field and scope."""
    lex = load_lexicon()
    skip = skip if isinstance(skip, RangeSet) else RangeSet(skip)
    out: list[Amount] = []
    prev_end = 0
    for m in MONEY.finditer(text):
        if in_ranges(m.start(), skip):
            prev_end = m.end()
            continue
        value = to_float(m.group("num"))
        if value is None:
            continue
        value = round(value * lex.unit_scale[m.group("unit")], 6)
        # the clause before the amount, not reaching back past the previous amount
        clause_start = max(prev_end, m.start() - _MAX_CLAUSE)
        breaks = [b for b in _CLAUSE_BREAK.finditer(text, clause_start, m.start())]
        # 「年初预算数：85.00万元」: a colon right before the amount joins a key to its value
        while breaks and breaks[-1].group(0) in "：:" and not text[breaks[-1].end():m.start()].strip():
            breaks.pop()
        left_start = breaks[-1].end() if breaks else clause_start
        left = text[left_start:m.start()]
        prev_end = m.end()
        hit = _nearest_term(fields, left, text[left_start - 1] if left_start else "")
        if hit is None:
            out.append(Amount(None, value, m.start(), m.end()))
            continue
        f, tm = hit
        gap = left[tm.end():]
        # another figure between a term and an amount ends the term's reach; digits of a name
        # (「12345热线」) do not
        if len("".join(gap.split())) > _MAX_GAP or _FIGURE_IN_GAP.search(gap) or "\n" in gap and _TABLE_LINE.search(gap):
            out.append(Amount(None, value, m.start(), m.end()))
            continue
        term_at = left_start + tm.start()
        sentence_start = _sentence_start(text, term_at)
        before_term = text[max(sentence_start, clause_start):term_at]
        scope = "unit"
        if lex.previous_year.search(before_term) or lex.previous_year.search(left[:tm.start()]):
            scope = "previous_year"
        elif _PROJECT_SUBJECT.search("".join(text[sentence_start:term_at].split())):  # across wrapped lines
            scope = "project"  # 「该项目全年预算…，实际支出…」: a project's figures, not the unit's
        elif lex.budget_of.match(gap):
            scope = "budget_of"
        elif lex.part.search(text, sentence_start, term_at):
            scope = "part"
        if f.negative is not None and f.negative.search(tm.group(0)):
            value = -value
        whole = None
        if scope == "part":  # the figure 其中 breaks down: the last one stated before 其中 in the sentence
            marks = [pm.start() for pm in lex.part.finditer(text, sentence_start, term_at)]
            at = marks[-1] if marks else term_at
            # amounts start in text order: the scan back stops at the sentence's start
            whole = None
            for a in reversed(out):
                if a.start < sentence_start:
                    break
                if a.end <= at and a.field:
                    whole = a.field
                    break
        out.append(Amount(f.name, value, term_at, m.end(), tm.group(0), scope, whole))
    return out


_BUDGET_FIGURES = ("initial", "adjustment", "budgeted", "executed", "expenditure")
_FUNDING_SOURCES = ("fiscal_appropriation_income", "other_income")


def is_units_figure(a: Amount) -> bool:
    """Whether a read amount states the reporting unit's own figure for its field this year."""
    if a.field is None or a.scope in ("previous_year", "budget_of", "project"):
        return False
    if a.scope == "part" and (a.field == a.whole or (a.whole in _BUDGET_FIGURES and a.field in _FUNDING_SOURCES)):
        # 「追加…（其中…调减…）」 breaks an adjustment into adjustments; 「年初预算…，其中财政拨款…」
        # names where a budget figure's money comes from: neither is the unit's own figure
        return False
    return True


def _stated(text: str, a: Amount) -> StatedValue:
    return StatedValue(value=a.value, text=text[a.start:a.end], start=a.start, end=a.end)


def find_budget(text: str, skip: list[tuple[int, int]]) -> dict[str, StatedValue]:
    """Budget fields stated in prose: the first statement of each field, in the unit's own scope."""
    skip = RangeSet(skip)
    lex = load_lexicon()
    amounts = read_amounts(text, skip, lex.budget)
    out: dict[str, StatedValue] = {}
    for a in amounts:
        if a.field is None or a.field in out:
            continue
        if not is_units_figure(a):
            continue
        out[a.field] = _stated(text, a)
    _sum_adjustments(text, amounts, out)
    # 「基本支出预算3,108.42万元，实际支出3,065.60万元」: a field named like a project, with its
    # budget and its spend; the spend is the field's
    for m in _PROJECT_PAIR.finditer(text):
        name = "".join(m.group("name").split())
        field = next((f for f in lex.budget if f.name in ("basic_expenditure", "project_expenditure")
                      and f.pattern.fullmatch(name)), None)
        if field is None or field.name in out or in_ranges(m.start(), skip):
            continue
        v = to_float(m.group("e"))
        if v is not None:
            out[field.name] = StatedValue(value=round(v * lex.unit_scale[m.group("eu")], 6), text=m.group(0),
                                          start=m.start(), end=m.end())
    for f in lex.budget:
        for other in f.also:
            if f.name in out and other not in out:
                out[other] = out[f.name]
    return out


def _sum_adjustments(text: str, amounts: list[Amount], out: dict[str, StatedValue]) -> None:
    """年初 + the adjustments stated before the full-year budget = the year's adjustment."""
    first_adj = next((a for a in amounts if a.field == "adjustment" and a.scope == "unit"), None)
    if first_adj is None:
        return
    budgeted_at = next((a.start for a in amounts if a.field == "budgeted" and a.scope == "unit"
                        and a.start > first_adj.start), None)
    if budgeted_at is None:
        return
    adj = [a for a in amounts if a.field == "adjustment" and a.scope == "unit" and first_adj.start <= a.start < budgeted_at]
    if len(adj) < 2:
        return
    total = round(sum(a.value for a in adj), 6)
    out["adjustment"] = StatedValue(value=total, text=text[adj[0].start:adj[-1].end], start=adj[0].start, end=adj[-1].end)


def find_assets(text: str, skip: list[tuple[int, int]]) -> dict[str, StatedValue]:
    lex = load_lexicon()
    out: dict[str, StatedValue] = {}
    for a in read_amounts(text, skip, lex.assets):
        if a.field is not None and a.field not in out and a.scope != "previous_year":
            out[a.field] = _stated(text, a)
    return out


# ---------------------------------------------------------------- projects in prose
# 「A项目预算486.00万元、支出486.00万元」: a name, its budget and its spend, in one clause list.
_PROJECT_PAIR = re.compile(
    rf"(?P<name>[^，,。；;：:、\n（(）)]{{2,40}}?)(?:全年)?预算(?:数|资金)?(?:为)?\s*(?P<b>{NUMBER})\s*(?P<bu>亿元|万元|千元|元)"
    rf"\s*[，,、]\s*(?:实际)?(?:支出|执行)(?:数)?(?:为)?\s*(?P<e>{NUMBER})\s*(?P<eu>亿元|万元|千元|元)")
_NOT_A_NAME = re.compile(r"^(?:\d{4}年|年初|全年|年度|本年|上年|调整|其中|合计|部门|单位|本级|基本支出|项目支出|收入|支出)")


@dataclass
class ProseProject:
    name: str
    budgeted: float
    executed: float
    start: int
    end: int


def find_prose_projects(text: str, skip: list[tuple[int, int]]) -> list[ProseProject]:
    skip = RangeSet(skip)
    lex = load_lexicon()
    out: list[ProseProject] = []
    for m in _PROJECT_PAIR.finditer(text):
        if in_ranges(m.start(), skip):
            continue
        name = m.group("name").strip(" \u3000")
        if name.count("“") != name.count("”"):
            name = name.strip("“”\"")   # a quote the clause cut in half
        if _NOT_A_NAME.match(name) or lex.any_budget_term.fullmatch(name) or lex.previous_year.search(name):
            continue
        b, e = to_float(m.group("b")), to_float(m.group("e"))
        if b is None or e is None:
            continue
        out.append(ProseProject(name, round(b * lex.unit_scale[m.group("bu")], 6),
                                round(e * lex.unit_scale[m.group("eu")], 6), m.start("name"), m.end()))
    return out
