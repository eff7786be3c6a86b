"""Row completion for 偏差原因 / 改进措施 rows (pipeline.tag.rows), on our own text."""
import numpy as np

from pipeline.tag.regions import find_regions
from pipeline.tag.rows import complete_row, label_in_row

from tag_markup import S

TEXT = ("项目名称\t乡村道路养护\n"
        "偏差原因分析\t养护里程未达标\n"
        "改进措施及结果应用\t加强施工计划管理。一是提前安排养护时段；二是优化资金拨付流程。\n"
        "备注\t无特殊情况说明事项\n")


def _make(a, b, label, score):
    return S(a, b, label, round(score, 2))


def _regions():
    return {TEXT[r.start:r.end]: r for r in find_regions(TEXT)}


def test_short_cells_of_narrative_rows_are_regions_and_other_short_cells_are_not():
    regions = _regions()
    assert "养护里程未达标" in regions                  # 7 hanzi, in a 偏差原因 row
    assert regions["养护里程未达标"].row_label == "偏差原因分析"
    assert "乡村道路养护" not in regions and "无特殊情况说明事项" not in regions


def test_untagged_sentences_of_a_measures_row_become_measures():
    region = next(r for t, r in _regions().items() if t.startswith("加强"))
    p_o = np.full(region.end - region.start, 0.3)
    tagged = S(TEXT.index("提前"), TEXT.index("；"), "MEASURE", 0.9)
    spans = complete_row(TEXT, region, p_o, [tagged], _make)
    assert [(TEXT[s.start:s.end], s.label, s.score) for s in spans] == [
        ("加强施工计划管理", "MEASURE", 0.7), ("提前安排养护时段", "MEASURE", 0.9), ("优化资金拨付流程", "MEASURE", 0.7)]


def test_measure_pieces_of_one_sentence_become_the_sentence_and_other_labels_stay():
    region = next(r for t, r in _regions().items() if t.startswith("加强"))
    p_o = np.full(region.end - region.start, 0.9)  # firm O: nothing new is added
    a = TEXT.index("提前")
    pieces = [S(a, a + 4, "MEASURE", 0.8), S(a + 5, TEXT.index("；"), "MEASURE", 0.6)]
    spans = complete_row(TEXT, region, p_o, pieces, _make)
    assert [(TEXT[s.start:s.end], s.score) for s in spans] == [("提前安排养护时段", 0.7)]
    mixed = [S(a, a + 4, "MEASURE", 0.8), S(a + 5, TEXT.index("；"), "PROBLEM", 0.6)]
    assert complete_row(TEXT, region, p_o, mixed, _make) == mixed


def test_a_sentence_the_model_firmly_reads_as_o_stays_untagged():
    region = _regions()["养护里程未达标"]
    assert complete_row(TEXT, region, np.full(region.end - region.start, 0.95), [], _make) == []
    added = complete_row(TEXT, region, np.full(region.end - region.start, 0.4), [], _make)
    assert [(TEXT[s.start:s.end], s.label) for s in added] == [("养护里程未达标", "PROBLEM")]


def test_labels_in_a_problems_row_follow_the_sentence_form():
    assert label_in_row("problems", "由于雨季较长，施工推迟") == "CAUSE"
    assert label_in_row("problems", "加强施工计划管理") == "MEASURE"
    assert label_in_row("problems", "养护里程未达标") == "PROBLEM"
    assert label_in_row("measures", "养护里程未达标") == "MEASURE"


def test_two_actions_of_one_sentence_separated_by_a_comma_become_one_measure():
    # guidelines §5: one span per sentence, not per comma clause
    text = "改进措施\t申请资金更新消防设施，分批推进档案数字化。\n"
    region = next(r for r in find_regions(text) if r.kind == "cell")
    a, b = text.index("申请"), text.index("分批")
    pieces = [S(a, text.index("，"), "MEASURE", 0.9), S(b, text.index("。"), "MEASURE", 0.7)]
    spans = complete_row(text, region, np.full(region.end - region.start, 0.9), pieces, _make)
    assert [(text[s.start:s.end], s.label, s.score) for s in spans] == [
        ("申请资金更新消防设施，分批推进档案数字化", "MEASURE", 0.8)]
