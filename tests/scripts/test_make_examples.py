"""scripts/make_examples.py: text reports -> .docx whose tables the docx reader gives back exactly."""
from __future__ import annotations

import importlib.util
import io
import sys
import zipfile

import pytest

from pipeline import PROJECT_ROOT, SEEDS_DIR
from pipeline.read import read_bytes

SCRIPT = PROJECT_ROOT / "scripts" / "make_examples.py"


@pytest.fixture(scope="module")
def make_examples():
    spec = importlib.util.spec_from_file_location("make_examples", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up while being built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


# Our own text: both table layouts, a short row, a paragraph-made cell, plain paragraphs.
SAMPLE = (
    "青禾县图书馆2023年度绩效自评表\n"
    "\n"
    "单位名称\t青禾县图书馆\t联系电话\t5550123\n"
    "年初预算(万元)\t320.00\t执行数(万元)\t312.40\n"
    "职能概况\t<p>负责公共阅读服务。</p><p>负责古籍保护。</p>\n"
    "\t指标\t得分\n"
    "\n"
    "一、绩效指标完成情况\n"
    "\t指标名称\n"
    "\t目标值\n"
    "\t实际值\n"
    "\n"
    "\t阅读推广活动\n"
    "\t>=30场\n"
    "\t36场\n"
    "\n"
    "\t\n"
    "\t读者满意度\n"
    "\t>=90%\n"
    "\n"
    "\n"
    "二、存在的问题\n"
    "采购资金到位偏晚。\n"
)


def test_parse_blocks(make_examples):
    m = make_examples
    assert m.parse_blocks(SAMPLE) == [
        m.Paragraph("青禾县图书馆2023年度绩效自评表"),
        m.Table([["单位名称", "青禾县图书馆", "联系电话", "5550123"],
                 ["年初预算(万元)", "320.00", "执行数(万元)", "312.40"],
                 ["职能概况", "<p>负责公共阅读服务。</p><p>负责古籍保护。</p>"],
                 ["", "指标", "得分"]]),
        m.Paragraph("一、绩效指标完成情况"),
        m.Table([["指标名称", "目标值", "实际值"],
                 ["阅读推广活动", ">=30场", "36场"],
                 ["", "读者满意度", ">=90%"]]),
        m.Paragraph("二、存在的问题"),
        m.Paragraph("采购资金到位偏晚。"),
    ]


def _expected_cells(m, blocks):
    return [[["\n".join(m.cell_paragraphs(cell)) for cell in row] for row in block.rows]
            for block in blocks if isinstance(block, m.Table)]


def _round_trip(m, text: str):
    blocks = m.parse_blocks(text)
    result = read_bytes(m.build_docx(blocks), ".docx")
    got = [[[result.text[s:e] for s, e in row] for row in table.rows] for table in result.tables]
    paragraphs = [block.text for block in blocks if isinstance(block, m.Paragraph)]
    return result, got, _expected_cells(m, blocks), paragraphs


def test_docx_round_trip_gives_back_every_cell(make_examples):
    result, got, expected, paragraphs = _round_trip(make_examples, SAMPLE)
    assert got == expected
    assert got[0][2] == ["职能概况", "负责公共阅读服务。\n负责古籍保护。"]   # short row merged, <p> split
    lines = result.text.split("\n")
    assert all(paragraph in lines for paragraph in paragraphs)


def test_build_is_reproducible(make_examples):
    blocks = make_examples.parse_blocks(SAMPLE)
    first = make_examples.build_docx(blocks, title="t")
    assert first == make_examples.build_docx(blocks, title="t")
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {make_examples.FIXED_ZIP_TIME}


def test_main_writes_docx(make_examples, tmp_path):
    source = tmp_path / "sample.txt"
    source.write_text(SAMPLE, encoding="utf-8")
    assert make_examples.main([str(source), "--out-dir", str(tmp_path / "out")]) == 0
    assert read_bytes((tmp_path / "out" / "sample.docx").read_bytes(), ".docx").tables


def _text_files(folder):
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


@pytest.mark.parametrize("path", _text_files(PROJECT_ROOT / "examples") + _text_files(SEEDS_DIR),
                         ids=lambda path: path.name)
def test_real_reports_round_trip(make_examples, path):
    # Seeds are read at run time only; nothing of them is written into the project.
    result, got, expected, paragraphs = _round_trip(make_examples, path.read_text(encoding="utf-8"))
    assert got == expected
    lines = set(result.text.split("\n"))
    assert all(paragraph in lines for paragraph in paragraphs)


def test_seeds_present_or_skipped():
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared/seeds not present")
    assert _text_files(SEEDS_DIR)


@pytest.mark.parametrize("docx_path", sorted((PROJECT_ROOT / "examples").glob("*.docx")),
                         ids=lambda path: path.name)
def test_committed_example_docx_is_up_to_date(make_examples, docx_path):
    source = docx_path.with_suffix(".txt")
    if not source.exists():
        pytest.skip(f"{docx_path.name} has no .txt source")
    rebuilt = make_examples.build_docx(make_examples.parse_blocks(source.read_text(encoding="utf-8")),
                                       title=source.stem)
    assert rebuilt == docx_path.read_bytes(), f"{docx_path.name} is stale: run scripts/make_examples.py"
