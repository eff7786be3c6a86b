import pytest
from hypothesis import given, strategies as st


def test_a_total_of_100_in_prose_is_not_replaced_by_the_grade_scale():
    from pipeline.annotate import structure_text
    text = ("某县文化馆2023年度部门整体支出绩效自评报告\n一、自评结论\n"
            "经综合评价，2023年度部门整体支出绩效自评得分100分，评价等级为“优”。等级划分为：优≥90分；良≥80分；中≥60分；差<60分。\n")
    assert structure_text(text).meta.total_score == 100
    row = "某县文化馆2023年度部门整体支出绩效自评表\n自评总分\t\t100\t\t96.5\n"
    assert structure_text(row).meta.total_score == 96.5


def test_filing_date_from_the_signature_line_not_a_publication_date():
    from pipeline.structure.prose_facts import find_meta
    text = ("日期：2024-05-06  来源：区政府网站\n某区统计局2023年度部门整体支出绩效自评报告\n正文。\n\n"
            "某区统计局\n二〇二四年三月十二日\n")
    assert find_meta(text).filled_on == "2024-03-12"
    assert find_meta(text.replace("二〇二四年三月十二日", "2024年3月9日")).filled_on == "2024-03-09"
    assert find_meta("填报日期：2024年2月1日\n……\n2024年3月9日\n").filled_on == "2024-02-01"


def test_grade_scale_written_with_commas():
    from pipeline.structure.prose_facts import find_grade_scale
    scale = find_grade_scale("评价等级：90分（含）以上为优，80分（含）至90分为良，60分（含）至80分为中，60分以下为差。")
    assert scale == {"优": ">=90", "良": "80-90", "中": "60-80", "差": "<60"}


def test_a_scale_of_two_grades_counts_when_every_bound_is_printed():
    from pipeline.structure.prose_facts import find_grade_scale
    assert find_grade_scale("说明：综合得分在85分以上的为优秀，70-85分为良好。") == {"优秀": ">=85", "良好": "70-85"}
    # one score and its grade beside one bound: no scale
    assert find_grade_scale("自评得分92分，等级为优；70-85分为良好。") is None


def test_a_scale_with_each_grade_s_condition_in_brackets_after_it():
    from pipeline.annotate import structure_text
    from pipeline.check import Checker
    from pipeline.structure.prose_facts import find_grade_scale
    line = "评价结果分为优（85分及以上）、良（75-84分）、中（60-74分）、差（60分以下）四个等级。"
    assert find_grade_scale(line) == {"优": ">=85", "良": "75-84", "中": "60-74", "差": "<60"}
    # the report's own scale judges its grade: 87 points are 优 on it (良 on the default 90/80/60)
    r = structure_text("2023年度部门整体支出绩效自评报告\n" + line + "本部门自评得分87分，自评等级为“优”。\n")
    assert r.meta.grade_scale["优"] == ">=85"
    assert [f for f in Checker(min_confidence=0).predict(r) if f.kind == "grade_mismatch"] == []
    # one grade with a bracketed remark is no scale, nor is an indicator's scoring band in percent,
    # which does not hide the report's scale on a later line
    assert find_grade_scale("自评等级为优（自评得分92分）。") is None
    band = "定性指标按完成程度计分：优(100%)、良(80%-99%)、中(60%-79%)、差(低于60%)。\n"
    assert find_grade_scale(band + line) == {"优": ">=85", "良": "75-84", "中": "60-74", "差": "<60"}


def test_year_comparison_table_gives_the_report_years_column():
    from pipeline.annotate import structure_text
    text = ("2021年度部门整体支出绩效自评报告\n单位：万元\n"
            "项目      2020年决算数    2021年决算数     增减额\n"
            "一、收入合计      500.00      480.00     -20.00\n"
            "  财政拨款收入    450.00      470.00      20.00\n"
            "二、支出合计      490.00      475.00     -15.00\n")
    values = {k: v.value for k, v in structure_text(text).budget.items()}
    assert (values["income"], values["fiscal_appropriation_income"], values["expenditure"]) == (480.0, 470.0, 475.0)


