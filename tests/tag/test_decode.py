import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.labels import load_labels
from pipeline.tag.decode import (DecodedSpan, SpanFirstDecoder, ViterbiDecoder, is_valid_sequence, spans_to_tags,
                                 tags_to_spans)
from pipeline.tag.rules import decode_region
from pipeline.tag.span_rules import merge_pieces, snap, split_leading_cause, strip_label_lead, widen_to_sentence

TAGS = load_labels().tags()


@pytest.mark.parametrize("decoder", [ViterbiDecoder, SpanFirstDecoder])
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(0, 10_000))
def test_decoders_never_emit_invalid_transitions(decoder, n, seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(len(TAGS), 0.3), size=n)
    path = decoder(TAGS).decode(probs)
    assert is_valid_sequence([TAGS[i] for i in path], TAGS)


def _probs(n: int, floor: float, rows: list[dict[str, float]]) -> np.ndarray:
    """n characters' tag probabilities: ``floor`` everywhere but the tags each row names."""
    probs = np.full((n, len(TAGS)), floor)
    for i, row in enumerate(rows):
        for tag, p in row.items():
            probs[i, TAGS.index(tag)] = p
    return probs


def test_viterbi_repairs_a_broken_argmax():
    # argmax would be I-PROBLEM I-PROBLEM O (no B, no E): the decoder must pick a valid path
    probs = _probs(3, 0.01, [{"I-PROBLEM": 0.6, "B-PROBLEM": 0.3}, {"I-PROBLEM": 0.9}, {"O": 0.5, "E-PROBLEM": 0.45}])
    path = [TAGS[i] for i in ViterbiDecoder(TAGS).decode(probs)]
    assert path == ["B-PROBLEM", "I-PROBLEM", "E-PROBLEM"]


def test_tags_and_spans_round_trip():
    spans = [(0, 1, "WORKLOAD"), (2, 6, "PROBLEM"), (7, 9, "MEASURE")]
    tags = spans_to_tags(10, spans)
    assert is_valid_sequence(tags, TAGS)
    ids = np.array([TAGS.index(t) for t in tags])
    assert tags_to_spans(ids, TAGS) == spans


def test_snap_trims_numbering_connectives_and_final_punctuation():
    cases = {
        "一是加强预算编制。": "加强预算编制",
        "（2）完善考核办法；": "完善考核办法",
        "3.负责档案保管工作。": "负责档案保管工作",
        "②健全内控制度": "健全内控制度",
        "此外，定期公开预算信息。": "定期公开预算信息",
        " 同时加强培训，": "加强培训",
        "开展调研1.5万人次": "开展调研1.5万人次",
        "2020年完成验收": "2020年完成验收",
        "另一方面，项目前期论证不够规范": "项目前期论证不够规范",
        "但也要看到，会计核算不够规范": "会计核算不够规范",
        "从执行情况看，预算执行进度滞后": "预算执行进度滞后",
        "但资产台账更新不及时": "资产台账更新不及时",
        "**组织业务培训12期": "组织业务培训12期",       # markdown emphasis is markup
        "1. **优化服务流程。**": "优化服务流程",
        "• 开展巡查40次": "开展巡查40次",
        "究其原因，经办人员业务不熟悉": "经办人员业务不熟悉",   # the marker introduces the cause
        "主要是资金下达较晚。": "资金下达较晚",
        "下一步，我局将完善考核办法": "完善考核办法",
        "下一步加快推进项目建设": "加快推进项目建设",  # 下一步 leads the plan with or without 将
        "下一阶段，严格执行采购程序": "严格执行采购程序",
        "今后提前下达评价通知": "今后提前下达评价通知",   # 今后 without 将: the plan's own words (guidelines §5)
    }
    for raw, want in cases.items():
        a, b = snap(raw, 0, len(raw))
        assert raw[a:b] == want, raw


def test_snap_trims_an_item_number_before_a_figure_in_a_numbered_list():
    """「1.80周岁…」 in a list whose next item is 「2.」: the number is numbering, not a decimal
    (pipeline.lexicon.item_number_before_figure); without a sequence the figure stays whole."""
    text = "说明\t1.80周岁以上老人走访人数未达到计划。\n2.台账更新不及时。"
    a, b = snap(text, 3, text.index("。"))
    assert text[a:b] == "80周岁以上老人走访人数未达到计划"
    alone = "1.65万元结转下年使用"
    assert snap(alone, 0, len(alone)) == (0, len(alone))


def _probs_for(text, spans, sharp=0.97):
    tags = spans_to_tags(len(text), spans)
    probs = np.full((len(text), len(TAGS)), (1 - sharp) / (len(TAGS) - 1))
    for i, t in enumerate(tags):
        probs[i, TAGS.index(t)] = sharp
    return probs


def test_decode_region_never_crosses_a_tab_or_line_break():
    text = "完善制度\t落实责任\n加强监督"
    out = decode_region(text, 0, _probs_for(text, [(0, len(text), "MEASURE")]), ViterbiDecoder(TAGS))
    assert [(s.start, s.end) for s in out] == [(0, 4), (5, 9), (10, 14)]
    assert all("\t" not in text[s.start:s.end] and "\n" not in text[s.start:s.end] for s in out)


def test_decode_region_scores_and_offsets_are_in_text_coordinates():
    text = "前文。一是资金拨付偏慢；"
    region_start = 3
    region = text[region_start:]
    out = decode_region(text, region_start, _probs_for(region, [(0, len(region), "PROBLEM")]), ViterbiDecoder(TAGS))
    assert len(out) == 1 and text[out[0].start:out[0].end] == "资金拨付偏慢"
    assert 0.9 < out[0].score <= 1.0


