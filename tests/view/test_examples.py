"""`jixiao view` on the shipped examples, annotated by the shipped model, checked in chromium."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from pipeline import PROJECT_ROOT
from pipeline.cli import app
from tests.view.test_browser import open_page


@pytest.mark.slow
def test_every_span_of_every_example_is_marked_with_its_label(page, tmp_path):
    runner = CliRunner()
    ann = runner.invoke(app, ["annotate", str(PROJECT_ROOT / "examples"), "--out", str(tmp_path / "records")])
    assert ann.exit_code == 0, ann.output
    records = [json.loads(line) for line in (tmp_path / "records" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(list((PROJECT_ROOT / "examples").iterdir()))
    site = tmp_path / "site"
    result = runner.invoke(app, ["view", str(tmp_path / "records"), "--out", str(site)])
    assert result.exit_code == 0, result.output
    assert f"{len(records)} document page(s)" in result.output
    open_page(page, site / "index.html")
    links = page.evaluate("Array.from(document.querySelectorAll('#docs tbody a'), a => [a.textContent, a.getAttribute('href')])")
    assert len(links) == len(records)
    pages = dict(links)
    total = 0
    for rec in records:
        open_page(page, site / pages[rec["source"]["path"]])
        shown = page.evaluate("Array.from(document.querySelectorAll('[data-label]'), e => [e.dataset.ref, e.dataset.label, e.textContent])")
        assert sorted(map(tuple, shown)) == sorted((s["id"], s["label"], s["text"]) for s in rec["spans"])
        assert Counter(label for _, label, _ in shown) == Counter(s["label"] for s in rec["spans"])
        total += len(shown)
    assert total > 0
    assert page.console == []
