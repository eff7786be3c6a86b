"""Measure sections (pipeline.tag.measure_sections), on our own text."""
from pipeline.tag.measure_sections import complete_measure_sections
from pipeline.tag.regions import find_regions, simple_headings
from pipeline.tag.section_gate import SectionGate

from tag_markup import S

TEXT = (
    "一、部门概况\n"
    "加强干部队伍建设，完善内部管理制度。\n"
    "二、存在的问题\n"
    "预算编制不够细化。\n"
    "三、改进措施\n"
    "我单位将提高预算编制的精准度，结合上年执行情况测算支出需求。\n"
    "强化绩效运行监控。预算执行进度仍然偏慢。\n"
    "细化预算编制，按季度通报执行进度。\n"
)


def _complete(spans):
    headings = simple_headings(TEXT)
    regions = find_regions(TEXT)
    gate = SectionGate.from_labels().bind(TEXT, regions, headings)
    return complete_measure_sections(TEXT, regions, spans, lambda a, b, r: gate.kinds(a, b, r)[0],
                                     lambda a, b, sc: S(a, b, "MEASURE", sc))


def test_untagged_imperative_sentences_of_a_measures_section_become_measures():
    tagged = [S(TEXT.index("细化预算编制，"), TEXT.rindex("。"), "MEASURE", 0.9)]
    added = _complete(tagged)
    assert [(TEXT[s.start:s.end], s.score) for s in added] == [
        ("提高预算编制的精准度，结合上年执行情况测算支出需求", 0.5),   # 我单位将 outside
        ("强化绩效运行监控", 0.5)]
    # not in 部门概况 (same wording), not a shortcoming (预算执行进度仍然偏慢 has no action verb),
    # not a sentence that already holds a span


def test_nothing_is_added_outside_measures_sections():
    added = _complete([])
    assert all(TEXT.index("三、改进措施") < s.start for s in added)
    assert "加强干部队伍建设" not in [TEXT[s.start:s.end][:8] for s in added]
