"""PDF reflow: a report printed to PDF reads back as the report.

Three reports we wrote (tests/read/fixtures/reflow: prose whose paragraphs wrap at the page
width, tab-separated tables, a one-cell-per-line table) are rendered to text-layer PDFs with a
CJK TrueType font from Debian (tests/read/render_pdf.py), tables unruled and ruled. The .pdf
record must state exactly the .txt record's facts and find at least 95 % of its spans.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import MODELS_DIR
from pipeline.read import read_bytes

from .render_pdf import FONT_MISSING, font_path, render_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "reflow"
REPORTS = sorted(FIXTURES.glob("*.txt"))
pytestmark = pytest.mark.skipif(font_path() is None, reason=FONT_MISSING)


def _nonblank_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def test_lines_the_page_width_wrapped_are_one_paragraph_again():
    text = (FIXTURES / "prose_library.txt").read_text(encoding="utf-8")
    pdf = render_pdf(text)
    result = read_bytes(pdf, ".pdf")
    assert _nonblank_lines(result.text) == _nonblank_lines(text)
    # the rendering really wrapped: several paragraphs took more than one printed line
    import pdfplumber, io   # noqa: E401 - test-only
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        printed = sum(len(page.extract_text_lines()) for page in document.pages)
    assert printed >= len(_nonblank_lines(text)) + 10


def test_an_unruled_table_keeps_its_columns_and_empty_cells():
    text = "一、情况\n名称\t目标值\t实际值\t得分\n巡查次数\t>=40次\t46次\t10\n合计\t\t\t95.00\n二、结论\n"
    result = read_bytes(render_pdf(text), ".pdf")
    assert _nonblank_lines(result.text) == _nonblank_lines(text)


def test_a_sentence_end_before_a_numbered_item_is_a_paragraph_break():
    # the first item fills its line exactly up to 。, the next line opens 「2、」
    item = "1、" + "加强项目前期论证和储备工作" * 2 + "。"
    text = f"六、改进措施\n{item}\n2、细化绩效目标。\n"
    result = read_bytes(render_pdf(text, width_chars=len(item)), ".pdf")
    assert _nonblank_lines(result.text) == _nonblank_lines(text)


def _facts(record) -> dict:
    return {"errors": [(e.stage, e.message) for e in record.errors],
            "meta": record.meta.model_dump(),
            "budget": {k: v.value for k, v in record.budget.items()},
            "assets": {k: v.value for k, v in record.assets.items()},
            "indicators": [(i.level1, i.level2, i.name, i.weight, i.target.text if i.target else None,
                            i.actual.text if i.actual else None, i.score) for i in record.indicators],
            "projects": [(p.name, p.budgeted, p.executed, p.score) for p in record.projects],
            "fund_use": [(f.name, f.budgeted, f.executed) for f in record.fund_use]}


@pytest.fixture(scope="module")
def components():
    if not (MODELS_DIR / "tagger" / "config.json").exists():
        pytest.skip("no shipped model in models/tagger")
    from pipeline.annotate import load_components
    os.environ["HF_HUB_OFFLINE"] = "1"
    return load_components()


@pytest.mark.slow
@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "ruled"])
@pytest.mark.parametrize("report", REPORTS, ids=[p.stem for p in REPORTS])
def test_the_pdf_gives_the_txt_facts_and_spans(report, ruled, components, tmp_path):
    from pipeline.annotate import annotate_path

    text = report.read_text(encoding="utf-8")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    (tmp_path / "r.pdf").write_bytes(render_pdf(text, ruled=ruled))
    from_txt, from_pdf = annotate_path(tmp_path / "r.txt", components), annotate_path(tmp_path / "r.pdf", components)
    assert from_pdf.source.format == "pdf"
    assert _facts(from_pdf) == _facts(from_txt)
    assert from_txt.indicators or report.stem.startswith("prose")
    spans_txt = {(s.label, s.text) for s in from_txt.spans}
    spans_pdf = {(s.label, s.text) for s in from_pdf.spans}
    assert len(spans_txt) >= 10
    assert len(spans_txt & spans_pdf) >= 0.95 * len(spans_txt), sorted(spans_txt - spans_pdf)
