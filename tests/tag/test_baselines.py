import json

import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from pipeline.tag.baselines.rules import RuleTagger, context_label
from pipeline.tag.baselines.spacy_ner import SpacyTagger
from pipeline.tag.evaluation import score_examples
from pipeline.tag.regions import simple_headings

from tag_markup import parse_markup


def test_context_label_takes_the_innermost_keyword():
    assert context_label("五、存在的问题及改进措施/（一）存在的主要问题") == "PROBLEM"
    assert context_label("五、存在的问题/（二）原因分析") == "CAUSE"
    assert context_label("六、下一步工作打算") == "MEASURE"
    assert context_label("一、部门职责") == "FUNCTION"
    assert context_label("二、预算执行情况") is None


def test_rules_tag_sentences_under_headings_and_counted_work():
    text = ("三、存在的问题\n一是预算编制不够细致；二是资产台账更新滞后。\n"
            "四、工作开展情况\n全年开展执法检查16次，下达整改通知9份，资金使用120万元。")
    preds = RuleTagger().predict_text(text, headings_for=simple_headings(text))
    got = {(p.label, p.text) for p in preds}
    assert ("PROBLEM", "预算编制不够细致") in got and ("PROBLEM", "资产台账更新滞后") in got
    assert ("WORKLOAD", "全年开展执法检查16次") in got and ("WORKLOAD", "下达整改通知9份") in got
    assert not any("万元" in p.text for p in preds if p.label == "WORKLOAD")


def test_spacy_baseline_learns_something_and_round_trips(tiny_examples, tmp_path):
    st = SpacyTagger.train(tiny_examples, epochs=30, seed=13)
    report = score_examples(st, tiny_examples)
    assert report["spans"]["overlap"]["micro"]["f1"] > 0.3  # training-set fit, a smoke check only
    st.to_disk(tmp_path / "nlp")
    again = SpacyTagger.from_disk(tmp_path / "nlp")
    text = tiny_examples[0].text
    assert [(p.start, p.end, p.label) for p in st.predict_text(text)] == \
           [(p.start, p.end, p.label) for p in again.predict_text(text)]


def test_export_spacy_docbin(tmp_path):
    from pipeline.cli import app
    ex = parse_markup("全年【WORKLOAD|组织培训6期】，【PROBLEM|经费保障不足】。")
    rec = {"doc_id": "d1", "text": ex.text,
           "spans": [{"id": s.id, "label": s.label, "start": s.start, "end": s.end} for s in ex.spans]}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.spacy"
    res = CliRunner().invoke(app, ["export", "--format", "spacy", "--out", str(out), str(path)])
    assert res.exit_code == 0, res.output
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("zh").vocab))
    assert [(s.label_, s.text) for s in docs[0].spans["sc"]] == [("WORKLOAD", "组织培训6期"), ("PROBLEM", "经费保障不足")]