def test_prose_amount_grammar_fields_scopes_and_signs():
    from pipeline.structure.amounts import find_budget, find_prose_projects
    text = ("2022年年初部门预算750.00万元，其中财政拨款700.00万元。年中因防汛追加县河道整治、水毁修复等资金120.00万元；"
            "按要求压减一般性支出20.00万元。调整后全年预算850.00万元。全年实际支出830.00万元，较上年支出800.00万元增加30.00万元。"
            "其中基本支出预算300.00万元，基本支出290.00万元。重点项目中，河道整治项目预算100.00万元，支出95.00万元。")
    values = {k: v.value for k, v in find_budget(text, []).items()}
    assert values["initial"] == 750.0 and values["budgeted"] == 850.0 and values["executed"] == 830.0
    assert values["adjustment"] == 100.0            # +120 − 20, between 年初 and 全年
    assert values["basic_expenditure"] == 290.0      # not the 基本支出预算
    assert "fiscal_appropriation_income" not in values  # a part of the initial budget, not income
    assert [(p.name, p.budgeted, p.executed) for p in find_prose_projects(text, [])] == [("河道整治项目", 100.0, 95.0)]


def test_staff_counts_with_separators_in_table_cells_and_as_a_sum_of_kinds():
    from pipeline.structure.prose_facts import find_staff
    assert find_staff("核定编制2,718名，年末在职人员2,655人，离退休人员1,493人。") == {
        "authorized": 2718, "in_service": 2655, "retired": 1493}
    assert find_staff("| 编制人数 | 35 | 年末实有人数 | 33 |\n") == {"authorized": 35, "in_service": 33}
    assert find_staff("核定行政编制27名、事业编制9名，年末实有在职人员34人。") == {
        "administrative": 27, "institutional": 9, "authorized": 36, "in_service": 34}


def test_a_field_term_that_ends_a_name_is_not_the_field():
    from pipeline.structure.amounts import find_budget
    text = "其中基本支出300.00万元、项目支出200.00万元。项目支出中，河道清淤资金项目支出80.00万元。"
    values = {k: v.value for k, v in find_budget(text, []).items()}
    assert values["project_expenditure"] == 200.0 and values["basic_expenditure"] == 300.0
    values = {k: v.value for k, v in find_budget("项目支出中，河道清淤资金项目支出80.00万元。", []).items()}
    assert "project_expenditure" not in values


def test_a_fields_budget_and_spend_stated_like_a_projects():
    from pipeline.structure.amounts import find_budget
    text = "全年支出900.00万元,其中:基本支出预算310.00万元,实际支出305.00万元;项目支出预算620.00万元,实际支出595.00万元."
    values = {k: v.value for k, v in find_budget(text, []).items()}
    assert (values["basic_expenditure"], values["project_expenditure"]) == (305.0, 595.0)


def test_a_project_form_written_as_key_value_lines():
    from pipeline.annotate import structure_text
    text = ("2023年度项目支出绩效自评表\n项目名称：乡村道路养护专项\n年初预算数：40.00万元\n全年预算数：52.00万元\n"
            "全年执行数：50.70万元\n预算执行率：97.50%\n"
            "产出指标—养护里程：目标值≥30公里，完成值32公里，分值20，得分20\n"
            "效益指标—群众满意度：目标值≥92%，完成值88%，分值10，得分9.78\n自评总分：98.50\n")
    r = structure_text(text)
    values = {k: v.value for k, v in r.budget.items()}
    assert (values["initial"], values["budgeted"], values["executed"]) == (40.0, 52.0, 50.7)
    assert [(p.name, p.budgeted, p.executed) for p in r.projects] == [("乡村道路养护专项", 52.0, 50.7)]
    got = [(i.level1, i.name, i.target.text, i.actual.text, i.weight, i.score) for i in r.indicators]
    assert got == [("产出指标", "养护里程", "≥30公里", "32公里", 20.0, 20.0),
                   ("效益指标", "群众满意度", "≥92%", "88%", 10.0, 9.78)]
    assert r.meta.total_score == 98.5


@pytest.mark.parametrize("name_line", ["项目名称 | 乡村道路养护专项", "项目名称\t乡村道路养护专项", "项目名称：乡村道路养护专项"])
def test_a_project_form_s_name_row_left_as_a_line_of_two_cells(name_line):
    from pipeline.annotate import structure_text
    text = ("某县交通运输局2023年度项目支出绩效自评表\n" + name_line + "\n"
            "主管部门 | 某县交通运输局 | 实施单位 | 某县公路事务中心\n"
            "项目资金（万元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分\n"
            "| 年度资金总额 | 40 | 52 | 50.7 | 10 | 97.5% | 9.75\n")
    r = structure_text(text)
    assert [(p.name, p.budgeted, p.executed) for p in r.projects] == [("乡村道路养护专项", 52.0, 50.7)]


