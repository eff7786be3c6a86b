"""The .pdf reader: text layer and ruled tables back in reading order; scans and junk refused."""
from __future__ import annotations

import pytest

from pipeline.read import ReadError, read_bytes

PDF_TABLE = [["指标名称", "年度目标", "实际完成"],
             ["阅读推广活动", "≥30场", "36场"],
             ["读者满意度", "≥90%", "94.5%"]]


def test_text_and_table_come_back_in_reading_order(pdf_bytes, report_lines, cells, well_formed):
    result = read_bytes(pdf_bytes, ".pdf")
    well_formed(result)
    assert (result.format, result.encoding) == ("pdf", None)
    assert len(result.tables) == 1
    assert cells(result) == PDF_TABLE
    # The CID font maps back to the very characters we wrote.
    text = result.text
    heading, paragraph, closing = (text.index(report_lines[0]), text.index(report_lines[2]),
                                   text.index(report_lines[3]))
    table = result.tables[0]
    assert heading < paragraph < table.start < table.end < closing
    # Table cell text is not repeated outside the table.
    assert text.count("读者满意度") == 1
    assert text[table.start - 2:table.start] == "\n\n" and text[table.end:table.end + 2] == "\n\n"


def test_pdf_without_text_layer_is_refused(scan_pdf_bytes):
    with pytest.raises(ReadError) as caught:
        read_bytes(scan_pdf_bytes, ".pdf")
    assert caught.value.message == "PDF has no text layer (scanned?): OCR it first"


def test_blank_pdf_is_not_called_a_scan():
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 500, 300, 200, fill=1)
    page.showPage()
    page.save()
    with pytest.raises(ReadError) as caught:
        read_bytes(buffer.getvalue(), ".pdf")
    assert caught.value.message.startswith("PDF has no text layer and no images")


@pytest.mark.parametrize("mangle", [
    lambda data: data[: len(data) // 3],                          # truncated download
    lambda data: data[:9] + bytes(len(data) - 9),                 # header then zeros
    lambda data: b"%PDF-1.4\n" + "这不是一份PDF文件".encode() * 50,   # header then text
])
def test_corrupt_pdf_is_refused(pdf_bytes, mangle):
    with pytest.raises(ReadError) as caught:
        read_bytes(mangle(pdf_bytes), ".pdf")
    assert caught.value.message.startswith("corrupt .pdf: ")


def test_not_a_pdf_says_what_it_is(docx_bytes):
    with pytest.raises(ReadError) as caught:
        read_bytes(docx_bytes, ".pdf")
    assert caught.value.message.startswith("corrupt .pdf: no %PDF header") and "ZIP" in caught.value.message


def test_encrypted_pdf_says_it_needs_a_password():
    import io

    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    sheet.drawString(72, 720, "budget performance 2022")
    sheet.save()
    with pytest.raises(ReadError) as caught:
        read_bytes(buffer.getvalue(), ".pdf")
    assert "encrypted" in caught.value.message and "password" in caught.value.message
    assert "corrupt" not in caught.value.message
