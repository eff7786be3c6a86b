"""Cleaning: each pass, the offset map, idempotence."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.clean import OffsetMap, clean_text


def test_markup_numbers_and_garbage_are_cleaned():
    src = "#### 标题\r\n<p>金额1609. 99万元，比例98. 20%，合计1 286. 4万元</p>\n• •\n[bookmark: _GoBack]正文&amp;附注\n"
    c = clean_text(src)
    assert c.text == "标题\n金额1609.99万元，比例98.20%，合计1286.4万元\n正文&附注\n"
    assert c.heading_hints == [(0, 4)]


def test_foreign_script_runs_are_dropped_but_the_row_stays():
    c = clean_text("\tक्टां वि\t常委会会议\t100%\t4")
    assert c.text == "\t \t常委会会议\t100%\t4"


def test_full_width_digits_and_list_numbers_survive_correctly():
    c = clean_text("１２３．５万元\n1. 2021年度工作\n2021. 2. 25")
    assert c.text == "123.5万元\n1. 2021年度工作\n2021.2.25"


def test_offsets_point_back_to_the_source():
    src = "<b>预算</b>执行 98. 20%\r\n完成"
    c = clean_text(src)
    for i, ch in enumerate(c.text):
        j = c.offsets.to_source(i)
        assert src[j] == ch or (ch == "\n" and src[j] == "\r")
    s, e = c.offsets.span_to_clean(src.index("执行"), src.index("执行") + 2)
    assert c.text[s:e] == "执行"


def test_runs_round_trip():
    src = "<p>一、基本情况</p>\n收入1 286. 4万元"
    c = clean_text(src)
    again = OffsetMap.from_runs(c.offsets.runs(), len(c.text), len(src))
    assert list(again.to_source_arr) == list(c.offsets.to_source_arr)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("预算执行1234567890.% \t\n\r<p>b/&;#万元①一、（）”-") + ["\u3000", "क", "•"]), max_size=80))
def test_cleaning_is_idempotent_and_maps_monotonically(src):
    c = clean_text(src)
    assert clean_text(c.text).text == c.text
    arr = list(c.offsets.to_source_arr)
    assert arr == sorted(arr)
    assert len(arr) == len(c.text) + 1


def test_foreign_debris_inside_a_split_decimal_cleans_in_one_pass():
    # found by the property test above: removing the stray letter joins 0\t.0, which must
    # happen in the same cleaning, not the next
    c = clean_text("0\t.क0")
    assert clean_text(c.text).text == c.text


@pytest.mark.parametrize("raw,clean", [
    ("收入4 ,7 3 6 . 2 8万元", "收入4,736.28万元"),     # letter-spaced OCR of one number
    ("接待8 . 6万人次", "接待8.6万人次"),
    ("受理6 1 2件", "受理612件"),                       # letter-spaced count before its measure word
    ("举办讲座5 3场", "举办讲座53场"),                   # a two-digit count: one space
    ("第1 2项", "第1 2项"),
    ("受理4 6 件", "受理4 6 件"),
    ("得分 4 6分", "得分 4 6分"),                       # no word right before it: two figures of a row
    ("第1 2 3 4项", "第1 2 3 4项"),                     # after 第: maybe items of a list
    ("受理6 12件", "受理6 12件"),                       # groups of more than one digit: two figures
    ("受理6 1 2 件", "受理6 1 2 件"),                   # no measure word right after it
    ("2O24年度", "2024年度"),                          # the letter O read for a zero
    ("得分 5 5 10", "得分 5 5 10"),                    # separate figures of a row stay apart
    ("1.5 2.5", "1.5 2.5"),
    ("评分 10 9.5 8", "评分 10 9.5 8"),
    ("第 3 页 共 5 页", "第 3 页 共 5 页"),
])
def test_letter_spaced_numbers_are_joined_only_into_one_well_formed_number(raw, clean):
    assert clean_text(raw).text == clean
    assert clean_text(clean).text == clean   # idempotent


def test_page_furniture_between_the_halves_of_a_sentence_is_removed():
    raw = ("某局2021年度部门整体支出绩效自评报告\n一、概况\n该项目全年预\n\n－ 3 －\n\n"
           "某局2021年度部门整体支出绩效自评报告\n算315.00万元。\n正文\n—2—\n第 3 页 共 5 页\n4,106.52万元。\n")
    cleaned = clean_text(raw)
    assert cleaned.text == "某局2021年度部门整体支出绩效自评报告\n一、概况\n该项目全年预\n算315.00万元。\n正文\n4,106.52万元。\n"
    assert clean_text(cleaned.text).text == cleaned.text
    s, e = cleaned.offsets.span_to_source(cleaned.text.index("算"), cleaned.text.index("算") + 1)
    assert raw[s:e] == "算"


def test_html_cells_in_text_stay_apart_and_ocr_spaced_decimals_join():
    cleaned = clean_text("<tr><td colspan=\"3\">总分</td><td>100</td> <td>88.35</td></tr>\n得分9 6 . 4 5分，第1 2 3 4项\n")
    assert cleaned.text == "总分\t100\t88.35\n得分96.45分，第1 2 3 4项\n"
    start = cleaned.text.index("96.45")
    # every digit keeps its own source offset
    source = "<tr><td colspan=\"3\">总分</td><td>100</td> <td>88.35</td></tr>\n得分9 6 . 4 5分，第1 2 3 4项\n"
    assert "".join(source[cleaned.offsets.to_source(start + k)] for k in range(5)) == "96.45"


@pytest.mark.parametrize("raw,clean", [
    ("加强项目前期论证.对建设类项目提前完成选址.", "加强项目前期论证。对建设类项目提前完成选址。"),
    ("完成“接诉即办”.下一步", "完成“接诉即办”。下一步"),
    ("执行率下降1.5个百分点.\n", "执行率下降1.5个百分点。\n"),
    ("一.总体情况", "一.总体情况"),               # a heading's numeral
    ("（三）.其他", "（三）.其他"),
    ("增长1.5%", "增长1.5%"),                     # a decimal point
    ("No.1文件", "No.1文件"),
    ("预算. 执行", "预算. 执行"),                 # not followed by prose directly
    ("完成率87.52%.其中基本支出", "完成率87.52%。其中基本支出"),   # after a percent sign
    ("完成率96%.5项", "完成率96%.5项"),
])
def test_an_ascii_full_stop_that_ends_chinese_prose_is_the_ideographic_one(raw, clean):
    c = clean_text(raw)
    assert c.text == clean
    assert len(c.text) == len(raw) and clean_text(clean).text == clean   # one for one, idempotent
