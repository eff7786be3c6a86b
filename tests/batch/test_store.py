"""The output store repairs each state a kill -9 can leave (each window simulated here; the
real kills are in test_kill.py)."""
from __future__ import annotations

import json

from pipeline.batch.inputs import discover
from pipeline.batch.store import OutputStore, iter_records, out_name_of


def fake_record(inp, doc_id: str) -> dict:
    return {"doc_id": doc_id, "source": {"path": inp.display, "resolved": inp.resolved}, "text": "x", "errors": []}


def write(store, inp, doc_id):
    rec = fake_record(inp, doc_id)
    store.write(inp.out_name, json.dumps(rec), json.dumps(rec))
    return rec


def inputs_in(tmp_path, n=3):
    src = tmp_path / "in"
    src.mkdir()
    for k in range(n):
        (src / f"d{k}.txt").write_text(f"文本{k}", encoding="utf-8")
    return discover([src])


def sha(path):
    from pipeline.batch.store import content_sha256
    return content_sha256(path)


def test_torn_last_line_is_cut_and_its_input_redone(tmp_path):
    inputs = inputs_in(tmp_path)
    store = OutputStore.open(tmp_path / "out")
    write(store, inputs[0], sha(inputs[0].path))
    store.close()
    with open(store.jsonl, "a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "abc", "source": {"pa')          # killed mid-line
    store = OutputStore.open(tmp_path / "out", inputs=inputs)
    assert store.repaired_bytes > 0
    assert [i.display for i in inputs if not store.is_done(i)] == [i.display for i in inputs[1:]]
    write(store, inputs[1], sha(inputs[1].path))
    store.close()
    lines = store.jsonl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line) for line in lines)


def test_file_without_line_is_redone_under_the_same_name(tmp_path):
    inputs = inputs_in(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{inputs[0].out_name}.json").write_text("{}", encoding="utf-8")   # killed before the line
    (out / f"{inputs[1].out_name}.json.123.tmp").write_text("{", encoding="utf-8")  # killed mid-file
    store = OutputStore.open(out, inputs=inputs)
    assert not any(store.is_done(i) for i in inputs)
    assert not list(out.glob("*.tmp"))
    for i in inputs:
        write(store, i, sha(i.path))
    store.close()
    assert len(list(out.glob("*.json"))) == 3 and len(list(iter_records(store.jsonl))) == 3


def test_changed_file_is_redone_once_and_missing_file_restored(tmp_path):
    inputs = inputs_in(tmp_path)
    store = OutputStore.open(tmp_path / "out")
    for i in inputs:
        write(store, i, sha(i.path))
    store.close()
    with open(inputs[0].path, "w", encoding="utf-8") as fh:
        fh.write("改过的文本")
    rec2 = json.loads(store.jsonl.read_text(encoding="utf-8").splitlines()[2])
    (tmp_path / "out" / f"{out_name_of(rec2)}.json").unlink()
    store = OutputStore.open(tmp_path / "out", inputs=inputs)
    assert [store.is_done(i) for i in inputs] == [False, True, True]
    assert store.dropped_lines == 1 and store.restored_files == 1
    assert (tmp_path / "out" / f"{inputs[2].out_name}.json").exists()
    write(store, inputs[0], sha(inputs[0].path))
    store.close()
    keys = [(r["source"]["resolved"], r["doc_id"]) for r in iter_records(store.jsonl)]
    assert len(keys) == 3 and len({k[0] for k in keys}) == 3


def test_repeated_lines_of_an_older_run_are_dropped(tmp_path):
    inputs = inputs_in(tmp_path, 1)
    store = OutputStore.open(tmp_path / "out")
    write(store, inputs[0], sha(inputs[0].path))
    write(store, inputs[0], sha(inputs[0].path))
    store.close()
    store = OutputStore.open(tmp_path / "out", inputs=inputs)
    store.close()
    assert len(list(iter_records(store.jsonl))) == 1


def test_staged_record_is_the_same_as_the_strings_and_leaves_no_temporary_file(tmp_path):
    """A local worker streams its record to two temporary files in the output folder; the store
    renames one and appends the other: the same bytes as a record sent back as strings."""
    from pipeline.batch.worker import serialize
    from pipeline.record import ErrorEntry, Record, Source, Span

    inputs = inputs_in(tmp_path, n=1)
    rec = Record(doc_id=sha(inputs[0].path), source=Source(path=inputs[0].display, format="txt", resolved=inputs[0].resolved),
                 text="文本0", spans=[Span(id="m1", label="PROBLEM", start=0, end=2, text="文本")],
                 errors=[ErrorEntry(stage="tag", message="示例")])
    as_strings, staged_store = OutputStore.open(tmp_path / "strings"), OutputStore.open(tmp_path / "staged")
    plain = serialize(rec, inputs[0])
    as_strings.write_result(plain)
    staged = serialize(rec, inputs[0], staging=str(staged_store.folder))
    assert staged.staged and not staged.line and staged.errors == plain.errors == ("tag: 示例",)
    staged_store.write_result(staged)
    as_strings.close()
    staged_store.close()
    for name in ("records.jsonl", f"{inputs[0].out_name}.json"):
        assert (tmp_path / "staged" / name).read_bytes() == (tmp_path / "strings" / name).read_bytes()
    assert sorted(p.name for p in (tmp_path / "staged").iterdir()) == sorted(["records.jsonl", f"{inputs[0].out_name}.json"])
    assert json.loads((tmp_path / "staged" / "records.jsonl").read_text(encoding="utf-8")) == rec.to_json_dict()
    assert OutputStore.open(tmp_path / "staged").is_done(inputs[0])


def _record_lines(tmp_path):
    """records.jsonl with an ordinary record, one whose lists are empty, a line that is not an
    object, one that is not JSON, and an unfinished last line."""
    recs = [{"schema_version": "1.2", "doc_id": "a" * 64, "source": {"path": "甲.txt", "resolved": "/x/甲.txt"},
             "text": "文本" * 80, "meta": {"year": 2023, "grade_scale": {}}, "sections": [{"id": "s1", "kids": [1, 2]}],
             "spans": [{"id": "m1", "attrs": {"n": [1, {"k": None}]}}, {"id": "m2"}], "links": [], "source_map": [[0, 3]],
             "errors": [{"stage": "read", "message": "warning: old style"}], "warnings": [], "score": 1.5e-07},
            {"doc_id": "b" * 64, "source": {"path": "乙.txt"}, "text": "", "spans": [], "errors": []}]
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs) + "[1, 2]\nnot json\n"
                    + '{"doc_id": "c", "sour', encoding="utf-8")
    return recs, path


