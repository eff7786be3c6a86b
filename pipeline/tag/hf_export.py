"""Records as a Hugging Face ``datasets.DatasetDict`` (`jixiao export --format hf`), for teams
that train a tagger elsewhere: one row per record, its characters and their BIOES tags as a
``ClassLabel`` sequence over the tag set of configs/labels.yaml (pipeline.labels), the same
tags this project's tagger trains on (pipeline.tag.decode.spans_to_tags). Overlapping spans
keep the earlier one, as in training."""
from __future__ import annotations

from pathlib import Path

from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence, Value

from pipeline.labels import load_labels
from pipeline.tag.decode import spans_to_tags


def features() -> Features:
    return Features({"id": Value("string"), "source": Value("string"), "chars": Sequence(Value("string")),
                     "tags": Sequence(ClassLabel(names=load_labels().tags()))})


def records_to_dataset(records: list[dict], split: str = "train") -> DatasetDict:
    """Record dicts (pipeline.record.Record JSON) → DatasetDict({split: Dataset})."""
    names = set(load_labels().names)
    rows = {"id": [], "source": [], "chars": [], "tags": []}
    for r in records:
        text = r.get("text") or ""
        spans = [(s["start"], s["end"], s["label"]) for s in r.get("spans") or [] if s.get("label") in names]
        rows["id"].append(r.get("doc_id") or "")
        rows["source"].append((r.get("source") or {}).get("path") or "")
        rows["chars"].append(list(text))
        rows["tags"].append(spans_to_tags(len(text), spans))
    return DatasetDict({split: Dataset.from_dict(rows, features=features())})


def export_hf(records: list[dict], out: Path, split: str = "train") -> DatasetDict:
    ds = records_to_dataset(records, split)
    ds.save_to_disk(str(out))
    return ds
