#!/usr/bin/env python
"""Build .docx example reports from the plain-text examples, so the docx reader has real inputs.

    .venv/bin/python scripts/make_examples.py                 # every examples/*.txt -> examples/*.docx
    .venv/bin/python scripts/make_examples.py a.txt --out-dir d

How the text becomes a document:
- an ordinary non-blank line becomes a paragraph (blank lines only separate, as paragraph spacing
  does in Word);
- a run of consecutive lines holding tab-separated cells becomes a table, one row per line;
- a "one cell per line" block (every line is a tab followed by one cell, rows separated by blank
  lines: how some exports write a table) becomes a table, one row per group of lines;
- a cell written as HTML paragraphs ("<p>..</p><p>..</p>", as web exports of these forms do)
  becomes a cell with real paragraphs: a Word file has no markup in its text.
Rows shorter than the widest row get their last cell merged across the remaining columns, so the
docx reader (which reports a merged cell once) gives back exactly the cells of the text.
The output is byte-for-byte reproducible: the zip timestamps and document properties are fixed.
"""
from __future__ import annotations

import argparse
import datetime
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = PROJECT_ROOT / "examples"
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = datetime.datetime(2024, 1, 1)


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    rows: list[list[str]]


Block = Paragraph | Table


def _is_single_cell_line(line: str) -> bool:
    return line.startswith("\t") and line.count("\t") == 1


def parse_blocks(text: str) -> list[Block]:
    """Split a plain-text report into paragraphs and tables (rules in the module docstring)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif _is_single_cell_line(line):
            i = _one_cell_per_line_table(lines, i, blocks)
        elif "\t" in line:
            rows = []
            while i < len(lines) and "\t" in lines[i] and not _starts_single_cell_block(lines, i):
                rows.append(lines[i].split("\t"))
                i += 1
            blocks.append(Table(rows))
        else:
            blocks.append(Paragraph(line))
            i += 1
    return blocks


def _starts_single_cell_block(lines: list[str], i: int) -> bool:
    """A single-cell line followed by another one: the start of a one-cell-per-line block, not a
    row of a tab-separated table that happens to have one cell after a leading empty one."""
    return (_is_single_cell_line(lines[i]) and i + 1 < len(lines)
            and _is_single_cell_line(lines[i + 1]))


def _one_cell_per_line_table(lines: list[str], i: int, blocks: list[Block]) -> int:
    rows: list[list[str]] = []
    current: list[str] = []
    while i < len(lines):
        line = lines[i]
        if _is_single_cell_line(line):
            current.append(line[1:])
        elif not line.strip():
            if current:
                rows.append(current)
                current = []
            # Two blank lines, or a blank line followed by a non-cell line, end the block.
            if i + 1 >= len(lines) or not _is_single_cell_line(lines[i + 1]):
                break
        else:
            break
        i += 1
    if current:
        rows.append(current)
    blocks.append(Table(rows))
    return i


_HTML_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def cell_paragraphs(text: str) -> list[str]:
    """A cell's paragraphs: the <p> elements when the cell is made of them, else the text itself."""
    paragraphs = _HTML_PARAGRAPH.findall(text)
    if paragraphs and not _HTML_PARAGRAPH.sub("", text).strip():
        return paragraphs
    return [text]


def build_docx(blocks: list[Block], title: str = "") -> bytes:
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.author = "jixiao examples"
    properties.last_modified_by = "jixiao examples"
    properties.title = title
    properties.created = properties.modified = FIXED_DOC_TIME
    properties.revision = 1
    for block in blocks:
        if isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        else:
            _add_table(document, block.rows)
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fixed_timestamps(buffer.getvalue())


def _add_table(document, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for table_row, row in zip(table.rows, rows):
        cells = table_row.cells     # per row: table.cell(r, c) rescans the whole table each call
        if len(row) < width:
            # Merge the row's last cell across the missing columns: read back, it appears once.
            cells[len(row) - 1].merge(cells[width - 1])
        for cell, text in zip(cells, row):
            first, *more = cell_paragraphs(text)
            cell.text = first
            for paragraph in more:
                cell.add_paragraph(paragraph)


def _with_fixed_timestamps(data: bytes) -> bytes:
    """python-docx stamps each zip member with the current time; fix it so rebuilds are identical."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def convert(source: Path, target: Path) -> None:
    text = source.read_text(encoding="utf-8")
    target.write_bytes(build_docx(parse_blocks(text), title=source.stem))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", nargs="*", type=Path, help="text files (default: examples/*.txt)")
    parser.add_argument("--out-dir", type=Path, default=None, help="default: next to each source")
    args = parser.parse_args(argv)
    sources = args.sources or sorted(EXAMPLES_DIR.glob("*.txt"))
    if not sources:
        print("no .txt examples to convert", file=sys.stderr)
        return 1
    for source in sources:
        target = (args.out_dir or source.parent) / (source.stem + ".docx")
        target.parent.mkdir(parents=True, exist_ok=True)
        convert(source, target)
        tables = sum(isinstance(block, Table) for block in parse_blocks(source.read_text(encoding="utf-8")))
        print(f"{source} -> {target} ({tables} table(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
