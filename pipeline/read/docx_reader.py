"""Read a .docx: body paragraphs and tables in document order, with real table cells.

python-docx opens and validates the package; the body is then walked element by element
(w:p, w:tbl, and the content controls/custom XML that can wrap them) because python-docx's
`paragraphs` and `tables` lists lose the order between the two. Paragraph text is collected
from the runs ourselves so that tracked insertions, hyperlinks, fields and text boxes are kept
and deleted text, field codes and fallback copies of drawings are not.
"""
from __future__ import annotations

import io
import re

from pipeline.read.layout import LayoutBuilder
from pipeline.read.result import ReadError, ReadLimits, ReadResult
from pipeline.read.sniff import binary_kind
from pipeline.read.zipguard import check_zip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

# Containers whose children are body-level items (paragraphs/tables) to read in order.
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"}
# Subtrees that hold no visible text of the paragraph.
_SKIP_IN_PARAGRAPH = {W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "instrText",
                      W + "delText", W + "delInstrText", W + "sdtPr", W + "fldData", MC_FALLBACK}


def read_docx(data: bytes, limits: ReadLimits) -> ReadResult:
    if not data.startswith(b"PK"):
        kind = binary_kind(data)
        hint = f" (it looks like {kind})" if kind else ""
        raise ReadError(f"corrupt .docx: not a ZIP package{hint}")
    _check_is_word_package(check_zip(data, limits, ".docx"))
    document = _open(data)
    builder = LayoutBuilder()
    warnings: list[str] = []
    _read_body(document.element.body, builder, warnings)
    text = builder.text
    if not text.strip():
        raise ReadError("empty file: the .docx has no text in its body")
    return ReadResult(text=text, format="docx", encoding=None, n_bytes=len(data),
                      tables=builder.tables, warnings=warnings)


# Main parts of the other Office formats, to say what a misnamed package really is.
_OTHER_OFFICE = {"xl/workbook.xml": "an Excel workbook (.xlsx)",
                 "ppt/presentation.xml": "a PowerPoint presentation (.pptx)"}


def _check_is_word_package(names: list[str]) -> None:
    if "word/document.xml" in names:
        return
    # Some Word versions name the main part word/document2.xml; python-docx finds it by relationship.
    if any(re.fullmatch(r"word/document\d*\.xml", name) for name in names):
        return
    for part, kind in _OTHER_OFFICE.items():
        if part in names:
            raise ReadError(f"corrupt .docx: no word/document.xml, the file is {kind}")
    raise ReadError("corrupt .docx: no word/document.xml in the package (not a Word document)")


def _open(data: bytes):
    import docx  # python-docx; imported late so the txt path does not pay for lxml/docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors, BadZipFile ...
        detail = str(error) or type(error).__name__
        if "word/document.xml" in detail or isinstance(error, KeyError):
            detail = f"no main document part ({detail})"
        raise ReadError(f"corrupt .docx: {detail}") from None


def _read_body(container, builder: LayoutBuilder, warnings: list[str]) -> None:
    for child in container.iterchildren():
        tag = child.tag
        if tag == W + "p":
            builder.add_paragraph(paragraph_text(child))
        elif tag == W + "tbl":
            builder.add_table(table_rows(child))
        elif tag in _WRAPPERS:
            _read_body(child, builder, warnings)
        elif tag == W + "altChunk":
            warnings.append("the .docx embeds another document (altChunk) that was not read")


def paragraph_text(p) -> str:
    parts: list[str] = []
    _collect_runs(p, parts)
    return "".join(parts)


def _collect_runs(element, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_IN_PARAGRAPH:
            continue  # comments / processing instructions have non-string tags
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append("\t")
        elif tag == W + "br":
            # Page and column breaks separate nothing inside a line; a text-wrapping break is a line break.
            if child.get(W + "type") in (None, "textWrapping"):
                parts.append("\n")
        elif tag == W + "cr":
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "p":
            # A paragraph nested in a text box inside this paragraph: keep its text on its own line.
            inner = paragraph_text(child)
            if inner:
                parts.append("\n" + inner if parts else inner)
        elif tag == W + "tbl":
            inner = "\n".join(" ".join(row) for row in table_rows(child))
            if inner:
                parts.append("\n" + inner if parts else inner)
        else:
            _collect_runs(child, parts)


def table_rows(tbl) -> list[list[str]]:
    """Rows of cell texts. A horizontally merged cell (gridSpan) is one w:tc and appears once;
    the continuation cells of a vertical merge are kept, empty, so columns stay aligned."""
    rows = []
    for tr in _children(tbl, W + "tr"):
        cells = []
        for tc in _children(tr, W + "tc"):
            if _is_old_style_hmerge_continuation(tc):
                continue
            cells.append(cell_text(tc))
        if cells:
            rows.append(cells)
    return rows


def cell_text(tc) -> str:
    """A cell's paragraphs joined by "\\n"; a nested table flattened to lines of space-joined cells."""
    lines: list[str] = []
    for child in _body_items(tc):
        if child.tag == W + "p":
            lines.append(paragraph_text(child))
        else:
            lines.extend(" ".join(cell for cell in row if cell) for row in table_rows(child))
    return "\n".join(lines)


def _body_items(container):
    """w:p and w:tbl children, looking through content-control wrappers."""
    for child in container.iterchildren():
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _body_items(child)


def _children(element, tag: str):
    """Direct children with tag, looking through content-control wrappers (rows/cells can be wrapped)."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _is_old_style_hmerge_continuation(tc) -> bool:
    tc_pr = tc.find(W + "tcPr")
    if tc_pr is None:
        return False
    hmerge = tc_pr.find(W + "hMerge")
    return hmerge is not None and hmerge.get(W + "val") in (None, "continue")
