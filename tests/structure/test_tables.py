"""Each table layout yields the same indicator facts."""
from __future__ import annotations

import pytest

from pipeline.annotate import structure_text

ROWS = [("一级指标", "二级指标", "指标名称", "年初目标值", "实际完成值", "得分"),
        ("产出指标", "数量指标", "开展业务培训", "≥10次", "12次", "20"),
        ("", "", "发放宣传资料", "≥500份", "600份", "20"),
        ("", "质量指标", "验收合格率", "100%", "100%", "20")]
HEAD = "某县农业农村局2022年度部门整体支出绩效自评报告\n三、绩效指标完成情况\n"


def as_tabs():
    return HEAD + "\n".join("\t".join(r) for r in ROWS) + "\n"


def as_cell_lines():
    return HEAD + "\n\n".join("\n".join("\t" + c for c in r) for r in ROWS) + "\n"


def as_pipes():
    lines = ["| " + " | ".join(ROWS[0]) + " |", "|" + "---|" * 6]
    lines += ["| " + " | ".join(r) + " |" for r in ROWS[1:]]
    return HEAD + "\n".join(lines) + "\n"


def as_spaces():
    return HEAD + "\n".join("  ".join(c or "　" for c in r) for r in ROWS) + "\n"


@pytest.mark.parametrize("make,layout", [(as_tabs, "tabs"), (as_cell_lines, "cell_lines"), (as_pipes, "pipes"),
                                         (as_spaces, "spaces")])
def test_indicator_table_in_every_layout(make, layout):
    r = structure_text(make())
    assert [t.layout for t in r.tables] == [layout]
    assert r.tables[0].kind == "indicators"
    got = [(i.level1, i.level2, i.name, i.target.text, i.actual.text, i.score) for i in r.indicators]
    assert got == [("产出指标", "数量指标", "开展业务培训", "≥10次", "12次", 20),
                   ("产出指标", "数量指标", "发放宣传资料", "≥500份", "600份", 20),
                   ("产出指标", "质量指标", "验收合格率", "100%", "100%", 20)]
    for t in r.tables:
        for row in t.rows:
            for c in row.cells:
                assert r.text[c.start:c.end] == c.text


def test_key_value_rows_and_prose_facts():
    text = ("2021年度部门整体支出绩效自评表\n单位名称\t东湖区文化和旅游局\t\t\n上年结转金额 (万元)\t12.50\t年初预算金额(万元)\t300.00\n"
            "\n预算执行金额为298.40万元，基本支出200.00万元，项目支出98.40万元。\n")
    r = structure_text(text)
    assert r.meta.unit == "东湖区文化和旅游局"
    values = {k: v.value for k, v in r.budget.items()}
    # the year's spend (预算执行金额) is its expenditure too when no 支出合计 is printed (configs/facts.yaml: also)
    assert values == {"carryover": 12.5, "initial": 300.0, "executed": 298.4, "expenditure": 298.4,
                      "basic_expenditure": 200.0, "project_expenditure": 98.4}
    for v in r.budget.values():
        assert r.text[v.start:v.end] == v.text


def test_a_bare_number_in_prose_is_not_money():
    r = structure_text("绩效自评报告\n全年基本支出项目12个，预算执行率98%。\n")
    assert "basic_expenditure" not in r.budget
