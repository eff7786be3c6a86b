"""Shared fixtures: one toy model trained once per test session on the tiny fixture set."""
from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

# tag_markup (the inline span markup helper) lives next to these tests
sys.path.insert(0, str(Path(__file__).parent))

from pipeline import CONFIG_DIR, SHARED_DIR

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


# A development set of one report written here, scored by ../shared/devset's scorer (copied in at
# run time, never kept): what the dev-set evaluations (eval-rules, the protocol's (a) on the dev
# set) do is tested on it without reading the 18 reports.
DEVSET_SCORER = SHARED_DIR / "devset" / "score.py"
TINY_DEV_DOC = ("2023年度部门整体支出绩效自评报告\n一、部门职能\n1.负责全区园林绿化规划工作；\n2.负责公园日常管理；\n"
                "二、存在的问题\n预算编制不够细化。\n三、改进措施\n进一步加强预算绩效管理。\n")
TINY_DEV_GOLD = (("FUNCTION", "负责全区园林绿化规划工作"), ("PROBLEM", "预算编制不够细化"), ("MEASURE", "进一步加强预算绩效管理"))


def _tiny_dev_gold() -> list:
    """The Label Studio task of TINY_DEV_DOC's gold spans, as ../shared/devset/gold/*.ls.json hold them."""
    text, result = TINY_DEV_DOC, []
    for label, piece in TINY_DEV_GOLD:
        a = text.index(piece)
        result.append({"type": "labels", "value": {"start": a, "end": a + len(piece), "text": piece,
                                                   "labels": [label]}})
    return [{"annotations": [{"result": result}], "data": {"text": text}}]


@pytest.fixture
def tiny_devset(tmp_path):
    """A dev-set folder (docs/, gold/, score.py) with the one report TINY_DEV_DOC; skips the test
    where ../shared/devset/score.py is absent."""
    if not DEVSET_SCORER.exists():
        pytest.skip("../shared/devset/score.py absent")
    devset = tmp_path / "devset"
    (devset / "docs").mkdir(parents=True)
    (devset / "gold").mkdir()
    (devset / "docs" / "x01.txt").write_text(TINY_DEV_DOC, encoding="utf-8")
    (devset / "gold" / "x01.ls.json").write_text(json.dumps(_tiny_dev_gold(), ensure_ascii=False), encoding="utf-8")
    shutil.copy(DEVSET_SCORER, devset / "score.py")  # read at run time, not kept
    return devset
