from __future__ import annotations

from pipeline.annotate import structure_text


def titles(record):
    return [(s.level, s.kind, s.title) for s in record.sections]


def test_numbering_styles_nest_in_order_of_appearance():
    text = ("部门整体支出绩效自评报告\n一、部门基本情况\n（一）主要职能\n1、负责全市预算编制工作。\n（二）人员构成\n"
            "核定编制10人。\n二、存在的问题\n预算执行偏慢。\n三、改进措施\n加快预算执行。\n")
    r = structure_text(text)
    assert titles(r) == [(1, "basic_info", "部门基本情况"), (2, "functions", "主要职能"), (2, "staffing", "人员构成"),
                         (1, "problems", "存在的问题"), (1, "measures", "改进措施")]
    by_title = {s.title: s for s in r.sections}
    assert by_title["主要职能"].parent == by_title["部门基本情况"].id
    assert r.text[by_title["存在的问题"].start:by_title["存在的问题"].end].startswith("二、存在的问题")


def test_a_mis_numbered_heading_rejoins_its_family():
    # 「（2）」 after 「（一）」 and a run of 1、 items is the second item of the （一） level
    text = ("自评报告 预算绩效\n一、基本情况\n（一）部门概况\n1、政治协商\n正文。\n2、民主监督\n正文。\n（2） 部门收支情况\n收入10万元。\n")
    r = structure_text(text)
    levels = {s.title: s.level for s in r.sections}
    assert levels["部门收支情况"] == levels["部门概况"] == 2
    assert levels["政治协商"] == 3


def test_long_numbered_lines_are_items_not_headings():
    text = "绩效自评报告\n一、主要职能\n1、负责全县教育事业发展规划的拟定和组织实施，统筹管理各类学校。\n"
    r = structure_text(text)
    assert [s.title for s in r.sections] == ["主要职能"]


def test_a_section_ends_where_the_next_heading_at_its_level_or_above_begins():
    text = ("部门整体支出绩效自评报告\n一、部门基本情况\n（一）主要职能\n1、负责全市预算编制工作。\n2、负责绩效管理。\n"
            "（二）人员构成\n核定编制10人。\n二、存在的问题\n（一）预算执行偏慢\n执行率低。\n三、改进措施\n加快预算执行。\n")
    secs = structure_text(text).sections
    assert max(s.level for s in secs) >= 2
    for i, sec in enumerate(secs):
        nxt = next((n for n in secs[i + 1:] if n.level <= sec.level), None)
        assert sec.end == (nxt.start if nxt else len(text)), sec.title


def test_the_years_tasks_and_their_completion_are_no_list_of_duties():
    from pipeline.structure.sections import classify_title
    assert classify_title("年度主要任务完成情况") == "evaluation"
    assert classify_title("（二）年度主要任务及完成情况") == "evaluation"
    assert classify_title("部门主要任务") == "functions" and classify_title("主要职责及完成情况") == "functions"


def test_a_run_of_bare_numbers_and_bracketed_titles_that_name_report_parts_are_headings():
    # a PDF's 「2.」 without its dot, in a run; a lone number and a count are no headings
    text = ("部门整体支出绩效自评报告\n1 部门概况\n负责全县档案工作。\n2 存在的问题\n3 个库房温湿度控制不达标。\n"
            "3 改进措施\n更新温湿度监控设备。\n")
    r = structure_text(text)
    assert titles(r) == [(1, "basic_info", "部门概况"), (1, "problems", "存在的问题"), (1, "measures", "改进措施")]
    alone = structure_text("部门整体支出绩效自评报告\n一、存在问题\n3 个项目未完成年度目标\n")
    assert [s.title for s in alone.sections] == ["存在问题"]
    # 【…】 opens a section whose text follows on the same line; a web page's 【打印】 names no part
    web = structure_text("部门整体支出绩效自评报告\n【打印本页】 【关闭窗口】\n【存在问题】库房面积不足。\n【改进措施】申请扩建库房。\n")
    assert titles(web) == [(1, "problems", "存在问题"), (1, "measures", "改进措施")]
    problems = web.sections[0]
    assert "库房面积不足" in web.text[problems.start:problems.end]
