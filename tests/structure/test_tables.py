"""Each table layout yields the same indicator facts."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from pipeline.annotate import structure_text

ROWS = [("一级指标", "二级指标", "指标名称", "年初目标值", "实际完成值", "得分"),
        ("产出指标", "数量指标", "开展业务培训", "≥10次", "12次", "20"),
        ("", "", "发放宣传资料", "≥500份", "600份", "20"),
        ("", "质量指标", "验收合格率", "100%", "100%", "20")]
HEAD = "某县农业农村局2022年度部门整体支出绩效自评报告\n三、绩效指标完成情况\n"


def as_tabs():
    return HEAD + "\n".join("\t".join(r) for r in ROWS) + "\n"


def as_cell_lines():
    return HEAD + "\n\n".join("\n".join("\t" + c for c in r) for r in ROWS) + "\n"


def as_pipes():
    lines = ["| " + " | ".join(ROWS[0]) + " |", "|" + "---|" * 6]
    lines += ["| " + " | ".join(r) + " |" for r in ROWS[1:]]
    return HEAD + "\n".join(lines) + "\n"


def as_spaces():
    return HEAD + "\n".join("  ".join(c or "　" for c in r) for r in ROWS) + "\n"


def assert_cells_are_text_slices(r):
    for t in r.tables:
        for row in t.rows:
            for c in row.cells:
                assert r.text[c.start:c.end] == c.text


@pytest.mark.parametrize("make,layout", [(as_tabs, "tabs"), (as_cell_lines, "cell_lines"), (as_pipes, "pipes"),
                                         (as_spaces, "spaces")])
def test_indicator_table_in_every_layout(make, layout):
    r = structure_text(make())
    assert [t.layout for t in r.tables] == [layout]
    assert r.tables[0].kind == "indicators"
    got = [(i.level1, i.level2, i.name, i.target.text, i.actual.text, i.score) for i in r.indicators]
    assert got == [("产出指标", "数量指标", "开展业务培训", "≥10次", "12次", 20),
                   ("产出指标", "数量指标", "发放宣传资料", "≥500份", "600份", 20),
                   ("产出指标", "质量指标", "验收合格率", "100%", "100%", 20)]
    assert_cells_are_text_slices(r)


def test_key_value_rows_and_prose_facts():
    text = ("2021年度部门整体支出绩效自评表\n单位名称\t东湖区文化和旅游局\t\t\n上年结转金额 (万元)\t12.50\t年初预算金额(万元)\t300.00\n"
            "\n预算执行金额为298.40万元，基本支出200.00万元，项目支出98.40万元。\n")
    r = structure_text(text)
    assert r.meta.unit == "东湖区文化和旅游局"
    values = {k: v.value for k, v in r.budget.items()}
    # the year's spend (预算执行金额) is its expenditure too when no 支出合计 is printed (configs/facts.yaml: also)
    assert values == {"carryover": 12.5, "initial": 300.0, "executed": 298.4, "expenditure": 298.4,
                      "basic_expenditure": 200.0, "project_expenditure": 98.4}
    for v in r.budget.values():
        assert r.text[v.start:v.end] == v.text


def test_a_bare_number_in_prose_is_not_money():
    r = structure_text("绩效自评报告\n全年基本支出项目12个，预算执行率98%。\n")
    assert "basic_expenditure" not in r.budget


def test_csv_export_is_a_table_with_quoted_fields_and_key_value_pairs():
    text = ("附件,,,,,\n2022年度部门整体支出绩效自评表,,,,,\n"
            "部门名称,青禾县档案馆,,填报日期,2023年2月8日,\n"
            "年度预算执行情况（万元）,,年初预算数,全年预算数,全年执行数,执行率\n"
            ',年度资金总额,"1,200.00","1,300.00","1,274.00",98.00%\n'
            "年度主要任务,任务名称,主要内容,,预算数（万元）,执行数（万元）\n"
            ",档案数字化,完成馆藏档案扫描和著录，建立目录数据库并接入全省档案查询平台,,420.00,410.50\n"
            ",库房改造,更新恒温恒湿设备,,180.00,176.20\n"
            "自评等级,优,,,,\n")
    r = structure_text(text)
    assert r.tables and r.tables[0].layout == "csv"
    assert r.meta.unit == "青禾县档案馆" and r.meta.filled_on == "2023-02-08" and r.meta.grade == "优"
    values = {k: v.value for k, v in r.budget.items()}
    assert values["initial"] == 1200.0 and values["budgeted"] == 1300.0 and values["executed"] == 1274.0
    assert [(p.name, p.budgeted, p.executed) for p in r.projects] == [("档案数字化", 420.0, 410.5), ("库房改造", 180.0, 176.2)]
    assert_cells_are_text_slices(r)


def test_numbered_duties_with_ascii_commas_are_prose_not_a_csv_table():
    # a converter wrote 「,」 for 「，」: three numbered duties with three commas each are no rows
    text = (HEAD.replace("三、绩效指标完成情况", "一、主要职能") +
            "1)负责全县道路养护,桥梁检测,隧道巡查,涵洞疏通等工作。\n"
            "2)负责公路路政管理,依法查处违法占道,超限运输,损坏路产等行为。\n"
            "3)负责农村公路建设,组织项目申报,质量监督,竣工验收工作。\n")
    r = structure_text(text)
    assert not r.tables


def test_money_unit_above_a_table_and_header_roles_by_position():
    text = ("2021年度项目支出绩效自评表\n\n金额单位：元\n"
            "项目名称\t农田水利维修\t农田水利维修\t农田水利维修\n"
            "项目资金\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
            "年度资金总额\t1,000,000.00\t1,200,000.00\t1,140,000.00\t10\t95.00%\t9.50\n")
    r = structure_text(text)
    (p,) = r.projects
    assert p.name == "农田水利维修"  # a merged cell repeated across grid columns is read once
    assert (p.budgeted, p.executed, p.execution_rate) == (120.0, 114.0, 95.0)
    values = {k: v.value for k, v in r.budget.items()}  # a one-project report states its own figures
    assert (values["initial"], values["budgeted"], values["executed"]) == (100.0, 120.0, 114.0)


def test_indicator_header_with_a_leading_row_label_column():
    text = ("绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
            "\t产出指标\t数量指标\t巡查河段\t≥20次\t24次\t10\t10\n"
            "\t\t\t清理垃圾\t≥50吨\t48吨\t10\t9.6\n"
            "\t效益指标\t社会效益指标\t群众满意度\t≥90%\t93%\t10\t10\n")
    r = structure_text("2022年度部门整体支出绩效自评表\n" + text)
    got = [(i.level1, i.level2, i.name, i.target.text, i.score) for i in r.indicators]
    assert got == [("产出指标", "数量指标", "巡查河段", "≥20次", 10.0), ("产出指标", "数量指标", "清理垃圾", "≥50吨", 9.6),
                   ("效益指标", "社会效益指标", "群众满意度", "≥90%", 10.0)]


def test_one_cell_per_line_table_without_indent_is_rebuilt_row_by_row():
    text = ("2022年度部门整体支出绩效自评报告\n表2  绩效指标完成情况表\n"
            "一级指标\n二级指标\n三级指标\n指标值\n实际完成值\n分值\n得分\n"
            "产出指标\n数量指标\n巡查河段\n≥20次\n24次\n10\n10\n"
            "清理垃圾\n≥50吨\n48吨\n10\n9.6\n"
            "质量指标\n水质达标率\n100%\n100%\n10\n10\n"
            "注：本表由我局填报。\n")
    r = structure_text(text)
    assert [t.layout for t in r.tables] == ["lines"]
    got = [(i.level1, i.level2, i.name, i.target.text, i.actual.text, i.weight, i.score) for i in r.indicators]
    assert got == [("产出指标", "数量指标", "巡查河段", "≥20次", "24次", 10.0, 10.0),
                   ("产出指标", "数量指标", "清理垃圾", "≥50吨", "48吨", 10.0, 9.6),
                   ("产出指标", "质量指标", "水质达标率", "100%", "100%", 10.0, 10.0)]


def test_pipe_rows_without_outer_pipes_keep_their_empty_first_cells_and_the_rows_own_weight():
    text = ("2024年度部门整体支出绩效自评报告\n一级指标 | 分值 | 二级指标 | 分值 | 得分\n决策 | 25 | 目标设定 | 10 | 9.2\n"
            " |  | 预算编制 | 15 | 14.3\n过程 | 75 | 资金管理 | 75 | 72\n\n经自评，决策指标得分23.5分，过程指标得分72分，综合得分95.5分。\n")
    r = structure_text(text)
    assert [(i.name, i.weight, i.score) for i in r.indicators] == [("目标设定", 10.0, 9.2), ("预算编制", 15.0, 14.3),
                                                                  ("资金管理", 75.0, 72.0)]
    assert {(g.name, g.score) for g in r.score_groups} == {("决策", 23.5), ("过程", 72.0)}


def test_fixed_width_table_with_wrapped_cells():
    text = ("2020年度部门整体支出绩效自评报告\n\n"
            "一级指标  二级指标  三级指标      评分标准              分值  完成情况    得分\n"
            "投入      目标管理  绩效目标合理  合理得满分，每发现一  6     合理        6\n"
            "                    性            处偏差扣2分\n"
            "过程      资金管理  资金支付及时  ≥98%得满分，每低1个   4     96.0%       3.2\n"
            "                    率            百分点扣0.4分\n"
            "合计                                                    10                9.2\n")
    r = structure_text(text)
    assert [t.layout for t in r.tables] == ["fixed"]
    got = [(i.level1, i.level2, i.name, i.weight, i.actual.text, i.score) for i in r.indicators]
    assert got == [("投入", "目标管理", "绩效目标合理性", 6.0, "合理", 6.0),
                   ("过程", "资金管理", "资金支付及时率", 4.0, "96.0%", 3.2)]


@given(st.text(alphabet="ab \u3000\t|\n", max_size=25), st.sampled_from(["\t", "|"]))
def test_a_one_character_separator_splits_as_its_pattern_does(line, sep):
    # str.split on a tab or a pipe, trimmed as _trim trims: the cells a regex split gives
    import re

    from pipeline.structure.tables import _split_cells
    for start in (0, min(2, len(line))):
        assert _split_cells(line, start, len(line), sep) == _split_cells(line, start, len(line), re.compile(re.escape(sep)))


@given(st.text(alphabet="ab \u3000\t", max_size=25))
def test_a_line_without_a_run_of_spaces_is_one_cell(line):
    from pipeline.structure.tables import _SPACES, _space_cells, _split_cells
    start = len(line) - len(line.lstrip(" \u3000"))
    expected = [] if start >= len(line) else \
        [c for c in _split_cells(line, start, len(line), _SPACES) if c[1] > c[0]]
    assert _space_cells(line, 0, len(line)) == expected


@given(st.lists(st.sampled_from(["指标", "绩效指标", "一级指标", "指标名称", "目标", "目标值", "年度目标", "完成情况", "实际完成情况",
                                 "得分", "评分标准", "评分", "产出指标", "数量指标", "≥10次", "", "分值"]), max_size=6))
def test_the_row_prefilter_finds_a_role_word_exactly_where_a_cell_has_one(cells):
    from pipeline.structure.table_facts import _ANY_INDICATOR_ROLE, _INDICATOR_ROLES
    assert "(?<!" in _ANY_INDICATOR_ROLE.pattern   # the anchored words are written first-character first
    anywhere = any(p.search(c) for c in cells for _, p in _INDICATOR_ROLES)
    assert bool(_ANY_INDICATOR_ROLE.search("\n".join(cells))) == anywhere


def test_score_groups_from_prose_come_in_the_same_order_whatever_the_hash_seed():
    """Records are compared byte for byte between runs (resume, benches): groups of equal name
    length must not follow a set's hash order."""
    import os
    import subprocess
    import sys
    code = ("from pipeline.annotate import structure_text\n"
            "t = ('2024年度部门整体支出绩效自评报告\\n一级指标 | 分值 | 二级指标 | 分值 | 得分\\n决策 | 20 | 目标设定 | 20 | 18.5\\n'\n"
            "     '产出 | 30 | 数量 | 30 | 29\\n效益 | 30 | 社会效益 | 30 | 28\\n过程 | 20 | 资金管理 | 20 | 19\\n\\n'\n"
            "     '经自评，决策指标得分18.5分，过程指标得分19分，产出指标得分29分，效益指标得分28分。\\n')\n"
            "print([g.name for g in structure_text(t).score_groups])\n")
    orders = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2, 3, 4, 5)}
    assert len(orders) == 1, orders
    assert "决策" in orders.pop()


