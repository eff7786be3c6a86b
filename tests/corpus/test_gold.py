"""Seed gold: hashes, boundaries, overlaps, link ends, and the move into cleaned coordinates."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline import ANNOTATIONS_DIR, SEEDS_DIR, SHARED_DIR
from pipeline.clean import clean_text
from pipeline.corpus.gold import (GOLD_DIR, GoldError, gold_files, gold_in_clean_coords, load_gold,
                                  read_gold_file, text_sha1)
from pipeline.labels import load_labels

if not SEEDS_DIR.is_dir():
    pytest.skip("../shared/seeds not present", allow_module_level=True)

GOLD = gold_files()
LEADING_NUMBER = re.compile(r"^\s*(?:\d+\s*[.、．]|[一二三四五六七八九十]+是|[（(]\s*\d+\s*[)）]|[①-⑳]|第[一二三四五六七八九十]+[，、])")
LEADING_CONNECTIVE = ("同时", "另外", "此外", "并且", "再者")
FINAL_PUNCT = "。；，、：;,:.！？!?"
RELATION_ENDS = {r.name: (set(r.sources), set(r.targets)) for r in load_labels().relations}


@pytest.fixture(scope="module", params=GOLD, ids=lambda p: p.stem)
def gold(request):
    return load_gold(request.param)


def test_every_seed_has_gold():
    seeds = {p.stem for p in SEEDS_DIR.glob("*.txt")}
    assert seeds and seeds == {p.stem for p in GOLD}


def test_sha256_checked(tmp_path):
    path = GOLD[0]
    g = read_gold_file(path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    raw = (SEEDS_DIR / g["file"]).read_bytes()
    (seeds / g["file"]).write_bytes(raw + b"\n")
    with pytest.raises(GoldError, match="sha256"):
        load_gold(path, seeds)
    (seeds / g["file"]).write_bytes(raw)
    load_gold(path, seeds)  # the untouched copy loads


def test_span_text_hash_checked(tmp_path):
    g = read_gold_file(GOLD[0])
    g["spans"][0]["start"] += 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GoldError, match="text hash"):
        load_gold(bad)


def test_every_span_and_anchor_hash(gold):
    raw = read_gold_file(Path(gold.data["gold_file"]))
    by_id = {s["id"]: s for s in raw["spans"]}
    for s in gold.spans:
        assert text_sha1(gold.text[s.start:s.end]) == by_id[s.id]["text_sha1"]
    for link in gold.data["links"]:
        for end in (link["from"], link["to"]):
            if "start" in end:
                assert gold.text[end["start"]:end["end"]] == end["text"]


def test_labels_known_and_spans_disjoint(gold):
    names = set(load_labels().names)
    spans = sorted(gold.spans, key=lambda s: s.start)
    assert all(s.label in names for s in spans)
    for a, b in zip(spans, spans[1:]):
        assert a.end <= b.start, f"{a.id} {a.label} overlaps {b.id} {b.label}"


def test_span_boundaries_follow_the_rules(gold):
    for s in gold.spans:
        t = gold.text[s.start:s.end]
        where = f"{gold.data['file']} {s.id} {s.label}"
        assert "\n" not in t, where
        assert t == t.strip(), where
        assert not LEADING_NUMBER.match(t), where
        assert not t.startswith(LEADING_CONNECTIVE), where
        assert t[-1] not in FINAL_PUNCT, where


def test_workload_attrs(gold):
    attrs = gold.data["span_attrs"]
    for s in gold.spans:
        if s.label != "WORKLOAD":
            continue
        a = attrs[s.id]
        t = gold.text[s.start:s.end]
        assert a["unit"] in t and a["count"] > 0
        assert t.startswith(a["activity_text"]) and a["activity_text"]
        assert a["approximate"] == bool(re.search(r"\d+(余|多)|近\d|以上", t))


def test_links_well_formed(gold):
    labels = {s.id: s.label for s in gold.spans}
    for link in gold.data["links"]:
        sources, targets = RELATION_ENDS[link["relation"]]
        for end, allowed in ((link["from"], sources), (link["to"], targets)):
            if end["kind"] == "span":
                assert labels[end["id"]] in allowed, link
            elif end["kind"] == "budget":
                assert "budget" in allowed
                from pipeline.record import BUDGET_FIELDS
                assert end["field"] in BUDGET_FIELDS
            elif end["kind"] in ("fund_use", "project"):
                assert {"fund_use_row", "project"} & allowed
            elif end["kind"] == "money":
                assert "money" in allowed and re.search(r"万?元$", end["text"])
            else:
                assert end["kind"] in allowed
    assert {(r.from_id, r.to_id) for r in gold.relations} == {
        (ln["from"]["id"], ln["to"]["id"]) for ln in gold.data["links"]
        if ln["from"]["kind"] == "span" and ln["to"]["kind"] == "span"}


def test_maps_into_clean_coordinates(gold):
    clean = gold_in_clean_coords(gold)
    assert clean.text == clean_text(gold.text).text
    assert clean.check_offsets() == []
    assert [s.id for s in clean.spans] == [s.id for s in gold.spans]
    for src, dst in zip(gold.spans, clean.spans):
        assert dst.text == clean_text(gold.text[src.start:src.end]).text
    for link in clean.data["links"]:
        for end in (link["from"], link["to"]):
            if "start" in end:
                assert clean.text[end["start"]:end["end"]] == end["text"]
    assert gold_in_clean_coords(clean) is clean  # already clean: unchanged


def test_agrees_with_seed_facts():
    """Counts and examples that ../shared/spec/seed_facts.json states are in the gold."""
    facts_path = SHARED_DIR / "spec" / "seed_facts.json"
    if not facts_path.exists():
        pytest.skip("seed_facts.json not present")
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    for path in GOLD:
        ex = load_gold(path)
        f = facts.get(ex.data["file"], {})
        texts = {lab: [s.text for s in ex.spans if s.label == lab] for lab in load_labels().names}
        if "function_items" in f:
            assert len(texts["FUNCTION"]) == f["function_items"], path.stem
        for w in f.get("workload_examples", []):
            assert w in texts["WORKLOAD"], (path.stem, w)
        assert len(texts["PROBLEM"]) >= f.get("problems_at_least", 0)
        assert len(texts["MEASURE"]) >= f.get("measures_at_least", 0)


def test_project_files_quote_no_seed_sentences():
    """Guidelines and gold hold no run of 14+ characters copied from a seed."""
    n = 14
    grams = set()
    for p in SEEDS_DIR.glob("*.txt"):
        t = p.read_text(encoding="utf-8")
        grams.update(t[i:i + n] for i in range(len(t) - n + 1))
    for f in [ANNOTATIONS_DIR / "guidelines.md", ANNOTATIONS_DIR / "README.md", *GOLD_DIR.glob("*.json")]:
        if not f.exists():
            continue
        t = f.read_text(encoding="utf-8")
        copied = [t[i:i + n] for i in range(len(t) - n + 1) if t[i:i + n] in grams]
        assert not copied, (f.name, copied[:3])
