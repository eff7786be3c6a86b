"""The .docx reader: document order, real cells, and refusal of corrupt packages and zip bombs."""
from __future__ import annotations

import io
import random
import zipfile

import pytest

from pipeline.read import ReadError, ReadLimits, read_bytes


def test_paragraphs_and_table_come_back_in_document_order(docx_bytes, report_lines, well_formed):
    result = read_bytes(docx_bytes, ".docx")
    well_formed(result)
    assert (result.format, result.encoding, result.n_bytes) == ("docx", None, len(docx_bytes))
    lines = result.text.split("\n")
    # paragraphs, blank line, table rows, blank line, paragraphs
    assert lines[:3] == [report_lines[0], report_lines[1], ""]
    table = result.tables[0]
    assert result.text[table.end:table.end + 2] == "\n\n"
    assert result.text[table.end + 2:] == "\n".join(report_lines[2:]) + "\n"
    assert result.text.index(report_lines[1]) < table.start < result.text.index(report_lines[2])


def test_table_cells_have_exact_offsets(docx_bytes, cells):
    result = read_bytes(docx_bytes, ".docx")
    assert len(result.tables) == 1
    assert cells(result) == [
        ["支出项目", "预算数（万元）", "执行数（万元）"],
        ["基本支出合计", "286.40"],                    # merged across two columns: appears once
        ["阅读推广\n含流动书车下乡", "45.00", "43.10"],   # two paragraphs in one cell
        ["分馆建设\n东山分馆 西岭分馆", "20.00", "18.50"],  # nested table flattened into the cell
    ]
    # Each rendered row is its cells joined by tabs.
    table = result.tables[0]
    first_row = table.rows[0]
    assert result.text[first_row[0][0]:first_row[-1][1]] == "支出项目\t预算数（万元）\t执行数（万元）"


def test_tracked_deletions_and_field_codes_are_not_text():
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph = parse_xml(
        f'<w:p {w}><w:r><w:t>执行率</w:t></w:r>'
        f'<w:del w:id="1" w:author="a"><w:r><w:delText>约</w:delText></w:r></w:del>'
        f'<w:ins w:id="2" w:author="a"><w:r><w:t>为</w:t></w:r></w:ins>'
        f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>98%</w:t></w:r>'
        f'<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:tab/><w:t>良</w:t></w:r></w:p>')
    document.element.body.insert(0, paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), ".docx").text == "执行率为98%\t良\n"


def _message(data: bytes, suffix: str = ".docx", limits: ReadLimits = ReadLimits()) -> str:
    with pytest.raises(ReadError) as caught:
        read_bytes(data, suffix, limits)
    return caught.value.message


def test_random_bytes_are_a_corrupt_docx():
    assert _message(random.Random(7).randbytes(3000)).startswith("corrupt .docx: not a ZIP package")


def test_truncated_docx_is_corrupt(docx_bytes):
    assert _message(docx_bytes[: len(docx_bytes) // 2]).startswith("corrupt .docx")


def test_zip_without_document_xml_is_corrupt(make_zip):
    data = make_zip({"[Content_Types].xml": b"<Types/>", "readme.txt": "说明".encode()})
    assert _message(data) == "corrupt .docx: no word/document.xml in the package (not a Word document)"


def test_xlsx_named_docx_says_what_it_is(make_zip):
    data = make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    assert "Excel workbook" in _message(data)


def test_pdf_named_docx_says_what_it_is(pdf_bytes):
    message = _message(pdf_bytes)
    assert message.startswith("corrupt .docx") and "PDF" in message


def test_docx_without_text_is_refused():
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    assert _message(buffer.getvalue()).startswith("empty file")


def _bomb_members(make_zip, zeros: int) -> bytes:
    return make_zip({"[Content_Types].xml": b"<Types/>",
                     "word/document.xml": b"<w:document/>",
                     "word/media/padding.bin": bytes(zeros)})


def test_zip_bomb_by_compression_ratio(make_zip):
    data = _bomb_members(make_zip, 30 * 1024 * 1024)      # 30 MB of zeros deflate to ~30 KB
    assert len(data) < 100_000
    message = _message(data)
    assert message.startswith("corrupt .docx") and "zip bomb" in message and "compressed" in message


def test_zip_bomb_declared_huge(make_zip, declare_size):
    data = declare_size(_bomb_members(make_zip, 1024 * 1024), "word/media/padding.bin", 3 * 1024 ** 3)
    message = _message(data)
    assert "3 GB" not in message  # sizes are printed in MB
    assert message.startswith("corrupt .docx: it would unpack to 3072 MB, over the 200 MB limit")


def test_zip_bomb_that_lies_small_about_its_size(make_zip, declare_size):
    # Declared 1 KB: the declared-size checks pass; the real inflation is caught.
    data = declare_size(_bomb_members(make_zip, 5 * 1024 * 1024), "word/media/padding.bin", 1024)
    message = _message(data)
    assert "unpacks to more than its declared 1 KB" in message


def test_unzipped_limit_is_configurable(docx_bytes):
    limits = ReadLimits(max_unzipped_bytes=10_000)
    assert "over the 9.8 KB limit" in _message(docx_bytes, limits=limits)


def test_stored_docx_is_read(docx_bytes):
    # Re-pack the same document without compression: still a valid .docx.
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    assert read_bytes(buffer.getvalue(), ".docx").text == read_bytes(docx_bytes, ".docx").text


def test_vertical_merge_keeps_columns_aligned_and_content_controls_are_looked_through(cells):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "一级指标", "得分"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "产出指标"
    table.cell(1, 1).text, table.cell(2, 1).text = "28", "19"
    # A paragraph wrapped in a content control (w:sdt), as form templates do.
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document.element.body.insert(0, parse_xml(
        f'<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>填报单位：青禾县图书馆</w:t></w:r></w:p>'
        f'</w:sdtContent></w:sdt>'))
    buffer = io.BytesIO()
    document.save(buffer)
    result = read_bytes(buffer.getvalue(), ".docx")
    assert result.text.startswith("填报单位：青禾县图书馆\n\n")
    assert cells(result) == [["一级指标", "得分"], ["产出指标", "28"], ["", "19"]]
