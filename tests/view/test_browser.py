"""The site in a real browser (chromium through Playwright): spans, hover, jumps, filter, sort,
injection, no network. Screenshots go to the test's tmp dir; with JIXIAO_VIEW_SCREENSHOT=PATH the
document page's screenshot is also written there (how docs/view.png was made)."""
from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from pipeline.view.load import Loaded
from pipeline.view.site import write_site
from tests.view.records import injection_record, roads_record


@pytest.fixture
def site(tmp_path) -> dict:
    records = [roads_record(), roads_record("bridges-2023", unit="西山区桥梁管理所", score=72.0), injection_record()]
    write_site([Loaded(r.doc_id, r) for r in records], tmp_path / "site")
    pages = {p.name.split("-")[0]: p for p in (tmp_path / "site" / "docs").glob("*.html")}
    return {"root": tmp_path / "site", "records": {r.doc_id: r for r in records}, "pages": pages}


def open_page(page, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")


def doc(site, prefix: str) -> Path:
    return next(p for name, p in site["pages"].items() if name.startswith(prefix))


def test_span_counts_per_label_equal_the_record(page, site):
    rec = site["records"]["roads-2024"]
    open_page(page, doc(site, "roads"))
    counted = page.evaluate("Array.from(document.querySelectorAll('#text [data-label]'), e => e.dataset.label)")
    assert Counter(counted) == Counter(s.label for s in rec.spans)
    # each label has the colour configs/labels.yaml gives it (generated labels.css is applied)
    from pipeline.labels import load_labels
    for lab in load_labels().labels:
        if lab.name in counted:
            colour = page.evaluate(f"getComputedStyle(document.querySelector('[data-label={lab.name}]')).borderBottomColor")
            r, g, b = (int(lab.color[k:k + 2], 16) for k in (1, 3, 5))
            assert colour == f"rgb({r}, {g}, {b})", lab.name
    assert page.console == []


def test_hovering_a_span_highlights_the_linked_row(page, site, tmp_path):
    rec = site["records"]["roads-2024"]
    open_page(page, doc(site, "roads"))
    w2 = next(s for s in rec.spans if s.text == "修补路面坑槽85处")
    row = page.locator(f'#text tr[data-ref~="{rec.indicators[1].id}"]')
    other = page.locator(f'#text tr[data-ref~="{rec.indicators[0].id}"]')
    assert "hl" not in (row.get_attribute("class") or "")
    page.locator(f'[data-ref="{w2.id}"][data-label]').hover()
    assert "hl" in row.get_attribute("class").split()
    assert "hl" not in (other.get_attribute("class") or "").split()
    page.screenshot(path=str(tmp_path / "hover.png"))
    # and a stated figure lights the budget row it disagrees with
    page.locator("#text mark.disagree").first.hover()
    assert page.locator('#facts tr[data-ref~="budget.executed"].hl').count() == 1
    assert "hl" not in (row.get_attribute("class") or "").split()


def test_finding_entries_jump_to_both_sides(page, site):
    open_page(page, doc(site, "roads"))
    jumps = page.locator("#findings .jumps a")
    assert jumps.count() == 2
    seen = []
    for k in range(2):
        jumps.nth(k).click()
        seen.append(page.evaluate("document.querySelector(':target').dataset.ref"))
    assert seen[0].startswith("text:") and seen[1] == "budget.executed"


def test_index_filter_and_sort(page, site):
    open_page(page, site["root"] / "index.html")
    rows = page.locator("#docs tbody tr")
    assert rows.count() == 3
    page.fill("#filter", "西山区")
    assert page.locator("#docs tbody tr:not([hidden])").count() == 1
    assert "1 of 3 shown" in page.inner_text("#shown")
    page.fill("#filter", "")
    assert page.locator("#docs tbody tr:not([hidden])").count() == 3
    header = page.locator("#docs thead th", has_text="total score")
    header.click()
    first_scores = page.evaluate("Array.from(document.querySelectorAll('#docs tbody tr'), r => r.cells[4].textContent)")
    assert first_scores == ["", "72", "88.5"]
    header.click()
    assert page.evaluate("document.querySelector('#docs tbody tr').cells[4].textContent") == "88.5"
    # the charts are local SVG images that load
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")


def test_a_report_holding_markup_runs_nothing(page, site, tmp_path):
    for path in (doc(site, "inject"), site["root"] / "index.html"):
        open_page(page, path)
        page.mouse.move(10, 10)
        for el in page.locator("#text [data-label], #text td, #findings li").all():
            el.hover()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("#text img, #text svg, #text script").count() == 0
    open_page(page, doc(site, "inject"))
    assert '<script>window.__pwned = "script"</script>' in page.inner_text("#text")
    assert page.evaluate("document.querySelector('[data-label=PROBLEM]').textContent").startswith("问题<img")
    # nothing was even attempted: escaping held, so the policy had nothing to block
    assert not [m for m in page.console if "Content Security Policy" in m]
    page.screenshot(path=str(tmp_path / "inject.png"))


def test_the_site_loads_nothing_from_the_network(page, site):
    for path in [site["root"] / "index.html", *site["pages"].values()]:
        open_page(page, path)
    assert page.requests and all(u.startswith("file://") for u in page.requests), page.requests


def test_document_page_screenshot(page, site, tmp_path):
    open_page(page, doc(site, "roads"))
    page.set_viewport_size({"width": 1200, "height": 620})
    rec = site["records"]["roads-2024"]
    w1 = next(s for s in rec.spans if s.label == "WORKLOAD")
    page.locator(f'[data-ref="{w1.id}"][data-label]').hover()
    shot = tmp_path / "document.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("JIXIAO_VIEW_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["JIXIAO_VIEW_SCREENSHOT"])


def test_the_policy_alone_stops_markup_that_got_through(page, tmp_path):
    """Second layer: a page of the site's template with markup pasted in unescaped (as a template
    bug would) still runs none of it, because the Content-Security-Policy forbids inline code."""
    from pipeline.view.site import CSP, environment
    from tests.view.records import INJECTIONS
    raw = environment().from_string('{% extends "base.html" %}{% block body %}{{ raw|safe }}{% endblock %}')
    (tmp_path / "assets").mkdir()
    (tmp_path / "bad.html").write_text(raw.render(csp=CSP, root="", raw="".join(INJECTIONS)), encoding="utf-8")
    open_page(page, tmp_path / "bad.html")
    page.locator("svg").first.hover()
    assert page.locator("img, svg").count() == 2  # the markup is there …
    assert page.evaluate("typeof window.__pwned") == "undefined"  # … and did not run
    assert sum("Content Security Policy" in m for m in page.console) >= 2