def test_goals_numbered_by_the_word_target_and_listed_under_a_goals_column():
    from pipeline.annotate import structure_text
    from pipeline.structure.prose_facts import goals_numbered_by_word
    goals = goals_numbered_by_word("年度总体目标\t目标1：完成河道清淤20公里；目标2：新建泵站2座。目标3：群众满意度达到90%。\n")
    assert [g.text for g in goals] == ["完成河道清淤20公里", "新建泵站2座", "群众满意度达到90%"]
    text = ("2022年度部门整体支出绩效自评表\n序号\t年度绩效目标\t实际完成情况\n1\t完成河道清淤20公里\t完成22公里\n"
            "2\t新建泵站2座\t建成2座\n")
    r = structure_text(text)
    assert [g.text for g in r.goals] == ["完成河道清淤20公里", "新建泵站2座"]
    assert all(r.text[g.start:g.end] == g.text for g in r.goals)


def test_the_last_goal_ends_at_its_cell_not_in_the_cell_beside_it():
    from pipeline.annotate import structure_text
    from pipeline.structure.prose_facts import goals_numbered_by_word
    row = "\t目标1：完成河道清淤20公里。目标2：新建泵站2座。\t全年完成河道清淤22公里，建成泵站2座。\n"
    goals = goals_numbered_by_word("年度总体目标\t预期目标\t实际完成情况\n" + row)
    assert [g.text for g in goals] == ["完成河道清淤20公里", "新建泵站2座"]
    # a CSV form (a spreadsheet's export pads every row to its width): the next cell is on the
    # same line, after a comma; the goals cell bounds its items
    csv = ("2022年度部门整体支出绩效自评表\n年度总体目标,预期目标,,实际完成情况,,,\n"
           ",目标1：完成河道清淤20公里；目标2：新建泵站2座。,,\"全年完成河道清淤22公里，建成泵站2座。\",,,\n"
           "一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分\n"
           "产出指标,数量指标,清淤长度,≥20公里,22公里,10,10\n产出指标,数量指标,新建泵站,2座,2座,10,10\n")
    r = structure_text(csv)
    assert [g.text for g in r.goals] == ["完成河道清淤20公里", "新建泵站2座"]


def test_report_total_of_a_several_project_report_is_its_prose_statement():
    from pipeline.annotate import structure_text
    table = "项目名称\t{name}\n一级指标\t二级指标\t三级指标\t分值\t得分\n产出指标\t数量指标\t{ind}\t100\t{score}\n总分\t\t\t100\t{score}\n"
    text = ("2021年度部门整体支出绩效自评报告\n" + table.format(name="河道整治", ind="清淤长度", score="98.4") + "\n正文。\n\n"
            + table.format(name="供水维护", ind="维修工程", score="96.2") + "\n经自评，我局部门整体支出绩效自评得分为95.30分。\n")
    assert structure_text(text).meta.total_score == 95.3


def test_year_is_the_reported_year_not_a_publication_or_filing_date():
    from pipeline.structure.prose_facts import find_year
    assert find_year("发布时间：2023-04-02\n某县档案馆\n二〇二二年度部门整体支出绩效自评报告\n") == 2022
    assert find_year("填报日期：2024年4月2日\n2023年度项目支出绩效自评表\n") == 2023


def test_unit_is_the_filing_unit_not_a_supervising_body_or_a_cited_issuer():
    from pipeline.structure.prose_facts import find_meta
    text = ("项目支出绩效自评表\n按照县财政局《关于开展2022年度绩效自评的通知》要求开展自评。\n"
            "主管部门：青禾县卫生健康局\n填报单位（盖章）：青禾县疾病预防控制中心\n")
    assert find_meta(text).unit == "青禾县疾病预防控制中心"
    assert find_meta(text.replace("填报单位（盖章）：青禾县疾病预防控制中心\n", "")).unit == "青禾县卫生健康局"


