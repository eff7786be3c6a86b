"""Conversions between Label Studio tasks, the training JSONL and records.

Training JSONL, one example per line::

    {"text": "...", "spans": [{"start": 0, "end": 4, "label": "MEASURE", "id": "s0"}],
     "relations": [{"from_id": "s0", "to_id": "s1", "label": "addressed_by"}], "data": {...}}

Offsets are Python string indices on every path (Label Studio 1.23 stores code
points too), so a conversion never recomputes them; it only checks them
(lsformat.Example.check_offsets) and refuses to write a file with a bad one,
because Label Studio itself accepts wrong offsets silently.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from pipeline.corpus.lsformat import (Example, RelationAnn, SpanAnn, example_to_task, read_tasks,
                                      task_to_example, write_tasks)

RECORD_META_FIELDS = ("unit", "year", "kind", "region")


class InvalidOffsets(ValueError):
    """One or more spans do not fit their text."""


def validate(examples: Iterable[Example], where: str = "") -> None:
    problems = []
    for i, ex in enumerate(examples):
        for p in ex.check_offsets():
            problems.append(f"{where}#{i} ({ex.data.get('doc_id', '')}): {p}")
    if problems:
        more = f" … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InvalidOffsets("invalid offsets:\n" + "\n".join(problems[:20]) + more)


# ---------------------------------------------------------------- training JSONL

def example_to_line(ex: Example) -> dict:
    return {"text": ex.text,
            "spans": [{"start": s.start, "end": s.end, "label": s.label, **({"id": s.id} if s.id else {})}
                      for s in ex.spans],
            "relations": [{"from_id": r.from_id, "to_id": r.to_id, "label": r.label} for r in ex.relations],
            "data": ex.data}


def line_to_example(obj: dict) -> Example:
    spans = [SpanAnn(int(s["start"]), int(s["end"]), s["label"], id=str(s.get("id", "")),
                     text=obj["text"][int(s["start"]):int(s["end"])]) for s in obj.get("spans") or []]
    rels = [RelationAnn(r["from_id"], r["to_id"], r.get("label", "")) for r in obj.get("relations") or []]
    return Example(obj["text"], spans, rels, dict(obj.get("data") or {}))


def read_training(path: Path) -> list[Example]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line_to_example(json.loads(line)) for line in lines if line.strip()]


def write_training(examples: Iterable[Example], path: Path) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for ex in examples:
            # json.dumps escapes \r, \n and \t, so one example stays one line whatever its text holds
            fh.write(json.dumps(example_to_line(ex), ensure_ascii=False) + "\n")
            n += 1
    return n


# ---------------------------------------------------------------- records

def read_records(path: Path) -> list[dict]:
    """Record dicts from a record JSON file, a records.jsonl, or a folder of either."""
    path = Path(path)
    if path.is_dir():
        out: list[dict] = []
        for p in sorted(path.iterdir()):
            if p.is_file() and p.suffix in (".json", ".jsonl"):
                out.extend(read_records(p))
        return out
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        items = [json.loads(line) for line in raw.splitlines() if line.strip()]
    else:
        data = json.loads(raw)
        items = data if isinstance(data, list) else [data]
    return [r for r in items if isinstance(r, dict) and "text" in r and "spans" in r]


def record_to_example(record: dict) -> Example:
    spans = [SpanAnn(s["start"], s["end"], s["label"], id=s["id"], text=s.get("text", ""), score=s.get("score"))
             for s in record.get("spans") or []]
    ids = {s.id for s in spans}
    # Label Studio relations join two regions, so only span-to-span links travel
    rels = [RelationAnn(ln["from"], ln["to"], ln["relation"]) for ln in record.get("links") or []
            if ln.get("from") in ids and ln.get("to") in ids]
    meta = record.get("meta") or {}
    data = {"doc_id": record.get("doc_id", "")}
    data.update({k: meta[k] for k in RECORD_META_FIELDS if meta.get(k) is not None})
    if (record.get("source") or {}).get("path"):
        data["source"] = record["source"]["path"]
    return Example(record.get("text", ""), spans, rels, data)


def record_to_task(record: dict, model_version: str | None = None) -> dict:
    ex = record_to_example(record)
    task = example_to_task(ex, as_prediction=True,
                           model_version=model_version or record.get("model_version") or "unknown")
    scores = [s.score for s in ex.spans if s.score is not None]
    if scores:
        # uncertainty-first review: the least confident span decides where the task sorts
        task["predictions"][0]["score"] = min(scores)
    return task


# ---------------------------------------------------------------- whole-file conversions

def ls_to_training(src: Path, dst: Path, use_predictions: bool = False) -> int:
    examples = [ex for ex in (task_to_example(t, use_predictions=use_predictions) for t in read_tasks(src))
                if ex is not None]
    validate(examples, str(src))
    return write_training(examples, dst)


def training_to_ls(src: Path, dst: Path, as_prediction: bool = False, model_version: str | None = None) -> int:
    examples = read_training(src)
    validate(examples, str(src))
    tasks = [example_to_task(ex, as_prediction=as_prediction, model_version=model_version) for ex in examples]
    write_tasks(tasks, dst)
    return len(tasks)


def records_to_ls(src: Path, dst: Path, model_version: str | None = None) -> int:
    records = read_records(src)
    validate([record_to_example(r) for r in records], str(src))
    tasks = [record_to_task(r, model_version) for r in records]
    write_tasks(tasks, dst)
    return len(tasks)


def detect_format(path: Path) -> str:
    """ls | train | records, from the first object found."""
    path = Path(path)
    files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl")) if path.is_dir() else [path]
    for p in files:
        raw = p.read_text(encoding="utf-8").strip()
        if not raw:
            continue
        first = json.loads(raw.splitlines()[0]) if p.suffix == ".jsonl" else json.loads(raw)
        if isinstance(first, list):
            first = first[0] if first else {}
        if "data" in first and ("annotations" in first or "predictions" in first):
            return "ls"
        if "doc_id" in first or "schema_version" in first:
            return "records"
        if "text" in first and "spans" in first:
            return "train"
    raise ValueError(f"{path}: cannot tell the format (no Label Studio task, record or training line)")
