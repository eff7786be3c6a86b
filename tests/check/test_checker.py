import pytest

from pipeline.annotate import structure_text
from pipeline.check import Checker, Tolerance
from pipeline.check.grades import grade_for, parse_bound
from pipeline.record import Project, StatedValue
from tests.check.records import consistent_builder, indicator_rows


def _record(total=98.5, grade="优", scale=None, rows=None):
    b = consistent_builder()
    b.indicator_table(rows or indicator_rows())
    rec = b.build()
    rec.meta.total_score, rec.meta.grade = total, grade
    if scale:
        rec.meta.grade_scale = scale
    return rec


def _kinds(rec):
    return sorted(f.kind for f in Checker().predict(rec))


def _restated(rec):
    """The restated_mismatch findings of a record, whatever their confidence."""
    return [f for f in Checker(min_confidence=0).predict(rec) if f.kind == "restated_mismatch"]


def test_consistent_record_has_no_findings():
    assert _kinds(_record()) == []


def test_balance_that_does_not_close():
    rec = _record()
    rec.budget["balance"] = rec.budget["balance"].model_copy(update={"value": 16.0})
    # the report prints no balance equation: a derived finding, below the default confidence
    assert Checker().predict(rec) == []
    (f,) = Checker(min_confidence=0).predict(rec)
    assert f.kind == "balance_mismatch" and f.stated == 16.0 and f.expected == 15.0
    assert "budget.balance" in f.refs and "budget.carryover" in f.refs
    assert (f.relation, f.severity) == ("derived_balance", "warning") and f.confidence < 0.6


def test_rate_not_executed_over_budgeted():
    rec = _record()
    # 96%: neither 190/205 nor 190/200 (the initial budget's reading, 95%, is no error)
    rec.budget["execution_rate"] = rec.budget["execution_rate"].model_copy(update={"value": 96.0})
    # rate, spend and budget stated in different places may differ in scope (年初 vs 全年): not raised
    assert _kinds(rec) == []
    (f,) = Checker(min_confidence=0).predict(rec)
    assert f.kind == "rate_mismatch" and f.relation == "rate_across_document"


def test_rate_stated_beside_both_amounts_is_an_error_with_its_evidence():
    rec = structure_text("2022年度部门整体支出绩效自评报告\n全年预算100.00万元，全年支出90.00万元，预算执行率95.00%。\n")
    (f,) = Checker().predict(rec)
    assert (f.kind, f.relation, f.severity) == ("rate_mismatch", "rate_in_sentence", "error")
    assert [s.text for s in f.sides] == ["预算执行率95.00%", "全年支出90.00万元", "全年预算100.00万元"]
    assert all(rec.text[s.start:s.end] == s.text for s in f.sides)


def test_a_rate_of_the_initial_budget_is_another_reading_not_an_error():
    # our own budget table: 决算数 / 年初预算数 = 106.59%, the report's own reading of 执行率
    table = ("2022年度部门整体支出绩效自评报告\n单位：万元\n项目\t年初预算数\t调整预算数\t决算数\t执行率\n"
             "支出合计\t412.68\t458.32\t439.87\t{rate}\n其中：基本支出\t298.68\t310.24\t309.62\t99.80%\n"
             "项目支出\t114.00\t148.08\t130.25\t87.96%\n")
    rec = structure_text(table.format(rate="106.59%"))
    # the spending total row states the unit's budget (configs/facts.yaml whole_budget_row)
    assert [rec.budget[k].value for k in ("initial", "budgeted", "executed", "execution_rate")] == [
        412.68, 458.32, 439.87, 106.59]
    assert "rate_mismatch" not in _kinds(rec)
    # a rate neither reading explains is still raised, with the row as its evidence
    rec = structure_text(table.format(rate="93.50%"))
    (f,) = [f for f in Checker().predict(rec) if f.kind == "rate_mismatch"]
    assert f.relation == "rate_in_row" and f.stated == 93.5


