"""Seed gold: stand-off annotation files → verified training/evaluation examples.

The five seed reports are third-party text, so the project never stores them.
``annotations/gold/<seed stem>.json`` holds only offsets and hashes::

    {"file": "000_….txt", "sha256": "<sha256 of the file's bytes>",
     "basis": "decoded source: …",
     "spans": [{"id": "g1", "label": "FUNCTION", "start": 120, "end": 150,
                "text_sha1": "<12 hex>", "attrs": {…WORKLOAD only…}}],
     "links": [{"from": "g7", "to": "g8", "relation": "caused_by"},
               {"from": "g3", "to": {"kind": "indicator", "start": …, "end": …, "text_sha1": …},
                "relation": "reports_on"},
               {"from": {"kind": "money", …}, "to": "budget.executed", "relation": "states", "agree": true}]}

Offsets are Python string indices into the *decoded source*: the file's bytes
decoded as UTF-8 with a leading BOM removed. ``load_gold`` reads the seed from
pipeline.SEEDS_DIR at run time, checks the file hash and every span's and
anchor's text hash (so a changed seed or a shifted offset fails loudly), and
returns an lsformat.Example. ``gold_in_clean_coords`` moves that example into
the cleaned text that records and the tagger use.

Link ends in ``Example.data["links"]`` (every link, span-to-span ones too) are
normalised to one of::

    {"kind": "span", "id": "g7"}
    {"kind": "indicator" | "project" | "fund_use" | "cell" | "money", "start", "end", "text"}
    {"kind": "budget", "field": "executed"}

Span-to-span links are also in ``Example.relations`` (what Label Studio and the
trainer read). WORKLOAD attributes are in ``Example.data["span_attrs"][span_id]``
with ``activity`` as ``[start, end]`` plus ``activity_text``.
"""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from pipeline import ANNOTATIONS_DIR, SEEDS_DIR
from pipeline.clean import OffsetMap, clean_text
from pipeline.corpus.lsformat import Example, RelationAnn, SpanAnn, with_heading_hints

GOLD_DIR = ANNOTATIONS_DIR / "gold"
BASIS = "decoded source: the file's bytes decoded as UTF-8 with any BOM removed, nothing else changed"
ANCHOR_KINDS = ("indicator", "project", "fund_use", "cell", "money")


class GoldError(ValueError):
    """A gold file that does not fit its seed (hash, offsets, mapping)."""


class SeedsMissing(FileNotFoundError):
    """The seed folder (../shared/seeds) is not next to the project."""


