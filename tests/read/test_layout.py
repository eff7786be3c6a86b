"""LayoutBuilder: the shared rendering rule and exact table offsets."""
from __future__ import annotations

from pipeline.read.layout import LayoutBuilder


def test_tables_get_blank_lines_and_exact_cell_spans():
    builder = LayoutBuilder()
    builder.add_paragraph("标题")
    first = builder.add_table([["甲", "乙\n丙"], ["丁"]])
    second = builder.add_table([["戊", "己\t庚"]])        # a tab inside a cell becomes a space
    builder.add_table([[], []])                            # no cells: nothing rendered
    builder.add_paragraph("结尾")
    text = builder.text
    assert text == "标题\n\n甲\t乙\n丙\n丁\n\n戊\t己 庚\n\n结尾\n"
    assert [[text[s:e] for s, e in row] for row in first.rows] == [["甲", "乙\n丙"], ["丁"]]
    assert [[text[s:e] for s, e in row] for row in second.rows] == [["戊", "己 庚"]]
    assert builder.tables == [first, second]
    assert text[first.start:first.end] == "甲\t乙\n丙\n丁"


def test_document_starting_with_a_table_and_empty_cells():
    builder = LayoutBuilder()
    table = builder.add_table([["", "x"], ["y", ""]])
    assert builder.text == "\tx\ny\t\n"
    assert table.rows == [[(0, 0), (1, 2)], [(3, 4), (5, 5)]]


def test_empty_document_renders_empty():
    assert LayoutBuilder().text == ""
