"""pipeline.lexicon: one home for sentences, clauses, numbering, counts and imperative openings."""
import re

import pytest

from pipeline.lexicon import (item_number_before_figure, BREAK, CLAUSE, ENUMERATOR, IMPERATIVE_OPENING, NEGATIVE_STATE, NUMBERING, SENTENCE,
                              first_clause, has_count, is_count, list_lead, sentence_around)
from pipeline.tag.workload import QUANTITY


def test_sentences_end_at_sentence_marks_and_line_breaks_not_commas():
    text = "加强管理，提高效率。完善制度；\n落实责任"
    assert [m.group() for m in SENTENCE.finditer(text)] == ["加强管理，提高效率", "完善制度", "落实责任"]
    assert [m.group() for m in CLAUSE.finditer("加强管理，提高效率。")] == ["加强管理", "提高效率"]
    assert first_clause("资产登记更新不及时，账实不符") == "资产登记更新不及时" and first_clause("，后文") == ""
    assert [m.start() for m in BREAK.finditer("甲\t乙。丙")] == [1, 3]
    assert sentence_around(text, text.index("提高"), text.index("提高") + 2) == "加强管理，提高效率"


def test_numbering_levels_and_every_enumerator_form():
    levels = {s: next((lv for lv, p in NUMBERING if p.match(s)), None) for s in ("一、总体", "（二）职能", "3.培训", "（4）宣传")}
    assert levels == {"一、总体": 1, "（二）职能": 2, "3.培训": 3, "（4）宣传": 4}
    enum = re.compile(rf"(?:{ENUMERATOR})")
    for s in ("一是", "第一，", "（1）", "(一)", "1.", "2、", "3)", "一、", "①"):
        assert enum.fullmatch(s), s
    assert not enum.match("2023年")  # a year is no item number
    # section-numbered items: 「4.1 食堂…」, 「4.1.2、…」; a figure is none (「96.7%」, 「12.5 %」, 「1.65岁」)
    assert enum.match("4.1 食堂从业人员").group() == "4.1 " and enum.match("4.1.2、完善").group() == "4.1.2、"
    for figure in ("96.7%", "12.5 %", "3.2万亩", "1.65岁"):   # 「1.65岁」 may be 「1.」 + 「65岁」: left to the model
        assert not enum.match(figure), figure


def test_counts_and_numbers_that_name():
    assert has_count("培训教师120人次", 0, 9) and not has_count("加强培训", 0, 4)
    text = "召开第三次会议，培训120人次"
    counts = {m.group(): is_count(text, m) for m in QUANTITY.finditer(text)}
    assert counts.get("120人次") is True
    assert all(not ok for q, ok in counts.items() if q.startswith("三"))


def test_imperative_openings_and_negative_states():
    assert IMPERATIVE_OPENING.match("进一步加强绩效管理") and not IMPERATIVE_OPENING.match("绩效管理不够规范")
    assert NEGATIVE_STATE.search("绩效管理不够规范") and not NEGATIVE_STATE.search("进一步加强绩效管理")


def test_item_number_before_reads_each_enumerator_family_with_its_numeral():
    from pipeline.lexicon import item_number_before
    cases = {"二是预算": ("shi", "二"), "第三，预算": ("di", "三"), "（四）预算": ("paren", "四"), "(2)预算": ("paren", "2"),
             "2. 预算": ("digit", "2"), "3、预算": ("digit", "3"), "五、预算": ("cn", "五")}
    for text, want in cases.items():
        assert item_number_before(text, text.index("预")) == want, text
    # not right before the position, or no numeral to read
    assert item_number_before("二是预算不足", 4) is None
    assert item_number_before("①预算", 1) is None
    assert item_number_before("2023.预算", 5) is None  # a year, not item 23


def test_an_enumerators_value_and_a_bullet():
    from pipeline.lexicon import BULLET, ENUMERATOR_RE, enumerator_value
    marks = {"一是": 1, "二、": 2, "（3）": 3, "(十二)": 12, "1)": 1, "2、": 2, "②": 2, "第四，": 4, "十一、": 11, "3.": 3}
    for mark, value in marks.items():
        assert ENUMERATOR_RE.fullmatch(mark) and enumerator_value(mark) == value, mark
    assert enumerator_value("4.1 ") is None   # a section's number, not an item's
    assert BULLET.match("● 加快项目实施进度") and BULLET.match("- 完善制度") and not BULLET.match("加快项目实施进度")