def test_merge_joins_clause_pieces_split_at_a_comma_but_not_workloads():
    text = "资金拨付偏慢，项目推进迟缓；开展调研8次，举办讲座4期"
    pieces = [DecodedSpan(0, 6, "PROBLEM", 0.8), DecodedSpan(7, 13, "PROBLEM", 0.6),
              DecodedSpan(14, 20, "WORKLOAD", 0.9), DecodedSpan(21, 27, "WORKLOAD", 0.9)]
    merged = merge_pieces(text, pieces, frozenset({"PROBLEM"}), gap_o_prob=lambda a, b: 0.5)
    assert [(s.start, s.end, s.label) for s in merged] == [(0, 13, "PROBLEM"), (14, 20, "WORKLOAD"),
                                                           (21, 27, "WORKLOAD")]
    assert merged[0].score == (0.8 * 6 + 0.6 * 6) / 12


def test_merge_keeps_pieces_apart_when_the_model_is_sure_the_comma_is_outside():
    text = "资金拨付偏慢，项目推进迟缓"
    pieces = [DecodedSpan(0, 6, "PROBLEM", 0.8), DecodedSpan(7, 13, "PROBLEM", 0.6)]
    kept = merge_pieces(text, pieces, frozenset({"PROBLEM"}), gap_o_prob=lambda a, b: 0.99)
    assert len(kept) == 2


def test_pieces_of_two_labels_that_cut_one_clause_are_one_span_with_the_clause_role():
    # our own sentences: the model switched labels between two hanzi of one clause
    labels = frozenset({"PROBLEM", "CAUSE", "MEASURE"})
    text = "当前考核的主要依据是年度方案，对资料归档没有统一要求"
    pieces = [DecodedSpan(0, 10, "MEASURE", 0.7), DecodedSpan(10, 26, "PROBLEM", 0.9)]
    merged = merge_pieces(text, pieces, labels)
    assert [(s.start, s.end, s.label) for s in merged] == [(0, 26, "PROBLEM")]   # a negative state
    text = "部分指标以产出为主，效益指标偏少"
    pieces = [DecodedSpan(0, 5, "PROBLEM", 0.7), DecodedSpan(5, 16, "CAUSE", 0.6)]
    assert [(s.start, s.end, s.label) for s in merge_pieces(text, pieces, labels)] == [(0, 16, "PROBLEM")]


def test_a_cause_marker_opens_the_next_role_without_punctuation():
    text = "执行率偏低。主要原因是项目开工推迟"
    pieces = [DecodedSpan(0, 11, "PROBLEM", 0.7), DecodedSpan(11, 17, "CAUSE", 0.9)]
    assert len(merge_pieces(text, pieces, frozenset({"PROBLEM", "CAUSE"}))) == 2


def test_merge_never_joins_across_a_sentence_end():
    text = "资金拨付偏慢。项目推进迟缓"
    pieces = [DecodedSpan(0, 6, "PROBLEM", 0.8), DecodedSpan(7, 13, "PROBLEM", 0.6)]
    assert len(merge_pieces(text, pieces, frozenset({"PROBLEM"}))) == 2


def test_clause_spans_are_widened_to_the_clause_edges():
    from pipeline.tag.span_rules import widen_to_clauses
    text = "一、组织实施全体会议、常务会议的决议和决定，做好会务保障。"
    cut = text.index("常务")  # the model started inside the clause and stopped before its last word
    spans = [DecodedSpan(cut, text.index("和决定"), "FUNCTION", 0.9)]
    (w,) = widen_to_clauses(text, 0, len(text), spans)
    assert text[w.start:w.end] == "组织实施全体会议、常务会议的决议和决定"


def test_widening_keeps_lead_ins_connectives_and_other_spans_outside():
    from pipeline.tag.span_rules import widen_to_clauses
    text = "我局将按季度开展绩效运行监控，主要原因是人员不足导致预算执行存在偏差。"
    measure = DecodedSpan(text.index("季度"), text.index("，"), "MEASURE", 0.9)
    problem = DecodedSpan(text.index("预算执行"), len(text) - 1, "PROBLEM", 0.9)
    cause = DecodedSpan(text.index("员不"), text.index("导致"), "CAUSE", 0.9)
    out = {s.label: text[s.start:s.end] for s in widen_to_clauses(text, 0, len(text), [measure, cause, problem])}
    assert out["MEASURE"] == "按季度开展绩效运行监控"     # 我局将 is a lead-in
    assert out["CAUSE"] == "人员不足"                     # 主要原因是 stays out
    assert out["PROBLEM"] == "预算执行存在偏差"          # not widened over 导致 to the CAUSE


def test_a_problem_inside_a_frame_is_the_span_without_the_frame():
    """「针对…的问题，下一步…」: widened to its clause, the problem leaves the frame's words outside
    (pipeline.lexicon.PROBLEM_FRAME); a clause that only mentions 问题 is left whole."""
    from pipeline.tag.span_rules import widen_to_clauses
    text = "（二）针对部分站点巡检频次偏低、台账记录不全的问题，下一步将完善巡检制度。"
    cut = DecodedSpan(text.index("巡检频次"), text.index("记录"), "PROBLEM", 0.9)
    (w,) = widen_to_clauses(text, 0, text.index("，下一步"), [cut])
    assert text[w.start:w.end] == "部分站点巡检频次偏低、台账记录不全"
    plain = "存在资产台账更新不及时的问题。"
    (p,) = widen_to_clauses(plain, 0, len(plain), [DecodedSpan(2, 8, "PROBLEM", 0.9)])
    assert plain[p.start:p.end] == "存在资产台账更新不及时的问题"


