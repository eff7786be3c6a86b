from pipeline.search.query import Filters, facets, highlight_spans, mark, rank_documents, search


def docs(hits):
    return rank_documents(hits)


def test_two_character_queries_find_their_documents(index):
    assert docs(search(index, "禁毒"))[0] == "doc-b"
    assert docs(search(index, "农田"))[0] == "doc-c"


def test_four_character_query_ranks_the_exact_phrase_first(index):
    hits = search(index, "危桥改造")
    assert hits[0].doc_id == "doc-c" and hits[0].label == "WORKLOAD"
    assert hits[0].snippet == "实施【危桥改造】3座"


def test_span_hit_carries_offsets_into_record_text(index, records):
    hit = search(index, "危桥改造", Filters(label="WORKLOAD"))[0]
    text = next(r["text"] for r in records if r["doc_id"] == hit.doc_id)
    assert text[hit.start:hit.end] == hit.text == "实施危桥改造3座"
    (s, e), = hit.highlights
    assert text[s:e] == "危桥改造"


def test_document_hit_highlights_point_into_record_text(index, records):
    hit = search(index, "专职人员", Filters(entry="doc"))[0]
    text = next(r["text"] for r in records if r["doc_id"] == hit.doc_id)
    assert hit.entry == "doc" and all(text[s:e] == "专职人员" for s, e in hit.highlights)
    assert text[hit.start:hit.end] == hit.text


def test_label_filter(index):
    hits = search(index, "预算", Filters(label="problem"), limit=50)
    assert hits and {h.label for h in hits} == {"PROBLEM"}
    assert set(docs(hits)) == {"doc-a", "doc-d"}


def test_year_filter(index):
    hits = search(index, "培训", Filters(year=2023), limit=50)
    assert hits and {h.year for h in hits} == {2023}


def test_unit_filter_is_a_substring(index):
    hits = search(index, "", Filters(unit="北塘县"), limit=50)
    assert set(docs(hits)) == {"doc-a", "doc-d"}
    assert set(docs(search(index, "", Filters(unit="卫生健康"), limit=50))) == {"doc-d"}


def test_region_filter(index):
    assert set(docs(search(index, "", Filters(region="南坪"), limit=50))) == {"doc-b"}


def test_kind_filter(index):
    assert set(docs(search(index, "", Filters(kind="项目支出"), limit=50))) == {"doc-c"}


def test_has_findings_filter(index):
    assert set(docs(search(index, "", Filters(has_findings=True), limit=50))) == {"doc-b", "doc-c"}


def test_filters_combine(index):
    hits = search(index, "培训", Filters(label="WORKLOAD", unit="北塘", year=2021), limit=50)
    assert [(h.doc_id, h.text) for h in hits] == [("doc-a", "组织教师业务培训30期")]


def test_every_word_must_match(index):
    assert docs(search(index, "禁毒 农田")) == []
    assert set(docs(search(index, "预算 培训", Filters(entry="doc")))) == {"doc-a", "doc-d"}


def test_limit(index):
    assert len(search(index, "", limit=3)) == 3


def test_section_title_and_linked_indicator_are_on_span_hits(index):
    hit = search(index, "教师业务培训", Filters(label="WORKLOAD"))[0]
    assert hit.section == "工作完成情况" and hit.indicators == ["培训完成率"]


def test_facets_count_matching_entries(index):
    counts = facets(index, "预算", Filters(entry="span"))
    assert dict(counts["label"]) == {"PROBLEM": 2, "MEASURE": 1}
    assert dict(counts["unit"]) == {"北塘县教育局": 2, "北塘县卫生健康局": 1}


def test_json_hit_has_the_promised_keys(index):
    import json

    data = json.loads(search(index, "禁毒")[0].to_json())
    assert {"doc_id", "path", "unit", "year", "label", "text", "start", "end", "score"} <= set(data)


def test_highlight_marks_the_term_as_written():
    text = "实施危桥改造3座"
    assert highlight_spans(text, "危桥改造", "bigram") == [(2, 6)]
    assert mark(text, [(2, 6)]) == "实施【危桥改造】3座"


def test_highlight_falls_back_to_pieces_and_merges_them():
    # 改造危桥 is not in the text; its bigrams 改造 and 危桥 are, side by side
    assert highlight_spans("实施危桥改造3座", "改造危桥", "bigram") == [(2, 6)]
    assert highlight_spans("危桥一座，改造两处", "改造危桥", "bigram") == [(0, 2), (5, 7)]
