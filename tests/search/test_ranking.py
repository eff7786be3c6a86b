"""Ranking beyond one entry's BM25: other wordings, the document's topic, near labels."""
import pytest

import pipeline.search.query as query
from pipeline.search.query import Filters, rank_documents, search
from pipeline.search.synonyms import variants

UNIT, REGION, KIND = "东川县某局", "东川县", "部门整体支出绩效自评报告"


def doc(doc_id, sentences, year=2022):
    return (doc_id, UNIT, REGION, year, KIND, sentences)


# ---------------------------------------------------------------- other wordings

GROUPS = (("资金支付", "资金拨付"), ("支付进度", "拨付进度"), ("三公经费", "三公"))


def test_variants_replace_a_member_leftmost_longest():
    assert variants("资金支付", GROUPS) == ["资金拨付"]
    assert variants("资金支付慢", GROUPS) == ["资金拨付慢"]
    # 资金支付 starts first: 支付进度 overlaps it and is not read
    assert variants("资金支付进度", GROUPS) == ["资金拨付进度"]
    assert variants("三公经费", GROUPS) == ["三公"] and variants("三公", GROUPS) == ["三公经费"]
    assert variants("培训", GROUPS) == []


def test_shipped_synonyms_load_and_name_each_word_once_per_group():
    from pipeline.search.synonyms import load_groups

    groups = load_groups()
    assert groups and all(len(g) == len(set(g)) >= 2 for g in groups)
    assert "查办" in variants("执法")


def test_another_wording_is_found_and_ranks_below_the_word_as_written(build_index):
    ix = build_index([
        doc("lit", [("WORKLOAD", "开展联合执法行动12次")]),
        doc("syn", [("WORKLOAD", "查办各类违规案件40件")]),
        doc("none", [("WORKLOAD", "开展业务培训6期")]),
    ])
    hits = search(ix, "执法", Filters(label="WORKLOAD"))
    assert [h.doc_id for h in hits] == ["lit", "syn"]
    assert hits[1].snippet == "【查办】各类违规案件40件"


def test_a_rare_wording_does_not_outrank_a_common_word_as_written(build_index):
    # the synonym's terms are rarer (a higher idf) than the word's: its weight is scaled to the word's
    ix = build_index([doc(f"d{i}", [("PROBLEM", "项目资金支付进度偏慢"), ("WORKLOAD", f"支付补助资金{i}批")])
                      for i in range(4)] + [doc("syn", [("PROBLEM", "项目资金拨付进度偏慢")])])
    ranked = rank_documents(search(ix, "资金支付", Filters(label="PROBLEM"), limit=20))
    assert ranked[-1] == "syn" and len(ranked) == 5


# ---------------------------------------------------------------- the document's topic

TOPIC = [
    doc("about", [("WORKLOAD", "改造乡村学校食堂操作间4所"), ("PROBLEM", "部分食堂从业人员培训不足"),
                  ("MEASURE", "加强食堂日常管理"), ("WORKLOAD", "组织食堂人员体检2次")]),
    doc("passing", [("WORKLOAD", "新建食堂2栋"), ("FUNCTION", "负责全县学校后勤保障工作")]),
]


def test_a_document_about_the_query_ranks_first(build_index):
    ix = build_index(TOPIC)
    assert rank_documents(search(ix, "食堂", limit=20))[0] == "about"


def test_without_the_document_score_the_shortest_passage_wins(build_index, monkeypatch):
    # the test above fails when search ranks passages alone
    monkeypatch.setattr(query, "DOC_WEIGHT", 0.0)
    ix = build_index(TOPIC)
    assert rank_documents(search(ix, "食堂", limit=20))[0] == "passing"


def test_rescoring_keeps_the_limit_and_document_hits(build_index):
    ix = build_index(TOPIC)
    assert len(search(ix, "食堂", limit=2)) == 2
    hits = search(ix, "食堂", Filters(entry="doc"))
    assert [h.doc_id for h in hits] == ["about", "passing"] and {h.entry for h in hits} == {"doc"}


# ---------------------------------------------------------------- near labels

LABELS = [
    doc("problem", [("PROBLEM", "部分项目招标进度滞后")]),
    doc("cause", [("CAUSE", "招标流程耗时较长")]),
    doc("measure", [("MEASURE", "优化招标流程")]),
]


def test_problem_search_also_finds_causes_ranked_lower(build_index):
    ix = build_index(LABELS)
    hits = search(ix, "招标", Filters(label="PROBLEM"))
    assert [(h.doc_id, h.label) for h in hits] == [("problem", "PROBLEM"), ("cause", "CAUSE")]
    hits = search(ix, "招标", Filters(label="cause"))
    assert [(h.doc_id, h.label) for h in hits] == [("cause", "CAUSE"), ("problem", "PROBLEM")]


@pytest.mark.parametrize("f", [Filters(label="PROBLEM", exact_label=True), Filters(label="MEASURE")])
def test_exact_label_and_labels_without_neighbours(build_index, f):
    ix = build_index(LABELS)
    hits = search(ix, "招标", f)
    assert hits and {h.label for h in hits} == {f.label}


def test_a_label_without_words_is_exact(build_index):
    ix = build_index(LABELS)
    assert {h.label for h in search(ix, "", Filters(label="PROBLEM"), limit=50)} == {"PROBLEM"}


def test_an_index_of_the_version_before_doc_key_is_refused(tmp_path, build_index):
    import json

    from pipeline.search.index import META_FILE, SearchIndex

    ix = build_index(LABELS)
    (ix.path / META_FILE).write_text(json.dumps({"version": 1, "analyzer": "bigram"}), encoding="utf-8")
    with pytest.raises(ValueError, match="rebuild it"):
        SearchIndex.open(ix.path)
