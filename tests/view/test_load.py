from __future__ import annotations

import json

from pipeline.view.load import load_records
from pipeline.view.site import build_site
from tests.view.records import roads_record


def test_an_annotate_folder_gives_each_document_once(tmp_path):
    a, b = roads_record("a"), roads_record("b")
    for r in (a, b):
        (tmp_path / f"{r.doc_id}.json").write_text(json.dumps(r.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "records.jsonl").write_text(
        "".join(json.dumps(r.to_json_dict(), ensure_ascii=False) + "\n" for r in (a, b)), encoding="utf-8")
    entries, dup = load_records([tmp_path])
    assert [e.record.doc_id for e in entries] == ["a", "b"] and dup == 0
    entries, dup = load_records([tmp_path, tmp_path / "a.json"])
    assert len(entries) == 2 and dup == 1


def test_a_bad_entry_is_listed_and_the_site_still_written(tmp_path):
    good = roads_record("good")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(good.to_json_dict(), ensure_ascii=False) + "\n{\"doc_id\": 3}\nnot json\n",
                   encoding="utf-8")
    report = build_site([src, tmp_path / "missing.json"], tmp_path / "site")
    assert report.pages == 1
    assert report.unreadable == [f"{src}:2", f"{src}:3", str(tmp_path / "missing.json")]
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert index.count("has-errors") == 3 and "not a record" in index
