"""The prose amount grammar: every money amount in running text gets a field, a scope and a unit.

An amount is a number with its money unit (元/千元/万元/亿元; a bare number in prose is never
money). Its field is named by the nearest lexicon term before it in the same clause
(configs/facts.yaml), with nothing but a few words between them: 「年中因…调整增加预算
6,182,540.37元」 is an adjustment, 「全年预算数为47,903,266.15元」 the full-year budget.
An amount is not the field's when its clause puts it in another scope: the previous year
(「较上年支出…」), a budget rather than a spend (「基本支出预算…」), or a project
(「A项目预算…万元、支出…万元」, read as a project instead).

Conventions of the genre the grammar states:
- the first statement of a field is the report's; later ones are for the checker;
- adjustments are signed (调减/压减 are reductions), and the adjustments stated between the
  initial budget and the full-year budget add up to the year's adjustment (年初 + 调整 = 全年);
  a breakdown of an adjustment (「其中…」) is not added again;
- ASCII punctuation separates clauses as its full-width twin does, and an enumeration closed by
  等 keeps the term before its first item, whatever commas it is written with;
- a scope qualifier in brackets after a term qualifies it (「收入预算(调整后)」); the income side
  of the full-year budget states the budget too, and 「…，全部为财政拨款收入」 after the income
  states the fiscal income.

Inside tables the same lexicon reads key–value cells (read_cell_amounts), where a bare figure
is money: one lexicon decides field names in prose and in cells.
"""
from __future__ import annotations

import operator
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator, Optional

from pipeline.lexicon import ENUMERATOR
from pipeline.record import StatedValue
from pipeline.structure.lexicon import FieldTerms, load_lexicon, money_scale_before, top_level_alternatives
from pipeline.structure.numbers import NUMBER, NUMBER_REST, to_float

MONEY = re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|千元|元)")
# what a money amount holds before its 元, besides digits (\d: str.isdecimal) and whitespace (\s:
# str.isspace): a sign, separators, and the unit's first character (亿元, 万元, 千元)
_MONEY_CHARS = frozenset("-−－,.亿万千")


def money_matches(text: str) -> Iterator[re.Match]:
    """MONEY.finditer(text), searched only right before each 元.

    A match ends at a 元 and holds nothing but _MONEY_CHARS, digits and whitespace before it, so
    it starts in the run of those characters that ends at a 元, and ends at that 元: each such run
    is searched up to its 元 (a match found there is the one finditer finds), and the rest of the
    text, which finditer tried at every digit, is not tried at all."""
    end = 0   # where the previous match ended: finditer looks no further back
    unit = text.find("元")
    while unit >= 0:
        start = unit
        while start > end and ((ch := text[start - 1]) in _MONEY_CHARS or ch.isdecimal() or ch.isspace()):
            start -= 1
        m = MONEY.search(text, start, unit + 1)
        if m is not None:
            yield m
            end = m.end()
        unit = text.find("元", unit + 1)