def test_widening_leaves_workloads_and_far_clause_edges_alone():
    from pipeline.tag.span_rules import widen_to_clauses
    text = "全年共召开党组会议12次，" + "甲" * 60 + "加强培训。"
    wl = DecodedSpan(text.index("召开"), text.index("，"), "WORKLOAD", 0.9)
    far = DecodedSpan(text.index("加强"), len(text) - 1, "MEASURE", 0.9)  # clause edge 60 chars away
    out = widen_to_clauses(text, 0, len(text), [wl, far])
    assert [(s.start, s.end) for s in out] == [(wl.start, wl.end), (far.start, far.end)]


def test_a_function_is_widened_to_its_whole_item():
    from pipeline.tag.span_rules import widen_function_items
    text = "3.负责会员登记和咨询接待工作，汇总、上报基层单位的需求和困难。"
    start = text.index("负责")
    piece = DecodedSpan(start, start + len("负责会员登记"), "FUNCTION", 0.9)
    out = widen_function_items(text, 0, len(text), [piece])
    assert [text[s.start:s.end] for s in out] == ["负责会员登记和咨询接待工作，汇总、上报基层单位的需求和困难"]


def test_function_pieces_of_one_item_are_joined_and_items_stay_apart():
    from pipeline.tag.span_rules import widen_function_items
    text = "主要职责：负责全市档案的收集、整理；指导基层档案工作。"
    a = text.index("负责")
    b = text.index("整理")
    c = text.index("指导")
    out = widen_function_items(text, 0, len(text), [DecodedSpan(a, a + 4, "FUNCTION", 0.9),
                                                     DecodedSpan(b, b + 2, "FUNCTION", 0.8),
                                                     DecodedSpan(c, c + 4, "FUNCTION", 0.9)])
    assert [text[s.start:s.end] for s in out] == ["负责全市档案的收集、整理", "指导基层档案工作"]


def test_function_next_to_another_label_is_not_widened_over_it():
    from pipeline.tag.span_rules import widen_function_items
    text = "负责组织全市培训工作，全年举办培训12期。"
    f = DecodedSpan(0, 4, "FUNCTION", 0.9)
    w0 = text.index("举办")
    w = DecodedSpan(w0, w0 + len("举办培训12期"), "WORKLOAD", 0.9)
    out = widen_function_items(text, 0, len(text), [f, w])
    assert (out[0].start, out[0].end) == (0, 4)            # the item holds a WORKLOAD: left as predicted
    assert text[out[1].start:out[1].end] == "举办培训12期"


def test_decoded_spans_never_hold_a_sentence_end():
    text = "建立制度，规范流程。目前缺少统一规定"
    tags = ["B-MEASURE"] + ["I-MEASURE"] * (len(text) - 2) + ["E-MEASURE"]
    probs = np.full((len(text), len(TAGS)), 0.001)
    for i, t in enumerate(tags):
        probs[i, TAGS.index(t)] = 0.99
    spans = decode_region(text, 0, probs, ViterbiDecoder(TAGS))
    assert [text[s.start:s.end] for s in spans] == ["建立制度，规范流程", "目前缺少统一规定"]


def test_span_first_decoder_keeps_a_span_whose_label_wavers():
    # six characters inside a span by every reading, but the label flips between CAUSE and
    # PROBLEM and neither label has a confident B…E path of its own; CAUSE has more mass
    probs = np.full((8, len(TAGS)), 1e-4)
    probs[0, TAGS.index("O")] = 0.99
    probs[1, TAGS.index("B-CAUSE")], probs[1, TAGS.index("B-PROBLEM")], probs[1, TAGS.index("O")] = 0.35, 0.3, 0.3
    for i, lab in zip(range(2, 6), ("CAUSE", "PROBLEM", "CAUSE", "CAUSE")):
        probs[i, TAGS.index(f"I-{lab}")] = 0.6
        probs[i, TAGS.index("I-PROBLEM" if lab == "CAUSE" else "I-CAUSE")] = 0.38
    probs[6, TAGS.index("E-PROBLEM")], probs[6, TAGS.index("E-CAUSE")] = 0.5, 0.45
    probs[7, TAGS.index("O")] = 0.99
    dec = SpanFirstDecoder(TAGS)
    assert tags_to_spans(dec.decode(probs), TAGS) == [(1, 7, "CAUSE")]
    scores = dec.scores(probs, dec.decode(probs))
    assert scores[1] == pytest.approx(0.65, abs=0.01) and scores[6] == pytest.approx(0.95, abs=0.01)


def _one_span(text: str, label: str) -> np.ndarray:
    """Confident per-character probabilities for one span over the whole text."""
    tags = ["B-" + label] + ["I-" + label] * (len(text) - 2) + ["E-" + label]
    probs = np.full((len(text), len(TAGS)), 0.001)
    for i, t in enumerate(tags):
        probs[i, TAGS.index(t)] = 0.99
    return probs


def test_a_leading_recommendation_word_stays_outside_a_measure():
    text = "建议今后提前下达评价方案"
    spans = decode_region(text, 0, _one_span(text, "MEASURE"), SpanFirstDecoder(TAGS))
    assert [(text[s.start:s.end], s.label) for s in spans] == [("今后提前下达评价方案", "MEASURE")]
    short = strip_label_lead("建议修订", DecodedSpan(0, 4, "MEASURE", 0.9))
    assert (short.start, short.end) == (0, 4)  # nothing would be left: kept as predicted
    other = strip_label_lead("建议案被批示3次", DecodedSpan(0, 8, "WORKLOAD", 0.9))
    assert (other.start, other.end) == (0, 8)  # only MEASURE drops the word


