"""The structure stage as a whole: what it leaves behind besides the record."""
from __future__ import annotations

import gc

from pipeline.annotate import structure_text

TEXT = ("县图书馆2022年度部门整体支出绩效自评报告\n一、部门基本情况\n年初预算120.50万元，全年支出118.20万元。\n"
        "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\n产出指标\t数量指标\t图书购置数量\t≥500册\t520册\t10\t10\n")


def test_the_cyclic_collector_is_paused_for_the_stage_only():
    assert gc.isenabled()
    record = structure_text(TEXT)
    assert record.indicators and gc.isenabled()
    gc.disable()
    try:
        structure_text(TEXT)
        assert not gc.isenabled()   # a caller's choice is left as it was
    finally:
        gc.enable()
