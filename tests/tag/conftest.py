"""Shared fixtures: one toy model trained once per test session on the tiny fixture set."""
from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

# tag_markup (the inline span markup helper) lives next to these tests
sys.path.insert(0, str(Path(__file__).parent))

from pipeline import CONFIG_DIR

FIXTURE_TASKS = Path(__file__).parent / "fixtures" / "tiny_tasks.json"


@pytest.fixture(scope="session")
def toy_model(tmp_path_factory):
    """(model_dir, summary, seconds): the toy config trained on tests/tag/fixtures/tiny_tasks.json."""
    from pipeline.tag.train import load_config, train
    m, d, t = load_config(CONFIG_DIR / "tagger-toy.yaml")
    d = replace(d, task_files=[str(FIXTURE_TASKS)], corrections_dir="/nonexistent")
    out = tmp_path_factory.mktemp("toy_tagger")
    t0 = time.perf_counter()
    summary = train(m, d, t, out)
    return out, summary, time.perf_counter() - t0


@pytest.fixture(scope="session")
def tiny_examples():
    from pipeline.corpus.lsformat import iter_examples
    return list(iter_examples(FIXTURE_TASKS))