def test_a_problem_opening_with_a_reason_clause_is_split_into_cause_and_problem():
    text = "由于培训经费安排偏少，基层人员业务能力不足"
    out = split_leading_cause(text, DecodedSpan(0, len(text), "PROBLEM", 0.8))
    assert [(text[s.start:s.end], s.label) for s in out] == [
        ("由于培训经费安排偏少", "CAUSE"), ("基层人员业务能力不足", "PROBLEM")]
    whole = "由于临时任务增加导致年中追加预算"  # no clause break: one CAUSE span stays as it is
    assert split_leading_cause(whole, DecodedSpan(0, len(whole), "PROBLEM", 0.8)) == [
        DecodedSpan(0, len(whole), "PROBLEM", 0.8)]
    # a CAUSE read over a sentence whose later clauses state a shortcoming splits the same way;
    # a consequence that is no shortcoming stays inside the CAUSE
    long_cause = "由于项目类型多样，考核指标设置难度大，部分指标缺乏可比性"
    out = split_leading_cause(long_cause, DecodedSpan(0, len(long_cause), "CAUSE", 0.8))
    assert [(long_cause[s.start:s.end], s.label) for s in out] == [
        ("由于项目类型多样", "CAUSE"), ("考核指标设置难度大，部分指标缺乏可比性", "PROBLEM")]
    for effect in ("由于上级资金到位较晚，影响了项目进度", "由于上级资金到位较晚，导致项目进度滞后"):
        assert split_leading_cause(effect, DecodedSpan(0, len(effect), "CAUSE", 0.8)) == [
            DecodedSpan(0, len(effect), "CAUSE", 0.8)]
    cause = "除天气因素外，由于设备老化检修延期"
    out = split_leading_cause(cause, DecodedSpan(0, len(cause), "CAUSE", 0.8))
    assert [cause[s.start:s.end] for s in out] == ["由于设备老化检修延期"]


@pytest.mark.parametrize("marked, expected", [
    # a clause end before the count: the activity is the last clause
    ("坚持走访企业，共走访企业45家", "走访企业45家"),
    # a new predicate joined by 并 after the count is not the WORKLOAD's object
    ("新建便民服务点12个并投入使用", "新建便民服务点12个"),
    # a digit-group comma is not a clause end
    ("全年共受理申请2,318件", "受理申请2,318件"),
    # this year's lead words stay outside
    ("今年共审核项目31个", "审核项目31个"),
    # a subject or deadline before 共/累计/每人 stays outside; 公共, 中共, 共建共享 are words, and
    # 共计 right before the count leaves the activity in
    ("我县共建成村级文化广场48个", "建成村级文化广场48个"),
    ("9月底前累计核发证照260件", "核发证照260件"),
    ("党员干部每人撰写心得体会2篇", "撰写心得体会2篇"),
    ("委员共提交提案86件", "委员共提交提案86件"),     # a named doer stays, as the seed facts keep 代表共提出…
    ("开展公共卫生宣传活动20场", "开展公共卫生宣传活动20场"),
    ("发展中共党员3名", "发展中共党员3名"),
    ("组织共建共享活动12次", "组织共建共享活动12次"),
    ("参加巡查等活动共计80多人次", "参加巡查等活动共计80多人次"),
    # a doer before 全年 (an organisation, a service, a role) stays outside with it, as a frame
    # (pipeline.lexicon.ACTIVITY_FRAME); a verb before 全年 is no doer
    ("市档案馆全年接待查档群众3,200人次", "接待查档群众3,200人次"),
    ("便民服务热线全年受理诉求4.6万件", "受理诉求4.6万件"),
    ("完成全年巡查任务36次", "完成全年巡查任务36次"),
])
def test_workload_spans_are_one_clause_ending_with_the_quantity(marked, expected):
    spans = decode_region(marked, 0, _one_span(marked, "WORKLOAD"), SpanFirstDecoder(TAGS))
    assert [marked[s.start:s.end] for s in spans] == [expected]


def test_two_counted_items_in_one_workload_span_stay_two_items():
    text = "举办讲座6期，编印简报12期"
    spans = decode_region(text, 0, _one_span(text, "WORKLOAD"), SpanFirstDecoder(TAGS))
    assert [text[s.start:s.end] for s in spans] == ["举办讲座6期", "编印简报12期"]


def test_a_reason_runs_to_its_consequence_word():
    text = "因临时任务较多，部分支出未列入年初预算，导致预算调整频繁"
    out = split_leading_cause(text, DecodedSpan(0, len(text), "PROBLEM", 0.8))
    assert [(text[s.start:s.end], s.label) for s in out] == [
        ("因临时任务较多，部分支出未列入年初预算", "CAUSE"), ("预算调整频繁", "PROBLEM")]


