from tests.link.recordbuilder import RecordBuilder, S

from pipeline.link import workload_indicator
from pipeline.link.workload_indicator import activity_queries, unit_compatibility
from pipeline.link.config import load_linking_config


def _record():
    b = RecordBuilder()
    b.section("evaluation", "三、履职情况")
    b.para("全年", S("WORKLOAD", "开展视察、专题调研15项", "w_multi"), "，", S("WORKLOAD", "组织执法检查3次", "w_bad"),
           "，", S("WORKLOAD", "编印工作简报12期", "w_ok"), "，", S("WORKLOAD", "接待来访群众120人次", "w_none"), "。")
    inds = b.indicator_table([
        ("专项调研", 10, ">=6次以上", "6次以上", 10),
        ("视察评议", 10, ">=3次以上", "3次以上", 10),
        ("执法检查工作", 10, "≥4次", "5次", 10),
        ("编发工作简报", 5, "12期", "12期", 5),
        ("群众满意度", 5, "≥95%", "95%", 5),
        ("会议保障及时率", 5, "100%", "100%", 5),
    ])
    return b, b.build(), {i.name: i.id for i in inds}


def test_links_found_with_agreement_flags():
    b, rec, ind = _record()
    links = {(lk.from_, lk.to): lk for lk in workload_indicator.predict(rec)}
    expected = {(b.id("w_multi"), ind["专项调研"]), (b.id("w_multi"), ind["视察评议"]),
                (b.id("w_bad"), ind["执法检查工作"]), (b.id("w_ok"), ind["编发工作简报"])}
    assert set(links) == expected
    # 15 against ≥6 + ≥3 (the sum over the two rows) agrees; 3 against 5 contradicts
    assert links[(b.id("w_multi"), ind["专项调研"])].agree is True
    assert links[(b.id("w_bad"), ind["执法检查工作"])].agree is False
    assert links[(b.id("w_ok"), ind["编发工作简报"])].agree is True
    for lk in links.values():
        assert 0 <= lk.score <= 1 and lk.evidence and lk.relation == "reports_on"


def test_count_below_the_sum_of_lower_bounds_contradicts():
    b = RecordBuilder()
    b.para(S("WORKLOAD", "开展视察、专题调研5项", "w"), "。")
    b.indicator_table([("专项调研", 10, ">=6次", "6次以上", 10), ("视察评议", 10, ">=3次", "3次以上", 10)])
    links = workload_indicator.predict(b.build())
    assert len(links) == 2 and all(lk.agree is False for lk in links)


def test_a_list_comma_inside_one_activity_is_no_list_of_rows():
    """「…被省、市有关部门推广1项」: both halves name the same row, so the count is that row's alone."""
    b = RecordBuilder()
    b.para(S("WORKLOAD", "经验材料被省、市有关部门推广2项", "w"), "。")
    b.indicator_table([("经验材料被省、市有关部门推广数", 5, "≥1项", "2项", 5)])
    links = workload_indicator.predict(b.build())
    assert links and all(lk.agree is True and "sum over" not in lk.evidence for lk in links)


def _agreements(workload: str, row: tuple) -> set:
    """The agree flags of the links of one WORKLOAD to one indicator row (at least one link)."""
    b = RecordBuilder()
    b.para(S("WORKLOAD", workload, "w"), "。")
    b.indicator_table([row])
    links = workload_indicator.predict(b.build())
    assert links
    return {lk.agree for lk in links}


def test_the_count_of_an_open_list_is_no_value_for_one_listed_kind():
    """「办理A、B等各项业务898件」 counts a category, listed kinds and others: the row of A (9300件)
    is linked without a value judgement, never contradicted; without 等 the count is judged."""
    row = ("办理便民服务事项数量", 5, ">=7831件", "9300件", 5)
    assert _agreements("办理便民服务事项、政务服务热线工单等各项业务898件", row) == {None}
    assert _agreements("办理便民服务事项898件", row) == {False}


def test_a_rows_open_list_is_no_value_for_one_listed_kinds_count():
    """The mirror: a row 「办理A、B等各类业务」 counts a category; the narrative's count of A alone
    (4391件 against the row's 18件) is linked without a value judgement, never contradicted."""
    listed = ("办理政务服务热线工单、群众来信来访等各类业务", 5, "≥15件", "18件", 5)
    assert _agreements("办理政务服务热线工单4391件", listed) == {None}
    assert _agreements("办理政务服务热线工单4391件", ("办理政务服务热线工单", 5, "≥15件", "18件", 5)) == {False}


