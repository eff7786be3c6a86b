"""Builders for the reader tests: every document is made here, from text we wrote."""
from __future__ import annotations

import io
import struct
import zipfile

import pytest

from pipeline.read import ReadResult

# Our own sample report text (not from any real report).
REPORT_LINES = [
    "青禾县图书馆2023年度部门整体支出绩效自评报告",
    "一、部门基本情况",
    "本馆负责全县公共阅读服务，全年开展阅读推广活动36场，服务读者约4.2万人次。",
    "二、存在的问题",
    "部分乡镇分馆藏书更新较慢，主要原因是采购资金到位偏晚。",
]
REPORT_TEXT = "\n".join(REPORT_LINES) + "\n"


def assert_well_formed(result: ReadResult) -> None:
    """Invariants every ReadResult must keep: table and cell spans inside the text, in order,
    and a rendered table row is its cells joined by tabs."""
    text = result.text
    previous_end = 0
    for table in result.tables:
        assert previous_end <= table.start <= table.end <= len(text)
        previous_end = table.end
        position = table.start
        for row in table.rows:
            assert row, "a table row without cells"
            for start, end in row:
                assert position <= start <= end <= table.end
                position = end
        first_start = table.rows[0][0][0]
        last_end = table.rows[-1][-1][1]
        assert (first_start, last_end) == (table.start, table.end)


def cell_texts(result: ReadResult, table_index: int = 0) -> list[list[str]]:
    table = result.tables[table_index]
    return [[result.text[start:end] for start, end in row] for row in table.rows]


def build_docx() -> bytes:
    """Paragraphs, then a table with a horizontally merged cell and a two-paragraph cell and a
    nested table, then more paragraphs."""
    import docx

    document = docx.Document()
    for line in REPORT_LINES[:2]:
        document.add_paragraph(line)
    table = document.add_table(rows=4, cols=3)
    for col, text in enumerate(["支出项目", "预算数（万元）", "执行数（万元）"]):
        table.cell(0, col).text = text
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "基本支出合计"
    table.cell(1, 2).text = "286.40"
    two_paragraphs = table.cell(2, 0)
    two_paragraphs.text = "阅读推广"
    two_paragraphs.add_paragraph("含流动书车下乡")
    table.cell(2, 1).text = "45.00"
    table.cell(2, 2).text = "43.10"
    host = table.cell(3, 0)
    host.text = "分馆建设"
    nested = host.add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "东山分馆"
    nested.cell(0, 1).text = "西岭分馆"
    table.cell(3, 1).text = "20.00"
    table.cell(3, 2).text = "18.50"
    for line in REPORT_LINES[2:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_pdf(with_text: bool = True) -> bytes:
    """A one-page PDF: heading, paragraph, a ruled table, closing paragraph (reportlab, built-in
    STSong-Light CID font, which pdfminer maps back to Unicode). with_text=False gives a page
    that is only an image, like a scan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    if not with_text:
        from PIL import Image, ImageDraw
        from reportlab.lib.utils import ImageReader

        scan = Image.new("L", (400, 200), 255)
        ImageDraw.Draw(scan).rectangle((40, 40, 360, 60), fill=0)   # a "line of text" as pixels
        page = canvas.Canvas(buffer, pagesize=A4)
        page.drawImage(ImageReader(scan), 100, 500, 300, 150)
        page.showPage()
        page.save()
        return buffer.getvalue()
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16)
    table = Table(PDF_TABLE)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                               ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    story = [Paragraph(REPORT_LINES[0], style), Paragraph(REPORT_LINES[2], style), Spacer(1, 12),
             table, Spacer(1, 12), Paragraph(REPORT_LINES[3], style)]
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


PDF_TABLE = [["指标名称", "年度目标", "实际完成"],
             ["阅读推广活动", "≥30场", "36场"],
             ["读者满意度", "≥90%", "94.5%"]]


def zip_with(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def set_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite a member's declared uncompressed size in both the local and the central header
    (how a zip bomb lies about its content)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
        struct.pack_into("<L", out, info.header_offset + 22, size)
        central = data.find(b"PK\x01\x02")
        while central != -1:
            name_len = struct.unpack_from("<H", data, central + 28)[0]
            if data[central + 46:central + 46 + name_len] == member.encode():
                struct.pack_into("<L", out, central + 24, size)
                break
            central = data.find(b"PK\x01\x02", central + 4)
    return bytes(out)


@pytest.fixture(scope="session")
def docx_bytes() -> bytes:
    return build_docx()


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    return build_pdf()


# Test modules get the helpers through fixtures: importing conftest by name breaks as soon as the
# test tree becomes (or stops being) a package.
@pytest.fixture(scope="session")
def report_lines() -> list[str]:
    return list(REPORT_LINES)


@pytest.fixture(scope="session")
def scan_pdf_bytes() -> bytes:
    return build_pdf(with_text=False)


@pytest.fixture(scope="session")
def well_formed():
    return assert_well_formed


@pytest.fixture(scope="session")
def cells():
    return cell_texts


@pytest.fixture(scope="session")
def make_zip():
    return zip_with


@pytest.fixture(scope="session")
def declare_size():
    return set_declared_size
