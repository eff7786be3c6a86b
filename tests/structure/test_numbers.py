from __future__ import annotations

import math

from hypothesis import given, strategies as st

from pipeline.structure.numbers import (cn_to_int, find_money, format_number, parse_amount, parse_quantity,
                                        to_float)


def test_amounts_are_in_wan_yuan():
    assert parse_amount("1,031.73万元") == 1031.73
    assert parse_amount("5,000元") == 0.5
    assert parse_amount("-64.60") == -64.6
    assert [v for _, _, v in find_money("支出859.16万元，其中基本支出753.83万元")] == [859.16, 753.83]


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
