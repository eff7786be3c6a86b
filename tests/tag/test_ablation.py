"""`jixiao eval-rules`: every configured rule switched off in turn, scored on a development set."""
from __future__ import annotations

import json
import shutil

import pytest

from pipeline import SHARED_DIR
from pipeline.tag.ablation import run_ablation, variants

SCORER = SHARED_DIR / "devset" / "score.py"
DOC = ("2023年度部门整体支出绩效自评报告\n一、部门职能\n1.负责全区园林绿化规划工作；\n2.负责公园日常管理；\n"
       "二、存在的问题\n预算编制不够细化。\n三、改进措施\n进一步加强预算绩效管理。\n")


def _gold(text: str) -> list:
    result = []
    for label, piece in (("FUNCTION", "负责全区园林绿化规划工作"), ("PROBLEM", "预算编制不够细化"),
                         ("MEASURE", "进一步加强预算绩效管理")):
        a = text.index(piece)
        result.append({"type": "labels", "value": {"start": a, "end": a + len(piece), "text": piece,
                                                   "labels": [label]}})
    return [{"annotations": [{"result": result}], "data": {"text": text}}]


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/devset/score.py absent")
def test_eval_rules_scores_every_variant(toy_model, tmp_path, monkeypatch):
    import pipeline.tag.ablation as ablation
    monkeypatch.setattr(ablation, "score_seeds", lambda tagger, say=print: {})  # the seeds: see the dev-set run
    devset = tmp_path / "devset"
    (devset / "docs").mkdir(parents=True)
    (devset / "gold").mkdir()
    (devset / "docs" / "x01.txt").write_text(DOC, encoding="utf-8")
    (devset / "gold" / "x01.ls.json").write_text(json.dumps(_gold(DOC), ensure_ascii=False), encoding="utf-8")
    shutil.copy(SCORER, devset / "score.py")  # read at run time, not kept
    model_dir, _, _ = toy_model
    report = run_ablation(model_dir, devset, tmp_path / "out", say=lambda s: None)
    from pipeline.tag.tagger import Tagger
    names = set(variants(Tagger.load(model_dir)))
    assert set(report["devset"]) == names and {"all", "none", "-snap", "-function_lists"} <= names
    for s in report["devset"].values():
        assert 0.0 <= s["exact"] <= s["overlap"] <= 1.0
    md = (tmp_path / "out" / "rules-ablation.md").read_text(encoding="utf-8")
    assert "| -snap |" in md and "| none |" in md
