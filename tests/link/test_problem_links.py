import pytest

from pipeline.link.config import load_linking_config
from pipeline.link.problem_links import predict_addressed_by, predict_caused_by, predict_explains
from pipeline.link.ends import RecordIndex
from tests.link.recordbuilder import RecordBuilder, S


def _pairs(links):
    return {(lk.from_, lk.to) for lk in links}


def test_cause_in_the_same_numbered_item_and_a_cause_written_first():
    b = RecordBuilder()
    b.section("problems", "四、存在的问题")
    b.para("1、", S("PROBLEM", "资产登记更新不及时", "p1"), "。", S("CAUSE", "由于管理人员频繁调整", "c1"), "。")
    b.para("2、", S("PROBLEM", "专项资金拨付偏慢", "p2"), "。")
    b.para(S("CAUSE", "由于审批环节较多", "c2"), "，导致", S("PROBLEM", "年底集中支付压力大", "p3"), "。")
    rec = b.build()
    got = _pairs(predict_caused_by(rec, RecordIndex(rec)))
    assert got == {(b.id("p1"), b.id("c1")), (b.id("p3"), b.id("c2"))}


def test_collective_cause_block_explains_every_problem_before_it():
    b = RecordBuilder()
    b.section("problems", "四、存在的问题")
    b.para(S("PROBLEM", "绩效目标设置偏粗", "p1"), "；", S("PROBLEM", "过程监控不够及时", "p2"), "。究其原因：一是",
           S("CAUSE", "业务人员力量不足", "c1"), "；二是", S("CAUSE", "考核机制尚未建立", "c2"), "。")
    rec = b.build()
    got = _pairs(predict_caused_by(rec, RecordIndex(rec)))
    assert got == {(b.id(p), b.id(c)) for p in ("p1", "p2") for c in ("c1", "c2")}


def test_a_marker_that_a_line_break_cuts_is_still_a_marker():
    """「…未\n及时…入账。…主要\n原因是X，\nY。」: PDF text wraps lines mid-word, inside a cause marker too;
    the collective marker 主要原因 still groups the item's problems (its title and both pieces a line
    break cut from one statement) for each cause. The item before, with a cause of its own, is not
    reached."""
    b = RecordBuilder()
    b.section("problems", "四、存在的问题及原因")
    b.para("1.", S("PROBLEM", "宣传覆盖面不广", "p0"), "。主要原因是", S("CAUSE", "宣传经费不足", "c0"), "。")
    # lines as a PDF page wraps them (more than 16 characters: a full line, not a heading)
    b.para("2.", S("PROBLEM", "资产登记不够及时", "p1"), "。", S("PROBLEM", "部分新购办公设备和信息化设备未", "p2"), "\n",
           S("PROBLEM", "及时办理入账和登记手续", "p3"), "。单位资产管理工作主要\n原因是",
           S("CAUSE", "资产管理人员岗位调整较为频繁", "c1"), "，\n", S("CAUSE", "交接手续办理较慢", "c2"), "。")
    rec = b.build()
    got = _pairs(predict_caused_by(rec, RecordIndex(rec)))
    assert got == {(b.id("p0"), b.id("c0"))} | {(b.id(p), b.id(c)) for p in ("p1", "p2", "p3") for c in ("c1", "c2")}