def test_a_groups_subtotal_row_is_its_score_not_an_indicator():
    from pipeline.annotate import structure_text
    from pipeline.check import Checker
    rows = [("投入", "预算编制", 10, 9), ("", "预算执行", 10, 9.6), ("", "小计", 20, 18.6),
            ("产出", "数量目标", 50, 47), ("", "质量目标", 30, 28), ("", "小计", 80, 75)]
    text = ("2023年度部门整体支出绩效自评报告\n一级指标\t二级指标\t分值\t得分\n"
            + "".join(f"{a}\t{b}\t{w}\t{s}\n" for a, b, w, s in rows) + "合计\t\t100\t93.6\n")
    r = structure_text(text)
    assert [i.name for i in r.indicators] == ["预算编制", "预算执行", "数量目标", "质量目标"]
    assert [(g.name, g.score) for g in r.score_groups] == [("投入", 18.6), ("产出", 75.0)]
    # the indicators' weights now make a whole scheme, and the total agrees with their scores
    assert r.meta.total_score == 93.6 and not Checker().predict(r)


def test_an_indicator_row_with_more_cells_than_its_header_keeps_no_figures():
    """A reader that broke one cell in two (「≥120 | 0件」 for 「≥1200件」) shifts every column after
    it: the row is still an indicator, but its score, target and actual cannot be told apart, so
    none is read and no check judges them (invented figures)."""
    header = "一级指标\t二级指标\t指标名称\t分值\t年初目标值\t实际完成值\t评价得分"
    rows = ["产出\t数量指标\t办理信访事项数\t5\t≥1200件\t1150件\t4.79",
            "\t\t开展业务培训次数\t5\t≥120\t0件\t915件\t3.81"]
    r = structure_text("2023年度部门整体支出绩效自评表\n" + "\n".join([header, *rows]) + "\n")
    first, broken = r.indicators
    assert (first.score, first.actual.value) == (4.79, 1150)
    assert broken.name == "开展业务培训次数" and broken.weight == 5
    assert broken.score is None and broken.target is None and broken.actual is None


