"""The document page's markup, read back with BeautifulSoup (no browser needed)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup

from pipeline.record import Span
from pipeline.view.load import Loaded
from pipeline.view.site import CSP, write_site
from tests.link.recordbuilder import RecordBuilder
from tests.view.records import INJECTIONS, injection_record, roads_record


def render(tmp_path: Path, *records) -> dict[str, BeautifulSoup]:
    write_site([Loaded(r.doc_id, r) for r in records], tmp_path)
    return {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted((tmp_path / "docs").glob("*.html"))}


def only(pages: dict[str, BeautifulSoup]) -> BeautifulSoup:
    assert len(pages) == 1
    return next(iter(pages.values()))


def test_every_span_is_one_element_with_its_label_and_provenance(tmp_path):
    rec = roads_record()
    page = only(render(tmp_path, rec))
    marked = page.select("#text [data-label]")
    assert Counter(el["data-label"] for el in marked) == Counter(s.label for s in rec.spans)
    by_id = {el["data-ref"]: el for el in marked}
    for s in rec.spans:
        el = by_id[s.id]
        assert el.get_text() == s.text
        assert f"{s.label} · score 0.91 · model" in el["title"]
        assert "lab-" + s.label in el["class"]


def test_tables_are_html_tables_with_linked_rows(tmp_path):
    rec = roads_record()
    page = only(render(tmp_path, rec))
    tables = page.select("#text table.doc-table")
    assert [t["data-kind"] for t in tables] == ["budget", "indicators"]
    ind2 = rec.indicators[1]
    row = page.select_one(f'#text tr[data-ref~="{ind2.id}"]')
    assert [td.get_text() for td in row.find_all("td")] == ["路面坑槽修补", "10", "≥90处", "85处", "8"]
    # the workload that reports on it names the row's indicator among its links
    w2 = next(s for s in rec.spans if s.text == "修补路面坑槽85处")
    assert ind2.id in page.select_one(f'[data-ref="{w2.id}"]')["data-links"].split()


def test_findings_jump_to_both_sides(tmp_path):
    page = only(render(tmp_path, roads_record()))
    jumps = page.select("#findings .jumps a")
    assert len(jumps) == 2
    for a in jumps:
        target = page.find(id=a["href"][1:])
        assert target is not None
    money, budget = (page.find(id=a["href"][1:]) for a in jumps)
    assert money.name == "mark" and money.get_text() == "356.20万元" and "disagree" in money["class"]
    assert budget.get_text() == "350.00" and "budget.executed" in budget["data-ref"].split()


def test_a_span_cut_by_a_cell_boundary_keeps_one_labelled_element(tmp_path):
    b = RecordBuilder()
    b.section("evaluation", "一、偏差情况")
    table = b.table("indicators", [["指标", "偏差原因"], ["巡查", "天气原因"]])
    rec = b.build()
    first, second = table.rows[1].cells
    rec.spans = [Span(id="x1", label="CAUSE", start=first.start, end=second.end, text=rec.text[first.start:second.end]),
                 Span(id="x2", label="CAUSE", start=first.end, end=second.start, text=rec.text[first.end:second.start])]
    page = only(render(tmp_path, rec))
    assert [el["data-ref"] for el in page.select("[data-label]")] == ["x1", "x2"]
    assert [el["data-part-of"] for el in page.select(".sp.cont")] == ["x1"]
    assert page.select_one(".unplaced [data-label]")["data-ref"] == "x2"  # only the tab between cells


def test_document_text_is_escaped_everywhere(tmp_path):
    rec = injection_record()
    page = only(render(tmp_path, rec))
    html = str(page)
    assert page.find("img") is None and page.find("svg") is None
    assert [s.get("src") for s in page.find_all("script")] == ["../assets/view.js"]
    assert not [el for el in page.find_all(True) if any(a.startswith("on") for a in el.attrs)]
    assert "window.__pwned" in page.select_one("#text").get_text()
    for attack in INJECTIONS:
        assert attack not in html  # present only escaped
    assert page.select_one("[data-label=PROBLEM]").get_text() == "问题" + INJECTIONS[1]


def test_every_page_has_the_policy_and_no_inline_code_or_network(tmp_path):
    render(tmp_path, roads_record(), injection_record())
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP and "default-src 'none'" in CSP
    for path in [tmp_path / "index.html", *(tmp_path / "docs").glob("*.html")]:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert policy["content"] == CSP
        assert all(s.get("src") and not s.string for s in page.find_all("script"))
        assert page.find("style") is None and not page.select("[style]")
        for el in page.find_all(src=True) + page.find_all(href=True):
            url = el.get("src") or el.get("href")
            assert "//" not in url and not url.startswith(("http:", "https:", "data:", "javascript:")), url
            if not url.startswith("#"):
                assert (path.parent / url).is_file(), url


def test_a_record_without_text_shows_its_errors(tmp_path):
    from pipeline.record import ErrorEntry, Record, Source
    rec = Record(doc_id="empty", source=Source(path="empty.pdf", format="pdf"),
                 errors=[ErrorEntry(stage="read", message="no text layer")])
    page = only(render(tmp_path, rec))
    assert page.select_one("#text .errors").get_text(strip=True) == "read: no text layer"
    assert not page.select("[data-label]")
    index = BeautifulSoup((tmp_path / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = index.select_one("#docs tbody tr")
    assert "has-errors" in row["class"] and row.find("td", title="read: no text layer") is not None
