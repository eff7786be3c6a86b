"""Read an .html/.htm page: visible text as lines, <table> elements as TableBlocks.

Encoding: a BOM wins, then the page's declared charset (<meta charset> or http-equiv) when the
bytes really decode with it, then the same detection as for .txt. Rendering follows the shared
layout rule; HTML whitespace is collapsed the way a browser does (except inside <pre>), and
block elements (p, div, h1-h6, li, br, ...) end lines. A table in which no row has more than
one cell is page layout, not data, and is read as ordinary flow.
"""
from __future__ import annotations

import re

from pipeline.read.encoding import BOMS, Decoded, decode_declared, decode_text
from pipeline.read.layout import LayoutBuilder
from pipeline.read.result import ReadError, ReadLimits, ReadResult

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "math",
         "select", "button", "canvas", "audio", "video"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
          "section", "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre",
          "form", "fieldset", "figure", "figcaption", "address", "hr", "caption", "center",
          "tr", "td", "th", "thead", "tbody", "tfoot", "body", "html", "title", "legend", "details",
          "summary"}
# Tables inside table cells are rendered by recursion, a few frames per level; real pages nest
# a handful. Deeper ones are read as flow (with a warning) instead of exhausting the stack.
MAX_TABLE_NESTING = 40
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")   # not NBSP/U+3000: those are content to a browser too


def read_html(data: bytes, limits: ReadLimits) -> ReadResult:
    decoded = _decode(data)
    from bs4 import BeautifulSoup  # imported late: only HTML needs it

    soup = BeautifulSoup(decoded.text, "html.parser")
    builder = LayoutBuilder()
    flow = _Flow(builder, warnings=decoded.warnings)
    flow.walk(soup)
    flow.end_line()
    text = builder.text
    if not text.strip():
        raise ReadError("empty file: the HTML page has no visible text")
    return ReadResult(text=text, format="html", encoding=decoded.encoding, n_bytes=len(data),
                      tables=builder.tables, warnings=flow.warnings)


def _decode(data: bytes) -> Decoded:
    if any(data.startswith(bom) for bom, _, _ in BOMS):
        return decode_text(data)
    match = _META_CHARSET.search(data[:8192])
    if match:
        declared = match.group(1).decode("ascii", "replace")
        decoded = decode_declared(data, declared)
        if decoded is not None:
            return decoded
        detected = decode_text(data)
        detected.warnings.append(f"the page declares charset {declared}, which does not fit its bytes: "
                                 f"read as {detected.encoding}")
        return detected
    return decode_text(data)


class _Flow:
    """Walks the parse tree and feeds lines and tables to a LayoutBuilder (or to a cell)."""

    def __init__(self, builder: LayoutBuilder | None, table_depth: int = 0, warnings: list[str] | None = None):
        self.builder = builder
        self.table_depth = table_depth   # tables this flow is nested in
        self.warnings = warnings if warnings is not None else []
        self.lines: list[str] = []      # used when rendering inside a table cell
        self._parts: list[str] = []
        self._preformatted = False      # the current line holds <pre> text: keep its spacing

    def end_line(self) -> None:
        line = "".join(self._parts)
        if not self._preformatted:
            line = re.sub(r" {2,}", " ", line).strip(" ")
        self._parts = []
        self._preformatted = False
        if line.strip():
            self._emit(line)

    def _emit(self, line: str) -> None:
        if self.builder is not None:
            self.builder.add_paragraph(line)
        else:
            self.lines.append(line)

    def walk(self, node, pre: bool = False) -> None:
        """Depth-first, with an explicit stack: a page nested thousands of elements deep must
        not hit Python's recursion limit."""
        from bs4 import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

        # Work items, popped from the end: (node, pre) to visit, or None to end the line
        # after a block element's children.
        work: list = [(child, pre) for child in reversed(list(node.children))]
        while work:
            item = work.pop()
            if item is None:
                self.end_line()
                continue
            child, pre = item
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self._text(str(child), pre)
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _SKIP:
                continue
            if name == "br":
                self.end_line()
            elif name == "table":
                for cell in reversed(self._table(child, pre)):   # a layout table: its cells are flow
                    work.append(None)
                    work.extend((grandchild, pre) for grandchild in reversed(list(cell.children)))
            elif name in _BLOCK:
                self.end_line()
                inner = pre or name == "pre"
                work.append(None)
                work.extend((grandchild, inner) for grandchild in reversed(list(child.children)))
            else:
                work.extend((grandchild, pre) for grandchild in reversed(list(child.children)))

    def _text(self, text: str, pre: bool) -> None:
        if not pre:
            self._parts.append(_HTML_SPACE.sub(" ", text))
            return
        for index, line in enumerate(text.split("\n")):
            if index:
                self.end_line()
            self._parts.append(line)
            self._preformatted = True

    def _table(self, table, pre: bool) -> list:
        """Render a data table; a layout table's cells are returned, for walk() to read as flow."""
        self.end_line()
        rows = [[cell for cell in _cells(tr)] for tr in _rows(table)]
        if self.table_depth >= MAX_TABLE_NESTING:
            # each nesting level costs a few stack frames: deeper tables are read as plain flow
            if not any("nested deeper" in w for w in self.warnings):
                self.warnings.append(f"tables nested deeper than {MAX_TABLE_NESTING} levels: "
                                     "the inner ones read as plain text")
            return [cell for row in rows for cell in row]
        if all(len(row) <= 1 for row in rows):
            # Layout table: read its content as flow (nested data tables stay tables).
            return [cell for row in rows for cell in row]
        rendered = _grid([[(self._cell_text(cell, pre), _span(cell, "rowspan"), _span(cell, "colspan")) for cell in row]
                          for row in rows])
        if self.builder is not None:
            self.builder.add_table(rendered)
        else:
            # A table nested in a cell: flattened into the cell's lines.
            self.lines.extend(" ".join(c.replace("\n", " ") for c in row if c) for row in rendered)
        return []

    def _cell_text(self, cell, pre: bool) -> str:
        flow = _Flow(builder=None, table_depth=self.table_depth + 1, warnings=self.warnings)
        flow.walk(cell, pre)
        flow.end_line()
        return "\n".join(flow.lines)


def _rows(table):
    """The table's own <tr>s (through thead/tbody/tfoot), not those of nested tables."""
    for child in table.find_all(True, recursive=False):
        name = child.name.lower()
        if name == "tr":
            yield child
        elif name in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child.find_all("tr", recursive=False))


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(str(cell.get(attr, 1)).strip() or 1), 1000))
    except ValueError:
        return 1


def _grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Rows of (text, rowspan, colspan) → rows of cell texts on the table's grid.

    A merged cell keeps its text in its first grid position; the positions it also covers
    (to its right, and in the rows below) are empty cells. Without this, a row below a
    rowspan cell is shifted left by one column and its values land under the wrong headers.
    """
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], bool] = {}  # (row, col) covered by a span from above
    for r, row in enumerate(rows):
        out: list[str] = []
        col = 0
        for text, rowspan, colspan in row:
            while pending.pop((r, col), False):
                out.append("")
                col += 1
            out.append(text)
            out.extend([""] * (colspan - 1))
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    pending[(r + dr, col + dc)] = True
            col += colspan
        while pending.pop((r, col), False):
            out.append("")
            col += 1
        grid.append(out)
    return grid


def _cells(tr):
    return [cell for cell in tr.find_all(["td", "th"], recursive=False)]
