

def test_a_total_of_100_in_prose_is_not_replaced_by_the_grade_scale():
    from pipeline.annotate import structure_text
    text = ("某县文化馆2023年度部门整体支出绩效自评报告\n一、自评结论\n"
            "经综合评价，2023年度部门整体支出绩效自评得分100分，评价等级为“优”。等级划分为：优≥90分；良≥80分；中≥60分；差<60分。\n")
    assert structure_text(text).meta.total_score == 100
    row = "某县文化馆2023年度部门整体支出绩效自评表\n自评总分\t\t100\t\t96.5\n"
    assert structure_text(row).meta.total_score == 96.5


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
