"""pipeline.tag.structured: a cleaned example is read with the headings `jixiao annotate` reads
the same report with."""
from pipeline.annotate import structure_text
from pipeline.tag.data import to_cleaned
from pipeline.tag.structured import structure_for, structure_for_example
from tests.tag.tag_markup import parse_markup

# a report converted to markdown: its headings are marked with # only (no numbering)
MARKDOWN = ("#### 2023 年度市档案馆部门整体支出绩效自评表\n\n"
            "## 年度工作完成情况\n全年【WORKLOAD|开展档案查阅服务120次】。\n"
            "## 存在问题\n【PROBLEM|预算执行进度偏慢】。\n")


def test_a_cleaned_example_keeps_the_heading_marks_its_cleaning_removed():
    ex = parse_markup(MARKDOWN)
    clean = to_cleaned(ex)
    assert "#" not in clean.text
    annotate_reads = structure_text(ex.text)            # what annotate makes of the raw report
    assert annotate_reads.text == clean.text
    headings_for, _ = structure_for_example(clean)
    for label in ("WORKLOAD", "PROBLEM"):
        span = next(s for s in clean.spans if s.label == label)
        expected = [s.title for s in annotate_reads.sections if s.start <= span.start < s.end]
        assert headings_for(span.start) == expected
    problem = next(s for s in clean.spans if s.label == "PROBLEM")
    assert headings_for(problem.start)[-1] == "存在问题"
    # why the marks are kept: cleaning the clean text again finds no heading at all
    assert structure_for(clean.text)[0](problem.start) == []


def test_an_example_without_heading_marks_is_read_as_before():
    ex = parse_markup("2023年度部门整体支出绩效自评报告\n一、存在问题\n【PROBLEM|预算执行进度偏慢】。\n")
    clean = to_cleaned(ex)
    assert "heading_hints" not in clean.data
    at = clean.spans[0].start
    path = structure_for_example(clean)[0](at)
    assert path == structure_for(clean.text)[0](at)
    assert path[-1] == "存在问题"


def test_training_windows_carry_the_headings_of_the_marks():
    """featurize reads a cleaned example's headings as annotate reads the report: the problem's
    window has the 存在问题 heading as context (without the marks it would have none)."""
    from pipeline.labels import load_labels
    from pipeline.tag.data import featurize
    from pipeline.tag.model import ModelArguments
    from pipeline.tag.tokenizer import CharEncoder, build_tokenizer
    enc = CharEncoder(build_tokenizer())
    tags = load_labels().tags()
    tag2id = {t: i for i, t in enumerate(tags)}
    clean = to_cleaned(parse_markup(MARKDOWN))
    args = ModelArguments(window_chars=64, stride=60, max_context_chars=8)
    problem_window = next(f for f in featurize(clean, enc, args, tag2id, "BIOES")
                          if tag2id["B-PROBLEM"] in f.labels)
    context = problem_window.input_ids[1:problem_window.token_type_ids.count(0) - 1]  # between [CLS] and [SEP]
    assert context[-4:] == enc.encode("存在问题")   # the heading path, cut from the left to 8 characters
