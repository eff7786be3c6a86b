

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
