"""A consistent hand-built report record, and ways to break it one fact at a time."""
from __future__ import annotations

from tests.link.recordbuilder import RecordBuilder


def consistent_builder() -> RecordBuilder:
    """Every figure agrees: budget closes, breakdowns add up, scores sum, grade fits."""
    b = RecordBuilder()
    b.budget_row("上年结转", "carryover", "10.00")
    b.budget_row("年初预算", "initial", "200.00")
    b.budget_row("预算调整", "adjustment", "-5.00")
    b.budget_row("执行金额", "executed", "190.00")
    b.budget_row("年末结余", "balance", "15.00")
    b.budget_row("预算数", "budgeted", "205.00")
    b.budget_row("执行率", "execution_rate", "92.68")
    b.para("全年支出190.00万元，其中：基本支出150.00万元，项目支出40.00万元。")
    b.table("fund_use", [["任务", "预算数", "执行数"], ["会议保障", "25.00", "24.00"],
                         ["调研视察", "20.00", "16.00"], ["合计", "45.00", "40.00"]])
    b.table("budget", [["预算执行情况", "预算数", "执行数", "执行率", "得分（10分*执行率）"],
                       ["年度资金总额", "205.00", "190.00", "92.68%", "9.27"]])
    return b


def indicator_rows():
    # (name, weight, target, actual, score): weights add up to 100
    return [("会议保障", 40, "≥4次", "4次", 40), ("调研视察", 30, "≥3次", "3次", 28.5), ("群众满意度", 30, "≥90%", "95%", 30)]