def test_a_measure_starting_after_a_comma_is_widened_to_its_sentence_start():
    text = "一是强化培训，组织财务人员参加业务学习。二是我们将完善台账，定期清查资产。"
    s1 = text.index("组织")
    s2 = text.index("定期")
    spans = [DecodedSpan(s1, text.index("。"), "MEASURE", 0.9), DecodedSpan(s2, len(text) - 1, "MEASURE", 0.9)]
    out = widen_to_sentence(text, 0, len(text), spans)
    assert [text[s.start:s.end] for s in out] == ["强化培训，组织财务人员参加业务学习", "完善台账，定期清查资产"]
    # another span in between, or a PROBLEM: left as predicted
    held = [DecodedSpan(2, 6, "MEASURE", 0.9), DecodedSpan(s1, text.index("。"), "MEASURE", 0.9)]
    assert widen_to_sentence(text, 0, len(text), held) == held
    cause = [DecodedSpan(s1, text.index("。"), "CAUSE", 0.9)]
    assert widen_to_sentence(text, 0, len(text), cause) == cause
    # a PROBLEM is widened too, on the right also from a cut at 、 (inside a list)
    text = "当前评价工作存在时间不足、任务密集的问题。"
    problem = [DecodedSpan(text.index("当前"), text.index("、"), "PROBLEM", 0.9)]
    assert [text[s.start:s.end] for s in widen_to_sentence(text, 0, len(text), problem)] == [
        "当前评价工作存在时间不足、任务密集的问题"]
    # reaching the next span is not reaching the sentence's edge
    text = "救助对象动态管理不够及时，原因是部门间信息共享机制尚不完善。"
    pair = [DecodedSpan(0, text.index("，"), "PROBLEM", 0.9),
            DecodedSpan(text.index("部门"), len(text) - 1, "CAUSE", 0.9)]
    assert widen_to_sentence(text, 0, len(text), pair) == pair


def test_measure_pieces_of_one_sentence_are_joined_whatever_the_model_says_at_the_comma():
    from pipeline.tag.span_rules import merge_pieces
    text = "强化培训，组织财务人员参加业务学习。"
    pieces = [DecodedSpan(0, 4, "MEASURE", 0.9), DecodedSpan(5, len(text) - 1, "MEASURE", 0.7)]
    sure_o = lambda a, b: 0.99  # noqa: E731
    merged = merge_pieces(text, pieces, frozenset({"MEASURE", "PROBLEM"}), sure_o)
    assert [(text[s.start:s.end]) for s in merged] == ["强化培训，组织财务人员参加业务学习"]
    problems = [DecodedSpan(0, 4, "PROBLEM", 0.9), DecodedSpan(5, len(text) - 1, "PROBLEM", 0.7)]
    assert len(merge_pieces(text, problems, frozenset({"MEASURE", "PROBLEM"}), sure_o)) == 2  # a confident O at a comma


@pytest.mark.parametrize("span_text, kept", [
    ("开展专题调研26项", True), ("立案53件提案", True), ("完成3个目标任务", True),
    ("召开了四届六次全会", False),      # a session's designation: 四届 then a number
    ("五届一次会议组织各", False),      # 一次 after 届: an ordinal
    ("举办第三期培训班", False),        # 第…期
    ("简称一法一条例", False),          # 条 begins 条例
    ("牢固树立“四个意识”", False),      # a number inside a quoted name
    ("学习《关于加强三项工作的意见》5次", True),  # the count after the closed title counts
    ("发生一般以上安全事故0起", False),   # a count of nothing is an outcome, no work done
    ("发生食品安全事故零起", False),
])
def test_a_workload_needs_a_count_not_an_ordinal_or_a_name(span_text, kept):
    from pipeline.tag.span_rules import meets_spec
    assert meets_spec(span_text, DecodedSpan(0, len(span_text), "WORKLOAD", 0.9)) is kept



@pytest.mark.parametrize("text, activity, kept", [
    ("统筹现有场地，力争年底前新建村级服务站12个", "新建", False),    # a plan's clause: still to be done
    ("确保6月底前完成剩余9处护栏修复", "完成", False),
    ("预计新增就业岗位300个", "新增", False),
    ("按时完成计划生育家庭走访46户", "完成", True),                  # 计划生育 is a name
    ("拟定工作方案3个", "拟定", True),                               # 拟定 is work done
    ("开展应急模拟演练6次", "开展", True),                           # 模拟 is a word, no plan
    ("全年完成巡查任务36次", "完成", True),
])
def test_a_count_in_a_plans_clause_is_no_workload(text, activity, kept):
    from pipeline.tag.span_rules import meets_spec
    assert meets_spec(text, DecodedSpan(text.index(activity), len(text), "WORKLOAD", 0.9)) is kept


@pytest.mark.parametrize("text, piece, kept", [
    # a PDF broke the line inside the workload: the first line's piece is a span, its count on the next line
    ("　　（三）安全监管扎实推进。全年组织开展安全生产宣传进\n企业活动36场，检查企业120家。", "组织开展安全生产宣传进", True),
    # the rest of its clause on the next line counts nothing: no workload
    ("　　（三）安全监管扎实推进。全年督促各类企业落实主体责\n任，检查企业120家。", "督促各类企业落实主体责", False),
    # a short line (a heading) is no broken line: its piece stands alone
    ("组织开展安全生产宣传\n36场活动圆满完成。", "组织开展安全生产宣传", False),
    # the count on the next line is in a plan's clause
    ("　　（三）安全监管扎实推进。下一步计划组织开展安全生产宣传进\n企业活动36场。", "组织开展安全生产宣传进", False),
])
def test_a_workloads_piece_before_a_broken_line_takes_its_count_from_the_next_line(text, piece, kept):
    from pipeline.tag.span_rules import meets_spec
    a = text.index(piece)
    assert meets_spec(text, DecodedSpan(a, a + len(piece), "WORKLOAD", 0.9)) is kept