@pytest.mark.parametrize("rows", [
    # a serial column, groups numbered by word above projects numbered by digit
    ["序号 | 项目名称 | 全年预算数 | 全年执行数 | 执行率", "一 | 民生保障类项目 | 60.00 | 57.00 | 95.00%",
     "1 | 困难群众救助 | 35.00 | 34.00 | 97.14%", "2 | 临时救助 | 25.00 | 23.00 | 92.00%",
     "二 | 基础设施类项目 | 40.00 | 36.00 | 90.00%", "1 | 便民服务站改造 | 40.00 | 36.00 | 90.00%",
     "合计 | | 100.00 | 93.00 | 93.00%"],
    # each group closed by its subtotal
    ["项目名称 | 全年预算数 | 全年执行数 | 执行率", "困难群众救助 | 35.00 | 34.00 | 97.14%", "临时救助 | 25.00 | 23.00 | 92.00%",
     "小计 | 60.00 | 57.00 | 95.00%", "便民服务站改造 | 40.00 | 36.00 | 90.00%", "小计 | 40.00 | 36.00 | 90.00%",
     "总计 | 100.00 | 93.00 | 93.00%"],
])
def test_a_project_list_s_serials_groups_and_subtotals_are_no_projects(rows):
    from pipeline.annotate import structure_text
    from pipeline.check import Checker
    r = structure_text("2023年度部门整体支出绩效自评报告\n二、项目支出情况\n单位：万元\n" + "\n".join(rows)
                       + "\n全年项目支出100.00万元。\n")
    assert [(p.name, p.budgeted, p.executed) for p in r.projects] == [
        ("困难群众救助", 35.0, 34.0), ("临时救助", 25.0, 23.0), ("便民服务站改造", 40.0, 36.0)]
    assert [f for f in Checker(min_confidence=0).predict(r) if f.kind == "sum_mismatch"] == []


