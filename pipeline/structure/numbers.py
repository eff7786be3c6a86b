"""Numbers with units, as reports write them.

``parse_amount("1,031.73万元")`` → 1031.73 (万元); ``parse_amount("5,000元")`` → 0.5;
``parse_quantity("≥8 篇次")`` → Quantity(op=">=", value=8, unit="篇次");
``parse_quantity("不低于 30%")`` → op ">=", value 30, unit "%".
Amounts are always returned in 万元 and rates in percent numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from pipeline.lexicon import cn_to_int  # noqa: F401  (counts: one home, pipeline.lexicon)

# A decimal number as reports print it: thousands commas, optional sign, optional decimals.
# Its two forms, for a pattern that needs them apart:
THOUSANDS_NUMBER = r"[-−－]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
PLAIN_NUMBER = r"[-−－]?\d+(?:\.\d+)?"
# NUMBER matches what 「THOUSANDS_NUMBER|PLAIN_NUMBER」 matches, trying the same lengths in the same
# order, but is written as its first character (a sign or a digit) and then the rest of the form
# that character opens: a pattern that starts with a character set lets re skip straight to the
# places where a match can start, where the alternation was tried at every character of the text
# (a search for an amount in a whole report: 2-3x faster).
# NUMBER_REST: what follows the first character (a pattern that must check something right after
# it, before the rest, puts the check between the two).
NUMBER_REST = (r"(?:(?<=\d)\d{0,2}(?:,\d{3})+(?:\.\d+)?|(?<=\d)\d*(?:\.\d+)?"
               r"|(?<=[-−－])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<=[-−－])\d+(?:\.\d+)?)")
NUMBER = rf"[-−－\d]{NUMBER_REST}"
NUMBER_RE = re.compile(NUMBER)
_MONEY_RE = re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|千元|元)")

_UNIT_TO_WAN = {"亿元": 10000.0, "万元": 1.0, "千元": 0.1, "元": 0.0001}


def to_float(text: str) -> Optional[float]:
    """'1,031.73' → 1031.73; '−64.60' → -64.6; None when text is not a number."""
    t = text.strip().replace(",", "").replace("，", "").replace("−", "-").replace("－", "-")
    try:
        return float(t)
    except ValueError:
        return None


def format_number(value: float) -> str:
    """Inverse of to_float for the forms reports print (used by the round-trip property test)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_amount(text: str) -> Optional[float]:
    """A money expression → 万元. A bare number is taken as 万元 (tables state the unit in the header)."""
    m = _MONEY_RE.search(text)
    if m:
        v = to_float(m.group("num"))
        return None if v is None else round(v * _UNIT_TO_WAN[m.group("unit")], 6)
    m = NUMBER_RE.search(text)
    return to_float(m.group(0)) if m else None


def find_money(text: str):
    """Every money mention: yields (start, end, value in 万元)."""
    for m in _MONEY_RE.finditer(text):
        v = to_float(m.group("num"))
        if v is not None:
            yield m.start(), m.end(), round(v * _UNIT_TO_WAN[m.group("unit")], 6)


def parse_percent(text: str) -> Optional[float]:
    m = re.search(rf"({NUMBER})\s*%", text)
    return to_float(m.group(1)) if m else None


_OP_WORDS = [
    (("≥", ">=", "＞=", "不低于", "不少于", "至少", "大于等于"), ">="),
    (("≤", "<=", "＜=", "不高于", "不超过", "不多于", "小于等于", "低于等于"), "<="),
    ((">", "＞", "大于", "高于", "超过"), ">"),
    (("<", "＜", "小于", "低于", "少于"), "<"),
    (("=", "＝", "等于"), "="),
]
_SUFFIX_WORDS = [(("以上", "及以上", "或以上"), ">="), (("以下", "及以下", "以内"), "<=")]
_OPS = [(re.compile(f"^(?:{'|'.join(words)})"), name) for words, name in _OP_WORDS]
_SUFFIX_OPS = [(re.compile(f"(?:{'|'.join(words)})$"), name) for words, name in _SUFFIX_WORDS]
# the characters an operator word starts with, and a suffix word ends with: most cells have neither
# (「100%」, 「8篇」) and are not matched against each pattern
_OP_FIRST = frozenset(w[0] for words, _ in _OP_WORDS for w in words)
_SUFFIX_LAST = frozenset(w[-1] for words, _ in _SUFFIX_WORDS for w in words)
_QTY_RE = re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>%|‰|[^\d\s.,，。;；、()（）<>≥≤=]{{1,4}})?")


@dataclass
class ParsedQuantity:
    text: str
    op: Optional[str]
    value: Optional[float]
    unit: Optional[str]


def parse_quantity(text: str) -> ParsedQuantity:
    """A target or actual cell → comparison operator, number, unit. Non-numeric cells keep value None."""
    raw = text.strip()
    t = " ".join(raw.split())   # each run of whitespace one space (raw has none at its ends)
    op = None
    for pattern, name in _OPS if t[:1] in _OP_FIRST else ():
        m = pattern.match(t)
        if m:
            op, t = name, t[m.end():].strip()
            break
    m = _QTY_RE.search(t)
    if not m:
        return ParsedQuantity(raw, op, None, None)
    value = to_float(m.group("num"))
    unit = (m.group("unit") or "").strip() or None
    if unit:
        # (a unit holds no line break: `$` is its end)
        for pattern, name in _SUFFIX_OPS if unit[-1] in _SUFFIX_LAST else ():
            sm = pattern.search(unit)
            if sm:
                op = op or name
                unit = unit[:sm.start()] or None
        # 万 as a multiplier on counts: 1.2万人次 → 12000 人次
        if unit and unit.startswith("万") and not unit.startswith("万元") and value is not None:
            value, unit = value * 10000, unit[1:] or None
    rest = t[m.end():].strip()
    for pattern, name in _SUFFIX_OPS if rest[-1:] in _SUFFIX_LAST else ():
        if pattern.search(rest):
            op = op or name
    return ParsedQuantity(raw, op, value, unit)
