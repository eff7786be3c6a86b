from pipeline.check import Checker
from pipeline.link import Linker
from tests.link.recordbuilder import RecordBuilder, S


def test_linker_disagreements_become_findings():
    b = RecordBuilder()
    b.budget_row("预算执行金额", "executed", "120.50")
    b.para("本年预算执行金额为", "125.50万元", "，", S("WORKLOAD", "组织执法检查3次", "w"), "。")
    b.indicator_table([("执法检查工作", 10, "≥4次", "5次", 10)])
    rec = b.build()
    Linker()(rec)
    # a fuzzy link is our pairing, not the report's: below the default confidence
    assert [f for f in Checker().predict(rec) if f.kind == "narrative_table_mismatch"] == []
    found = Checker(min_confidence=0).predict(rec)
    mism = [f for f in found if f.kind == "narrative_table_mismatch"]
    assert sorted((f.stated, f.expected) for f in mism) == [(3.0, 5.0), (125.5, 120.5)]
    assert all(len(f.refs) == 3 for f in mism)


def test_agreeing_narrative_gives_no_finding():
    b = RecordBuilder()
    b.budget_row("预算执行金额", "executed", "120.50")
    b.para("本年预算执行金额为120.50万元，", S("WORKLOAD", "组织执法检查5次", "w"), "。")
    b.indicator_table([("执法检查工作", 10, "≥4次", "5次", 10)])
    rec = b.build()
    Linker()(rec)
    assert len(rec.links) == 2 and all(lk.agree for lk in rec.links)
    assert Checker().predict(rec) == []
