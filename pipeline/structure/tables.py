"""Tables found in text, in the layouts real reports arrive in.

- ``tabs``: one row per line, cells separated by tabs (converted forms);
- ``cell_lines``: one cell per line, each line indented by a tab, a blank line between rows
  (what Word-to-text conversion makes of a table);
- ``pipes``: markdown pipe rows (the ``|---|`` rule line is skipped);
- ``spaces``: cells separated by runs of two or more spaces, on consecutive lines that agree on
  the number of cells;
- ``lines``: one cell per line with no indent and no row separator (PDF text of a ruled table):
  a header of column words, one per line, then rows rebuilt from where they end (two figures,
  weight and score or amount and rate, followed by a text line) and padded on the left, since
  the merged group cells (一级/二级指标) are printed only on a group's first row;
- ``words``: a header of column words separated by single spaces, then rows of a label and
  figures separated by single spaces (web pages that lost their table markup);
- ``fixed``: a fixed-width table whose cells wrap onto continuation lines (text rendered for a
  printer): columns are placed by display width (a Chinese character is two columns wide) from
  the header, every physical line is a row, and a line without figures continues the row above
  (the facts reader joins it);
- ``csv``: comma-separated values as a spreadsheet exports them (quoted fields may hold commas),
  on consecutive lines that all have the same number of fields.
Tables a reader marked itself (docx, pdf, html) come in as explicit blocks and are not re-detected.

Every cell keeps its offsets (trimmed of surrounding whitespace) into the cleaned text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.structure.amounts import RangeSet

CellSpan = tuple[int, int]


@dataclass
class TextTable:
    layout: str
    rows: list[list[CellSpan]] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min(c[0] for r in self.rows for c in r) if any(self.rows) else 0

    @property
    def end(self) -> int:
        return max(c[1] for r in self.rows for c in r) if any(self.rows) else 0


def _trim(text: str, start: int, end: int) -> CellSpan:
    while start < end and text[start] in " \u3000\t":
        start += 1
    while end > start and text[end - 1] in " \u3000\t":
        end -= 1
    return start, end


_PAD = " \u3000\t"


def _split_cells(text: str, start: int, end: int, sep: re.Pattern | str) -> list[CellSpan]:
    """The trimmed cells of text[start:end] between separators: a pattern, or one character
    (a tab, a pipe), which str.split finds without a match object per cell."""
    if isinstance(sep, str):
        cells, pos = [], start
        for part in text[start:end].split(sep):
            nxt = pos + len(part)
            if not part or (part[0] not in _PAD and part[-1] not in _PAD):
                cells.append((pos, nxt))   # nothing to trim (most cells): no stripped copies made
            else:
                a = nxt - len(part.lstrip(_PAD))
                cells.append((a, max(a, pos + len(part.rstrip(_PAD)))))   # as _trim: all padding → (nxt, nxt)
            pos = nxt + 1
        return cells
    cells, pos = [], start
    for m in sep.finditer(text, start, end):
        cells.append(_trim(text, pos, m.start()))
        pos = m.end()
    cells.append(_trim(text, pos, end))
    return cells


_TAB = "\t"
_PIPE = "|"
_SPACES = re.compile(r"(?: {2,}|\u3000+)")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_CELL_LINE = re.compile(r"^\t[^\t]*$")


def _nothing_skipped(pos: int) -> bool:
    return False


def detect_tables(text: str, lines: list[tuple[int, int]], skip: list[tuple[int, int]]) -> list[TextTable]:
    """Scan lines once; each line belongs to at most one table."""
    tables: list[TextTable] = []
    n = len(lines)
    i = 0
    skip_set = RangeSet(skip)   # by bisection: a docx report may bring hundreds of tables
    # (a text document brings no reader-marked tables: no lookup on every line)
    skipped = skip_set.__contains__ if skip else _nothing_skipped

    def line(k: int) -> str:
        return text[lines[k][0]:lines[k][1]]

    while i < n:
        s, e = lines[i]
        ln = line(i)
        if skipped(s) or not ln.strip() and not ln.startswith("\t"):
            i += 1
            continue
        # cell_lines: runs of "\tcell" lines, rows separated by one blank line
        if _CELL_LINE.match(ln):
            rows: list[list[CellSpan]] = []
            j = i
            while j < n and _CELL_LINE.match(line(j)) and not skipped(lines[j][0]):
                row = []
                while j < n and _CELL_LINE.match(line(j)):
                    row.append(_trim(text, lines[j][0] + 1, lines[j][1]))
                    j += 1
                rows.append(row)
                # one blank line (whitespace only) between rows
                if j + 1 < n and not line(j).strip() and "\t" not in line(j) and _CELL_LINE.match(line(j + 1)):
                    j += 1
                else:
                    break
            if len(rows) >= 2 or (rows and len(rows[0]) >= 3):
                tables.append(TextTable("cell_lines", rows))
                i = j
                continue
        # pipes
        if ln.count("|") >= 2:
            rows = []
            j = i
            # markdown rows have outer pipes (「| a | b |」); a table whose first row has none
            # (「a | b」) keeps an empty first cell on a row that starts with 「 | 」
            outer = ln.strip().startswith("|")
            while j < n and line(j).count("|") >= 2 and not skipped(lines[j][0]):
                ls, le = lines[j]
                if not _PIPE_RULE.match(line(j)):
                    body_s, body_e = ls, le
                    stripped = line(j).strip()
                    if outer and stripped.startswith("|"):
                        body_s = ls + line(j).index("|") + 1
                    if outer and stripped.endswith("|"):
                        body_e = ls + line(j).rindex("|")
                    rows.append(_split_cells(text, body_s, body_e, _PIPE))
                j += 1
            if len(rows) >= 2:
                tables.append(TextTable("pipes", rows))
                i = j
                continue
        # lines: a header of column words one per line, then rows of one cell per line
        header_len = _line_header(text, lines, i, skipped)
        if header_len:
            rows = _line_rows(text, lines, i, header_len, skipped)
            if len(rows) >= 3:
                tables.append(TextTable("lines", rows))
                i += sum(len(r) for r in rows)
                continue
        # a line of one word, without a tab or a comma (most lines of prose), starts none of the
        # layouts below: each needs several words, fields or cells on its first line
        if "\t" not in ln and "," not in ln and len(ln.split()) < 2:
            i += 1
            continue
        # words: 「项目 年初预算 全年预算 全年支出 执行率」 then 「基本支出 2,305.60 2,371.15 …」
        header_cells = _word_header(text, s, e)
        if header_cells:
            rows = [header_cells]
            j = i + 1
            while j < n and not skipped(lines[j][0]):
                cells = _label_and_figures(text, lines[j][0], lines[j][1])
                if not cells or len(cells) > len(header_cells):
                    break
                rows.append(cells + [(cells[-1][1], cells[-1][1])] * (len(header_cells) - len(cells)))
                j += 1
            if len(rows) >= 3:
                tables.append(TextTable("words", rows))
                i = j
                continue
        # csv: a spreadsheet export; every line of the block has the same number of fields
        if ln.count(",") >= 3 and "\t" not in ln:
            width = len(_csv_cells(text, s, e))
            rows = []
            j = i
            while j < n and not skipped(lines[j][0]) and "\t" not in line(j):
                cells = _csv_cells(text, lines[j][0], lines[j][1])
                if len(cells) != width:
                    break
                rows.append(cells)
                j += 1
            # a table holds figures or empty cells; prose clauses joined by ASCII commas hold
            # neither (「3)负责辖区公园绿地,广场,公厕,停车场等…」 is a numbered duty, not a row)
            with_figures = sum(any(_CSV_FIGURE.fullmatch(text, a, b) for a, b in r) for r in rows)
            if width >= 4 and len(rows) >= 3 and 2 * with_figures >= len(rows):
                tables.append(TextTable("csv", rows))
                i = j
                continue
        # tabs: consecutive lines containing a tab between two non-empty things, or several tabs
        if "\t" in ln.strip("\n") and not _CELL_LINE.match(ln):
            rows = []
            j = i
            while j < n:
                row_line = line(j)   # (cut once: every line of a table is asked three things)
                if "\t" not in row_line or _CELL_LINE.match(row_line) or skipped(lines[j][0]):
                    break
                rows.append(_split_cells(text, lines[j][0], lines[j][1], _TAB))
                j += 1
            if rows:
                tables.append(TextTable("tabs", rows))
                i = j
                continue
        # fixed: a header of ≥3 column words on display-width columns, lines assigned by position
        starts = _fixed_header(text, s, e)
        if starts:
            rows = [_fixed_cells(text, s, e, starts)]
            j = i + 1
            while j < n and not skipped(lines[j][0]) and text[lines[j][0]:lines[j][1]].strip() \
                    and "\t" not in line(j):
                rows.append(_fixed_cells(text, lines[j][0], lines[j][1], starts))
                j += 1
            if len(rows) >= 3 and _aligned(text, lines[i + 1:j], starts):
                tables.append(TextTable("fixed", rows))
                i = j
                continue
        # spaces: ≥2 consecutive lines with ≥3 cells split by runs of spaces. Blank cells
        # cannot be seen in this layout; they are nearly always the grouping columns on the
        # left (一级/二级指标), so a short row is padded on the left to the header's width.
        cells = _space_cells(text, s, e)
        if len(cells) >= 3:
            rows = [cells]
            j = i + 1
            while j < n and not skipped(lines[j][0]):
                nxt = _space_cells(text, lines[j][0], lines[j][1])
                if len(nxt) < 2 or len(nxt) > len(cells) + 1 or len(nxt) < len(cells) - 3:
                    break
                pad = max(0, len(cells) - len(nxt))
                rows.append([(nxt[0][0], nxt[0][0])] * pad + nxt)
                j += 1
            if len(rows) >= 2:
                tables.append(TextTable("spaces", rows))
                i = j
                continue
        i += 1
    return tables


_COLUMN_WORD = re.compile(r"^(?:项\s*目(?:名称)?|[一二三]级指标|指标名称|绩效指标|(?:年度)?(?:指标|目标|预期|计划)值|实际完成值|完成值|实际值|"
                          r"分值|权重|得分|年初预算(?:数)?|全年预算(?:数)?|调整后预算(?:数)?|预算数|全年执行(?:数)?|执行数|"
                          r"实际支出|全年支出|决算数|执行率|偏差原因.{0,8}|备注)$")
_FIGURE_LINE = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?%?$")


def _line_header(text, lines, i, skipped) -> int:
    """How many lines from i form a one-word-per-line header (≥4 column words), else 0."""
    k = i
    while k < len(lines) and not skipped(lines[k][0]):
        word = text[lines[k][0]:lines[k][1]].strip()
        if not word or "\t" in word or not _COLUMN_WORD.match(word):
            break
        k += 1
    return k - i if k - i >= 4 else 0


def _line_rows(text, lines, i, width, skipped) -> list[list[CellSpan]]:
    """The header (as the first row) and the body rows after it.

    A row's cells are right-aligned under the header (merged group cells are printed only on a
    group's first row). A row ends where its cells fit: figures under the figure columns
    (分值, 得分, amounts, rates), a text under the name column, and the next line does not
    continue it with another figure."""
    def cell(k: int) -> CellSpan:
        return _trim(text, lines[k][0], lines[k][1])

    def figure(k: int) -> bool:
        return bool(_FIGURE_LINE.match(text[lines[k][0]:lines[k][1]].strip().replace(" ", "")))

    header = [text[lines[k][0]:lines[k][1]].strip() for k in range(i, i + width)]
    numeric = [bool(_FIGURE_COLUMN.search(h)) for h in header]
    # the name column: the one the header calls so, else the last text column before a figure column
    name_col = next((c for c, h in enumerate(header) if _NAME_COLUMN.search(h)),
                    max((c for c in range(width) if not numeric[c] and any(numeric[c + 1:])), default=0))

    def fits(buf: list[int]) -> bool:
        if len(buf) < width - name_col:
            return False
        cols = range(width - len(buf), width)
        return all(figure(k) for c, k in zip(cols, buf) if numeric[c]) and not figure(buf[0])

    rows = [[cell(k) for k in range(i, i + width)]]
    buf: list[int] = []
    k = i + width
    while k < len(lines) and not skipped(lines[k][0]):
        line = text[lines[k][0]:lines[k][1]].strip()
        if not line or "\t" in line or len(line) > 40:
            break
        buf.append(k)
        if len(buf) > width:
            break
        if fits(buf) and (k + 1 >= len(lines) or not figure(k + 1)):
            first = lines[buf[0]][0]
            rows.append([(first, first)] * (width - len(buf)) + [cell(j) for j in buf])
            buf = []
        k += 1
    return rows if len(rows) > 1 else []


_FIGURE_COLUMN = re.compile(r"分值|权重|得分|预算|执行|支出|决算")
_NAME_COLUMN = re.compile(r"^(?:三级指标|指标名称|项\s*目(?:名称)?)$")


_LABEL_AND_FIGURES = re.compile(r"[ \u3000]*(?P<label>[^\s\d][^\s]*?)(?P<figs>(?: [-−]?\d[\d,]*(?:\.\d+)?%?)+)[ \u3000]*")


def _word_header(text: str, start: int, end: int) -> list[CellSpan]:
    """A line of ≥4 column words separated by single spaces, else []."""
    line = text[start:end]
    if "\t" in line or "  " in line.strip():
        return []
    words = line.split()   # the runs of \S (str.split and re's \s agree on whitespace)
    if len(words) >= 4 and sum(bool(_COLUMN_WORD.match(w)) for w in words) >= len(words) - 1:
        return [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", line)]
    return []


def _label_and_figures(text: str, start: int, end: int) -> list[CellSpan]:
    m = _LABEL_AND_FIGURES.fullmatch(text, start, end)
    if not m:
        return []
    figs = m.start("figs")
    return [(m.start("label"), m.end("label"))] + [(figs + f.start(), figs + f.end())
                                                    for f in re.finditer(r"\S+", m.group("figs"))]


_FIXED_HEADER_WORD = re.compile(r"指标|分值|权重|得分|标准|解释|完成|目标值|预算|执行")


def _display_width(t: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in t)


def _segments(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, display column) of each run of text separated by two or more spaces."""
    out = []
    for m in re.finditer(r"\S+(?: \S+)*", text[start:end]):
        out.append((start + m.start(), start + m.end(), _display_width(text[start:start + m.start()])))
    return out