def test_a_measure_clause_read_as_problem_is_relabelled_before_it_is_widened_to_its_sentence():
    text = "提出两点建议。一是提前规划，合理安排评价时间。"
    a = text.index("合理")
    probs = _probs_for(text, [(a, len(text) - 1, "PROBLEM")])
    spans = decode_region(text, 0, probs, SpanFirstDecoder(TAGS))
    assert [(text[s.start:s.end], s.label) for s in spans] == [("提前规划，合理安排评价时间", "MEASURE")]


def test_a_sentence_announcing_a_list_is_no_measure_or_problem():
    from pipeline.tag.span_rules import meets_spec
    text = "结合自评中发现的问题，提出以下几点建议"
    assert not meets_spec(text, DecodedSpan(0, len(text), "MEASURE", 0.9))
    text = "主要存在以下问题"
    assert not meets_spec(text, DecodedSpan(0, len(text), "PROBLEM", 0.9))
    text = "按照以下原则细化预算编制"
    assert meets_spec(text, DecodedSpan(0, len(text), "MEASURE", 0.9))


@pytest.mark.parametrize("text,model_start,expected", [
    # a 、-list of uncounted items is one activity: its start is the clause's
    ("全年巡查维护桥梁、涵洞、隧道共计58处", "隧道", "巡查维护桥梁、涵洞、隧道共计58处"),
    # a 、 inside a quoted name joins nothing: the activity runs to the clause's start
    ("；组织“进企业、进农村、进校园”宣讲活动24场", "进校园", "组织“进企业、进农村、进校园”宣讲活动24场"),
    ("，推出“扫码即办”“一窗受理”“帮办代办”等便民服务17项", "帮办代办", "推出“扫码即办”“一窗受理”“帮办代办”等便民服务17项"),
    # an item before the 、 with a count of its own is another workload: the start stays
    ("召开专题会议12次、业务培训班8期", "业务", "业务培训班8期"),
])
def test_a_workload_starts_where_its_list_of_items_or_its_quoted_name_starts(text, model_start, expected):
    assert _refined_workload(text, model_start, list_left=40) == [expected]
    # switched off: as predicted
    assert _refined_workload(text, model_start, list_left=0) == [text[text.index(model_start):]]


@pytest.mark.parametrize("text, model_start, expected", [
    # the model's start inside the count: the number is whole, and the activity before it joins
    # where the model was unsure of it (here it is sure: the start stays at the number)
    ("。专线全年受理来电24.65万个", "4.65", "24.65万个"),
    ("。全年办理业务5,362件", "362", "5,362件"),
])
def test_a_workload_never_starts_inside_its_count(text, model_start, expected):
    assert _refined_workload(text, model_start, clause_left=0) == [expected]


def test_the_work_done_after_a_plan_starts_after_its_lead_word():
    # 「…，实际完成10个」: 实际 is a lead (as 全年, 累计), outside the span, where the clause start is in reach
    assert _refined_workload("。计划完成土地整治项目12个，实际完成10个", "完成10") == ["完成10个"]
    assert _refined_workload("。全年实际走访企业46家", "访企业") == ["走访企业46家"]


def test_the_activity_joins_a_count_the_model_cut():
    text = "。受理来电24.65万个"
    p_o = np.full(len(text), 0.9)
    p_o[text.index("受"):text.index("2")] = 0.2   # the model unsure of the activity: it is widened over
    from pipeline.tag.span_rules import refine_workload
    out = refine_workload(text, 0, p_o, DecodedSpan(text.index("4.65"), len(text), "WORKLOAD", 0.9), clause_left=0)
    assert [text[s.start:s.end] for s in out] == ["受理来电24.65万个"]


def test_the_widening_over_unsure_characters_stops_on_a_word_start():
    """The model unsure of one character before its start (P(O) 0.2), the last of a word: the
    widening does not open the span inside that word (pipeline.segment.word_edges), and the frame
    before it stays outside; where the model cut the verb itself, the widening still joins it."""
    from pipeline.tag.span_rules import refine_workload
    text = "，对在建的水利工程开展安全巡查9次"
    p_o = np.full(len(text), 0.9)
    p_o[text.index("开") - 1] = 0.2
    out = refine_workload(text, 0, p_o, DecodedSpan(text.index("开展"), len(text), "WORKLOAD", 0.9))
    assert [text[s.start:s.end] for s in out] == ["开展安全巡查9次"]
    cut = "。全年提出建议219件"
    p_o = np.full(len(cut), 0.9)
    p_o[cut.index("提")] = 0.2
    out = refine_workload(cut, 0, p_o, DecodedSpan(cut.index("出"), len(cut), "WORKLOAD", 0.9), clause_left=0)
    assert [cut[s.start:s.end] for s in out] == ["提出建议219件"]


def _refined_workload(text: str, model_start: str, **params) -> list[str]:
    """refine_workload on a WORKLOAD the model started at model_start and ran to the text's end,
    the model sure that the text before its start is O."""
    from pipeline.tag.span_rules import refine_workload
    p_o = np.full(len(text), 0.9)
    out = refine_workload(text, 0, p_o, DecodedSpan(text.index(model_start), len(text), "WORKLOAD", 0.9), **params)
    return [text[s.start:s.end] for s in out]


def test_the_rest_of_a_span_on_a_line_the_pdf_broke_may_be_shorter_than_the_minimum():
    from pipeline.tag.span_rules import meets_spec
    text = "3.负责全区普法宣传，组织实施本地普\n法规划。\n（二）机构\n规划。"
    rest = text.index("法规划")
    assert meets_spec(text, DecodedSpan(rest, rest + 3, "FUNCTION", 0.9))
    # after a sentence's end or a heading the line starts afresh: the minimum holds
    alone = text.rindex("规划")
    assert not meets_spec(text, DecodedSpan(alone, alone + 2, "FUNCTION", 0.9))
    assert not meets_spec("各项工作。\n规划。", DecodedSpan(6, 8, "FUNCTION", 0.9))