def text_sha1(text: str) -> str:
    """The short hash gold files store for a span's text: first 12 hex of sha1(utf-8)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def decode_source(raw: bytes) -> str:
    """The offset basis of gold files: UTF-8, BOM removed, nothing else changed."""
    text = raw.decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def gold_files(gold_dir: Path = GOLD_DIR) -> list[Path]:
    return sorted(Path(gold_dir).glob("*.json"))


def read_gold_file(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _check_hash(doc: str, what: str, text: str, start: int, end: int, want: str) -> str:
    if not (0 <= start < end <= len(text)):
        raise GoldError(f"{doc}: {what} [{start},{end}) outside the text ({len(text)} chars)")
    got = text[start:end]
    if text_sha1(got) != want:
        raise GoldError(f"{doc}: {what} [{start},{end}) text hash {text_sha1(got)} != {want} "
                        f"(seed changed or offsets shifted)")
    return got


def _resolve_end(doc: str, end: Any, text: str, span_ids: set[str]) -> dict:
    if isinstance(end, str):
        if end in span_ids:
            return {"kind": "span", "id": end}
        if end.startswith("budget."):
            return {"kind": "budget", "field": end.split(".", 1)[1]}
        raise GoldError(f"{doc}: link end {end!r} is neither a span id nor budget.FIELD")
    if isinstance(end, dict) and end.get("kind") in ANCHOR_KINDS:
        got = _check_hash(doc, f"{end['kind']} anchor", text, int(end["start"]), int(end["end"]), end["text_sha1"])
        return {"kind": end["kind"], "start": int(end["start"]), "end": int(end["end"]), "text": got}
    raise GoldError(f"{doc}: unknown link end {end!r}")


def load_gold(path: Path, seeds_dir: Path = SEEDS_DIR) -> Example:
    """A gold file plus its seed → Example in decoded-source coordinates, every hash verified."""
    gold = read_gold_file(path)
    name = gold["file"]
    seed = Path(seeds_dir) / name
    if not seed.exists():
        raise SeedsMissing(f"seed {seed} not found (gold {path} needs ../shared/seeds)")
    raw = seed.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != gold["sha256"]:
        raise GoldError(f"{name}: sha256 {digest} != {gold['sha256']} in {path}")
    text = decode_source(raw)

    spans: list[SpanAnn] = []
    attrs: dict[str, dict] = {}
    for s in gold["spans"]:
        got = _check_hash(name, f"span {s['id']} {s['label']}", text, s["start"], s["end"], s["text_sha1"])
        spans.append(SpanAnn(s["start"], s["end"], s["label"], id=s["id"], text=got))
        if s.get("attrs"):
            a = dict(s["attrs"])
            if "activity" in a:
                a0, a1 = a["activity"]
                if not (s["start"] <= a0 <= a1 <= s["end"]):
                    raise GoldError(f"{name}: span {s['id']} activity [{a0},{a1}) outside the span")
                a["activity_text"] = text[a0:a1]
            attrs[s["id"]] = a

    ids = {s.id for s in spans}
    if len(ids) != len(spans):
        raise GoldError(f"{name}: duplicate span ids")
    links, relations = [], []
    for ln in gold.get("links", []):
        frm = _resolve_end(name, ln["from"], text, ids)
        to = _resolve_end(name, ln["to"], text, ids)
        item = {"from": frm, "to": to, "relation": ln["relation"]}
        if "agree" in ln:
            item["agree"] = ln["agree"]
        links.append(item)
        if frm["kind"] == "span" and to["kind"] == "span":
            relations.append(RelationAnn(frm["id"], to["id"], ln["relation"]))

    data = {"doc_id": digest, "file": name, "coords": "source", "links": links, "span_attrs": attrs,
            "gold_file": str(path)}
    return Example(text, spans, relations, data)


def load_all_gold(gold_dir: Path = GOLD_DIR, seeds_dir: Path = SEEDS_DIR) -> list[Example]:
    return [load_gold(p, seeds_dir) for p in gold_files(gold_dir)]


def _map_interval(offsets: OffsetMap, start: int, end: int) -> tuple[int, int]:
    return offsets.span_to_clean(start, end)


def gold_in_clean_coords(example: Example) -> Example:
    """The example moved into pipeline.clean.clean_text coordinates (what records and the tagger use).

    Every span is mapped with OffsetMap.span_to_clean and checked: the cleaned
    text under the mapped span must equal the source span text cleaned on its
    own. A span whose characters the cleaner changes in context-dependent ways
    would fail here instead of silently drifting.
    """
    if example.data.get("coords") == "clean":
        return example
    cleaned = clean_text(example.text)
    offsets = cleaned.offsets
    spans = []
    for s in example.spans:
        cs, ce = _map_interval(offsets, s.start, s.end)
        want = clean_text(example.text[s.start:s.end]).text
        got = cleaned.text[cs:ce]
        if got != want:
            raise GoldError(f"{example.data.get('file')}: span {s.id} maps to {got!r}, expected {want!r}")
        spans.append(SpanAnn(cs, ce, s.label, id=s.id, text=got, score=s.score))

    data = copy.deepcopy(example.data)
    for attrs in data.get("span_attrs", {}).values():
        if "activity" in attrs:
            a0, a1 = attrs["activity"]
            m0, m1 = _map_interval(offsets, a0, a1)
            attrs["activity"] = [m0, m1]
            attrs["activity_text"] = cleaned.text[m0:m1]
    for link in data.get("links", []):
        for side in ("from", "to"):
            end = link[side]
            if "start" in end:
                m0, m1 = _map_interval(offsets, end["start"], end["end"])
                end["start"], end["end"], end["text"] = m0, m1, cleaned.text[m0:m1]
    data["coords"] = "clean"
    return Example(cleaned.text, spans, list(example.relations), with_heading_hints(data, cleaned.heading_hints),
                   example.task_id)


def gold_stats(examples: list[Example], labels: list[str], relations: list[str]) -> list[dict]:
    """Per document: span counts per label and link counts per relation."""
    rows = []
    for ex in examples:
        row = {"file": ex.data.get("file", "?")}
        for lab in labels:
            row[lab] = sum(1 for s in ex.spans if s.label == lab)
        for rel in relations:
            row[rel] = sum(1 for ln in ex.data.get("links", []) if ln["relation"] == rel)
        rows.append(row)
    return rows
