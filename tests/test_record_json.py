"""Record.json_pieces: the streamed text equals json.dumps of the whole record, compact and indented."""
import json
import os

import pytest

from pipeline import PROJECT_ROOT
from pipeline.annotate import annotate_path, load_components
from pipeline.record import ErrorEntry, Link, Record, Source, Span


def _joined(record: Record, indents, fix=None) -> list[str]:
    parts = [[] for _ in indents]
    for pieces in record.json_pieces(indents, fix):
        for k, piece in enumerate(pieces):
            parts[k].append(piece)
    return ["".join(p) for p in parts]


def _expected(record: Record, indent):
    return json.dumps(record.to_json_dict(), ensure_ascii=False, indent=indent)


@pytest.fixture(scope="module")
def components():
    return load_components(threads=1)


@pytest.mark.parametrize("name", sorted(p.name for p in (PROJECT_ROOT / "examples").glob("*.txt")))
def test_pieces_equal_whole_dump_on_examples(name, components):
    record = annotate_path(PROJECT_ROOT / "examples" / name, components)
    assert record.sections and record.spans
    compact, pretty, wide = _joined(record, (None, 1, 3))
    assert compact == _expected(record, None)
    assert pretty == _expected(record, 1)
    assert wide == _expected(record, 3)


def test_pieces_of_small_and_empty_records():
    empty = Record(doc_id="x", source=Source(path="a.txt", format="txt"))
    assert _joined(empty, (None, 1)) == [_expected(empty, None), _expected(empty, 1)]
    rec = Record(doc_id="y", source=Source(path="b.txt", format="txt"), text="一二\n三\"四\\",
                 spans=[Span(id="m1", label="PROBLEM", start=0, end=2, text="一二", attrs={"k": [1, {"a": None}]})],
                 links=[Link(id="link-1", from_="m1", to="i1", relation="explains", agree=False)],
                 errors=[ErrorEntry(stage="read", message="多行\n消息")])
    assert _joined(rec, (1, None)) == [_expected(rec, 1), _expected(rec, None)]


def test_fix_rewrites_only_pieces_that_are_not_utf8():
    bad = os.fsdecode(b"bad\xff.txt")
    rec = Record(doc_id="z", source=Source(path=bad, format="txt"), text="正文")
    fixed = {"calls": 0}

    def fix(value):
        fixed["calls"] += 1
        return json.loads(json.dumps(value).replace("\\udcff", "\\\\xff"))

    (compact,) = _joined(rec, (None,), fix)
    compact.encode("utf-8")
    assert json.loads(compact)["source"]["path"] == "bad\\xff.txt"
    assert json.loads(compact)["text"] == "正文"
    assert fixed["calls"] == 1


def test_a_long_text_in_slices_is_the_same_text(monkeypatch):
    """A text field longer than STRING_PIECE_CHARS is written in slices; joined, the same JSON
    (escapes at and around the slice edges included); one not valid as UTF-8 goes whole to fix."""
    import pipeline.record as record_module

    monkeypatch.setattr(record_module, "STRING_PIECE_CHARS", 4)
    text = "一二\n三\"四\\\t五\x01六七八九十" * 3
    rec = Record(doc_id="t", source=Source(path="a.txt", format="txt"), text=text)
    pieces = list(rec.json_pieces((None, 1)))
    assert sum(1 for p in pieces if p[0] and p[0] in text) >= 5   # really sliced
    assert _joined(rec, (None, 1)) == [_expected(rec, None), _expected(rec, 1)]
    bad = Record(doc_id="b", source=Source(path="a.txt", format="txt"), text="正文" + os.fsdecode(b"\xff") + "正文结束")
    (compact,) = _joined(bad, (None,), lambda v: v.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
    assert json.loads(compact)["text"] == "正文\\xff正文结束"