def test_digits_of_a_name_between_a_term_and_its_amount():
    from pipeline.structure.amounts import find_budget, find_prose_projects
    values = {k: v.value for k, v in find_budget("年初预算480.50万元，年中追加96110专线扩容等资金30.00万元，全年预算510.50万元。", []).items()}
    assert values["adjustment"] == 30.0
    values = {k: v.value for k, v in find_budget("年中追加3.5%的绩效奖励资金30.00万元。", []).items()}
    assert "adjustment" not in values   # another figure in between: the term does not reach the amount
    (p,) = find_prose_projects("；“智慧档案”系统升级预算40.00万元，支出38.00万元。", [])
    assert p.name == "“智慧档案”系统升级"


def _project_table(name: str, total: str) -> str:
    return (f"项目名称\t{name}\n一级指标\t二级指标\t三级指标\t分值\t得分\n"
            f"产出指标\t数量指标\t维修泵站\t50\t48\n效益指标\t满意度\t群众满意度\t50\t{float(total) - 48:g}\n"
            f"总分\t100\t{total}\n")


def test_the_whole_total_wins_over_project_tables_and_subtotals():
    from pipeline.annotate import structure_text
    head = "某县水务局2023年度部门整体支出绩效自评报告\n一、项目自评情况\n"
    # three project tables, each with its own 总分: the conclusion states the department's
    projects = "\n".join(_project_table(n, t) for n, t in (("泵站维修", "97.2"), ("河道保洁", "95.5"), ("水质监测", "92.1")))
    tail = ("\n二、自评结论\n综合各项目，本局2023年度部门整体支出绩效自评得分为94.37分。"
            "自评得分90分（含）以上为“优”，80分（含）至90分为“良”。\n")
    assert structure_text(head + projects + tail).meta.total_score == 94.37
    # one project table alone: its own total row is the whole's
    assert structure_text(head + _project_table("泵站维修", "97.2")).meta.total_score == 97.2
    # a subtotal of the indicators part (out of 90), with the whole stated in prose
    sub = ("某县水务局2023年度泵站维修项目支出绩效自评报告\n一、指标完成情况\n"
           "一级指标\t二级指标\t三级指标\t分值\t得分\n产出指标\t数量指标\t维修泵站\t90\t86.5\n合计\t\t\t90\t86.5\n"
           "二、结论\n本项目自评得分95.5分，其中资金执行得分9分，绩效指标得分86.5分。自评得分90分以上为优。\n")
    assert structure_text(sub).meta.total_score == 95.5


def test_the_bound_of_the_scale_is_not_the_total():
    from pipeline.annotate import structure_text
    text = ("某县图书馆2023年度部门整体支出绩效自评报告\n一、自评结论\n"
            "本次评价自评总分100分，实际得分98.08分，评价等级为“优”。\n")
    assert structure_text(text).meta.total_score == 98.08
    spaced = ("某县图书馆2023年度部门整体支出绩效自评报告\n一、自评结论\n"
              "经综合评价，本馆2023年度部门整体支出绩效得分9 6 . 4 5分，等级为“优”。\n")
    assert structure_text(spaced).meta.total_score == 96.45


def test_a_one_project_report_is_about_the_project_its_title_names():
    from pipeline.annotate import structure_text
    body = ("\n一、项目概况\n本项目用于村级道路日常养护。上述资金已全部拨付到位，到位资金52.00万元。\n"
            "二、预算执行\n全年预算数52.00万元，全年执行数50.70万元，执行率97.50%。\n")
    r = structure_text("某县交通运输局\n2023年度乡村道路养护项目支出绩效自评报告" + body)
    assert [(p.name, p.budgeted, p.executed) for p in r.projects] == [("乡村道路养护", 52.0, 50.7)]
    assert r.budget["income"].value == 52.0
    assert r.text[r.projects[0].start:r.projects[0].end] == "乡村道路养护"
    # a title that names only the unit, or a report on the whole unit, names no project
    assert structure_text("2023年度某县交通运输局项目支出绩效自评报告" + body).projects == []
    whole = structure_text("某县交通运输局2023年度部门整体支出绩效自评报告" + body)
    assert whole.projects == [] and "income" not in whole.budget


def test_funds_received_in_a_report_on_several_projects_are_no_income():
    from pipeline.annotate import structure_text
    text = ("某县农业农村局2023年度项目支出绩效自评报告\n"
            "一、项目资金\n甲项目预算30.00万元，支出29.00万元；乙项目预算20.00万元，支出20.00万元。甲项目到位资金30.00万元。\n")
    r = structure_text(text)
    assert len(r.projects) == 2 and "income" not in r.budget


