"""The fact lexicon (configs/facts.yaml), compiled once.

One declarative table says how reports name budget, asset, money and rate fields, which
qualifiers change an amount's scope, which header words give a column its role, and how a
region states its money unit. Table headers (table_facts.py) and the prose amount grammar
(amounts.py) both read it, so a synonym added there is learnt by both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import yaml

from pipeline import CONFIG_DIR


@dataclass(frozen=True)
class FieldTerms:
    name: str                    # the record field the terms state
    pattern: re.Pattern          # any of the field's terms
    negative: Optional[re.Pattern]
    also: tuple[str, ...]
    row_column: str = "budgeted"
    standalone: bool = False
    key: str = ""                # the lexicon entry (several entries may state one field)
    also_full_year_budget: tuple[str, ...] = ()   # fields a full-year budget statement of this field states too
    only_in: Optional[str] = None  # a kind of report whose forms alone use the terms (one_project_report)
    terms: tuple[str, ...] = ()  # the terms pattern is made of, as configured
    whole_budget_row: bool = False  # a budget table's row of this field states the unit's whole budget


@dataclass(frozen=True)
class Lexicon:
    budget: tuple[FieldTerms, ...]   # the terms every report uses
    assets: tuple[FieldTerms, ...]
    rates: tuple[FieldTerms, ...]
    one_project_budget: tuple[FieldTerms, ...]  # the terms of a report on one project: budget and its own
    any_budget_term: re.Pattern  # every budget term, named group per field
    any_asset_term: re.Pattern
    previous_year: re.Pattern
    budget_of: re.Pattern
    part: re.Pattern
    full_year: re.Pattern        # 全年/调整后: a budget statement of the whole (adjusted) year
    rate_of_a_part: re.Pattern   # 项目支出/财政拨款/1-6月 before a rate's term: a part's or a period's rate
    whole_of: tuple[tuple[str, re.Pattern], ...]  # (field, 「全部为财政拨款收入」): the amount before is all that field
    column_roles: tuple[tuple[str, tuple[str, ...]], ...]
    unit_statement: re.Pattern
    unit_scale: dict[str, float]
    name_joints: str = ""
    # (net field, bare field, qualifier): a net field's figure printed without its qualifier
    asset_printed_bare: tuple[tuple[str, str, re.Pattern], ...] = ()
    self_reference: re.Pattern = re.compile(r"(?!)")   # 我局, 本单位, 本项目: the report names its subject
    item_openers: re.Pattern = re.compile(r"(?!)")          # 其中：, 包括: words before a listed item's name
    spending_kinds: re.Pattern = re.compile(r"(?!)")        # 公务接待费, 人员经费: kinds of spending, no project
    role_words_re: dict = field(default_factory=dict, compare=False, repr=False)   # role → role_words(role), once compiled

    def budget_field(self, name: str) -> FieldTerms:
        return next(f for f in self.budget if f.name == name)

    def column_role(self, header: str) -> Optional[str]:
        """The role of a table column from its header cell (年初预算数 → initial, 执行率 → execution_rate)."""
        return _column_role(self.column_roles, "".join(header.split()))

    def role_words(self, role: str) -> re.Pattern:
        """Any of the header words of a column role: a cell with none of them never has the role.
        One search for all the words (every row that may be a header asks)."""
        pattern = self.role_words_re.get(role)
        if pattern is None:
            words = next((words for r, words in self.column_roles if r == role), ())
            pattern = self.role_words_re[role] = re.compile("|".join(map(re.escape, words)) or "(?!)")
        return pattern

    def label_field(self, label: str) -> Optional[str]:
        """The budget field a row label names as a whole (「其中：上年结转资金」 → carryover), else None."""
        t = _LIST_NUMBER.sub("", "".join(label.split()))
        t = _PART_OPENER.sub("", t)
        t = _TRAILING_BRACKETS.sub("", t)   # a trailing unit in brackets
        for f in self.budget:
            if f.pattern.fullmatch(t):
                return f.name
        return None

    def money_scale(self, unit: Optional[str]) -> Optional[float]:
        return self.unit_scale.get(unit) if unit else None


# a row label's list number: 一、 （一） 1. (1)
_LIST_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])")
_PART_OPENER = re.compile(r"^(?:其中|含)[:：]?")
_TRAILING_BRACKETS = re.compile(r"[（(][^）)]*[）)]$")


def top_level_alternatives(pattern: str) -> list[str]:
    """The alternatives of a regular expression's outermost 「|」 (「a|(?:b|c)d」 → a, (?:b|c)d); a
    character class or an escape may hold a 「|」 of its own."""
    out, depth, cur, k = [], 0, [], 0
    in_class = False
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            cur.append(pattern[k:k + 2])
            k += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
            k += 1
            continue
        cur.append(ch)
        k += 1
    out.append("".join(cur))
    return out


def _alternation(terms: list[str]) -> str:
    # longest first, so that 年初预算数 is preferred to a shorter term inside it
    return "|".join(sorted(terms, key=len, reverse=True))


def _fields(block: dict) -> tuple[FieldTerms, ...]:
    out = []
    for key, spec in block.items():
        if not isinstance(spec, dict):
            spec = {"terms": spec}
        negative = spec.get("negative")
        out.append(FieldTerms(spec.get("field", key), re.compile(f"(?:{_alternation(spec['terms'])})"),
                              re.compile(_alternation(negative)) if negative else None, tuple(spec.get("also", ())),
                              spec.get("row_column", "budgeted"), bool(spec.get("standalone", False)), key,
                              tuple(spec.get("also_full_year_budget", ())), spec.get("only_in"), tuple(spec["terms"]),
                              bool(spec.get("whole_budget_row", False))))
    return tuple(out)


def _any_term(fields: tuple[FieldTerms, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?P<{f.key}>{f.pattern.pattern})" for f in fields))


@lru_cache(maxsize=4096)
def _column_role(column_roles: tuple, h: str) -> Optional[str]:
    # every row of every table asks for the roles of its short cells: the same few hundred words
    for role, words in column_roles:
        if any(w in h for w in words):
            return role
    return None


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    cfg = yaml.safe_load((CONFIG_DIR / "facts.yaml").read_text(encoding="utf-8"))
    every_budget = _fields(cfg["budget_fields"])
    budget = tuple(f for f in every_budget if f.only_in is None)
    assets = _fields(cfg["asset_fields"])
    rates = _fields(cfg["rate_fields"])
    scope = cfg["scope"]
    return Lexicon(
        budget=budget, assets=assets, rates=rates,
        one_project_budget=tuple(f for f in every_budget if f.only_in in (None, "one_project_report")),
        any_budget_term=_any_term(budget), any_asset_term=_any_term(assets),
        previous_year=re.compile(_alternation(scope["previous_year"])),
        budget_of=re.compile(_alternation(scope["budget_of"])),
        # a breakdown mark may be wrapped across lines (「其\n中」)
        part=re.compile(_alternation([r"\s*".join(t) for t in scope["part"]])),
        full_year=re.compile(_alternation(scope["full_year"])),
        rate_of_a_part=re.compile(_alternation(scope["rate_of_a_part"])),
        whole_of=tuple((f, re.compile(_alternation(words))) for f, words in cfg["whole_of"].items()),
        column_roles=tuple((role, tuple(words)) for role, words in cfg["column_roles"]),
        unit_statement=re.compile(cfg["money_unit_statement"]),
        unit_scale={k: float(v) for k, v in cfg["money_units"].items()},
        name_joints=cfg.get("name_joints", ""),
        asset_printed_bare=tuple((net, bare, re.compile(q)) for net, (bare, q) in cfg.get("asset_printed_bare", {}).items()),
        self_reference=re.compile(cfg["self_reference"]),
        item_openers=re.compile(cfg["item_openers"]),
        spending_kinds=re.compile(cfg["spending_kinds"]),
    )


def money_scale_before(text: str, pos: int, lines: int = 3) -> Optional[float]:
    """The money unit a table's title lines state (「金额单位：元」 just above the table), as the
    factor to 万元; None when they state none."""
    lex = load_lexicon()
    start = pos
    for _ in range(lines):
        start = text.rfind("\n", 0, max(start - 1, 0))
        if start <= 0:
            start = 0
            break
    m = None
    for m in lex.unit_statement.finditer(text, start, pos):
        pass
    return lex.money_scale(m.group("unit")) if m else None
