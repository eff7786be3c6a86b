import pytest

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


def test_consistent_record_has_no_findings():
    assert _kinds(_record()) == []


def test_balance_that_does_not_close():
    rec = _record()
    rec.budget["balance"] = rec.budget["balance"].model_copy(update={"value": 16.0})
    (f,) = Checker().predict(rec)
    assert f.kind == "balance_mismatch" and f.stated == 16.0 and f.expected == 15.0
    assert "budget.balance" in f.refs and "budget.carryover" in f.refs


def test_rate_not_executed_over_budgeted():
    rec = _record()
    rec.budget["execution_rate"] = rec.budget["execution_rate"].model_copy(update={"value": 95.0})
    assert _kinds(rec) == ["rate_mismatch"]


def test_prose_breakdown_that_does_not_add_up():
    b = consistent_builder()
    b.para("项目支出60.00万元（其中：会议费20.00万元，培训费30.00万元）。")
    findings = Checker().predict(b.build())
    (f,) = [f for f in findings if f.kind == "sum_mismatch"]
    assert f.stated == 60.0 and f.expected == 50.0 and f.severity == "warning" and len(f.refs) == 3


def test_breakdown_exceeding_its_total_is_an_error_and_nested_parts_are_not_double_counted():
    b = consistent_builder()
    b.para("支出合计100.00万元，其中：基本支出70.00万元（其中人员经费60.00万元，公用经费10.00万元），项目支出40.00万元。")
    (f,) = [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"]
    assert f.expected == 110.0 and f.severity == "error"


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


def test_score_above_weight():
    rows = indicator_rows()
    rows[0] = ("会议保障", 40, "≥4次", "4次", 41)
    kinds = _kinds(_record(total=99.5, rows=rows))
    assert "score_mismatch" in kinds


def test_grade_against_default_and_document_scales():
    assert _kinds(_record(total=98.5, grade="良")) == ["grade_mismatch"]
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
    assert _kinds(rec) == ["sum_mismatch"]


def test_absent_values_are_never_flagged():
    rec = _record()
    del rec.budget["balance"]
    rec.meta.total_score = None
    rec.meta.grade = "差"
    assert _kinds(rec) == []


@pytest.mark.parametrize("diff,flagged", [(0.009, False), (0.011 + 0.005 * 60, True)])
def test_money_tolerance_boundary(diff, flagged):
    b = consistent_builder()
    b.para(f"项目支出60.00万元（其中：会议费20.00万元，培训费{40.0 - diff:.3f}万元）。")
    found = [f for f in Checker().predict(b.build()) if f.kind == "sum_mismatch"]
    assert bool(found) == flagged


@pytest.mark.parametrize("total,flagged", [(98.55, False), (98.56, True)])
def test_score_tolerance_boundary(total, flagged):
    assert (_kinds(_record(total=total)) == ["total_mismatch"]) == flagged


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