def _fixed_header(text: str, start: int, end: int) -> list[int]:
    """The display columns where a fixed-width header's cells start, or [] when the line is none."""
    line = text[start:end]
    if "\t" in line or "  " not in line.strip():
        return []
    segs = _segments(text, start, end)
    words = [text[a:b] for a, b, _ in segs]
    if len(segs) >= 5 and all(len(w) <= 8 for w in words) and sum(bool(_FIXED_HEADER_WORD.search(w)) for w in words) >= 4:
        return [col for _, _, col in segs]
    return []


def _aligned(text: str, body: list[tuple[int, int]], starts: list[int]) -> bool:
    """A printer's table: its text starts on the header's columns, and some lines continue a
    wrapped cell (text in the first column's place is missing). Cells merely separated by
    spaces, at no fixed columns, are the ``spaces`` layout."""
    segs = [seg for s, e in body for seg in _segments(text, s, e)]
    on_columns = sum(any(abs(col - c) <= 1 for c in starts) for _, _, col in segs)
    wrapped = sum(1 for s, e in body if (first := _segments(text, s, e)) and first[0][2] > starts[0] + 1)
    return bool(segs) and on_columns >= 0.9 * len(segs) and wrapped >= 1


def _fixed_cells(text: str, start: int, end: int, starts: list[int]) -> list[CellSpan]:
    """One physical line's cells under the header's columns (empty cells where it has no text)."""
    cells: list[CellSpan] = [(start, start)] * len(starts)
    for a, b, col in _segments(text, start, end):
        k = max((j for j, c in enumerate(starts) if c <= col + 1), default=0)
        if cells[k][1] > cells[k][0]:
            cells[k] = (cells[k][0], b)   # two runs under one column: one cell
        else:
            cells[k] = (a, b)
    return cells


