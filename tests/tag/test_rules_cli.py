"""`jixiao annotate --disable-rule NAME` and `--no-rules` with the shipped model."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline import MODELS_DIR, PROJECT_ROOT
from pipeline.cli import app

runner = CliRunner()
GOOD = PROJECT_ROOT / "examples" / "district_market_regulation_2020.txt"  # an example some rules act on
pytestmark = pytest.mark.skipif(not (MODELS_DIR / "tagger" / "config.json").exists(), reason="no shipped model")


def _spans(tmp_path, *args):
    out = tmp_path / "_".join(a.strip("-") for a in args) if args else tmp_path / "all"
    res = runner.invoke(app, ["annotate", str(GOOD), "--out", str(out), "--no-link", "--no-check", *args])
    assert res.exit_code == 0, res.output
    (record,) = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    return record["spans"]


def test_no_rules_and_disable_rule_change_what_the_tagger_says(tmp_path):
    full = _spans(tmp_path)
    raw = _spans(tmp_path, "--no-rules")
    assert all(s["source"] in ("model", "table") and "rules" not in s["attrs"] for s in raw)
    ruled = [s for s in full if s["attrs"].get("rules")]
    assert ruled, "the example has spans the rules made or changed"
    name = ruled[0]["attrs"]["rules"][-1]
    without = _spans(tmp_path, "--disable-rule", name)
    assert all(name not in s["attrs"].get("rules", []) for s in without)


def test_an_unknown_rule_is_refused(tmp_path):
    res = runner.invoke(app, ["annotate", str(GOOD), "--out", str(tmp_path / "x"), "--disable-rule", "no_such_rule"])
    assert res.exit_code == 2 and "unknown rule" in res.output
