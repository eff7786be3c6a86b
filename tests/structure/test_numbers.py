from __future__ import annotations

import math
import re

from hypothesis import given, strategies as st

from pipeline.structure.numbers import (NUMBER, PLAIN_NUMBER, THOUSANDS_NUMBER, cn_to_int, find_money, format_number,
                                        parse_amount, parse_quantity, to_float)

# NUMBER is the alternation of its two forms, written to start with a character set: in every
# context a pattern puts it in, it must match exactly what the alternation matches
_CONTEXTS = ["", r"\s*(?P<unit>亿元|万元|千元|元)", r"(?!\d|[.,]\d)\s*(?P<unit>万元|元)?(?! ?[%％])(?![分人年])", r"\s*%", r"\s*%?$"]
_ALTERNATION = f"{THOUSANDS_NUMBER}|{PLAIN_NUMBER}"


@given(st.text(alphabet="0123456789,.-−－ 元万%％分年a１٣\n", max_size=30), st.sampled_from(_CONTEXTS),
       st.sampled_from(["", r"(?<![\d.,])"]))
def test_number_matches_what_the_alternation_of_its_forms_matches(text, tail, head):
    new = re.compile(rf"{head}(?P<num>{NUMBER}){tail}")
    old = re.compile(rf"{head}(?P<num>{_ALTERNATION}){tail}")
    assert [(m.span(), m.groupdict()) for m in new.finditer(text)] == \
        [(m.span(), m.groupdict()) for m in old.finditer(text)]
    a, b = new.match(text, 1), old.match(text, 1)
    assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))


def test_amounts_are_in_wan_yuan():
    assert parse_amount("1,031.73万元") == 1031.73
    assert parse_amount("5,000元") == 0.5
    assert parse_amount("-64.60") == -64.6
    assert [v for _, _, v in find_money("支出947.26万元，其中基本支出812.49万元")] == [947.26, 812.49]


def test_quantities():
    q = parse_quantity("≥8 篇次")
    assert (q.op, q.value, q.unit) == (">=", 8, "篇次")
    q = parse_quantity("不低于 30%")
    assert (q.op, q.value, q.unit) == (">=", 30, "%")
    q = parse_quantity(">=6次以上")
    assert (q.op, q.value, q.unit) == (">=", 6, "次")
    q = parse_quantity("1.2万人次")
    assert (q.value, q.unit) == (12000, "人次")
    assert parse_quantity("审议通过").value is None


def test_chinese_numerals():
    assert cn_to_int("二十") == 20
    assert cn_to_int("一百零三") == 103
    assert cn_to_int("三万") == 30000
    assert cn_to_int("abc") is None


@given(st.one_of(st.integers(-10**9, 10**9), st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)))
def test_parse_of_format_is_identity(x):
    got = to_float(format_number(x))
    assert got is not None and math.isclose(got, x, rel_tol=1e-12, abs_tol=1e-12)


@given(st.text(max_size=40))
def test_parsers_never_raise(s):
    parse_amount(s)
    parse_quantity(s)
    list(find_money(s))
    cn_to_int(s)