def test_a_table_of_kinds_of_spending_lists_no_projects_and_a_list_s_numbers_are_no_part_of_names():
    from pipeline.annotate import structure_text
    spending = structure_text("2023年度部门整体支出绩效自评报告\n单位：万元\n项目 | 预算数 | 决算数\n合计 | 18.00 | 14.00\n"
                              "1.因公出国（境）费 | 0.00 | 0.00\n2.公务用车购置及运行维护费 | 13.00 | 10.00\n"
                              "3.公务接待费 | 5.00 | 4.00\n")
    assert spending.projects == []
    listed = structure_text("2023年度部门整体支出绩效自评报告\n单位：万元\n项目名称 | 全年预算数 | 全年执行数\n"
                            "1.困难群众救助 | 35.00 | 34.00\n2.临时救助 | 25.00 | 23.00\n")
    assert [p.name for p in listed.projects] == ["困难群众救助", "临时救助"]


def test_total_row_words_each_have_a_prefilter_character():
    # _indicator_row looks for a total word only in a row holding one of _TOTAL_ROW_CHARS
    from pipeline.structure.lexicon import top_level_alternatives
    from pipeline.structure.table_facts import _TOTAL_ROW, _TOTAL_ROW_CHARS
    for word in top_level_alternatives(_TOTAL_ROW.pattern):
        assert any(ch in word for ch in _TOTAL_ROW_CHARS), word
