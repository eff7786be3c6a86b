import io
import json

from pipeline import CONFIG_DIR
from pipeline.search.export import export_es_bulk, write_es_bulk

TEMPLATE = json.loads((CONFIG_DIR / "search" / "index-template.json").read_text(encoding="utf-8"))
PROPS = TEMPLATE["template"]["mappings"]["properties"]
PY_TYPES = {"keyword": str, "text": str, "integer": int, "float": (int, float), "double": (int, float)}


def parse_bulk(text: str) -> list[tuple[dict, dict]]:
    lines = text.splitlines()
    assert len(lines) % 2 == 0 and text.endswith("\n")  # _bulk needs the final newline
    return [(json.loads(a), json.loads(s)) for a, s in zip(lines[::2], lines[1::2])]


def check_against_template(source: dict, props: dict, where: str) -> None:
    for name, value in source.items():
        assert name in props, f"{where}: field {name} is not in the template (dynamic: strict would reject it)"
        spec = props[name]
        if "properties" in spec:
            assert isinstance(value, dict)
            check_against_template(value, spec["properties"], f"{where}.{name}")
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            assert isinstance(v, PY_TYPES[spec["type"]]) and not isinstance(v, bool), f"{where}.{name}={v!r}"


def test_bulk_pairs_action_and_source_with_stable_ids(records):
    buf = io.StringIO()
    report = write_es_bulk([(r["doc_id"], r) for r in records], buf)
    pairs = parse_bulk(buf.getvalue())
    assert report.records == len(records) and report.errors == []
    assert len(pairs) == len(records) + sum(len(r["spans"]) for r in records)
    ids = [a["index"]["_id"] for a, _ in pairs]
    assert len(set(ids)) == len(ids)
    for action, source in pairs:
        assert set(action) == {"index"} and action["index"]["_index"] == "jixiao"
        assert action["index"]["_id"] == source["id"]
        check_against_template(source, PROPS, source["id"])
    doc_b = [s for _, s in pairs if s["doc_id"] == "doc-b"]
    assert {s["id"] for s in doc_b} == {"doc-b", "doc-b:m1", "doc-b:m2", "doc-b:m3"}
    span = next(s for s in doc_b if s["id"] == "doc-b:m1")
    assert span["label"] == "WORKLOAD" and span["unit"] == "南坪市公安局" and span["findings"] == 2
    assert span["indicators"] == ["培训完成率"] and span["section"] == "工作完成情况"


def test_exporting_twice_gives_the_same_file(tmp_path, records_file):
    a, b = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    export_es_bulk([records_file], a)
    export_es_bulk([records_file], b)
    assert a.read_bytes() == b.read_bytes()


def test_bad_record_is_reported_and_the_rest_exported(records):
    bad = dict(records[0], spans=[{"id": "x", "label": "NOT_A_LABEL", "start": 0, "end": 1, "text": "北"}])
    buf = io.StringIO()
    report = write_es_bulk([("bad.json", bad), ("good.json", records[1])], buf)
    assert report.records == 1 and len(report.errors) == 1
    assert "bad.json" in report.errors[0] and "spans.0.label" in report.errors[0]
    assert {s["doc_id"] for _, s in parse_bulk(buf.getvalue())} == {"doc-b"}


def test_template_keyword_fields_for_facets():
    for name in ("entry", "label", "unit", "region", "kind", "grade", "doc_id"):
        assert PROPS[name]["type"] == "keyword"
    assert PROPS["year"]["type"] == "integer" and PROPS["text"]["type"] == "text"
    assert TEMPLATE["template"]["mappings"]["dynamic"] == "strict"