def _agreements_after(lead: str, workload: str, row: tuple) -> set:
    b = RecordBuilder()
    b.para(lead, S("WORKLOAD", workload, "w"), "。")
    b.indicator_table([row])
    links = workload_indicator.predict(b.build())
    assert links
    return {lk.agree for lk in links}


def test_a_count_written_as_a_part_contradicts_no_row_of_the_whole():
    """「…，其中上半年查处35件」 counts a part of the year's work: against the row's 73件 it is no
    contradiction; equal to a row of its own it still agrees; without the mark it is judged."""
    row = ("查处违法案件", 10, "≥50件", "73件", 10)
    assert _agreements_after("全年查处违法案件73件，其中上半年", "查处违法案件35件", row) == {None}
    assert _agreements_after("全年开展检查120次，其中", "查处违法案件35件", row) == {None}
    assert _agreements_after("其中", "查处违法案件73件", row) == {True}
    assert _agreements_after("全年", "查处违法案件35件", row) == {False}


def test_unrelated_activity_and_rate_rows_are_not_linked():
    b = RecordBuilder()
    b.para(S("WORKLOAD", "组织立法调研8次", "w1"), "，", S("WORKLOAD", "开展满意度测评2次", "w2"), "。")
    b.indicator_table([("执法检查工作", 10, "≥4次", "5次", 10), ("群众满意度", 5, "≥95%", "95%", 5)])
    assert workload_indicator.predict(b.build()) == []


def test_attrs_from_the_tagger_are_used_when_present():
    b = RecordBuilder()
    b.para(S("WORKLOAD", "刊发稿件60余篇", "w", attrs={"activity": "刊发稿件", "count": 60, "unit": "篇", "approximate": True}))
    b.indicator_table([("刊发宣传稿件", 5, "≥50篇次", "62篇次", 5)])
    (lk,) = workload_indicator.predict(b.build())
    assert lk.agree is True  # 60余 ≤ 62


def test_unit_compatibility_levels():
    cfg = load_linking_config()
    assert unit_compatibility("次", "次", cfg) == 1.0
    assert unit_compatibility("篇", "篇次", cfg) == 0.8
    assert unit_compatibility("项", "次", cfg) == 0.5
    assert unit_compatibility("件", "次", cfg) == 0.0
    assert unit_compatibility(None, "次", cfg) == 0.5


def test_activity_queries_split_listed_activities():
    assert activity_queries("开展视察、专题调研") == ["开展视察、专题调研", "开展视察", "专题调研"]
    assert activity_queries("组织执法检查") == ["组织执法检查"]


def test_counts_of_other_periods_plans_and_scopes_are_not_compared():
    """A row states the year's work done by the unit: a count since an earlier year, a planned count
    and a count of another scope than the row names are linked without a value judgement."""
    row = ("开展执法检查", 10, "≥200次", "265次", 10)
    assert _agreements_after("自2019年以来累计", "开展执法检查1260次", row) == {None}
    assert _agreements_after("近三年", "开展执法检查1260次", row) == {None}
    assert _agreements_after("", "计划开展执法检查600次", row) == {None}
    drill = ("开展应急模拟演练", 10, "≥4次", "5次", 10)   # 模拟 is no plan (拟)
    assert _agreements_after("全年", "开展应急模拟演练9次", drill) == {False}
    assert _agreements_after("全年", "开展执法检查1260次", row) == {False}
    scoped = ("查处违法案件数（市本级）", 10, "≥400件", "420件", 10)
    assert _agreements_after("全市共", "查处违法案件1350件", scoped) == {None}
    assert _agreements_after("市本级", "查处违法案件1350件", scoped) == {False}
    assert _agreements_after("全年", "查处违法案件1350件", scoped) == {False}   # one side names a scope


def test_an_approximate_or_rounded_count_agrees_with_a_value_a_little_under_it():
    row = ("组织职业技能培训", 10, "≥2800人次", "2962人次", 10)
    assert _agreements_after("", "组织职业技能培训近3000人次", row) == {True}
    b = RecordBuilder()   # the tagger's attrs: 0.3万 read as 3000, rounded to a thousand as printed
    b.para(S("WORKLOAD", "组织职业技能培训0.3万人次", "w",
             attrs={"activity": "组织职业技能培训", "count": 3000, "unit": "人次", "approximate": False}), "。")
    b.indicator_table([row])
    assert {lk.agree for lk in workload_indicator.predict(b.build())} == {True}
    assert _agreements_after("", "组织职业技能培训3000人次", row) == {False}
    assert _agreements_after("", "组织职业技能培训近4000人次", row) == {False}
