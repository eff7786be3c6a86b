"""Inside ``compact_items`` (a giant document's items), record models share one fields-set per
set of names and a keys table per class (memory), and still answer model_fields_set right."""
import copy
import pickle

from pipeline.record import Link, Span, compact_items


def _link(n: int) -> Link:
    with compact_items():
        return Link(id="", from_=f"m{n}", to=f"i{n}", relation="explains")


def test_ordinary_items_are_left_as_pydantic_builds_them():
    """Outside compact_items the compaction would cost the structure stage time and save little."""
    a, b = Link(id="", from_="m1", to="i1", relation="explains"), Link(id="", from_="m2", to="i2", relation="explains")
    assert a.__pydantic_fields_set__ is not b.__pydantic_fields_set__
    assert a.model_fields_set == {"id", "from_", "to", "relation"}


def test_instances_built_with_the_same_fields_share_one_set():
    a, b = _link(1), _link(2)
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__
    assert a.model_fields_set == {"id", "from_", "to", "relation"}
    with compact_items():
        span = Span(id="m1", label="PROBLEM", start=0, end=1, text="问")
    assert span.__pydantic_fields_set__ is not a.__pydantic_fields_set__


def test_assigning_a_new_field_does_not_change_the_other_instances():
    a, b = _link(1), _link(2)
    a.agree = True
    assert a.model_fields_set == {"id", "from_", "to", "relation", "agree"}
    assert b.model_fields_set == {"id", "from_", "to", "relation"}
    b.id = "link-2"                       # already set: still shared, unchanged
    assert b.__pydantic_fields_set__ is _link(3).__pydantic_fields_set__
    c = b.model_copy(update={"score": 0.5})
    assert "score" in c.model_fields_set and "score" not in b.model_fields_set and "score" not in _link(4).model_fields_set


def test_copies_and_pickles_keep_the_fields():
    a = _link(1)
    a.agree = False
    for other in (copy.deepcopy(a), pickle.loads(pickle.dumps(a))):
        assert other == a and other.model_fields_set == a.model_fields_set


def test_instance_dicts_share_their_keys_and_hold_the_same_values():
    """Each instance's __dict__ is a key-sharing dict (smaller than the dict pydantic builds),
    with the fields in their order, and assignments, dumps and equality work as before."""
    import sys

    a, b = _link(1), _link(2)
    assert list(a.__dict__) == list(Link.model_fields)
    assert a.__dict__ == {"id": "", "from_": "m1", "to": "i1", "relation": "explains", "score": 1.0,
                          "evidence": "", "agree": None}
    assert sys.getsizeof(a.__dict__) < sys.getsizeof(dict(a.__dict__))
    a.score = 0.25
    assert (a.score, b.score) == (0.25, 1.0)
    assert a.model_dump(by_alias=True)["from"] == "m1" and a.model_dump()["score"] == 0.25
    assert a != b and _link(2) == b
    assert Link.model_validate_json(a.model_dump_json(by_alias=True)) == a


def test_freed_memory_is_handed_back_where_there_is_glibc():
    import platform

    from pipeline.cpu import release_freed_memory

    assert release_freed_memory() is (platform.system() == "Linux" and platform.libc_ver()[0] == "glibc")


def test_equal_texts_and_scores_are_one_object_and_keep_their_values():
    """Cell and span texts, link evidence and span and link scores are shared between equal
    values (memory on giant records); the values, and a zero's sign, are unchanged — inside
    ``compact_items``, which pipeline.annotate turns on for big documents."""
    from pipeline.record import Cell, compact_items

    with compact_items():
        _equal_values_shared(Cell)


def _equal_values_shared(Cell):
    a, b = (Link(id="", from_="m1", to="i1", relation="explains", score=round(0.123456, 4),
                 evidence="".join(["证据", str(n)])) for n in (1, 1))
    assert a.evidence == "证据1" and a.evidence is b.evidence and a.score == 0.1235 and a.score is b.score
    assert Cell(text="".join(["合", "计"]), start=0, end=2).text is Cell(text="".join(["合", "计"]), start=5, end=7).text
    neg = Span(id="m1", label="PROBLEM", start=0, end=1, text="问", score=-0.0)
    assert str(neg.score) == "-0.0" and str(Span(id="m2", label="PROBLEM", start=0, end=1, text="问", score=0.0).score) == "0.0"
    assert Span(id="m3", label="PROBLEM", start=0, end=1, text="问", score=1).score == 1.0


def test_repeating_texts_share_one_object_only_inside_compact_items():
    from pipeline.record import Cell, compact_items
    twin = lambda: "".join(["预算", "执行率"])  # noqa: E731 - a new, equal string each call
    with compact_items():
        a, b = Cell(text=twin(), start=0, end=5), Cell(text=twin(), start=9, end=14)
    assert a.text is b.text and a.text == "预算执行率"
    c, d = Cell(text=twin(), start=0, end=5), Cell(text=twin(), start=9, end=14)
    assert c.text is not d.text and c.text == d.text   # ordinary documents skip the interning (speed)


def test_a_giant_record_read_back_is_compacted_as_when_it_was_annotated(monkeypatch):
    import pipeline.record as record_module
    from pipeline.record import Record

    data = {"doc_id": "d", "source": {"path": "d.txt", "format": "txt"}, "text": "问题" * 10,
            "spans": [{"id": f"m{i}", "label": "PROBLEM", "start": 0, "end": 2, "text": "问题"} for i in range(2)]}
    small = Record.from_data(data)
    assert small.spans[0].__pydantic_fields_set__ is not small.spans[1].__pydantic_fields_set__
    monkeypatch.setattr(record_module, "COMPACT_FROM_CHARS", 10)
    giant = Record.from_data(data)
    assert giant.spans[0].__pydantic_fields_set__ is giant.spans[1].__pydantic_fields_set__
    assert giant == small