def test_a_cause_that_names_its_problem_belongs_to_that_problem_alone():
    """A 原因分析 block after the problems, each cause led by the problem it explains
    (「关于A的问题，主要原因是X。关于B问题，主要是Y。」, configs/linking.yaml caused_by.named_problem):
    each cause goes to the problem its name covers, not to every problem before the collective
    marker; a name that covers no problem leaves the collective reading as it was."""
    b = RecordBuilder()
    b.section("problems", "四、存在的问题及原因分析")
    b.para("一是", S("PROBLEM", "培训经费结余较多", "p1"), "。二是", S("PROBLEM", "档案信息化建设进度滞后", "p2"),
           "。三是", S("PROBLEM", "志愿者队伍流动性较大", "p3"), "。")
    b.para("关于培训经费结余的问题，主要原因在于", S("CAUSE", "部分培训因场地调整推迟到次年", "c1"),
           "。关于档案信息化问题，主要是", S("CAUSE", "系统采购流程较长", "c2"),
           "。关于其他情况，主要是", S("CAUSE", "人员调整较多", "c3"), "。")
    # without a collective marker the cause would go to the nearest problem before it
    b.para("一是", S("PROBLEM", "宣传资料印制数量不足", "p4"), "。二是", S("PROBLEM", "服务热线接通率偏低", "p5"), "。")
    b.para("针对宣传资料不足的问题，原因是", S("CAUSE", "印制经费压缩", "c4"), "。")
    rec = b.build()
    got = _pairs(predict_caused_by(rec, RecordIndex(rec)))
    assert (b.id("p1"), b.id("c1")) in got and (b.id("p2"), b.id("c2")) in got
    assert not {(b.id(p), b.id(c)) for p in ("p2", "p3") for c in ("c1",)} & got
    assert not {(b.id(p), b.id(c)) for p in ("p1", "p3") for c in ("c2",)} & got
    assert (b.id("p4"), b.id("c4")) in got and (b.id("p5"), b.id("c4")) not in got
    named = {lk.to: lk.evidence for lk in predict_caused_by(rec, RecordIndex(rec))}
    assert "names the problem" in named[b.id("c1")] and "names the problem" not in named.get(b.id("c3"), "")


@pytest.mark.parametrize("headings,problem_marks,measure_marks", [
    (("四、存在的问题", "五、改进措施"), ("1、", "2、"), ("1、", "2、")),
    # numbered by section: 4.1, 4.2 under 4 and 5.1, 5.2 under 5 (pipeline.lexicon.section_item_value)
    (("4 存在的问题", "5 改进措施"), ("4.1 ", "4.2 "), ("5.1 ", "5.2 ")),
])
def test_numbered_lists_pair_by_number_and_elaborations_are_not_linked(headings, problem_marks, measure_marks):
    b = RecordBuilder()
    b.section("problems", headings[0])
    b.para(problem_marks[0], S("PROBLEM", "资产登记更新不及时", "p1"), "。")
    b.para(problem_marks[1], S("PROBLEM", "宣传工作覆盖面较窄", "p2"), "。")
    b.section("measures", headings[1])
    b.para(measure_marks[0], S("MEASURE", "建立台账定期核对制度", "m1"), "。")
    b.para("我单位将", S("MEASURE", "每季度开展一次盘点", "m1e"), "。")
    b.para(measure_marks[1], S("MEASURE", "拓展新媒体渠道", "m2"), "。")
    rec = b.build()
    got = _pairs(predict_addressed_by(rec, RecordIndex(rec)))
    assert got == {(b.id("p1"), b.id("m1")), (b.id("p2"), b.id("m2"))}


@pytest.mark.parametrize("answer,measures", [("item", ("m1", "m1e")), ("title", ("m1",))])
def test_measure_cell_after_the_problem_cell_answers_every_problem_in_it(monkeypatch, answer, measures):
    """Every problem of the cell is answered by the next cell: by each of its measures (answer:
    item, the development set's convention) or by its title only (answer: title, the seeds')."""
    monkeypatch.setitem(load_linking_config()["addressed_by"], "answer", answer)
    b = RecordBuilder()
    b.table("indicators", [
        ["偏差原因分析", (S("PROBLEM", "部分指标不够细化", "p1"), "；", S("PROBLEM", "目标值偏保守", "p2"))],
        ["改进措施", (S("MEASURE", "细化分解年度指标", "m1"), "。一是", S("MEASURE", "按季度设定目标值", "m1e"))],
    ])
    rec = b.build()
    got = _pairs(predict_addressed_by(rec, RecordIndex(rec)))
    assert got == {(b.id(p), b.id(m)) for p in ("p1", "p2") for m in measures}


def test_a_collective_marker_groups_only_the_problems_before_it_and_no_later_item():
    b = RecordBuilder()
    b.section("problems", "四、存在的问题")
    b.para("一是", S("PROBLEM", "会议经费结余较多", "p1"), "。究其原因，", S("CAUSE", "部分会议改为视频召开", "c1"), "。二是",
           S("PROBLEM", "宣传资料发放不均衡", "p2"), "，主要是", S("CAUSE", "基层站点分布较散", "c2"), "。")
    rec = b.build()
    assert _pairs(predict_caused_by(rec, RecordIndex(rec))) == {(b.id("p1"), b.id("c1")), (b.id("p2"), b.id("c2"))}


