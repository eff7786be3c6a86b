"""The section gate drops labels that the report's section rules out (configs/labels.yaml)."""
from pipeline.labels import load_labels
from pipeline.tag.regions import Region, find_regions, simple_headings
from pipeline.lexicon import sentence_around
from pipeline.tag.section_gate import SectionGate, section_kind

from tag_markup import PROJECT_FORM

# our own report skeleton: overview, assets, problems, measures
TEXT = (
    "为做好年度自评工作，现将有关情况报告如下。\n"
    "一、部门概况\n"
    "本单位建立健全内部控制制度，加强财务审核。\n"
    "二、资产管理情况\n"
    "严格执行资产登记制度，定期盘点。下一步将完善资产台账管理。\n"
    "三、存在的问题\n"
    "预算编制不够细化。\n"
    "四、改进措施\n"
    "（一）加强资产管理\n"
    "完善资产台账，定期开展清查。\n"
)


def _gate(text: str = TEXT):
    headings = simple_headings(text)
    regions = find_regions(text)
    return SectionGate.from_labels().bind(text, regions, headings), regions


def _allows(label: str, phrase: str, text: str = TEXT) -> bool:
    gate, regions = _gate(text)
    start = text.index(phrase)
    region = next(r for r in regions if r.start <= start < r.end)
    return gate.allows(label, start, start + len(phrase), region)


def test_measure_wording_in_descriptive_sections_is_dropped():
    assert not _allows("MEASURE", "建立健全内部控制制度")         # 部门概况: basic_info
    assert not _allows("MEASURE", "严格执行资产登记制度")         # 资产管理情况: assets
    assert not _allows("MEASURE", "现将有关情况报告如下")         # above the first heading


def test_measures_are_kept_in_their_sections_and_with_a_forward_marker():
    assert _allows("MEASURE", "完善资产台账")            # 改进措施 / （一）加强资产管理: home kind above
    assert _allows("MEASURE", "完善资产台账管理")        # in 资产管理情况, but the sentence says 下一步
    assert _allows("PROBLEM", "预算编制不够细化")
    assert _allows("WORKLOAD", "建立健全内部控制制度")   # WORKLOAD is gated in planned-value cells only


def test_table_cells_follow_their_row_label_and_unlabelled_cells_their_headings():
    gate, _ = _gate()
    start = TEXT.index("建立健全")
    labelled = Region(start, start + 10, "cell", row_label="资产管理情况")
    assert not gate.allows("MEASURE", start, start + 10, labelled)
    measures_row = Region(start, start + 10, "cell", row_label="改进措施")
    assert gate.allows("MEASURE", start, start + 10, measures_row)  # the row, not the 部门概况 heading
    # a cell without a row label (a table's 注：… note) reads like a paragraph under 部门概况
    assert not gate.allows("MEASURE", start, start + 10, Region(start, start + 10, "cell", row_label=""))
    late = TEXT.index("完善资产台账，")
    assert gate.allows("MEASURE", late, late + 6, Region(late, late + 6, "cell", row_label=""))
    # a row number as the row's label says nothing of the row: the headings above decide
    assert not gate.allows("MEASURE", start, start + 10, Region(start, start + 10, "cell", row_label="6"))
    assert not gate.allows("MEASURE", start, start + 10, Region(start, start + 10, "cell", row_label="（2）"))
    assert gate.allows("MEASURE", late, late + 6, Region(late, late + 6, "cell", row_label="6"))


def test_a_numbered_item_read_as_a_heading_does_not_decide_the_kind():
    # the parser may take 「2.受理……的意见建议」 as a heading: it is the span's own line
    titles = ["主要职能", "受理群众投诉和意见建议"]
    assert section_kind(titles, "受理群众投诉和意见建议") == "functions"
    assert section_kind(titles) == "measures"


def test_sentence_around_stops_at_sentence_ends():
    text = "一是完善制度。下一步，加强培训，提高能力。"
    assert sentence_around(text, text.index("加强"), text.index("加强") + 4) == "下一步，加强培训，提高能力"


def test_the_gate_is_configured_in_the_label_file():
    defs = {d.name: d for d in load_labels().labels}
    assert "basic_info" in defs["MEASURE"].not_in_sections and "measures" in defs["MEASURE"].home_sections
    assert defs["WORKLOAD"].not_in_sections == ("targets",)   # no section rules out work done


def _form_cell(phrase: str):
    from pipeline.annotate import structure_text
    from pipeline.tag.regions import headings_from_record

    record = structure_text(PROJECT_FORM)
    regions = find_regions(PROJECT_FORM, record.tables)
    gate = SectionGate.from_labels().bind(PROJECT_FORM, regions, headings_from_record(record))
    start = PROJECT_FORM.index(phrase)
    return gate, next(r for r in regions if r.start <= start < r.end), start, start + len(phrase)


def test_a_cell_under_a_column_of_planned_values_holds_no_work_done():
    gate, region, a, b = _form_cell("修复破损路面35处")
    assert region.column_label == "预期目标"
    for label in ("WORKLOAD", "MEASURE", "PROBLEM", "CAUSE"):
        assert not gate.allows(label, a, b, region)
    gate, region, a, b = _form_cell("修复破损路面38处")
    assert region.column_label == "实际完成情况"
    assert gate.allows("WORKLOAD", a, b, region)


def test_a_header_like_row_of_broken_prose_names_no_target_column():
    # the row of short prose pieces above reads like a header; its 「年初申报的绩效目标的」 is no
    # column of planned values, and the measures row keeps its MEASURE
    gate, region, a, b = _form_cell("进一步细化年度绩效目标")
    assert region.column_label == "年初申报的绩效目标的"   # aligned under it, but no target column
    assert gate.allows("MEASURE", a, b, region)


def test_a_recommendation_opens_its_clause_and_the_noun_is_no_marker():
    # our own lines under a heading of the year's results (kind evaluation): 建议 as a noun
    # (意见和建议, 建议案) describes work done; opening a clause it recommends
    text = ("一、部门整体支出绩效实现情况\n"
            "围绕中心工作广泛听取意见和建议，加强调查研究，形成高质量建议案。\n"
            "对照年度目标，建议今后加强调研成果转化。\n")
    assert not _allows("MEASURE", "加强调查研究", text)
    assert _allows("MEASURE", "加强调研成果转化", text)


def test_a_cause_outside_the_problems_is_stated_as_one():
    # our own lines: a results section explains shortfalls with a cause's marker; a line of
    # rhetoric about the road ahead is no cause; under 存在的问题 the place says it
    text = ("一、部门整体支出绩效实现情况\n"
            "巡查次数未达到年度目标，主要原因是汛期道路中断。前方仍有难题需要破解。\n"
            "验收推迟两个月，系设备到货延迟所致。监测点未建成，主要因素是选址调整。\n"
            "二、存在的问题\n"
            "项目前期论证不充分。\n")
    for cause in ("汛期道路中断", "设备到货延迟", "选址调整", "项目前期论证不充分"):
        assert _allows("CAUSE", cause, text), cause
    assert not _allows("CAUSE", "前方仍有难题需要破解", text)
