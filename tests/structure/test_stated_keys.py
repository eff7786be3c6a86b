"""The stated-value key regexes are written with plain first characters for speed
(prose_facts.py); they must match exactly what their compact forms match."""
from __future__ import annotations

import random
import re

import pytest

from pipeline.structure.numbers import NUMBER
from pipeline.structure.prose_facts import (_GAP, _MONEY_UNIT, ASSET_KEYS, ASSET_PATTERNS, BUDGET_KEYS,
                                            BUDGET_PATTERNS, RATE_PATTERNS)

# The compact forms the fast keys were written from (only the keys that were rewritten).
COMPACT_KEYS = {
    ("budget", "adjustment"): r"(?<!其他)预算调整(?:金额|资金|数)?(?!率)",
    ("budget", "budgeted"): r"(?<!年初)(?:全年|年度|本年)?预算数|预算总额|全年预算(?:金额|资金)",
    ("budget", "income"): r"(?:本年|年度)?总收入|收入合计|预算收入|(?:本年|全年|本年度)收入(?:合计)?",
    ("budget", "fiscal_appropriation_income"): r"(?:一般公共预算)?财政拨款收入",
    ("budget", "other_income"): r"非同级财政拨款收入|(?<!财政拨款)其他收入",
    ("budget", "expenditure"): r"(?:本年|年度)?总支出|支出合计|本年支出(?:合计)?",
    ("asset", "total"): r"(?<![固定流动无形])资产总额|(?<![固定流动无形])资产合计|总资产",
    ("rate", "execution_rate"): r"(?:预算|资金|整体支出)?执行率",
}
_RATE_TAIL = rf"[ \u3000:：为是达到了]{{0,4}}(?P<num>{NUMBER})\s*(?P<unit>%)"
_MONEY_TAIL = rf"{_GAP}(?P<num>{NUMBER}){_MONEY_UNIT}"
# words around the keys that the lookbehinds and units react to
_CONTEXT = ["年初", "其他", "财政拨款", "固定", "流动", "无形", "一般公共预算", "100", "12.5", "1,234.5",
            "万元", "元", "%", "：", "为", "达到了", "率", "(万元)", "\t", "\n", " "]


def _pattern(family: str, field: str) -> re.Pattern:
    return {"budget": BUDGET_PATTERNS, "asset": ASSET_PATTERNS, "rate": RATE_PATTERNS}[family][field]


def _fuzz(compact: str, n: int, seed: int) -> list[str]:
    """Strings shaped like statements: noise, a context word, 1-3 words of the key, a gap,
    a number, a unit, so that the lookbehinds and every alternative get exercised."""
    rnd = random.Random(seed)
    words = re.findall(r"[^\x00-\x7f]+", compact)
    noise = words + _CONTEXT
    chars = sorted({c for w in noise for c in w})
    def piece() -> str:
        return rnd.choice(noise) if rnd.random() < 0.6 else rnd.choice(chars)
    out = []
    for _ in range(n):
        parts = [piece() for _ in range(rnd.randint(0, 3))]
        parts += [rnd.choice(words if rnd.random() < 0.5 else _CONTEXT)] * (rnd.random() < 0.7)
        parts += [rnd.choice(words) for _ in range(rnd.randint(1, 3))]
        parts += [rnd.choice(["", " ", "：", "为", "(万元)\t", "达到了", "\n"]), rnd.choice(["100", "12.5", "1,234.5"]),
                  rnd.choice(["", "万元", "元", "%", " %"])]
        parts += [piece() for _ in range(rnd.randint(0, 3))]
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("family,field", sorted(COMPACT_KEYS))
def test_fast_key_matches_compact_form(family, field):
    compact = COMPACT_KEYS[(family, field)]
    tail = _RATE_TAIL if family == "rate" else _MONEY_TAIL
    reference = re.compile(rf"(?P<key>{compact}){tail}")
    fast = _pattern(family, field)
    texts = _fuzz(compact, 4000, seed=sum(map(ord, field)))
    matched = 0
    for t in texts:
        want = [(m.span(), m.groupdict()) for m in reference.finditer(t)]
        got = [(m.span(), m.groupdict()) for m in fast.finditer(t)]
        assert got == want, t
        matched += bool(want)
    assert matched > 20  # the fuzz does reach the keys


def test_fast_keys_are_the_shipped_keys():
    # the comparison above is against the patterns find_stated really uses
    assert set(BUDGET_KEYS) == set(BUDGET_PATTERNS) and set(ASSET_KEYS) == set(ASSET_PATTERNS)
    assert BUDGET_PATTERNS["budgeted"].pattern.startswith(f"(?P<key>{BUDGET_KEYS['budgeted']})")


def test_lookbehind_guards_still_apply():
    assert not BUDGET_PATTERNS["budgeted"].search("年初预算数100万元")
    assert BUDGET_PATTERNS["budgeted"].search("全年预算数100万元").group("key") == "全年预算数"
    for prefix in ("全年", "年度", "本年"):
        # 「年初全年预算数」 is not a budgeted key from its first character; the bare 预算数 inside is
        assert BUDGET_PATTERNS["budgeted"].search(f"年初{prefix}预算数100万元").group("key") == "预算数"
    assert not BUDGET_PATTERNS["adjustment"].search("其他预算调整 20万元")
    assert not BUDGET_PATTERNS["other_income"].search("财政拨款其他收入 5万元")
    assert not ASSET_PATTERNS["total"].search("固定资产总额 30万元")
    assert ASSET_PATTERNS["total"].search("资产总额 30万元").group("num") == "30"