def test_a_cause_answers_the_nearest_problem_named_before_it():
    """「关于A的问题，主要原因是X。关于B的问题，主要是Y。」 after the listed problems: X is A's, Y is B's."""
    b = RecordBuilder()
    b.section("problems", "五、存在的问题及原因")
    b.para("一是", S("PROBLEM", "档案数字化进度滞后", "p1"), "。二是", S("PROBLEM", "窗口排队时间较长", "p2"), "。")
    b.para(S("PROBLEM", "关于档案数字化进度滞后的问题", "r1"), "，主要原因是", S("CAUSE", "扫描设备老化", "c1"), "。",
           S("PROBLEM", "关于窗口排队时间较长的问题", "r2"), "，主要是", S("CAUSE", "高峰时段人手不足", "c2"), "。")
    rec = b.build()
    got = _pairs(predict_caused_by(rec, RecordIndex(rec)))
    assert (b.id("r1"), b.id("c1")) in got and (b.id("r2"), b.id("c2")) in got
    assert not {(b.id(p), b.id("c2")) for p in ("p1", "p2", "r1")} & got


def test_a_deviation_cell_answers_its_own_shortfall():
    b = RecordBuilder()
    b.table("indicators", [
        ["三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施"],
        ["巡查里程", "≥500公里", "430公里", (S("PROBLEM", "巡查里程未达到年度目标", "p1"), "。主要原因是",
                                            S("CAUSE", "汛期道路中断", "c1"), "。下一步将",
                                            S("MEASURE", "错峰安排巡查路线", "m1"), "。")],
    ])
    rec = b.build()
    assert _pairs(predict_addressed_by(rec, RecordIndex(rec))) == {(b.id("p1"), b.id("m1"))}


def test_numbered_items_of_a_problem_cell_and_the_measure_cell_after_it_pair_by_number():
    b = RecordBuilder()
    b.table("key_value", [
        ["存在的问题", ("1.", S("PROBLEM", "台账更新不及时", "p1"), "；\n2.", S("PROBLEM", "培训场次偏少", "p2"), "。")],
        ["改进措施", ("1.", S("MEASURE", "建立月度核对制度", "m1"), "；\n2.", S("MEASURE", "增加线上课程", "m2"), "。")],
    ])
    rec = b.build()
    assert _pairs(predict_addressed_by(rec, RecordIndex(rec))) == {(b.id("p1"), b.id("m1")), (b.id("p2"), b.id("m2"))}


def test_parallel_numbered_items_pair_every_problem_with_every_measure_of_the_same_number():
    """「1）A。B。」 under the problems, 「1）C。D。」 under the measures: each of A, B is answered by
    each of C, D, whatever their words; lists are counted within their sections, so a numbered
    item elsewhere (a function's 「3、」) does not unbalance them."""
    b = RecordBuilder()
    b.section("functions", "一、部门职能")
    b.para("3、", S("PROBLEM", "统筹协调各方", "stray"), "。")
    b.section("problems", "四、存在的问题")
    b.para("1）", S("PROBLEM", "物业费支付滞后", "p1"), "。", S("PROBLEM", "部分合同尾款未付", "p1b"), "。")
    b.para("2）", S("PROBLEM", "基层人手紧张", "p2"), "。")
    b.section("measures", "五、改进措施")
    b.para("1）", S("MEASURE", "按月支付物业费", "m1"), "。", S("MEASURE", "按节点办理结算", "m1b"), "。")
    b.para("2）", S("MEASURE", "招聘临时辅助人员", "m2"), "。")
    rec = b.build()
    got = _pairs(predict_addressed_by(rec, RecordIndex(rec)))
    want = {(b.id(p), b.id(m)) for p in ("p1", "p1b") for m in ("m1", "m1b")} | {(b.id("p2"), b.id("m2"))}
    assert want <= got and not {pair for pair in got if b.id("stray") in pair}


