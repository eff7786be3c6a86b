import json

import pytest

from pipeline.search.index import META_FILE, SearchIndex, read_record_dicts


def test_counts_documents_and_spans(index, records):
    assert index.counts() == {"doc": len(records), "span": sum(len(r["spans"]) for r in records)}


def test_reindexing_the_same_records_leaves_counts_unchanged(index, records_file):
    before = index.counts()
    index.add_paths([records_file])
    index.add_paths([records_file, records_file])
    assert index.counts() == before


def test_reopened_index_keeps_entries_and_analyzer(index, tmp_path):
    again = SearchIndex.open(tmp_path / "ix")
    assert again.analyzer == index.analyzer == "bigram"
    assert again.counts() == index.counts()


def test_reindexing_a_changed_record_replaces_its_spans(index, records, tmp_path):
    from pipeline.search.query import Filters, search

    assert search(index, "专职人员", Filters(label="CAUSE"))
    changed = dict(records[1])
    changed["spans"] = changed["spans"][:1]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    before = index.counts()
    index.add_paths([path])
    assert index.counts() == {"doc": before["doc"], "span": before["span"] - 2}
    assert search(index, "专职人员", Filters(label="CAUSE")) == []


def test_delete_removes_document_and_its_spans(index):
    from pipeline.search.query import search

    before = index.counts()
    removed = index.delete(["doc-b"])
    assert removed == 4
    assert index.counts() == {"doc": before["doc"] - 1, "span": before["span"] - 3}
    assert all(h.doc_id != "doc-b" for h in search(index, "禁毒", limit=50))


def test_bad_record_gets_a_clear_error_and_the_rest_is_indexed(tmp_path, records):
    bad = dict(records[0], doc_id="doc-bad")
    bad["meta"] = dict(bad["meta"], year="twenty-twenty")
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(bad, ensure_ascii=False), "{not json", *(json.dumps(r, ensure_ascii=False) for r in records[1:])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ix = SearchIndex.open_or_create(tmp_path / "ix")
    report = ix.add_paths([path])
    assert report.records == len(records) - 1
    assert len(report.errors) == 2
    assert "mixed.jsonl:1" in report.errors[0] and "doc-bad" in report.errors[0] and "meta.year" in report.errors[0]
    assert "mixed.jsonl:2" in report.errors[1] and "not JSON" in report.errors[1]
    assert ix.counts()["doc"] == len(records) - 1


def test_annotate_folder_is_read_once_through_its_records_jsonl(tmp_path, records):
    folder = tmp_path / "out"
    folder.mkdir()
    for r in records:
        (folder / f"{r['doc_id']}.json").write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
    assert len(list(read_record_dicts([folder]))) == len(records)
    (folder / "records.jsonl").write_text(json.dumps(records[0], ensure_ascii=False) + "\n", encoding="utf-8")
    assert [w for w, _ in read_record_dicts([folder])] == [f"{folder / 'records.jsonl'}:1"]


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    ix = SearchIndex.open_or_create(tmp_path / "ix")
    report = ix.add_paths([tmp_path / "nowhere.jsonl"])
    assert report.records == 0 and "no such record file" in report.errors[0]


def test_open_refuses_a_folder_that_is_no_index(tmp_path):
    with pytest.raises(FileNotFoundError, match=META_FILE):
        SearchIndex.open(tmp_path)


def test_other_analyzer_on_existing_index_is_refused(index, tmp_path):
    with pytest.raises(ValueError, match="built with analyzer"):
        SearchIndex.open_or_create(tmp_path / "ix", "jieba")
