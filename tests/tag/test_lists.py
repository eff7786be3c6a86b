"""List consistency for functions (pipeline.tag.lists), on our own text."""
from pipeline.tag.lists import complete_function_lists, item_lists, numbered_items

from tag_markup import S

TEXT = (
    "一、部门概况\n"
    "1.基本情况\n"
    "1、负责全县水利工程建设管理。\n"
    "2、组织编制全县水资源保护规划，监督实施。\n"
    "3、依法审核各乡镇上报的取水许可申请、延续和变更事项。\n"
    "4、指导农村饮水安全工作。5、承办县政府交办的其他事项。\n"
    "2.人员情况\n"
    "在职人员20人。\n"
)


def _span(phrase: str, label: str = "FUNCTION", score: float = 0.9) -> S:
    a = TEXT.index(phrase)
    return S(a, a + len(phrase), label, score)


def test_items_are_found_at_line_starts_and_after_a_sentence_end():
    bodies = [TEXT[i.start:i.end] for i in numbered_items(TEXT)]
    assert "承办县政府交办的其他事项" in bodies  # the second item of one line
    assert "负责全县水利工程建设管理" in bodies
    runs = [[TEXT[i.start:i.end] for i in run] for run in item_lists(TEXT)]
    # 「1.基本情况」 then 「1、负责…」: the numbers restart, so the heading is no item of the duties' list
    assert ["负责全县水利工程建设管理", "组织编制全县水资源保护规划，监督实施",
            "依法审核各乡镇上报的取水许可申请、延续和变更事项", "指导农村饮水安全工作",
            "承办县政府交办的其他事项"] in runs
    assert ["基本情况"] in runs and ["人员情况"] in runs


def test_a_numbered_heading_above_items_numbered_alike_is_no_item_of_their_list():
    """「（二）主要工作」 then 「（一）负责…（二）…（三）…」 in the same style: the numbers restart
    after the heading, so completing the list of duties does not make the heading a FUNCTION."""
    text = ("（二）主要工作\n（一）负责全县自然资源调查监测评价。（二）负责国土空间规划编制和监督实施。"
            "（三）负责不动产统一登记工作。\n")
    runs = [[text[i.start:i.end] for i in run] for run in item_lists(text)]
    assert runs == [["主要工作"], ["负责全县自然资源调查监测评价", "负责国土空间规划编制和监督实施", "负责不动产统一登记工作"]]
    spans = [S(text.index(p), text.index(p) + len(p), "FUNCTION", 0.9) for p in ("负责全县自然资源调查监测评价", "负责国土空间规划编制和监督实施")]
    added = complete_function_lists(text, spans, lambda a, b, sc: S(a, b, "FUNCTION", sc))
    assert [text[s.start:s.end] for s in added] == ["负责不动产统一登记工作"]


def test_an_inline_list_after_a_lead_colon_starts_at_its_first_item_and_markdown_blanks_stay_out():
    text = "本局主要职责：1.负责全县水利工程建设管理；2.组织编制水资源保护规划；3.指导农村饮水安全工作。\n"
    assert [text[i.start:i.end] for i in numbered_items(text)] == [
        "负责全县水利工程建设管理", "组织编制水资源保护规划", "指导农村饮水安全工作"]
    md = "1. 负责全县水利工程建设管理。\n2. 指导农村饮水安全工作。\n"
    assert [md[i.start:i.end] for i in numbered_items(md)] == ["负责全县水利工程建设管理", "指导农村饮水安全工作"]


def test_untagged_items_of_a_mostly_tagged_function_list_become_functions():
    spans = [_span("负责全县水利工程建设管理", score=0.9), _span("组织编制全县水资源保护规划，监督实施", score=0.7),
             _span("指导农村饮水安全工作", score=0.8)]
    added = complete_function_lists(TEXT, spans, lambda a, b, sc: S(a, b, "FUNCTION", sc))
    assert [(TEXT[s.start:s.end], s.score) for s in added] == [
        ("依法审核各乡镇上报的取水许可申请、延续和变更事项", 0.7), ("承办县政府交办的其他事项", 0.7)]
    # 「2.人员情况」 is a section title numbered like the items: never a FUNCTION


