"""The clean passes' digit/cell patterns are written to start with the character they consume
(pipeline/clean.py, for speed: the clean pass is timed with the structure stage); they must
match exactly what their compact lookbehind-first forms match."""
from __future__ import annotations

import random
import re

import pytest

from pipeline import clean

COMPACT = {
    "_FW_DOT": r"(?<=\d)[．。](?=\d)",
    "_DEC_SPACE": r"(?<=\d)([.．])[ \u3000]+(?=\d{1,2}(?!\d))",
    "_SPLIT_DECIMAL": r"(?<=\d)\t+(?=[.．]\d)",
    "_THOUSANDS_SPACE": r"(?<![\d.,])(\d{1,3}) (?=\d{3}(?:\.\d|万|元|%))",
    "_OCR_LETTER": r"(?<=[\u4e00-\u9fff]\t)[A-Za-z](?=[\u4e00-\u9fff])",
    "_TRAILING": r"(?m)[ \u3000]+$",
}
# pieces the patterns react to: digits, dots, spaces, tabs, units, letters, hanzi
_PIECES = list("0123456789.．。,  \u3000\t\n万元%aZ中文") + ["12", "345", "1 234", "6 789.5", "中\tA文", "12\t.5"]


def _fuzz(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 16))) for _ in range(n)]


@pytest.mark.parametrize("name", sorted(COMPACT))
def test_fast_clean_pattern_matches_compact_form(name):
    reference, fast = re.compile(COMPACT[name]), getattr(clean, name)
    matched = 0
    for t in _fuzz(20000, seed=sum(map(ord, name))):
        want = [(m.span(), m.groups()) for m in reference.finditer(t)]
        assert [(m.span(), m.groups()) for m in fast.finditer(t)] == want, t
        matched += bool(want)
    assert matched > 50  # the fuzz does reach the pattern


def test_fast_clean_patterns_on_examples():
    assert clean._THOUSANDS_SPACE.sub(r"\1", "合计 1 234.50万元，2,345 678元") == "合计 1234.50万元，2,345 678元"
    assert clean._DEC_SPACE.sub(".", "12. 5% 和 a. 5") == "12.5% 和 a. 5"
    assert clean._SPLIT_DECIMAL.sub("", "14596\t.83\t\t.5 年\t.5") == "14596.83.5 年\t.5"
    assert clean._OCR_LETTER.sub("", "指标\tA名称\tB") == "指标\t名称\tB"
    assert clean._FW_DOT.sub(".", "3．5和。6") == "3.5和。6"
