"""Render a document's body items (paragraphs and tables) into one text with table offsets.

The rendering rule shared by the docx, pdf and html readers:
- a paragraph is one line, its text unchanged;
- a table is its rows, one line per row, cells joined by "\\t"; a cell's own line breaks stay
  as "\\n" inside the cell, so the TableBlock spans (not the tabs) are the truth;
- a blank line before and after each table (one blank line between two adjacent tables).
"""
from __future__ import annotations

from pipeline.read.result import TableBlock


def clean_cell_text(text: str) -> str:
    """A tab inside a cell would read as a column break in the rendered row: make it a space.
    Trailing/leading line breaks inside a cell carry no content and would make empty lines."""
    return text.replace("\t", " ").strip("\n")


class LayoutBuilder:
    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self._need_blank = False   # a table just ended: the next item starts after a blank line
        self.tables: list[TableBlock] = []

    def _write(self, text: str) -> tuple[int, int]:
        start = self._pos
        self._parts.append(text)
        self._pos += len(text)
        return start, self._pos

    def _start_line(self) -> None:
        if self._pos:
            self._write("\n")

    def add_paragraph(self, text: str) -> None:
        if self._need_blank:
            self._write("\n")
            self._need_blank = False
        self._start_line()
        self._write(text)

    def add_table(self, rows: list[list[str]]) -> TableBlock | None:
        """Add a table given as rows of cell texts; rows without cells are skipped."""
        rows = [row for row in rows if row]
        if not rows:
            return None
        if self._pos and not self._need_blank:
            self._write("\n")           # ends the previous line...
            self._write("\n")           # ...and leaves a blank one
        elif self._need_blank:
            self._write("\n\n")         # previous table's blank line doubles as this one's
        self._need_blank = False
        start = self._pos
        spans: list[list[tuple[int, int]]] = []
        for row_index, row in enumerate(rows):
            if row_index:
                self._write("\n")
            row_spans = []
            for cell_index, cell in enumerate(row):
                if cell_index:
                    self._write("\t")
                row_spans.append(self._write(clean_cell_text(cell)))
            spans.append(row_spans)
        block = TableBlock(start=start, end=self._pos, rows=spans)
        self.tables.append(block)
        self._need_blank = True
        return block

    @property
    def text(self) -> str:
        """The rendered text, ending with a newline like a text file."""
        body = "".join(self._parts)
        return body + "\n" if body else body