_CSV_FIGURE = re.compile(r"[ \u3000]*(?:[-+≥≤<>＞＜]?[\d.,，%％]*\d[\d.,%％]*[\u4e00-\u9fff%]{0,3})?[ \u3000]*")
_CSV_FIELD = re.compile(r'"(?P<q>(?:[^"]|"")*)"|(?P<u>[^,]*)')


def _csv_cells(text: str, start: int, end: int) -> list[CellSpan]:
    """The fields of one CSV line with their offsets (a quoted field's cell is inside its quotes)."""
    cells, pos = [], start
    while True:
        m = _CSV_FIELD.match(text, pos, end)
        if m.group("q") is not None:
            cells.append(_trim(text, m.start("q"), m.end("q")))
        else:
            cells.append(_trim(text, m.start("u"), m.end("u")))
        pos = m.end()
        if pos >= end or text[pos] != ",":
            break
        pos += 1
    return cells


def _space_cells(text: str, start: int, end: int) -> list[CellSpan]:
    while start < end and text[start] in " \u3000":
        start += 1
    if start >= end:
        return []
    if text.find("  ", start, end) < 0 and text.find("\u3000", start, end) < 0:
        c = _trim(text, start, end)   # no separator: one cell (most lines of prose)
        return [c] if c[1] > c[0] else []
    return [c for c in _split_cells(text, start, end, _SPACES) if c[1] > c[0]]
