"""Small records for the view tests, written for them: a report with every kind of element the
document page shows, and one whose text tries to inject markup."""
from __future__ import annotations

from pipeline.record import Finding, Link, Meta, Record, Source, StatedValue
from tests.link.recordbuilder import RecordBuilder, S

INJECTIONS = ('<script>window.__pwned = "script"</script>',
              '<img src="x" onerror="window.__pwned = \'img\'">',
              '"><svg onload="window.__pwned = \'attr\'">')


def _stated(rec: Record, needle: str, value: float) -> StatedValue:
    start = rec.text.index(needle)
    return StatedValue(value=value, text=needle, start=start, end=start + len(needle))


def roads_record(doc_id: str = "roads-2024", unit: str = "东湖区公路养护中心", score: float = 88.5) -> Record:
    """Functions, workloads against an indicator table, a problem with its cause and measure, and
    a narrative amount that disagrees with the budget table (a finding with both sides)."""
    b = RecordBuilder()
    b.section("functions", "一、部门职能")
    b.para("1、", S("FUNCTION", "负责全区道路养护和桥梁巡查工作", key="f1"), "。")
    b.para("2、", S("FUNCTION", "承担公路附属设施的维修管理", key="f2"), "。")
    b.section("budget", "二、预算执行情况")
    b.para("全年预算执行数为356.20万元，执行情况良好。")
    b.budget_row("预算执行数", "executed", "350.00")
    b.section("evaluation", "三、绩效目标完成情况")
    b.para("全年", S("WORKLOAD", "完成道路巡查120次", key="w1"), "，",
           S("WORKLOAD", "修补路面坑槽85处", key="w2"), "。")
    ind1, ind2 = b.indicator_table([("道路巡查次数", 10, "≥100次", "120次", 10),
                                    ("路面坑槽修补", 10, "≥90处", "85处", 8)])
    b.section("problems", "四、存在的问题")
    b.para(S("PROBLEM", "部分路段修补进度滞后", key="p1"), "，",
           S("CAUSE", "主要是雨季施工时间缩短", key="c1"), "。")
    b.section("measures", "五、改进措施")
    b.para(S("MEASURE", "下一步将合理安排施工计划", key="m1"), "。")
    rec = b.build()
    rec.doc_id = doc_id
    rec.source = Source(path=f"{doc_id}.txt", format="txt")
    rec.meta = Meta(unit=unit, year=2024, kind="部门整体支出绩效自评报告", total_score=score, grade="良")
    for s in rec.spans:
        s.source, s.score = "model", 0.91
    stated = _stated(rec, "356.20万元", 356.2)
    money = f"text:{stated.start}-{stated.end}"
    rec.links = [
        Link(id="l1", from_=b.id("w1"), to=ind1.id, relation="reports_on", agree=True),
        Link(id="l2", from_=b.id("w2"), to=ind2.id, relation="reports_on", agree=False),
        Link(id="l3", from_=b.id("p1"), to=b.id("c1"), relation="caused_by"),
        Link(id="l4", from_=b.id("p1"), to=b.id("m1"), relation="addressed_by"),
        Link(id="l5", from_=money, to="budget.executed", relation="states", agree=False),
    ]
    rec.findings = [Finding(id="f1", kind="narrative_vs_table", severity="warning",
                            message="narrative 356.20万元 disagrees with budget.executed",
                            refs=[money, "budget.executed"], stated=356.2, expected=350.0)]
    return rec


def injection_record() -> Record:
    """Markup in every place a report or a record can put text: prose, a span, a table cell, the
    unit, a finding, a link's evidence, an id."""
    b = RecordBuilder()
    b.section("problems", "一、存在的问题" + INJECTIONS[0])
    b.para("正文", INJECTIONS[0], S("PROBLEM", "问题" + INJECTIONS[1], key="p1"), INJECTIONS[2])
    b.table("other", [["单元格" + INJECTIONS[0], INJECTIONS[1]]])
    b.section("measures", "二、改进措施")
    b.para(S("MEASURE", "措施" + INJECTIONS[2], key="m1"))
    rec = b.build()
    rec.doc_id = "inject"
    rec.source = Source(path="inject" + INJECTIONS[1] + ".txt", format="txt")
    rec.meta = Meta(unit="单位" + INJECTIONS[0], year=2024, grade=INJECTIONS[1])
    rec.links = [Link(id="l1", from_=b.id("p1"), to=b.id("m1"), relation="addressed_by", evidence=INJECTIONS[1])]
    rec.findings = [Finding(id="f1", kind="sum" + INJECTIONS[1], message=INJECTIONS[0],
                            refs=[b.id("p1"), INJECTIONS[2]])]
    return rec
