"""Shared fixtures. The seeds are read from ../shared/seeds at run time, never copied."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import SEEDS_DIR, SHARED_DIR

SEED_FACTS = SHARED_DIR / "spec" / "seed_facts.json"


def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    paths = seed_paths()
    if not paths:
        pytest.skip("../shared/seeds not present: seed tests need the shared material beside the checkout")
    return paths


@pytest.fixture(scope="session")
def seed_facts() -> dict:
    if not SEED_FACTS.is_file():
        pytest.skip("../shared/spec/seed_facts.json not present")
    return json.loads(SEED_FACTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def structured_seeds(seeds) -> dict:
    """file name → Record from clean + structure (no tagger), built once per session."""
    from pipeline.annotate import structure_text
    return {p.name: structure_text(p.read_text(encoding="utf-8")) for p in seeds}