def test_the_project_a_title_names_without_the_unit_the_year_or_a_level():
    from pipeline.structure.prose_facts import find_title_project
    unit = "某县交通运输局"
    for title in ("某县交通运输局2023年度乡村道路养护项目支出绩效自评报告", "某县交通运输局\n乡村道路养护项目绩效自评表",
                  "二〇二三年度乡村道路养护项目绩效自评报告"):
        name, start, end = find_title_project(title + "\n正文。\n", unit)
        assert name == "乡村道路养护" == (title + "\n")[start:end], title
    for title in ("2023年度市级项目支出绩效自评报告", "2023年度某县交通运输局项目支出绩效自评报告", "2023年度部门预算项目支出绩效自评表",
                  "某县交通运输局2023年度项目支出绩效自评表"):   # the year after the unit is the report's
        assert find_title_project(title + "\n正文。\n", unit) is None, title


def test_a_total_score_broken_over_two_lines_by_pdf_extraction_is_read():
    from pipeline.structure.prose_facts import find_total_score
    text = "对照评价指标逐项打分，2023年度部门整体支出绩效自评得\n分96.40分，评价等级为“优”。"
    assert find_total_score(text) == 96.4
    assert find_total_score("自评得分\n90分（含）以上为优。") is None   # the scale, wrapped or not


@given(st.lists(st.sampled_from(["部门", "单位", "整体", "项目", "支出", "绩效", "自评", "评价", "报告", "表", "价", "，", " ", "2023年"]),
                max_size=12))
def test_a_title_is_searched_only_where_its_ending_is_and_found_as_before(words):
    from pipeline.structure.prose_facts import _TITLE, _title_in
    line = "".join(words)
    a, b = _title_in(line), _TITLE.search(line)
    assert (a and a.span()) == (b and b.span())


def test_authorized_staff_pattern_matches_its_compact_form():
    import random
    import re

    from pipeline.structure.prose_facts import _HEADCOUNT, _STAFF_RES
    compact = re.compile(rf"(?<![行政事业算划标])(?:编制数|人员编制|核定编制|编制人数|编制)(?:数)?(?:为|共|是|总数)?{_HEADCOUNT}")
    pieces = ["编制", "人员", "核定", "行政", "事业", "数", "为", "人数", "12", "名", "\t", "3", "人", "，", "预算", "目标"]
    rnd = random.Random(5)
    hits = 0
    for _ in range(20000):
        t = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8)))
        want = [(m.span(), m.groupdict()) for m in compact.finditer(t)]
        assert [(m.span(), m.groupdict()) for m in _STAFF_RES["authorized"].finditer(t)] == want, t
        hits += bool(want)
    assert hits > 100


def test_a_titles_place_is_read_after_the_year_that_opens_it():
    from pipeline.annotate import structure_text
    r = structure_text("2023年度青禾县乡村道路养护项目支出绩效自评报告\n全年支出10.00万元。\n")
    assert r.meta.region == "青禾县"


def test_drawing_up_a_budget_is_no_staff_establishment():
    from pipeline.structure.prose_facts import find_staff
    # a score table's 「预算编制 | 10」 (budget preparation, 10 points), 「规划编制」, 「目标编制」
    assert find_staff("一级指标\t二级指标\t分值\t得分\n投入\t预算编制\t10\t9\n") == {}
    assert find_staff("绩效目标编制12个，规划编制3个。") == {}
    assert find_staff("核定编制52名。\n编制人数\t35\n") == {"authorized": 52}


def test_the_total_score_is_the_units_not_a_projects_nor_the_full_marks():
    from pipeline.structure.prose_facts import find_total_score
    assert find_total_score("项目A自评得分95分，项目B自评得分88分，部门整体自评得分91.2分。") == 91.2
    assert find_total_score("本次评价总分100分，其中产出指标50分、效益指标50分。自评总得分为92.5分。") == 92.5
    assert find_total_score("经自评，我局得分92分，等级为优。") == 92.0
    assert find_total_score("经自评，部门整体得分89.5分，评价等级为良。") == 89.5
    assert find_total_score("部门整体支出绩效自评结果为92.5分。") == 92.5
    assert find_total_score("经自评，总分100分，等级为优。") == 100.0     # a perfect score stays
    assert find_total_score("项目自评得分95分。") == 95.0                   # a one-project report's own