def test_prose_breakdown_that_does_not_add_up():
    b = consistent_builder()
    b.para("项目支出60.00万元（其中：会议费20.00万元，培训费30.00万元）。")
    # parts that fall short may be a partial listing: not raised by default
    assert [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"] == []
    findings = Checker(min_confidence=0).predict(b.build())
    (f,) = [f for f in findings if f.kind == "sum_mismatch"]
    assert f.stated == 60.0 and f.expected == 50.0 and f.severity == "warning" and len(f.refs) == 3
    assert f.relation == "partial_breakdown"


def test_complete_breakdown_that_falls_short_is_an_error():
    b = consistent_builder()
    b.para("本年收入合计60.00万元，其中：财政拨款收入20.00万元（基本支出补助15.00万元、项目支出补助5.00万元）；"
           "事业收入30.00万元，包括培训收入10.00万元、咨询收入20.00万元；其他收入9.00万元。")
    (f,) = [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"]
    assert (f.stated, f.expected, f.relation, f.severity) == (60.0, 59.0, "complete_breakdown", "error")


def test_a_change_on_last_year_is_no_whole_and_signed_parts_add_up():
    b = consistent_builder()
    b.para("全年公务接待费支出6.00万元，比上年减少1.00万元，其中会议接待4.00万元、其他接待2.00万元。")
    b.para("年中调整增加10.00万元（其中基本支出调减2.00万元，项目支出追加12.00万元）。")
    assert [f for f in Checker(min_confidence=0).predict(b.build()) if f.kind == "sum_mismatch"] == []


def test_breakdown_exceeding_its_total_is_an_error_and_nested_parts_are_not_double_counted():
    b = consistent_builder()
    b.para("支出合计100.00万元，其中：基本支出70.00万元（其中人员经费60.00万元，公用经费10.00万元），项目支出40.00万元。")
    (f,) = [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"]
    assert f.expected == 110.0 and f.severity == "error"


@pytest.mark.parametrize("broken,expected", [
    # a PDF's extraction broke the line between an amount and its unit, or inside the unit
    ("全年实际支出100.00万元，其中基本支出70.00\n万元，项目支出40.00万元。", 110.0),
    ("全年实际支出100.00万元，其中基本支出70.00万\n元，项目支出30.00万元。", None),
])
def test_a_breakdown_goes_on_over_a_line_the_pdf_broke(broken, expected):
    width = "本单位按照年度预算安排组织实施各项工作，全年"  # a full line of prose before the break
    b = consistent_builder()
    b.para(width + broken)
    found = [f for f in Checker(min_confidence=0).predict(b.build()) if f.kind == "sum_mismatch"]
    assert [f.expected for f in found] == ([expected] if expected else [])


def test_a_breakdown_ends_at_a_line_break_after_a_short_line():
    b = consistent_builder()
    b.para("支出100.00万元，其中基本支出70.00\n万元。")  # a short line: no PDF's page width
    assert [f for f in Checker(min_confidence=0).predict(b.build()) if f.kind == "sum_mismatch"] == []


def test_table_column_not_matching_its_total_row():
    b = consistent_builder()
    b.table("fund_use", [["任务", "预算数"], ["甲任务", "10.00"], ["乙任务", "5.00"], ["合计", "16.00"]])
    (f,) = Checker().predict(b.build())
    assert f.kind == "sum_mismatch" and f.stated == 16.0 and f.expected == 15.0


def test_score_not_following_the_printed_formula():
    b = consistent_builder()
    b.table("budget", [["资金", "预算数", "执行数", "执行率", "得分(20分×执行率)"], ["总额", "100", "90", "90.00%", "20"]])
    (f,) = Checker().predict(b.build())
    assert f.kind == "score_mismatch" and f.expected == 18.0


def test_total_score_not_the_sum_of_indicator_scores():
    assert _kinds(_record(total=99.5)) == ["total_mismatch"]


def test_total_not_checked_when_indicators_are_not_the_whole_scheme():
    rows = [r[:1] + (r[1] / 2,) + r[2:4] + (r[4] / 2,) for r in indicator_rows()]  # weights add up to 50
    assert _kinds(_record(total=90.0, rows=rows)) == []


def test_level1_subtotal_rows():
    b = consistent_builder()
    inds = b.indicator_table(indicator_rows())
    for i in inds:
        i.level1 = "产出"
    b.table("indicators", [["产出", "100", "97"]])  # the three indicators score 98.5
    rec = b.build()
    rec.tables[-1] = rec.tables[-1].model_copy(update={"id": rec.tables[-2].id + "x"})
    # move the subtotal row into the indicator table, as forms print it
    rec.tables[-2].rows.append(rec.tables[-1].rows[0])
    rec.tables.pop()
    (f,) = [f for f in Checker().predict(rec) if f.kind == "total_mismatch"]
    assert f.stated == 97.0 and f.expected == 98.5


@pytest.mark.parametrize("subtotal,raised", [("48", False), ("47.6", False), ("47", True), ("47.0", True)])
def test_a_whole_number_subtotal_may_be_its_indicators_rounded_to_the_point(subtotal, raised):
    text = ("2023年度部门整体支出绩效自评报告\n一级指标\t二级指标\t三级指标\t分值\t得分\n"
            f"产出指标\t\t\t50\t{subtotal}\n\t数量指标\t培训次数\t25\t23.6\n\t质量指标\t合格率\t25\t24\n"
            "效益指标\t\t\t50\t50\n\t社会效益\t覆盖率\t50\t50\n")
    found = [f for f in Checker(min_confidence=0).predict(structure_text(text)) if f.kind == "total_mismatch"]
    assert bool(found) == raised


def test_score_above_weight():
    rows = indicator_rows()
    rows[0] = ("会议保障", 40, "≥4次", "4次", 41)
    kinds = _kinds(_record(total=99.5, rows=rows))
    assert "score_mismatch" in kinds


def test_grade_against_default_and_document_scales():
    # the usual 90/80/60 scale is an assumption when the report prints none: below the default confidence
    assert _kinds(_record(total=98.5, grade="良")) == []
    (f,) = Checker(min_confidence=0).predict(_record(total=98.5, grade="良"))
    assert (f.kind, f.relation) == ("grade_mismatch", "default_scale")
    assert _kinds(_record(total=98.5, grade="优秀")) == []  # alias of 优 on the default scale
    scale = {"优秀": ">=85", "良好": "75-85", "一般": "60-75", "较差": "<60"}
    assert _kinds(_record(total=98.5, grade="良好", scale=scale)) == ["grade_mismatch"]
    assert _kinds(_record(total=98.5, grade="合格", scale=scale)) == []  # a word the scale lacks is not judged


def test_project_grade_and_rate():
    rec = _record()
    rec.projects = [Project(id="p1", name="甲", budgeted=10, executed=9, execution_rate=80.0, score=70, grade="优秀")]
    rec.meta.grade_scale = {"优秀": ">=85", "良好": "75-85", "一般": "60-75", "较差": "<60"}
    rec.meta.grade = "优秀"
    assert _kinds(rec) == ["grade_mismatch", "rate_mismatch"]


def test_projects_against_project_expenditure():
    rec = _record()
    rec.budget["project_expenditure"] = StatedValue(value=40.0, text="40.00", start=0, end=5)
    rec.projects = [Project(id="p1", name="甲", budgeted=25, executed=24), Project(id="p2", name="乙", budgeted=20, executed=16)]
    assert _kinds(rec) == []
    rec.projects[1] = Project(id="p2", name="乙", budgeted=20, executed=17)
    assert _kinds(rec) == []  # a project list may mix funds and years: derived, not raised by default
    assert [f.kind for f in Checker(min_confidence=0).predict(rec)] == ["sum_mismatch"]


def test_absent_values_are_never_flagged():
    rec = _record()
    del rec.budget["balance"]
    rec.meta.total_score = None
    rec.meta.grade = "差"
    assert _kinds(rec) == []


@pytest.mark.parametrize("diff,flagged", [(0.009, False), (0.011, True)])
def test_money_tolerance_boundary(diff, flagged):
    """Printed amounts differ from their total by rounding only within half a unit of each one's
    last printed digit (here 0.005 + 0.005 + 0.0005 万元)."""
    b = consistent_builder()
    b.para(f"项目支出60.00万元（其中：会议费20.00万元，其他费用{40.0 - diff:.3f}万元）。")
    found = [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"]
    assert bool(found) == flagged


@pytest.mark.parametrize("total,flagged", [(98.55, False), (98.56, True)])
def test_score_tolerance_boundary(total, flagged):
    assert (_kinds(_record(total=total)) == ["total_mismatch"]) == flagged


@pytest.mark.parametrize("total,flagged", [(99.0, False), (98.0, True), (98.7, True)])
def test_a_whole_number_total_is_the_sum_rounded_to_the_point(total, flagged):
    # indicators add up to 98.6: 「得分99分」 is that sum rounded to the point; 98 is not, and
    # 98.7, printed to a decimal, is no rounding of it
    rows = [("会议保障", 40, "≥4次", "4次", 40), ("调研视察", 30, "≥3次", "3次", 28.6), ("群众满意度", 30, "≥90%", "95%", 30)]
    rec = _record(total=total, rows=rows)
    assert ("total_mismatch" in _kinds(rec)) == flagged


def test_tolerance_is_configurable():
    rec = _record(total=99.0)
    assert Checker(Tolerance(score_abs=1.0)).predict(rec) == []


def test_grade_scale_parsing():
    assert parse_bound(">=85") == (85.0, float("inf"), True)
    assert parse_bound("75-85") == (75.0, 85.0, False)
    assert grade_for(85.0, {"优秀": ">=85", "良好": "75-85"}) == "优秀"
    assert grade_for(84.99, {"优秀": ">=85", "良好": "75-85"}) == "良好"


def test_set_annotations_replaces_own_findings_only():
    rec = _record(total=99.5)
    ch = Checker()
    ch(rec)
    ch(rec)
    assert [f.kind for f in rec.findings] == ["total_mismatch"]
    assert all(f.id.startswith("find-") for f in rec.findings)


def test_sub_items_after_qizhong_are_not_added_to_the_total_and_printed_decimals_decide():
    b = consistent_builder()
    b.table("budget", [["项目", "全年预算", "实际支出"], ["基本支出", "60.00", "58.00"], ["项目支出", "40.00", "39.00"],
                       ["其中：甲项目", "25.00", "24.00"], ["乙项目", "15.00", "15.00"], ["合计", "100.00", "97.10"]])
    (f,) = [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"]
    # 58.00 + 39.00 = 97.00: a 0.10 difference is no rounding of figures printed to 0.01
    assert (f.stated, f.expected, f.relation, f.severity) == (97.1, 97.0, "total_row", "error")


def test_rows_that_break_down_the_row_above_them_without_a_qizhong_are_not_added_again():
    # a converter dropped the indentation of 人员经费 / 公用经费 under 基本支出
    rows = [["项目", "决算数"], ["基本支出", "110.80"], ["人员经费", "98.20"], ["公用经费", "12.60"],
            ["项目支出", "59.50"], ["合计", "{total}"]]

    def sums(total):
        b = consistent_builder()
        b.table("budget", [[c.format(total=total) for c in r] for r in rows])
        return [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"]
    assert sums("170.30") == []          # 110.80 + 59.50: the form's own reading
    (f,) = sums("171.30")                # neither reading gives it: an error, against the form's reading
    assert (f.stated, f.expected) == (171.3, 170.3) and "breakdown" in f.message


def test_printed_rule_governs_only_rows_naming_its_subject():
    text = ("2022年度部门整体支出绩效自评报告\n评分规则：预算执行率得分=执行率×分值。\n"
            "一级指标\t二级指标\t三级指标\t分值\t得分\n"
            "过程\t预算执行\t基本支出预算执行率(96.00%)\t5\t4.80\n"
            "\t\t项目支出预算执行率(88.00%)\t5\t4.70\n"
            "\t\t政府采购执行率(80.00%)\t5\t5\n")
    (f,) = Checker().predict(structure_text(text))
    assert (f.kind, f.relation, f.stated, f.expected) == ("score_mismatch", "printed_formula", 4.7, 4.4)


def test_a_figure_restated_differently_in_prose_is_found_but_not_a_projects_figure():
    text = ("2021年度部门整体支出绩效自评报告\n单位：万元\n项目\t全年预算\t实际支出\n基本支出\t80.00\t78.00\n"
            "项目支出\t50.00\t46.50\n合计\t130.00\t124.50\n\n"
            "全年实际支出124.50万元，其中基本支出78.00万元，项目支出45.60万元。\n"
            "该项目全年预算30.00万元，实际支出27.00万元。\n")
    (f,) = Checker().predict(structure_text(text))
    assert (f.kind, f.relation, f.stated, f.expected) == ("restated_mismatch", "restated_figure", 45.6, 46.5)
    assert [s.text for s in f.sides] == ["项目支出45.60万元", "46.50"]


@pytest.mark.parametrize("listing,raised", [
    ("其中：办公费10.00万元，印刷费5.00万元，差旅费20.00万元", True),        # names every part
    ("其中：办公费10.00万元，印刷费5.00万元，差旅费20.00万元等", False),      # 「等」: some parts only
    ("主要用于办公费10.00万元，印刷费5.00万元，差旅费20.00万元", False),
])
def test_a_qizhong_listing_without_a_partial_mark_is_complete(listing, raised):
    b = consistent_builder()
    b.para(f"项目支出40.00万元（{listing}）。")
    found = [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"]
    assert bool(found) == raised


def test_project_form_total_is_the_execution_score_plus_the_indicator_scores():
    text = ("2022年度项目支出绩效自评表\n项目名称\t水质监测\n"
            "项目资金\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
            "年度资金总额\t100.00\t100.00\t96.00\t10\t96.00%\t9.6\n"
            "一级指标\t二级指标\t三级指标\t分值\t得分\n产出指标\t数量指标\t监测点位\t50\t50\n"
            "效益指标\t社会效益\t水质达标率\t40\t39\n总分\t\t\t100\t{total}\n")
    assert Checker().predict(structure_text(text.format(total="98.6"))) == []
    (f,) = Checker().predict(structure_text(text.format(total="99.6")))
    assert (f.kind, f.relation, f.stated, f.expected) == ("total_mismatch", "indicator_sum", 99.6, 98.6)


def test_a_projects_budget_named_before_its_term_is_no_restated_unit_budget():
    # 「A项目全年预算…」: the project's figure, not the unit's budget stated again
    text = ("2023年度部门整体支出绩效自评报告\n项目\t全年预算数\t全年执行数\t执行率\n合计\t2,865.30\t2,702.15\t94.31%\n"
            "基本支出\t1,110.20\t1,106.80\t99.69%\n项目支出\t1,755.10\t1,595.35\t90.90%\n"
            "登记项目全年预算320.00万元，实际支出298.60万元；耕地保护项目全年预算865.00万元，实际支出792.35万元。\n")
    rec = structure_text(text)
    assert rec.budget["budgeted"].value == 2865.3
    assert _restated(rec) == []


def test_a_project_lists_total_is_the_projects_not_the_units_budget():
    # a table of projects closes with the projects' total; the unit's budget is the prose's
    text = ("2023年度部门整体支出绩效自评报告\n全年预算数350.00万元，全年执行数330.00万元，预算执行率94.29%。\n"
            "项目名称\t预算数\t执行数\t执行率\n培训经费\t50.00\t48.00\t96.00%\n档案经费\t30.00\t30.00\t100.00%\n"
            "合计\t80.00\t78.00\t97.50%\n")
    rec = structure_text(text)
    assert (rec.budget["budgeted"].text, rec.budget["executed"].text) == ("全年预算数350.00万元", "全年执行数330.00万元")
    assert _restated(rec) == []
    # with a row for the unit's basic spending the list is the unit's whole budget: its total is the unit's
    whole = structure_text(text.replace("合计\t80.00\t78.00\t97.50%", "基本支出\t270.00\t252.00\t93.33%\n合计\t350.00\t330.00\t94.29%"))
    assert (whole.budget["budgeted"].text, whole.budget["executed"].text) == ("350.00", "330.00")


def test_a_projects_figures_stated_in_prose_restate_no_unit_figure():
    # 「培训经费年初预算…，实际支出…」 states the project's spend, not the unit's 实际支出 again
    text = ("2023年度部门整体支出绩效自评报告\n单位：万元\n项目\t全年预算数\t全年执行数\t执行率\n"
            "基本支出\t270.00\t252.00\t93.33%\n项目支出\t80.00\t78.00\t97.50%\n合计\t350.00\t330.00\t94.29%\n\n"
            "培训经费年初预算50.00万元，实际支出48.00万元。\n")
    rec = structure_text(text)
    assert rec.budget["executed"].value == 330.0
    assert _restated(rec) == []
    assert [(p.name, p.executed) for p in rec.projects if p.row is None] == [("培训经费", 48.0)]


def test_a_table_without_its_money_unit_is_read_in_the_unit_that_makes_it_agree_with_the_prose():
    # the table prints yuan and says nothing of its unit; the prose states 万元
    text = ("2023年度部门整体支出绩效自评报告\n全年预算数350.00万元，全年执行数{executed}万元。\n"
            "项目\t全年预算数\t全年执行数\t执行率\n基本支出\t2,700,000.00\t2,520,000.00\t93.33%\n"
            "项目支出\t800,000.00\t780,000.00\t97.50%\n合计\t3,500,000.00\t3,300,000.00\t94.29%\n")
    rec = structure_text(text.format(executed="330.00"))
    assert (rec.budget["budgeted"].value, rec.budget["executed"].value, rec.budget["basic_expenditure"].value) == (
        350.0, 330.0, 252.0)
    assert _restated(rec) == []
    # agreeing in one field and not in the other, the table keeps the figures as printed
    other = structure_text(text.format(executed="320.00"))
    assert other.budget["budgeted"].value == 3500000.0


def test_a_listed_projects_rate_is_not_the_units():
    text = ("2023年度部门整体支出绩效自评报告\n支出合计1,000.30万元，其中：基本支出620.30万元，项目支出380.00万元。\n"
            "（一）乡村道路养护项目：全年预算200万元，实际支出190万元，执行率95%。\n")
    rec = structure_text(text)
    assert not {"budgeted", "executed", "execution_rate"} & set(rec.budget)
    assert [(p.name, p.budgeted, p.executed) for p in rec.projects] == [("乡村道路养护项目", 200.0, 190.0)]


def test_a_grade_against_a_printed_scale_of_two_grades():
    text = "2023年度部门整体支出绩效自评报告\n自评总分{score}分，自评等级：良好。\n说明：综合得分在85分以上的为优秀，70-85分为良好。\n"
    (f,) = [f for f in Checker().predict(structure_text(text.format(score="92.3"))) if f.kind == "grade_mismatch"]
    assert (f.relation, f.stated) == ("printed_scale", 92.3) and "优秀" in f.message
    assert [f for f in Checker().predict(structure_text(text.format(score="80"))) if f.kind == "grade_mismatch"] == []


_FORM = ("项目支出绩效自评表\n项目名称\t{name}\n项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
         "年度资金总额\t100\t100\t{executed}\t10\t{rate}%\t{points}\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
         "产出指标\t数量指标\t巡查次数\t≥12次\t12次\t50\t50\n效益指标\t社会效益指标\t群众满意度\t≥90%\t88%\t40\t{sat}\n"
         "总分\t100\t{total}\n")


def test_each_project_forms_total_in_a_report_of_several():
    head = "2023年度项目支出绩效自评报告\n"
    one = _FORM.format(name="河道巡查", executed="96", rate="96", points="9.6", sat="38", total="97.6")
    two = _FORM.format(name="水质监测", executed="100", rate="100", points="10", sat="36", total="{total}")
    rec = structure_text(head + one + two.format(total="96"))
    assert [(p.name, p.score) for p in rec.projects] == [("河道巡查", 97.6), ("水质监测", 96.0)]
    assert [f for f in Checker().predict(rec) if f.kind == "total_mismatch"] == []
    (f,) = [f for f in Checker().predict(structure_text(head + one + two.format(total="97"))) if f.kind == "total_mismatch"]
    assert (f.stated, f.expected) == (97.0, 96.0) and "水质监测" in f.message
    assert f.sides[0].text == "97"


def test_a_rate_capped_at_100_for_a_spend_above_the_budget_is_no_error():
    form = ("2023年度部门整体支出绩效自评表\n项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
            "年度资金总额\t100.00\t120.00\t{executed}\t10\t100%\t10\n")
    assert [f for f in Checker(min_confidence=0).predict(structure_text(form.format(executed="123.50")))
            if f.kind == "rate_mismatch"] == []
    # below the budget, 100% is not the cap: 110/120 = 91.67%
    (f,) = [f for f in Checker().predict(structure_text(form.format(executed="110.00"))) if f.kind == "rate_mismatch"]
    assert f.stated == 100.0


def test_a_sentence_about_another_year_restates_nothing():
    table = ("2023年度部门整体支出绩效自评报告\n单位：万元\n项目\t全年预算数\t全年执行数\t执行率\n"
             "合计\t2,865.30\t2,702.15\t94.31%\n基本支出\t1,110.20\t1,106.80\t99.69%\n项目支出\t1,755.10\t1,595.35\t90.90%\n")
    other = structure_text(table + "2022年全年支出2,486.30万元。\n")
    assert _restated(other) == []
    same = structure_text(table + "2023年全年支出2,486.30万元。\n")
    (f,) = [f for f in Checker().predict(same) if f.kind == "restated_mismatch"]
    assert f.stated == 2486.3


@pytest.mark.parametrize("sentence,raised", [("全年实际支出约2,700万元。", False), ("全年实际支出近2,710万元。", False),
                                             ("全年实际支出2,700.00万元。", True), ("全年实际支出约2,000万元。", True)])
def test_an_approximate_restatement_of_a_table_figure_within_its_rounding_is_no_error(sentence, raised):
    table = ("2023年度部门整体支出绩效自评报告\n单位：万元\n项目\t全年预算数\t全年执行数\t执行率\n"
             "合计\t2,865.30\t2,702.15\t94.31%\n基本支出\t1,110.20\t1,106.80\t99.69%\n项目支出\t1,755.10\t1,595.35\t90.90%\n")
    found = [f for f in Checker().predict(structure_text(table + sentence + "\n")) if f.kind == "restated_mismatch"]
    assert bool(found) == raised


@pytest.mark.parametrize("reception,raised", [("4.00", False), ("5.00", True)])
def test_a_total_row_first_adds_up_the_numbered_items_with_sub_rows_between_them(reception, raised):
    table = ("2023年度部门整体支出绩效自评报告\n单位：万元\n项目 | 预算数 | 决算数\n合计 | 18.00 | 14.00\n"
             "1.因公出国（境）费 | 0.00 | 0.00\n2.公务用车购置及运行维护费 | 13.00 | 10.00\n"
             "其中：公务用车购置费 | 0.00 | 0.00\n公务用车运行维护费 | 13.00 | 10.00\n"
             f"3.公务接待费 | 5.00 | {reception}\n")
    found = [f for f in Checker().predict(structure_text(table)) if f.kind == "sum_mismatch"]
    assert [f.stated for f in found] == ([14.0] if raised else [])


def test_the_year_end_balance_after_a_spending_breakdown_is_not_one_of_its_parts():
    text = ("2023年度部门整体支出绩效自评报告\n全年支出2,702.15万元，其中基本支出1,106.80万元，项目支出{p}万元，"
            "年末结余163.15万元。\n")
    assert [f for f in Checker().predict(structure_text(text.format(p="1,595.35"))) if f.kind == "sum_mismatch"] == []
    (f,) = [f for f in Checker().predict(structure_text(text.format(p="1,695.35"))) if f.kind == "sum_mismatch"]
    assert (f.stated, f.expected) == (2702.15, 2802.15)


@pytest.mark.parametrize("sources,raised", [
    # the sources add up to the whole; what follows is the money's arrival and use, not more sources
    ("其中中央资金80.00万元、省级资金12.00万元、县级配套8.00万元", False),
    # the sources alone exceed the whole
    ("其中中央资金80.00万元、省级资金22.00万元、县级配套8.00万元", True),
    # the first two add up to the whole, a third source exceeds it: still an excess
    ("其中中央资金80.00万元，省级资金20.00万元，其他资金5.00万元", True),
    # 使用…结余 is a source of a year's income, not a use: the parts exceed the whole
    ("其中财政拨款80.00万元，使用非财政拨款结余25.00万元", True),
])
def test_the_money_s_arrival_and_use_after_a_listing_are_not_its_parts(sources, raised):
    text = ("2023年度部门整体支出绩效自评报告\n防汛物资储备项目资金总额100.00万元，{s}，实际到位资金90.00万元，"
            "支出86.00万元，执行率95.56%。\n").format(s=sources)
    found = [f for f in Checker().predict(structure_text(text)) if f.kind == "sum_mismatch"]
    assert bool(found) == raised


@pytest.mark.parametrize("sentence", [
    "全年支出2,702.15万元，其中基本支出1,106.80万元，比上年增加50.20万元，项目支出1,595.35万元。",
    "全年支出2,702.15万元，其中本级支出2,102.15万元，对下转移支付600.00万元；其中基本支出1,106.80万元，项目支出1,595.35万元。",
])
def test_a_change_between_parts_and_a_second_qizhong_of_the_head_figure_are_no_errors(sentence):
    found = [f for f in Checker(min_confidence=0).predict(structure_text("2023年度部门整体支出绩效自评报告\n" + sentence + "\n"))
             if f.kind == "sum_mismatch"]
    assert found == []


@pytest.mark.parametrize("score,raised", [("10", False), ("9.6", False), ("9", True), ("9.0", True)])
def test_a_formula_score_printed_without_decimals_may_be_rounded_to_the_point(score, raised):
    form = ("2023年度部门整体支出绩效自评表\n预算执行情况\t预算数\t执行数\t执行率\t得分（10分*执行率）\n"
            f"年度资金总额\t120.00\t115.20\t96.00%\t{score}\n")
    found = [f for f in Checker(min_confidence=0).predict(structure_text(form)) if f.kind == "score_mismatch"]
    assert bool(found) == raised


def test_a_rate_of_the_adjusted_budget_stated_after_the_plain_one_is_no_error():
    text = ("2023年度部门整体支出绩效自评报告\n本年度预算批复1,275.40万元，年中追加236.50万元，调整后预算1,511.90万元，"
            "实际支出1,468.20万元，预算执行率97.11%。\n")
    assert Checker(min_confidence=0).predict(structure_text(text)) == []


@pytest.mark.parametrize("rate_clause", ["其中财政拨款预算执行率97.50%", "项目支出预算执行率90.20%",
                                         "基本支出执行率99.10%", "预算执行率达到95%以上", "1-6月预算执行率为48.20%"])
def test_a_parts_a_periods_or_a_bounds_rate_is_not_the_units(rate_clause):
    text = f"2023年度部门整体支出绩效自评报告\n全年预算1,520.36万元，实际支出1,468.20万元，{rate_clause}。\n"
    rec = structure_text(text)
    assert "execution_rate" not in rec.budget and Checker(min_confidence=0).predict(rec) == []
    # the unit's own rate after them is read and checked
    rec = structure_text(text.replace("。\n", "，部门整体预算执行率93.00%。\n"))
    assert rec.budget["execution_rate"].value == 93.0
    assert [f.kind for f in Checker().predict(rec)] == ["rate_mismatch"]


def test_a_prose_figure_equal_to_another_figure_of_the_table_restates_that_one():
    table = ("2023年度部门整体支出绩效自评报告\n项目\t年初预算数\t全年预算数\t全年执行数\t执行率\n"
             "合计\t1,380.00\t1,520.36\t1,468.20\t96.57%\n基本支出\t800.00\t820.00\t815.00\t99.39%\n"
             "项目支出\t580.00\t700.36\t653.20\t93.27%\n")
    for sentence in ("年度预算1,380.00万元。", "本年度预算批复1,380.00万元。"):
        assert Checker(min_confidence=0).predict(structure_text(table + sentence + "\n")) == [], sentence
    (f,) = Checker().predict(structure_text(table + "年度预算1,390.00万元。\n"))
    assert f.kind == "restated_mismatch"


def test_a_projects_rate_of_another_amount_of_its_row_is_another_reading():
    table = ("2023年度部门整体支出绩效自评报告\n表3 项目支出情况（单位：万元）\n项目名称\t年初预算数\t全年预算数\t执行数\t执行率\n"
             "登记项目\t300.00\t320.00\t298.60\t93.31%\n保护项目\t800.00\t865.00\t792.35\t91.60%\n"
             "防治项目\t500.00\t570.10\t504.40\t{rate}\n合计\t1,600.00\t1,755.10\t1,595.35\t90.90%\n")
    # 504.40 / 500.00 (the row's 年初预算数) = 100.88%
    assert [f for f in Checker(min_confidence=0).predict(structure_text(table.format(rate="100.88%")))
            if f.kind == "rate_mismatch"] == []
    (f,) = [f for f in Checker().predict(structure_text(table.format(rate="93.50%"))) if f.kind == "rate_mismatch"]
    assert f.stated == 93.5