def test_heads_stream_the_fields_the_batch_reads(tmp_path):
    from pipeline.annotate_cli import summarize
    from pipeline.batch.store import iter_heads

    recs, path = _record_lines(tmp_path)
    heads = list(iter_heads(path))
    assert len(heads) == 2
    assert heads[0]["text"] == recs[0]["text"][:100] and heads[1]["text"] == ""
    for head, rec in zip(heads, recs):
        for key in ("doc_id", "source", "errors"):
            assert head[key] == rec[key]
        assert {k: len(v) for k, v in head.items() if isinstance(v, range)} == {
            k: len(v) for k, v in rec.items() if isinstance(v, list) and k not in ("errors", "warnings")}
        assert "meta" not in head
    assert summarize(iter_heads(path)) == summarize(recs)
    keys = list(iter_heads(path, keys_only=True))
    assert [sorted(k) for k in keys] == [["doc_id", "schema_version", "source"], ["doc_id", "source"]]


def test_keys_are_read_from_the_start_of_a_line_only(tmp_path):
    """Resuming reads a line's doc_id and source, then skips the rest unparsed: a line whose
    tail is not even JSON still names its input."""
    from pipeline.batch.store import iter_heads

    path = tmp_path / "records.jsonl"
    path.write_text('{"doc_id": "d", "source": {"path": "p", "resolved": "/r"}, "text": "x", ]]] broken\n',
                    encoding="utf-8")
    assert list(iter_heads(path, keys_only=True)) == [{"doc_id": "d", "source": {"path": "p", "resolved": "/r"}}]
    assert list(iter_heads(path)) == []


def test_indented_text_from_events_is_json_dumps_indent_one(tmp_path):
    import io

    import ijson

    from pipeline.batch.store import write_indented

    recs, _ = _record_lines(tmp_path)
    for value in recs + [[], {}, [[], {}, [1, [2]]], "标量", 3, -0.5, None, True]:
        out = io.StringIO()
        text = json.dumps(value, ensure_ascii=False)
        write_indented(ijson.basic_parse(io.BytesIO(text.encode("utf-8")), use_float=True), out)
        assert out.getvalue() == json.dumps(value, ensure_ascii=False, indent=1)


def test_missing_file_is_restored_as_the_worker_writes_it_and_kept_lines_are_copied_as_they_are(tmp_path):
    from pipeline.batch.worker import serialize
    from pipeline.record import Record, Source, Span

    inputs = inputs_in(tmp_path, n=2)
    store = OutputStore.open(tmp_path / "out")
    for inp in inputs:
        rec = Record(doc_id=sha(inp.path), source=Source(path=inp.display, format="txt", resolved=inp.resolved),
                     text="文本\n0", spans=[Span(id="m1", label="PROBLEM", start=0, end=2, text="文本", score=0.1)])
        store.write_result(serialize(rec, inp))
    store.close()
    first = store.jsonl.read_bytes().splitlines(keepends=True)[0]
    with open(store.jsonl, "ab") as fh:
        fh.write(first)                                   # a repeated line: the file is rewritten
    written = (tmp_path / "out" / f"{inputs[0].out_name}.json").read_bytes()
    (tmp_path / "out" / f"{inputs[0].out_name}.json").unlink()
    store = OutputStore.open(tmp_path / "out", inputs=inputs)
    store.close()
    assert store.restored_files == 1 and store.dropped_lines == 1
    assert (tmp_path / "out" / f"{inputs[0].out_name}.json").read_bytes() == written
    assert store.jsonl.read_bytes().splitlines(keepends=True)[0] == first
    assert len(store.jsonl.read_bytes().splitlines()) == 2