# where a clause ends: a term before one of these never names an amount after it
# A line break is no clause break (PDF text wraps clauses at the page width), nor is 「、」 inside
# an enumeration between a term and its amount (「追加县…站点改造、信息平台等资金127.48万元」).
# ASCII punctuation ends a clause as its full-width twin does, except inside a number (1,234.56)
_CLAUSE_BREAK = re.compile(r"[，。；;：:（(）)]|(?<!\d),|,(?!\d{3})|\.(?!\d)|\n\s*\n")
_MAX_CLAUSE = 60
_SENTENCE_BREAK = re.compile(r"[。；;\n]|\.(?!\d)")
# a sentence about one project names it before the figures (该项目, A项目, 专项资金)
_PROJECT_SUBJECT = re.compile(r"(?:该|本|此)(?:项目|专项)|(?:项目|专项)(?=(?:全年|年初|年度)?预算)")
# a line that opens with a key (「全年预算数：」) starts a statement of its own
# and a table row (a line with a tab) is no part of the sentence after it
_SENTENCE_END_MARKS = r"[。；;！!？?]|\.(?!\d)|\n\s*\n|\n(?=[ \u3000]*[\u4e00-\u9fff]{2,12}[：:])|\t[^\n]*\n"
# the same marks written to start with the characters they start with (each alternative then checks
# which one it consumed): re skips to those characters, where the alternation was tried at every
# character of the 200 before each amount's term (tests/structure/test_fast_patterns.py)
_SENTENCE_END_MARK = re.compile(r"[。；;！!？?.\n\t](?:(?<=[。；;！!？?])|(?<=\.)(?!\d)|(?<=\n)\s*\n"
                                r"|(?<=\n)(?=[ \u3000]*[\u4e00-\u9fff]{2,12}[：:])|(?<=\t)[^\n]*\n)")
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
    also: tuple[str, ...] = ()   # fields the statement states too (a full-year income budget: the budget)


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding pos begins. A single line break is no sentence end: PDF text
    wraps sentences at the page width (「培训经费年度执\n行率为72.5%」)."""
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


# field sets (lexicon tuples, by identity) → one pattern of all their terms
_ANY_TERM: dict[tuple[int, ...], tuple[tuple[tuple[FieldTerms, ...], ...], re.Pattern]] = {}


def _any_term(*field_sets: tuple[FieldTerms, ...]) -> re.Pattern:
    """A pattern that finds whether any of the fields' terms occurs (an existence test: where and
    which is _nearest_term's question). Left without a term (most figures of a table, most amounts
    of the prose) skips the field-by-field look. The terms are spelled so that each starts with a
    literal (_literal_led): re then skips to the characters a term can start with and tries only
    the terms that start there, where an alternation of groups was tried in full at every
    character (13x faster on a table's key cells)."""
    key = tuple(map(id, field_sets))
    cached = _ANY_TERM.get(key)
    if cached is None or any(map(operator.is_not, cached[0], field_sets)):
        led = [_literal_led(t) for fs in field_sets for f in fs for t in (f.terms or [f.pattern.pattern])]
        if all(x is not None for x in led):
            pattern = "|".join(t for x in led for t in x)
        else:   # a term this spelling cannot take: the terms as configured
            pattern = "|".join(f.pattern.pattern for fs in field_sets for f in fs)
        cached = _ANY_TERM[key] = (field_sets, re.compile(pattern))
    return cached[1]


# a group of literal alternatives at a term's start: 「(?:年中|全年|执行中)?」, 「(?:调整增加|追加)」
_LEADING_GROUP = re.compile(r"\(\?:([^()\[\]{}*+?.^$\\]*)\)(\?)?")
_SYNTAX = set("()[]{}*+?.^$\\|")


def _literal_led(term: str) -> Optional[list[str]]:
    """term as alternatives that each start with a literal: its leading groups of literal
    alternatives spelled out (「(?:年中|全年)?调减」 → 年中调减, 全年调减, 调减), which match the
    same strings. None for a term that starts otherwise or has an alternation of its own."""
    if len(top_level_alternatives(term)) > 1:
        return None   # the spelled-out prefix would bind to one side only
    m = _LEADING_GROUP.match(term)
    if m is None:
        return [term] if term and term[0] not in _SYNTAX else None
    rest = term[m.end():]
    if rest[:1] in ("*", "+", "{", "?"):
        return None   # a quantifier on the group (or a lazy or possessive one): not spelled out
    out: list[str] = []
    for head in m.group(1).split("|") + ([""] if m.group(2) else []):
        more = _literal_led(head + rest)
        if more is None:
            return None
        out += more
    return out


# field sets (lexicon tuples, by identity) → (field, the characters a match of its terms starts with)
_TERM_STARTS: dict[int, tuple[tuple[FieldTerms, ...], list[tuple[FieldTerms, Optional[frozenset[str]]]]]] = {}


def _term_starts(fields: tuple[FieldTerms, ...]) -> list[tuple[FieldTerms, Optional[frozenset[str]]]]:
    """Each field with the first characters of its terms (spelled as _literal_led spells them);
    None for a field with a term whose first character this cannot tell (one that is no literal,
    or a literal made optional or repeated: 「预?算」)."""
    cached = _TERM_STARTS.get(id(fields))
    if cached is None or cached[0] is not fields:
        out = []
        for f in fields:
            led = [_literal_led(t) for t in (f.terms or [f.pattern.pattern])]
            alternatives = [a for x in led for a in x] if all(x is not None for x in led) else None
            if alternatives is not None and all(a and a[1:2] not in ("?", "*", "{") for a in alternatives):
                out.append((f, frozenset(a[0] for a in alternatives)))
            else:
                out.append((f, None))
        cached = _TERM_STARTS[id(fields)] = (fields, out)
    return cached[1]


def _nearest_term(fields: tuple[FieldTerms, ...], left: str, before: str = "") -> Optional[tuple[FieldTerms, re.Match]]:
    """The field whose term ends closest to the end of left (longest on a tie). before: the
    character preceding left, for a standalone term at its start."""
    if _any_term(fields).search(left) is None:
        return None
    joints = load_lexicon().name_joints
    best = None
    present = set(left)
    for f, starts in _term_starts(fields):
        if starts is not None and starts.isdisjoint(present):
            continue   # none of the field's terms can start in left (most fields of most keys)
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
    return read_amounts_of(text, skip, fields)[0]


def read_amounts_of(text: str, skip: list[tuple[int, int]], *field_sets: tuple[FieldTerms, ...]) -> list[list[Amount]]:
    """read_amounts for each field set (the budget's, the assets'): the amounts and their clauses
    are found once for all."""
    lex = load_lexicon()
    skip = skip if isinstance(skip, RangeSet) else RangeSet(skip)
    outs: list[list[Amount]] = [[] for _ in field_sets]
    # 「A项目预算…万元，实际支出…万元」: the clause pair states a listed project's figures
    projects = prose_project_ranges(text, skip)
    prev_end = 0
    for m in money_matches(text):
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
        key_end = _join_key_to_value(text, breaks, m.start())
        prev_end = m.end()
        of_project = in_ranges(m.start(), projects)
        for fields, out in zip(field_sets, outs):
            a = _amount(text, fields, m, value, clause_start, breaks, key_end, out)
            if of_project and a.field is not None and a.scope == "unit":
                a.scope = "project"
            out.append(a)
    return outs


def _amount(text: str, fields: tuple[FieldTerms, ...], m: re.Match, value: float, clause_start: int,
            breaks: list[re.Match], key_end: int, before: list[Amount]) -> Amount:
    """The amount m (value in 万元) as the fields read it: its term, scope and sign. before: the
    amounts read so far with the same fields."""
    lex = load_lexicon()
    left_start = breaks[-1].end() if breaks else clause_start
    hit = _term_before(text, fields, left_start, key_end)
    if hit is None:
        # 「追加A建设,B改造等项目资金418.09万元」: an enumeration closed by 等 may be written with
        # commas; the term before its first item names the amount after it
        k = len(breaks) - 1
        while hit is None and k >= 0 and len(breaks) - k <= _MAX_ITEMS and breaks[k].group(0) in _ENUMERATION_COMMAS \
                and _ENUMERATION_END.search(text, breaks[-1].end(), m.start()):
            left_start = breaks[k - 1].end() if k else clause_start
            hit = _term_before(text, fields, left_start, key_end, _MAX_GAP * 2)
            k -= 1
    if hit is None:
        return Amount(None, value, m.start(), m.end())
    f, tm = hit
    left = text[left_start:m.start()]
    gap = left[tm.end():]
    term_at = left_start + tm.start()
    sentence_start = _sentence_start(text, term_at)
    before_term = text[max(sentence_start, clause_start):term_at]
    scope = "unit"
    if lex.previous_year.search(before_term) or lex.previous_year.search(left[:tm.start()]):
        scope = "previous_year"
    # across wrapped lines, and with the term itself: 「A项目全年预算…」 names its project right
    # before the term (the lookahead of _PROJECT_SUBJECT reads the term)
    elif _PROJECT_SUBJECT.search("".join(text[sentence_start:term_at].split()) + tm.group(0)):
        scope = "project"  # 「该项目全年预算…，实际支出…」: a project's figures, not the unit's
    elif lex.budget_of.match(gap):
        scope = "budget_of"
    elif lex.part.search(text, sentence_start, term_at):
        scope = "part"
    if f.negative is not None and f.negative.search(tm.group(0)):
        value = -value
    # 「全年收入预算」「收入预算(调整后)」: a qualifier right before the term or in its brackets
    qualified = left[max(0, tm.start() - 3):tm.start()] + tm.group(0) + gap
    also = f.also_full_year_budget if "预算" in tm.group(0) and lex.full_year.search(qualified) else ()
    whole = None
    if scope == "part":  # the figure 其中 breaks down: the last one stated before 其中 in the sentence
        marks = [pm.start() for pm in lex.part.finditer(text, sentence_start, term_at)]
        at = marks[-1] if marks else term_at
        # amounts start in text order: the scan back stops at the sentence's start
        for a in reversed(before):
            if a.start < sentence_start:
                break
            if a.end <= at and a.field:
                whole = a.field
                break
    return Amount(f.name, value, term_at, m.end(), tm.group(0), scope, whole, also)


_ENUMERATION_COMMAS = ",，、"
_ENUMERATION_END = re.compile(r"等")   # 「A,B等资金」: the last item closes the enumeration
_MAX_ITEMS = 4


def _join_key_to_value(text: str, breaks: list[re.Match], at: int) -> int:
    """Drop the clause breaks that join a key to its value rather than end a clause: a colon right
    before the amount (「年初预算数：62.40万元」) and a scope qualifier or a money unit in brackets
    after the key (「收入预算(调整后)5,417.86万元」「全年预算（万元）：」). Returns where the key
    ends: a term is looked for before its bracket (调整后 there is no adjustment)."""
    lex = load_lexicon()
    key_end = at
    while breaks:
        b = breaks[-1].group(0)
        if b in "：:" and not text[breaks[-1].end():at].strip():
            breaks.pop()
        elif b in "）)" and len(breaks) >= 2 and breaks[-2].group(0) in "（(" \
                and not text[breaks[-1].end():at].strip(" \t\u3000为是：:"):
            inner = "".join(text[breaks[-2].end():breaks[-1].start()].split())
            if inner not in lex.unit_scale and not lex.full_year.fullmatch(inner):
                break
            key_end = breaks[-2].start()
            del breaks[-2:]
        else:
            break
    return key_end


def _term_before(text: str, fields: tuple[FieldTerms, ...], start: int, at: int,
                 max_gap: int = _MAX_GAP) -> Optional[tuple[FieldTerms, re.Match]]:
    """The field term of text[start:at] that names the amount after at: the nearest one, with at
    most max_gap characters (whitespace aside) and no other figure between it and at; digits of
    a name (「96110专线」) are no figure."""
    left = text[start:at]
    hit = _nearest_term(fields, left, text[start - 1] if start else "")
    if hit is None:
        return None
    gap = left[hit[1].end():]
    if len("".join(gap.split())) > max_gap or _FIGURE_IN_GAP.search(gap) or "\n" in gap and _TABLE_LINE.search(gap):
        return None
    return hit


_BUDGET_FIGURES = ("initial", "adjustment", "budgeted", "executed", "expenditure")
_ADJUSTED = re.compile(r"调整后|调整为")
_FUNDING_SOURCES = ("fiscal_appropriation_income", "other_income")


def is_units_figure(a: Amount, one_project: bool = False) -> bool:
    """Whether a read amount states the reporting unit's own figure for its field this year. In
    a report on one project (one_project), the project's figures (「项目全年预算…」) are its own."""
    if a.field is None or a.scope in ("previous_year", "budget_of") or (a.scope == "project" and not one_project):
        return False
    if a.scope == "part" and (a.field == a.whole or (a.whole in _BUDGET_FIGURES and a.field in _FUNDING_SOURCES)):
        # 「追加…（其中…调减…）」 breaks an adjustment into adjustments; 「年初预算…，其中财政拨款…」
        # names where a budget figure's money comes from: neither is the unit's own figure
        return False
    return True


def _stated(text: str, a: Amount) -> StatedValue:
    return StatedValue(value=a.value, text=text[a.start:a.end], start=a.start, end=a.end)


def find_budget(text: str, skip: list[tuple[int, int]], one_project: bool = False,
                amounts: Optional[list[Amount]] = None) -> dict[str, StatedValue]:
    """Budget fields stated in prose: the first statement of each field, in the unit's own scope.
    one_project: the report is about one project, whose forms have terms of their own (到位资金).
    amounts: read_amounts' for those fields, when read already."""
    skip = RangeSet(skip)
    lex = load_lexicon()
    if amounts is None:
        amounts = read_amounts(text, skip, lex.one_project_budget if one_project else lex.budget)
    out: dict[str, StatedValue] = {}
    also: dict[str, StatedValue] = {}
    for a in amounts:
        if a.field is None or not is_units_figure(a, one_project):
            continue
        if a.field in out:
            # (a statement's text runs from its term to its amount: its qualifiers are in it)
            if a.field == "budgeted" and _ADJUSTED.search(text, a.start, a.end) and not _ADJUSTED.search(out["budgeted"].text):
                # 「年度预算…，（年中追加…，）调整后预算…」: the adjusted figure is the year's budget,
                # the one stated before it the initial budget
                out.setdefault("initial", out["budgeted"])
                out["budgeted"] = _stated(text, a)
            continue
        out[a.field] = _stated(text, a)
        for other in a.also:
            also.setdefault(other, out[a.field])
    _sum_adjustments(text, amounts, out)
    _whole_of(text, skip, amounts, out)
    for other, sv in also.items():   # a full-year income budget is the budget where none is stated
        out.setdefault(other, sv)
    # 「基本支出预算2,746.15万元，实际支出2,690.38万元」: a field named like a project, with its
    # budget and its spend; the spend is the field's
    for pp in _project_pairs(text):
        name = "".join(pp.name.split())
        field = next((f for f in lex.budget if f.name in ("basic_expenditure", "project_expenditure")
                      and f.pattern.fullmatch(name)), None)
        if field is None or field.name in out or in_ranges(pp.start, skip):
            continue
        v = to_float(pp.spend[0])
        if v is not None:
            out[field.name] = StatedValue(value=round(v * lex.unit_scale[pp.spend[1]], 6), text=text[pp.start:pp.end],
                                          start=pp.start, end=pp.end)
    for f in lex.budget:
        for other in f.also:
            if f.name in out and other not in out:
                out[other] = out[f.name]
    return out


def _whole_of(text: str, skip: list[tuple[int, int]], amounts: list[Amount], out: dict[str, StatedValue]) -> None:
    """「全年预算收入…万元，全部为财政拨款收入」: the income just stated is all of the named field."""
    for field_name, pattern in load_lexicon().whole_of:
        if field_name in out or "income" not in out:
            continue
        for m in pattern.finditer(text):
            if in_ranges(m.start(), skip):
                continue
            sentence_start = _sentence_start(text, m.start())
            before = [a for a in amounts if sentence_start <= a.start and a.end <= m.start()]
            # the statement follows the income itself, with nothing stated in between
            if before and before[-1].field == "income" and is_units_figure(before[-1]) \
                    and before[-1].start == out["income"].start and not _FIGURE_IN_GAP.search(text, before[-1].end, m.start()):
                income = out["income"]
                out[field_name] = StatedValue(value=income.value, text=text[income.start:m.end()],
                                              start=income.start, end=m.end())
                break


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


def find_assets(text: str, skip: list[tuple[int, int]], amounts: Optional[list[Amount]] = None) -> dict[str, StatedValue]:
    """Asset fields stated in prose (amounts: read_amounts' for the asset fields, when read already)."""
    out: dict[str, StatedValue] = {}
    for a in read_amounts(text, skip, load_lexicon().assets) if amounts is None else amounts:
        if a.field is not None and a.field not in out and a.scope != "previous_year":
            out[a.field] = _stated(text, a)
    return out


def add_printed_bare(assets: dict[str, StatedValue]) -> None:
    """A net field's figure whose statement lacks the 净值 qualifier (「固定资产2,309.73万元」) is
    also the bare field's (fixed), as printed; 「固定资产净值…」 is the net field's only."""
    for net, bare, qualifier in load_lexicon().asset_printed_bare:
        sv = assets.get(net)
        if sv is not None and bare not in assets and not qualifier.search(sv.text):
            assets[bare] = sv


# ---------------------------------------------------------------- key–value cells
# Inside a table a field's figure follows its key cell: 「上年结转金额 (万元)\t14.56」,
# 「基本支出总额\t1470.85」, 「年初预算数：85.00」. The key is a lexicon term, then at most a
# suffix (金额/总额/资金/数), a unit in brackets and a gap of tabs, spaces, a colon or 为/是/共计; the
# unit sits in the key's brackets, after the figure or in the header above the table, so a
# bare number is money here (never in prose). A figure followed by %, 分 or a count word is not.
# not inside a longer figure: no digit, dot or comma right before it; the check sits after the
# figure's first character (「(?<![\d.,].)」: the character before that one), so that the pattern
# starts with a character set, which re skips to (a table's every character was tried)
_CELL_FIGURE = re.compile(rf"(?P<num>[-−－\d](?<![\d.,].){NUMBER_REST})(?!\d|[.,]\d)\s*(?P<unit>亿元|万元|千元|元)?"
                          rf"(?! ?[%％])(?![分人名个次项年月日])")
_CELL_KEY_TAIL = re.compile(r"(?:金额|数额|总额|资金|数)?[ \t\u3000:：]*(?:[（(]\s*(?P<unit>亿元|万元|千元|元)\s*[）)])?"
                            r"[ \t\u3000:：为是共计约达]{0,6}")
_MAX_KEY = 40   # a key cell is short; the figure's left context reaches back no further
# a label followed by several figures is a row of a table with columns, read by its header
# (table_facts.py): the first figure there is a column's, not the label's value
_NEXT_FIGURE = re.compile(r"[ \t\u3000|]*[-−－]?\d")


def read_cell_amounts(text: str, ranges: list[tuple[int, int]],
                      *field_sets: tuple[FieldTerms, ...]) -> list[dict[str, StatedValue]]:
    """Fields stated as key–value cells inside the ranges (table lines): the first figure of each
    field whose key names it. A key in another year's scope (上年度…, 较上年…) is not the field's.
    One dict per field set (the budget's, the assets'): the figures are scanned once for all."""
    lex = load_lexicon()
    any_term = _any_term(*field_sets)
    outs: list[dict[str, StatedValue]] = [{} for _ in field_sets]
    for start, end in ranges:
        region_scale = None
        prev_end = start
        for m in _CELL_FIGURE.finditer(text, start, end):
            at = m.start()
            left_start = max(prev_end, text.rfind("\n", 0, at) + 1, at - _MAX_KEY)
            prev_end = m.end()
            left = text[left_start:at]
            if any_term.search(left) is None:
                continue   # most figures of a table: no key before them (_nearest_term asks the same)
            for fields, out in zip(field_sets, outs):
                hit = _nearest_term(fields, left, text[left_start - 1] if left_start else "")
                if hit is None:
                    continue
                f, tm = hit
                tail = _CELL_KEY_TAIL.fullmatch(left, tm.end())
                if tail is None or f.name in out or lex.previous_year.search(left, 0, tm.start()) \
                        or _NEXT_FIGURE.match(text, m.end(), end):
                    continue
                value = to_float(m.group("num"))
                if value is None:
                    continue
                unit = m.group("unit") or tail.group("unit")
                if unit is not None:
                    scale = lex.unit_scale[unit]
                else:
                    if region_scale is None:   # 「金额单位：元」 above the table
                        region_scale = money_scale_before(text, start) or 1.0
                    scale = region_scale
                out[f.name] = StatedValue(value=round(value * scale, 6), text=text[left_start + tm.start():m.end()],
                                          start=left_start + tm.start(), end=m.end())
    return outs


# ---------------------------------------------------------------- projects in prose
# 「A项目预算347.50万元、支出347.50万元」: a name, its budget and its spend, in one clause list. A
# name may hold a short bracketed part (「服务中心（站）运行项目」). The figures are found first
# (a literal 预算 to look for), then the name before them: a regex that starts with the name
# would be tried at every character of the text. 「(?:全年预算|预算)」 is 「(?:全年)?预算」 (the same
# tries, in the same order) written to start with literals, which re skips to.
_PROJECT_FIGURES = re.compile(
    rf"预算(?:数|资金)?(?:为)?\s*(?P<b>{NUMBER})\s*(?P<bu>亿元|万元|千元|元)"
    rf"\s*[，,、]\s*(?:实际)?(?:支出|执行)(?:数)?(?:为)?\s*(?P<e>{NUMBER})\s*(?P<eu>亿元|万元|千元|元)")
_BUDGET_QUALIFIERS = ("全年", "年初", "年度")
_NAME_CHAR = r"[^，,。；;：:、\n（(）)]"
# \Z, not $: $ also matches before a line break that ends the searched text, so the line above
# the figures (a heading such as 预算执行情况) would become the name
_NAME_BEFORE = re.compile(rf"(?:{_NAME_CHAR}|[（(]{_NAME_CHAR}{{1,6}}[）)])+\Z")
_MAX_NAME = 40


@dataclass
class _ProjectPair:
    name: str
    start: int      # of the name
    end: int
    budget: tuple[str, str]    # (number, unit) as printed
    spend: tuple[str, str]


def _project_pairs(text: str) -> list[_ProjectPair]:
    out = []
    for m in _PROJECT_FIGURES.finditer(text):
        window_start = max(0, m.start() - _MAX_NAME - 8)
        # the budget's qualifier (全年预算, 年初预算) is no part of the name; 「（一）A项目：全年预算…」: the
        # name may stand as the item's label, before a colon
        at = m.start() - 2 if text[max(0, m.start() - 2):m.start()] in _BUDGET_QUALIFIERS else m.start()
        name_end = at - 1 if at and text[at - 1] in "：:" else at
        nm = _NAME_BEFORE.search(text, window_start, name_end)
        if nm is None:
            continue
        start = max(nm.start(), name_end - _MAX_NAME)
        if name_end - start < 2:
            continue
        out.append(_ProjectPair(text[start:name_end], start, m.end(), (m.group("b"), m.group("bu")),
                                (m.group("e"), m.group("eu"))))
    return out


_NOT_A_NAME = re.compile(r"^(?:\d{4}年|年初|全年|年度|本年|上年|调整|其中|合计|部门|单位|本级|基本支出|项目支出|收入|支出)")


_LEADING_NUMBER = re.compile(rf"^(?:{ENUMERATOR})[ \u3000]*")


def _item_name(name: str, lex) -> str:
    """A listed project's name without what opens its item: its number (一是, （1）) and words
    such as 其中："""
    while name:
        m = _LEADING_NUMBER.match(name) or lex.item_openers.match(name)
        if m is None or not m.end():
            return name
        name = name[m.end():]
    return name


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
    for pp in _project_pairs(text):
        if in_ranges(pp.start, skip):
            continue
        name = pp.name.strip(" \u3000")
        if name.count("“") != name.count("”"):
            name = name.strip("“”\"")   # a quote the clause cut in half
        name = _item_name(name, lex)
        if _NOT_A_NAME.match(name) or lex.any_budget_term.fullmatch(name) or lex.previous_year.search(name) \
                or lex.self_reference.match(name):
            continue
        b, e = to_float(pp.budget[0]), to_float(pp.spend[0])
        if b is None or e is None:
            continue
        start = pp.start + max(0, pp.name.find(name))
        out.append(ProseProject(name, round(b * lex.unit_scale[pp.budget[1]], 6),
                                round(e * lex.unit_scale[pp.spend[1]], 6), start, pp.end))
    return out


def prose_project_ranges(text: str, skip: list[tuple[int, int]]) -> RangeSet:
    """Where prose states a listed project's figures: from its name to the end of the sentence,
    whose later figures (执行率, 结余) are the project's too."""
    ranges = []
    for p in find_prose_projects(text, skip):
        end = _SENTENCE_END_MARK.search(text, p.end)
        ranges.append((p.start, end.start() if end else len(text)))
    return RangeSet(ranges)
