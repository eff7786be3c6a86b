"""Read a .pdf that has a text layer, with pdfplumber, and rebuild the paragraphs and tables
the page layout broke up.

Per page: ruled tables found by page.find_tables() become TableBlocks (pdfplumber's cell
text, a cell's wrapped lines joined again, merged cells once). The characters outside every
table box are grouped into lines, and each line is cut into pieces where a gap wider than a
character separates two characters (no space character in between): an unruled table's
columns. Then, over the whole document, in reading order:
- consecutive lines of two or more pieces are an unruled table; each becomes one row of
  tab-separated cells, cells placed in the columns the block's pieces line up in, so that an
  empty cell stays empty (the same text a tab-separated .txt has);
- a one-piece line that reaches the right edge of the text block, followed closely by a line
  starting at the left edge, was wrapped by the page width: the two are one paragraph (a
  Chinese line break inside a sentence is no paragraph break). A next line that opens with a
  heading or list number after a finished sentence, or is indented, starts a new paragraph;
- page numbers alone on the first or last line of a page are dropped.
A PDF without any characters is a scan and is refused: OCR is a separate step.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from statistics import median

from pipeline.lexicon import BARE_PAGE_NUMBER, PAGE_NUMBER
from pipeline.read.layout import LayoutBuilder
from pipeline.read.result import ReadError, ReadLimits, ReadResult
from pipeline.read.sniff import binary_kind

# pdfminer logs a warning for every oddity in a real-world PDF; they are not the user's concern.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# A gap wider than this many font sizes between two characters separates two table cells.
COLUMN_GAP = 0.9
# A line whose right end is within this many font sizes of the text block's right edge is full.
FULL_LINE_SLACK = 2.0
# Lines further apart than this many font sizes (top to top) are in different paragraphs.
MAX_LINE_PITCH = 2.0

_SENTENCE_END = re.compile(r"[。！？!?；;：:]$")
_OPENS_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、．]|\d{1,2}\.(?!\d)"
                         r"|第[一二三四五六七八九十\d]+[章节条部分]|[①-⑳])")
_CONTINUES = re.compile(r"^[，。、；：！？）》」』”’,.;:!?)%]")


@dataclass
class _Line:
    page: int
    top: float
    x0: float
    x1: float
    size: float
    pieces: list[tuple[float, str]]   # (x0, text) of each run between column gaps

    @property
    def text(self) -> str:
        return self.pieces[0][1]


def read_pdf(data: bytes, limits: ReadLimits) -> ReadResult:
    if b"%PDF-" not in data[:1024]:
        kind = binary_kind(data)
        hint = f" (it looks like {kind})" if kind else ""
        raise ReadError(f"corrupt .pdf: no %PDF header{hint}")
    import pdfplumber  # imported late: heavy, and only PDFs need it

    warnings: list[str] = []
    items: list[tuple[int, float, int, object]] = []   # (page, top, kind 0 line / 1 table, payload)
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
                items += _read_page(page, number)
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
    builder = LayoutBuilder()
    _reflow(items, builder)
    text = builder.text
    if n_chars == 0 or not text.strip():
        if n_image_pages:
            raise ReadError("PDF has no text layer (scanned?): OCR it first")
        # Neither characters nor images: blank pages, text drawn as outlines, or a damaged file.
        raise ReadError("PDF has no text layer and no images (blank, text as outlines, or damaged?)")
    return ReadResult(text=text, format="pdf", encoding=None, n_bytes=len(data),
                      tables=builder.tables, warnings=warnings)


def _read_page(page, number: int) -> list[tuple[int, float, int, object]]:
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside_tables(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    lines = [line for chars in _char_lines(page.filter(outside_tables).chars)
             if (line := _line(chars, number)) is not None]
    for index in (0, -1):   # a page number alone at the top or the bottom of the page
        text = lines[index].text if lines else ""
        if lines and (PAGE_NUMBER.fullmatch(text) or BARE_PAGE_NUMBER.fullmatch(text)) and len(lines[index].pieces) == 1:
            lines.pop(index)
    items: list[tuple[int, float, int, object]] = [(number, line.top, 0, line) for line in lines]
    for table in tables:
        rows = [[_join_cell_lines(cell) for cell in row if cell is not None] for row in table.extract()]
        items.append((number, table.bbox[1], 1, rows))
    # a table and a line at the same height keep table-after-line order
    return sorted(items, key=lambda item: (item[1], item[2]))


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into printed lines (by their vertical middle), spaces included:
    pdfplumber's own text lines leave the space characters out of their chars."""
    lines: list[list[dict]] = []
    middles: list[float] = []
    for char in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        middle = (char["top"] + char["bottom"]) / 2
        if lines and middle - middles[-1] <= 0.4 * max(char["size"], 1.0):
            lines[-1].append(char)
        else:
            lines.append([char])
            middles.append(middle)
    return lines


