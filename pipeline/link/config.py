"""configs/linking.yaml, loaded once: thresholds, weights and word lists for the linker."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline import CONFIG_DIR


@lru_cache(maxsize=4)
def load_linking_config(path: Path | None = None) -> dict[str, Any]:
    return yaml.safe_load((path or CONFIG_DIR / "linking.yaml").read_text(encoding="utf-8"))


def require_relation(name: str) -> str:
    """A relation name checked against configs/labels.yaml (the source of truth for relations)."""
    from pipeline.labels import load_labels

    known = {r.name for r in load_labels().relations}
    if name not in known:
        raise KeyError(f"relation {name!r} is not defined in configs/labels.yaml ({sorted(known)})")
    return name


def relation_sources(name: str) -> tuple[str, ...]:
    """The span labels (or end kinds) a relation may start from, per configs/labels.yaml."""
    from pipeline.labels import load_labels

    for r in load_labels().relations:
        if r.name == name:
            return r.sources
    raise KeyError(name)