def test_lists_with_few_tagged_items_or_other_labels_are_left_alone():
    one = [_span("负责全县水利工程建设管理")]
    assert complete_function_lists(TEXT, one, lambda a, b, sc: S(a, b, "FUNCTION", sc)) == []
    spans = [_span("负责全县水利工程建设管理"), _span("组织编制全县水资源保护规划，监督实施"),
             _span("指导农村饮水安全工作"), _span("依法审核", label="PROBLEM")]
    added = complete_function_lists(TEXT, spans, lambda a, b, sc: S(a, b, "FUNCTION", sc))
    assert [TEXT[s.start:s.end] for s in added] == ["承办县政府交办的其他事项"]  # an item with a span keeps it


def test_under_a_duties_heading_two_tagged_items_complete_a_long_list():
    text = "（一）主要职能\n" + "".join(f"{i}、负责全县第{i}类水利事项的审核和监督。\n" for i in range(1, 9))
    spans = []
    for i in (2, 5):
        a = text.index(f"负责全县第{i}类")
        spans.append(S(a, text.index("。", a), "FUNCTION", 0.8))
    make = lambda a, b, sc: S(a, b, "FUNCTION", sc)  # noqa: E731
    assert complete_function_lists(text, spans, make) == []                  # 2 of 8: not mostly
    under = complete_function_lists(text, spans, make, under_functions=lambda pos: True)
    assert len(under) == 6 and all(text[s.start:s.end].startswith("负责全县") for s in under)
    elsewhere = complete_function_lists(text, spans, make, under_functions=lambda pos: False)
    assert elsewhere == []
    assert complete_function_lists(text, spans[:1], make, under_functions=lambda pos: True) == []  # one is too few


def test_the_other_counted_clauses_of_a_workload_sentence_become_workloads():
    from pipeline.tag.lists import complete_workload_clauses
    text = ("全年共走访企业45家，召开座谈会6场，投入资金12.5万元，群众满意率98%，在职人员20人，"
            "县二届人大三次会议期间完成审议。编印简报12期。")
    tagged = [S(text.index("走访"), text.index("，"), "WORKLOAD", 0.8)]
    added = complete_workload_clauses(text, tagged, lambda a, b, sc: S(a, b, "WORKLOAD", sc))
    # money, rates, staffing and ordinals stay untagged; 编印简报12期 is another sentence
    assert [(text[s.start:s.end], s.score) for s in added] == [("召开座谈会6场", 0.8)]
    assert complete_workload_clauses(text, [], lambda a, b, sc: S(a, b, "WORKLOAD", sc)) == []


def test_a_planned_count_in_a_workload_sentence_stays_untagged():
    """labels.md: a WORKLOAD is work done; 「计划完成…12个」 beside the work done is a plan."""
    from pipeline.tag.lists import complete_workload_clauses
    text = "全年查处违法用地案件27宗，计划完成土地整治项目12个，实际完成10个。"
    tagged = [S(text.index("查处"), text.index("，"), "WORKLOAD", 0.8), S(text.index("完成10"), len(text) - 1, "WORKLOAD", 0.8)]
    assert complete_workload_clauses(text, tagged, lambda a, b, sc: S(a, b, "WORKLOAD", sc)) == []


def test_a_prose_sentence_of_three_counted_clauses_is_a_list_of_work_without_a_tagged_one():
    from pipeline.tag.lists import complete_workload_clauses
    make = lambda a, b, sc: S(a, b, "WORKLOAD", sc)  # noqa: E731
    text = "全年审议专项报告12项，开展执法检查5次，作出决定2项，为全县发展提供了保障。"
    added = complete_workload_clauses(text, [], make)
    assert [(text[s.start:s.end], s.score) for s in added] == [
        ("审议专项报告12项", 0.5), ("开展执法检查5次", 0.5), ("作出决定2项", 0.5)]
    assert complete_workload_clauses("开展执法检查5次，作出决定2项。", [], make) == []   # two are too few
    indicators = "设置一级指标3个，二级指标8个，三级指标20个。"
    assert complete_workload_clauses(indicators, [], make) == []                      # the evaluation's own counts
    slogans = "牢固树立“四个意识”，坚定“四个自信”，做到“两个维护”。"
    assert complete_workload_clauses(slogans, [], make) == []                         # numbers inside names
    row = "开展执法检查\t≥3次\t5次\t作出决定2项\n"
    assert complete_workload_clauses(row, [], make) == []                             # table cells are fields