def test_a_span_broken_at_a_pdf_line_end_goes_on_in_the_next_line():
    from pipeline.tag.span_rules import carry_over_broken_lines
    text = ("　　2.负责统筹推进全县规范性文件管理，承担县政府规范性文件\n清理和汇编工作。\n"
            "　　3.负责普法宣传。\n（二）机构设置\n内设股室4个。\n"
            "表\t部分指标覆盖不够全面的问题较为突出\n改进措施")
    first = text.index("负责统筹")
    line_end = text.index("\n")
    spans = [DecodedSpan(first, line_end, "FUNCTION", 0.9)]
    out = carry_over_broken_lines(text, spans, ("FUNCTION",))
    assert [text[s.start:s.end] for s in out] == [text[first:line_end], "清理和汇编工作"]
    # the next line opens a list item, follows a short heading line, or is already tagged: nothing
    item = text.index("负责普法")
    assert carry_over_broken_lines(text, [DecodedSpan(item, item + 6, "FUNCTION", 0.9)], ("FUNCTION",)) == \
        [DecodedSpan(item, item + 6, "FUNCTION", 0.9)]
    tagged = spans + [DecodedSpan(line_end + 1, line_end + 6, "FUNCTION", 0.9)]
    assert len(carry_over_broken_lines(text, tagged, ("FUNCTION",))) == 2
    # a table's row is no broken prose line; other labels than those given are left alone
    cell = text.index("部分指标")
    row = [DecodedSpan(cell, text.index("\n改进"), "PROBLEM", 0.9)]
    assert carry_over_broken_lines(text, row, ("PROBLEM",)) == row
    assert carry_over_broken_lines(text, spans, ("MEASURE",)) == spans


def test_the_next_item_of_a_list_of_problems_is_a_problem_not_a_cause():
    from pipeline.tag.span_rules import problems_open_items
    text = ("一是预算编制不够细化，主要是前期调研不足。二是资产管理基础较为薄弱，台账更新不及时。"
            "究其原因：一是人员变动频繁；二是培训不够系统。")
    pieces = [("预算编制不够细化", "PROBLEM"), ("前期调研不足", "CAUSE"), ("资产管理基础较为薄弱，台账更新不及时", "CAUSE"),
              ("人员变动频繁", "CAUSE"), ("培训不够系统", "CAUSE")]
    spans = [DecodedSpan(text.index(p), text.index(p) + len(p), label, 0.9) for p, label in pieces]
    out = problems_open_items(text, spans)
    assert [s.label for s in out] == ["PROBLEM", "CAUSE", "PROBLEM", "CAUSE", "CAUSE"]
    # an item whose problem sits inside a frame (「（二）针对…的问题，…」) opens with that problem
    framed = "（一）项目验收滞后。（二）针对档案整理不及时的问题，将定期清理。（三）专业人员不足，影响进度。"
    pieces = [("项目验收滞后", "PROBLEM"), ("档案整理不及时", "PROBLEM"), ("专业人员不足，影响进度", "CAUSE")]
    spans = [DecodedSpan(framed.index(p), framed.index(p) + len(p), label, 0.9) for p, label in pieces]
    assert [s.label for s in problems_open_items(framed, spans)] == ["PROBLEM", "PROBLEM", "PROBLEM"]


@pytest.mark.parametrize("text,model_start,expected", [
    # the clause's start is near and nothing frames the activity: it runs from there (labels.md)
    ("。完成林木采伐许可审核57件", "木采伐", "完成林木采伐许可审核57件"),
    ("，市领导批示8篇次", "批示", "市领导批示8篇次"),
    # for whom, towards whom, how or when the work was done stays outside, where the model left it
    ("。为残疾人提供康复咨询415人次", "提供", "提供康复咨询415人次"),
    ("，对已建成的站点开展现场核验9次", "开展", "开展现场核验9次"),
    ("，向社会开放机关停车场23处", "开放", "开放机关停车场23处"),
    ("。汛前安全检查山塘27座", "安全", "安全检查山塘27座"),
    ("、端午期间慰问独居老人一百余户", "慰问", "慰问独居老人一百余户"),
    ("；护林员全年上报处理各类隐患2.08万件", "上报", "上报处理各类隐患2.08万件"),
    # a season or part of the year, and the reporting unit as the doer, are no part of the activity
    ("，汛期巡查堤防险段35处", "巡查", "巡查堤防险段35处"),
    ("。下半年开放阅览室12个", "开放", "开放阅览室12个"),
    ("，我局组织应急演练6场", "组织", "组织应急演练6场"),
    ("；本单位印发工作简报24期", "印发", "印发工作简报24期"),
    # the reporting unit as the subject of a frame: 我局 + 会同/联合 … stays outside as a whole
    ("，我局会同属地乡镇排查危旧房屋41处", "排查", "排查危旧房屋41处"),
    ("。本中心联合志愿服务队开展义诊活动9场", "开展", "开展义诊活动9场"),
    # a clause that starts beyond reach: a time or total lead within reach marks the activity's start
    ("。96110反诈专线全年受理群众咨询电话18.42万个", "话", "受理群众咨询电话18.42万个"),
    ("。县政务服务中心综合窗口全年办理公共资源交易项目326宗", "交易", "办理公共资源交易项目326宗"),  # 公共 is no lead
    # a doer that is not the reporting unit stays, and so does a time word inside the activity
    ("；我局干部撰写调研报告5篇", "撰写", "我局干部撰写调研报告5篇"),
    ("，防汛期物资储备点新建7个", "新建", "防汛期物资储备点新建7个"),
    # 提前 is no time frame, and a lead word before a frame does not hide it
    ("。全年共为老年人体检3.4万人", "体检", "体检3.4万人"),
    ("。提前完成年度造林任务1.2万亩", "完成", "提前完成年度造林任务1.2万亩"),
])
def test_a_workload_starts_at_its_clause_unless_a_frame_stands_before_the_activity(text, model_start, expected):
    assert _refined_workload(text, model_start) == [expected]


