

def test_a_total_of_100_in_prose_is_not_replaced_by_the_grade_scale():
    from pipeline.annotate import structure_text
    text = ("某县文化馆2023年度部门整体支出绩效自评报告\n一、自评结论\n"
            "经综合评价，2023年度部门整体支出绩效自评得分100分，评价等级为“优”。等级划分为：优≥90分；良≥80分；中≥60分；差<60分。\n")
    assert structure_text(text).meta.total_score == 100
    row = "某县文化馆2023年度部门整体支出绩效自评表\n自评总分\t\t100\t\t96.5\n"
    assert structure_text(row).meta.total_score == 96.5