def _line(chars: list[dict], page: int) -> _Line | None:
    """Cut a printed line into pieces at column gaps (a gap with no space character)."""
    chars = sorted(chars, key=lambda c: c["x0"])
    pieces: list[tuple[float, str]] = []
    text, start, previous = "", None, None
    sizes = [c["size"] for c in chars if not c["text"].isspace()]
    if not sizes:
        return None
    size = median(sizes)
    for char in chars:
        if char["text"].isspace():
            if text:
                text += char["text"]   # the space the document has (U+3000 included)
            previous = None if previous is None else char   # a space char: no column gap here
            continue
        if previous is not None and previous["text"].strip() and char["x0"] - previous["x1"] > COLUMN_GAP * size:
            pieces.append((start, text.rstrip()))
            text, start = "", None
        if start is None:
            start = char["x0"]
        text += char["text"]
        previous = char
    if text.strip():
        pieces.append((start, text.rstrip()))
    pieces = [(x, t) for x, t in pieces if t]
    if not pieces:
        return None
    visible = [c for c in chars if not c["text"].isspace()]
    return _Line(page, min(c["top"] for c in visible), visible[0]["x0"], visible[-1]["x1"], size, pieces)


def _join_cell_lines(cell: str) -> str:
    """A ruled cell's text wrapped at the cell width: its lines are one text again, except
    where a line opens a numbered item."""
    lines = [line.strip() for line in cell.split("\n") if line.strip()]
    out = ""
    for line in lines:
        if out and _OPENS_ITEM.match(line) and not _CONTINUES.match(line):
            out += "\n" + line
        elif out:
            out += _joiner(out, line) + line
        else:
            out = line
    return out


def _joiner(before: str, after: str) -> str:
    """Latin words wrapped at a line end need their space back; Chinese and split numbers none."""
    return " " if before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() and after[:1].isalpha() else ""


def _reflow(items: list[tuple[int, float, int, object]], builder: LayoutBuilder) -> None:
    items = sorted(items, key=lambda item: (item[0], item[1], item[2]))
    prose = [payload for _, _, kind, payload in items if kind == 0 and len(payload.pieces) == 1]
    left = min((line.x0 for line in prose), default=0.0)
    right = max((line.x1 for line in prose), default=0.0)
    paragraph: str | None = None
    previous: _Line | None = None
    block: list[_Line] = []

    def flush_paragraph() -> None:
        nonlocal paragraph
        if paragraph is not None:
            builder.add_paragraph(paragraph)
        paragraph = None

    def flush_block() -> None:
        if block:
            for row in _table_rows(block):
                builder.add_paragraph("\t".join(row))
            block.clear()

    for _, _, kind, payload in items:
        if kind == 1:
            flush_paragraph()
            flush_block()
            builder.add_table(payload)
            previous = None
            continue
        line: _Line = payload
        if len(line.pieces) > 1:
            flush_paragraph()
            block.append(line)
            previous = None
            continue
        flush_block()
        if paragraph is not None and previous is not None and _continues(previous, line, left, right):
            paragraph += _joiner(paragraph, line.text) + line.text
        else:
            flush_paragraph()
            paragraph = line.text
        previous = line
    flush_paragraph()
    flush_block()


def _continues(before: _Line, line: _Line, left: float, right: float) -> bool:
    """Was the line break between before and line made by the page width?"""
    if _CONTINUES.match(line.text):
        return True   # a line never opens with closing punctuation of its own
    full = before.x1 >= right - FULL_LINE_SLACK * before.size
    if not full or line.x0 > left + 0.5 * line.size:
        return False   # a short line ends its paragraph; an indented one opens a new one
    if line.page == before.page and not 0 < line.top - before.top <= MAX_LINE_PITCH * before.size:
        return False   # a paragraph gap
    return not (_SENTENCE_END.search(before.text) and _OPENS_ITEM.match(line.text))


def _table_rows(block: list[_Line]) -> list[list[str]]:
    """Rows of an unruled table: each piece goes to the column whose left edge it lines up with."""
    size = median(line.size for line in block)
    starts: list[float] = []
    for x in sorted(x for line in block for x, _ in line.pieces):
        if not starts or x - starts[-1] > COLUMN_GAP * size:
            starts.append(x)
    rows = []
    for line in block:
        row = [""] * len(starts)
        for x, text in line.pieces:
            column = max(i for i, s in enumerate(starts) if s <= x + COLUMN_GAP * size / 2) if x + COLUMN_GAP * size / 2 >= starts[0] else 0
            row[column] = f"{row[column]} {text}".strip() if row[column] else text
        while row and not row[-1]:
            row.pop()
        rows.append(row)
    return rows