def test_word_edges_move_an_opening_from_inside_a_word_to_its_start():
    # 5 characters, the first two one word (「转移群众」 shape): the model's B mass is split
    # over the word's two characters, a little more on the second
    from pipeline.tag.decode import edge_bias
    probs = _probs(5, 0.001, [{"O": 0.55, "B-WORKLOAD": 0.44}, {"B-WORKLOAD": 0.5, "I-WORKLOAD": 0.45},
                              {"I-WORKLOAD": 0.99}, {"I-WORKLOAD": 0.99}, {"E-WORKLOAD": 0.99}])
    starts = np.array([True, False, True, True, True])
    ends = np.array([False, True, True, True, True])
    for decoder in (ViterbiDecoder(TAGS), SpanFirstDecoder(TAGS)):
        assert tags_to_spans(decoder.decode(probs), TAGS) == [(1, 5, "WORKLOAD")]
        assert tags_to_spans(decoder.decode(probs, edge_bias(starts, ends, 0.01)), TAGS) == [(0, 5, "WORKLOAD")]
        # a factor of 1 is no cost: the path of no bias
        assert tags_to_spans(decoder.decode(probs, edge_bias(starts, ends, 1.0)), TAGS) == [(1, 5, "WORKLOAD")]


def test_the_decoders_word_edges_come_from_the_config():
    from pipeline.tag.tagger import off_word_edge_from_config
    assert off_word_edge_from_config({"decoder": {"off_word_edge": 0.01}}) == 0.01
    assert off_word_edge_from_config({"rules": []}) is None            # no block: no word edges
    assert off_word_edge_from_config({"decoder": {"off_word_edge": 1}}) is None
    assert off_word_edge_from_config(None) is not None                  # the shipped config reads words
    with pytest.raises(ValueError):
        off_word_edge_from_config({"decoder": {"off_word_edge": 0}})


def test_a_span_the_model_never_closed_is_not_decoded_under_a_close_floor():
    """The model opens a WORKLOAD and never ends it (its last character I, then sure O): the path
    must close it, at a character with almost no E mass. Under the label's close floor
    (``decoder: min_close``) that span is left out; a span the model closed is kept, and a label
    without a floor keeps both."""
    from pipeline.tag.decode import decode_spans
    unclosed = [{"B-WORKLOAD": 0.9}, {"I-WORKLOAD": 0.95}, {"I-WORKLOAD": 0.95}, {"O": 0.99}, {"O": 0.99}]
    closed = [{"B-WORKLOAD": 0.9}, {"I-WORKLOAD": 0.95}, {"E-WORKLOAD": 0.95}, {"O": 0.99}, {"O": 0.99}]
    for decoder in (ViterbiDecoder(TAGS), SpanFirstDecoder(TAGS)):
        never = decode_spans(_probs(5, 0.0001, unclosed), 10, decoder)
        assert [(s.start, s.end, s.label) for s in never] == [(10, 13, "WORKLOAD")]
        assert decode_spans(_probs(5, 0.0001, unclosed), 10, decoder, min_close={"WORKLOAD": 0.01}) == []
        assert decode_spans(_probs(5, 0.0001, unclosed), 10, decoder, min_close={"PROBLEM": 0.01}) == never
        assert len(decode_spans(_probs(5, 0.0001, closed), 10, decoder, min_close={"WORKLOAD": 0.01})) == 1


def test_the_decoders_close_floor_comes_from_the_config():
    from pipeline.tag.tagger import min_close_from_config
    assert min_close_from_config({"decoder": {"min_close": {"WORKLOAD": 0.01}}}) == {"WORKLOAD": 0.01}
    assert min_close_from_config({"decoder": {"off_word_edge": 0.01}}) == {}     # none set: every span kept
    assert min_close_from_config(None) == {"WORKLOAD": 0.01}                      # the shipped config
    with pytest.raises(ValueError):
        min_close_from_config({"decoder": {"min_close": {"WORKLOAD": 1.0}}})


def test_a_frame_the_widening_went_over_stays_outside():
    # the model unsure of the characters before its start (P(O) 0.2): the widening reaches the
    # clause's start, and the head it went over is a season or a doer's frame, not the activity
    from pipeline.tag.span_rules import refine_workload
    for text, model_start, expected in [("，汛期转移受灾群众260余人次", "转移", "转移受灾群众260余人次"),
                                        ("，为困难群众发放救助金310人次", "发放", "发放救助金310人次"),
                                        ("，定期巡查堤防险段35处", "巡查", "定期巡查堤防险段35处")]:
        p_o = np.full(len(text), 0.2)
        out = refine_workload(text, 0, p_o, DecodedSpan(text.index(model_start), len(text), "WORKLOAD", 0.9))
        assert [text[s.start:s.end] for s in out] == [expected]
