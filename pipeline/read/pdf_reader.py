"""Read a .pdf that has a text layer, with pdfplumber.

Per page: tables found by page.find_tables() become TableBlocks (pdfplumber's cell text, merged
cells once); the characters outside every table box are grouped into lines; lines and tables
are then put in reading order by their top coordinate. A PDF without any characters is a scan
and is refused: OCR is a separate step.
"""
from __future__ import annotations

import io
import logging

from pipeline.read.layout import LayoutBuilder
from pipeline.read.result import ReadError, ReadLimits, ReadResult
from pipeline.read.sniff import binary_kind

# pdfminer logs a warning for every oddity in a real-world PDF; they are not the user's concern.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def read_pdf(data: bytes, limits: ReadLimits) -> ReadResult:
    if b"%PDF-" not in data[:1024]:
        kind = binary_kind(data)
        hint = f" (it looks like {kind})" if kind else ""
        raise ReadError(f"corrupt .pdf: no %PDF header{hint}")
    import pdfplumber  # imported late: heavy, and only PDFs need it

    builder = LayoutBuilder()
    warnings: list[str] = []
    n_chars = 0
    n_image_pages = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not pdf.pages:
                raise ReadError("corrupt .pdf: it has no pages")
            for number, page in enumerate(pdf.pages, start=1):
                page_chars = len(page.chars)
                n_chars += page_chars
                if page_chars == 0 and page.images:
                    n_image_pages += 1
                    warnings.append(f"page {number} has only images and no text layer (scanned?)")
                _read_page(page, builder)
                page.close()   # pdfplumber caches per-page objects; free them as we go
    except ReadError:
        raise
    except Exception as error:  # pdfminer raises PSEOF, PDFSyntaxError, KeyError, TypeError, ...
        # pdfplumber wraps pdfminer's exception (PdfminerException(PDFPasswordIncorrect())):
        # name the innermost one, so an encrypted file is not reported as "corrupt".
        inner = error.args[0] if type(error).__name__ == "PdfminerException" and error.args else error
        names = {type(error).__name__, type(inner).__name__}
        detail = str(inner) or type(inner).__name__
        if "password" in detail.lower() or names & {"PDFPasswordIncorrect", "PDFEncryptionError"}:
            raise ReadError("the .pdf is encrypted and needs a password to open: "
                            "save an unprotected copy and annotate that") from None
        raise ReadError(f"corrupt .pdf: {detail}") from None
    text = builder.text
    if n_chars == 0 or not text.strip():
        if n_image_pages:
            raise ReadError("PDF has no text layer (scanned?): OCR it first")
        # Neither characters nor images: blank pages, text drawn as outlines, or a damaged file.
        raise ReadError("PDF has no text layer and no images (blank, text as outlines, or damaged?)")
    return ReadResult(text=text, format="pdf", encoding=None, n_bytes=len(data),
                      tables=builder.tables, warnings=warnings)


def _read_page(page, builder: LayoutBuilder) -> None:
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside_tables(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    # (top, kind order, payload): a table and a line at the same height keep table-after-line order.
    items: list[tuple[float, int, object]] = []
    for line in page.filter(outside_tables).extract_text_lines(strip=True, return_chars=False):
        if line["text"]:
            items.append((line["top"], 0, line["text"]))
    for table in tables:
        rows = [[cell for cell in row if cell is not None] for row in table.extract()]
        items.append((table.bbox[1], 1, rows))
    items.sort(key=lambda item: (item[0], item[1]))
    for _, kind, payload in items:
        if kind == 0:
            builder.add_paragraph(payload)
        else:
            builder.add_table(payload)