def test_a_two_level_section_numbers_item():
    """4.2 is the second item under section 4 (problems 4.1, 4.2 pair with measures 5.1, 5.2); a
    deeper number or an item's own enumerator has none."""
    from pipeline.lexicon import ENUMERATOR_RE, section_item_value
    for line, value in {"4.2 资产登记不及时": 2, "5.1、建立台账": 1, "3．12 宣传覆盖面窄": 12}.items():
        m = ENUMERATOR_RE.match(line)
        assert m and section_item_value(m.group(0)) == value, line
    for line in ("4.1.2 资产登记", "一是资产登记", "2、资产登记", "（3）资产登记"):
        m = ENUMERATOR_RE.match(line)
        assert m and section_item_value(m.group(0)) is None, line


def test_a_list_lead_is_the_clause_a_line_ends_with_before_a_colon():
    assert list_lead("部门主要职责：") == "部门主要职责："
    assert list_lead("本局是县政府工作部门，主要职能包括: ") == "主要职能包括:"
    assert list_lead("加强管理，提高效率。") is None          # no colon at the end
    assert list_lead("填报日期：2023年4月17日") is None       # a field's value follows the colon
    assert list_lead("A:") is None                           # not a clause of words
    assert list_lead("针对上述问题，下一步将从以下几个方面加以改进：") == "下一步将从以下几个方面加以改进："
    assert list_lead("本单位根据年初下达的预算批复和年度工作计划对全年工作情况总结如下：") is None  # no clause a lead


@pytest.mark.parametrize("cell,level", [("1", "digit"), ("12", "digit"), ("（3）", "digit"), ("2.", "digit"),
                                        ("一", "word"), ("十二", "word"), ("（二）", "word"), ("三、", "word"),
                                        ("合计", None), ("100.00", None), ("一是", None), ("", None)])
def test_a_table_s_serial_cell_and_its_numbering(cell, level):
    from pipeline.lexicon import serial_level
    assert serial_level(cell) == level


@pytest.mark.parametrize("text,approximate", [("实际支出约1,200万元", True), ("项目支出近365万元", True),
                                              ("支出1,200万元左右", True), ("刊发稿件60余篇", True),
                                              ("实际支出1,198.76万元", False), ("近三年支出1,198.76万元", False)])
def test_a_figure_written_as_approximate(text, approximate):
    from pipeline.lexicon import is_approximate
    assert is_approximate(text + "。", 0, len(text.removesuffix("左右"))) == approximate


@pytest.mark.parametrize("label,style", [("2.公务用车购置及运行维护费", "d."), ("3.公务接待费", "d."), ("（三）加强管理", "（w）"),
                                         ("一", "w"), ("12", "d"), ("一、部门概况", "w、"), ("其中：公务接待费", None),
                                         ("合计", None)])
def test_a_label_s_numbering_style(label, style):
    from pipeline.lexicon import number_style
    assert number_style(label) == style


def test_an_item_number_before_a_figure_counts_only_in_a_numbered_sequence():
    """「1.2023年…」 opens a list item when the list goes on with 2. on a later line or cell (or 1.
    came before 「2.…」); alone, or inside a line, 「1.65」 is a decimal."""
    listed = "说明\t1.2023年下半年设备到货延迟，未能按期验收。\n2.部分指标值设定偏低。"
    assert listed[item_number_before_figure(listed, 3):].startswith("2023年")
    later = "存在问题：\n1.完成率偏低。\n2.80周岁以上老人走访未达计划。"
    assert later[item_number_before_figure(later, later.index("2.80")):].startswith("80周岁")
    assert item_number_before_figure("1.65万元用于设备购置。", 0) is None              # no list
    assert item_number_before_figure("\t1.5万元\n3.其他", 1) is None               # 3 does not follow 1
    assert item_number_before_figure("合计1.65万元\n2.其他", 2) is None             # inside a line