def test_lists_one_item_apart_still_pair_item_by_item():
    """Four numbered problems answered by five bulleted measures (the fifth a general one): 1..4
    pair by place; two lists that differ by more do not."""
    b = RecordBuilder()
    b.section("problems", "四、存在的问题")
    b.para("一是", S("PROBLEM", "采购周期偏长", "p1"), "。二是", S("PROBLEM", "培训覆盖面不足", "p2"), "。三是",
           S("PROBLEM", "车辆调度不够合理", "p3"), "。四是", S("PROBLEM", "资料归档不及时", "p4"), "。")
    b.section("measures", "五、下一步工作打算")
    for k, words in enumerate(("简化采购流程", "增设线上课程", "建立调度台账", "按月归档", "持续开展自查"), 1):
        b.para("● ", S("MEASURE", words, f"m{k}"), "。")
    rec = b.build()
    got = _pairs(predict_addressed_by(rec, RecordIndex(rec)))
    assert {(b.id(f"p{k}"), b.id(f"m{k}")) for k in range(1, 5)} <= got
    assert not {pair for pair in got if pair[1] == b.id("m5")}


def test_an_item_broken_across_lines_by_a_pdf_keeps_its_number():
    """A PDF broke item 1 after its first line: the span on the second line is still under 1."""
    b = RecordBuilder()
    b.section("problems", "四、存在的问题")
    b.para("1、", S("PROBLEM", "图书采购计划执行偏慢", "p1"), "，全年共有三批图书的到货时间推迟到")
    b.para("年底才完成验收，", S("PROBLEM", "读者借阅需求未能及时满足", "p1b"), "。")
    b.para("2、", S("PROBLEM", "宣传工作覆盖面较窄", "p2"), "。")
    b.section("measures", "五、改进措施")
    b.para("1、", S("MEASURE", "提前发布年度采购计划", "m1"), "。")
    b.para("2、", S("MEASURE", "拓展新媒体渠道", "m2"), "。")
    rec = b.build()
    got = _pairs(predict_addressed_by(rec, RecordIndex(rec)))
    assert (b.id("p1b"), b.id("m1")) in got and (b.id("p1b"), b.id("m2")) not in got


def test_topic_link_needs_a_clear_winner():
    b = RecordBuilder()
    b.section("problems", "四、存在的问题")
    b.para(S("PROBLEM", "固定资产台账不完整", "p1"), "。", S("PROBLEM", "预算执行进度偏慢", "p2"), "。")
    b.section("measures", "五、改进措施")
    b.para(S("MEASURE", "完善固定资产台账", "m1"), "。")
    b.para(S("MEASURE", "加强业务培训", "m2"), "。")
    rec = b.build()
    got = _pairs(predict_addressed_by(rec, RecordIndex(rec)))
    assert got == {(b.id("p1"), b.id("m1"))}


def test_explains_links_only_rows_that_missed_and_that_the_text_names():
    b = RecordBuilder()
    b.section("problems", "四、存在的问题")
    b.para(S("PROBLEM", "政府采购执行率偏低", "p1"), "；", S("PROBLEM", "宣传工作覆盖面较窄", "p2"), "。")
    inds = b.indicator_table([("政府采购执行率", 3, "100%", "60%", 0), ("预算完成率", 3, "100%", "100%", 3)])
    rec = b.build()
    got = _pairs(predict_explains(rec, RecordIndex(rec)))
    assert got == {(b.id("p1"), inds[0].id)}


def test_a_giant_document_scores_each_measure_against_its_nearest_problems_only(monkeypatch):
    """Past MAX_ALL_PAIRS the pairs are bounded (pipeline.link.bounds); a measure still finds
    the problem beside it."""
    import pipeline.link.bounds as bounds
    b = RecordBuilder()
    b.section("problems", "四、存在的问题")
    for k, topic in enumerate(("资产台账", "采购流程", "预算编制", "档案管理", "项目验收", "绩效监控")):
        b.para(S("PROBLEM", f"{topic}不够规范", f"p{k}"), "。")
        b.para(S("MEASURE", f"健全{topic}制度", f"m{k}"), "。")
    rec = b.build()
    everything = _pairs(predict_addressed_by(rec, RecordIndex(rec)))
    monkeypatch.setattr(bounds, "MAX_ALL_PAIRS", 1)
    monkeypatch.setattr(bounds, "NEAREST", 1)
    bounded = _pairs(predict_addressed_by(rec, RecordIndex(rec)))
    assert {(b.id(f"p{k}"), b.id(f"m{k}")) for k in range(6)} <= everything
    assert {(b.id(f"p{k}"), b.id(f"m{k}")) for k in range(6)} <= bounded
