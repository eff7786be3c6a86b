"""Span labels and link relations, loaded from configs/labels.yaml (the one source of truth).

Everything that needs the label set — the tagger's tag vocabulary, the Label
Studio labeling config, the docs table — asks this module instead of
spelling the labels out.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline import CONFIG_DIR


@dataclass(frozen=True)
class LabelDef:
    name: str
    zh: str
    color: str
    hotkey: str
    summary: str
    # section kinds (pipeline.structure.sections) whose narrative never holds this label,
    # kinds that keep it when any heading above has them, and a marker that keeps it
    # (pipeline.tag.section_gate)
    not_in_sections: tuple[str, ...] = ()
    home_sections: tuple[str, ...] = ()
    unless_marker: str = ""


@dataclass(frozen=True)
class RelationDef:
    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class LabelSet:
    labels: tuple[LabelDef, ...]
    relations: tuple[RelationDef, ...]
    scheme: str

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def tags(self) -> list[str]:
        """Token tags for the scheme, "O" first (id 0)."""
        prefixes = {"BIO": "BI", "BIOES": "BIES"}[self.scheme]
        return ["O"] + [f"{p}-{name}" for name in self.names for p in prefixes]


@lru_cache(maxsize=4)
def load_labels(path: Path | None = None) -> LabelSet:
    data = yaml.safe_load((path or CONFIG_DIR / "labels.yaml").read_text(encoding="utf-8"))
    labels = tuple(LabelDef(d["name"], d["zh"], d["color"], str(d["hotkey"]), d["summary"],
                            tuple(d.get("not_in_sections") or ()), tuple(d.get("home_sections") or ()),
                            d.get("unless_marker") or "")
                   for d in data["labels"])
    relations = tuple(RelationDef(d["name"], tuple(d["from"]), tuple(d["to"]), d["summary"])
                      for d in data["relations"])
    return LabelSet(labels, relations, data.get("scheme", "BIO"))
