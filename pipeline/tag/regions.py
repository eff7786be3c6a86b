"""Which parts of a record's text the tagger reads, and the context each part carries.

Regions are narrative paragraphs (lines outside tables) and long narrative
table cells (at least ``min_cell_hanzi`` hanzi); short cells are structured
data that the table parser owns. PDF converters often spread one long cell's
wrapped lines over several columns (「年初申报的绩效目\t标覆盖不\t够全面。」): a run of
text-only cells on one line of a row without figures is read as one *wrapped*
region whose tabs are not boundaries. Every region carries a context string: the
path of section headings above it, plus, for a cell, its row's label cell
(「改进措施及结果应用方案」 says what the long cell beside it is), and, for a paragraph
below a list's lead line (「部门主要职责：」), that lead. The model reads
that context as a prefix segment, so a paragraph far below 存在的问题 is still
read as a problem.

Headings come from the record's sections (``headings_from_record``): the tagger reads
the structured record and never runs the structure stage itself. Code that starts from a
bare text (training data, baselines, benchmarks) structures it first with
``pipeline.tag.structured.structure_for``; ``simple_headings`` is a small numbering-based
fallback for a text the structure stage cannot read.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Protocol

from pipeline.lexicon import ENUMERATOR, NUMBERING, hanzi_count, list_lead
from pipeline.structure.sections import classify_title

HeadingsFor = Callable[[int], list[str]]
LEAD_REACH = 15   # paragraphs a list's lead reaches at most
_ITEM_START = re.compile(ENUMERATOR)


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    kind: str  # "paragraph" or "cell"
    row_label: str = ""
    wrapped: bool = False  # one cell's text spread over several tab-separated cells
    lead: str = ""         # the lead of the list the paragraph is an item of (「部门主要职责：」)
    lead_start: int = -1   # where that lead's line starts
    column_label: str = ""  # a cell's column header (预期目标, 实际完成情况), where a header row aligns


class _TableLike(Protocol):
    start: int
    end: int
    rows: list


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \u3000":
        start += 1
    while end > start and text[end - 1] in " \u3000":
        end -= 1
    return start, end


_DIGIT = re.compile(r"[0-9０-９]")
_PROSE_PUNCT = re.compile(r"[，,。；;、：:！!？?]")


def _numeric(cell: str) -> bool:
    """A figure cell (「≥100人次」, 「98.20%」, 「10」): at least half its characters are digits."""
    chars = cell.replace(" ", "")
    return bool(chars) and len(_DIGIT.findall(chars)) * 2 >= len(chars)


def _wrapped_runs(texts: list[str], hanzi: list[int], same_line: list[bool],
                  min_cell_hanzi: int) -> list[tuple[int, int]]:
    """(first, last) cell indices of runs that read as one wrapped cell: in a row without
    figure cells, consecutive cells on one line (``same_line[k]``: cells k and k+1 are)
    after the row label that hold hanzi (``hanzi[k]`` of them), together at least ``min_cell_hanzi`` hanzi and
    some punctuation (a header row 「三级指标\t指标分值\t评价得分」 has none), one of them
    too short to be a region on its own. A sentence end does not stop a run: a wrapped
    line may end just after 。."""
    if any(_numeric(t) for t in texts):
        return []  # indicator, budget and score rows: cells are fields, not wrapped prose
    runs, k = [], 1
    while k < len(texts):
        j = k
        while j + 1 < len(texts) and same_line[j] and hanzi[j] and hanzi[j + 1]:
            j += 1
        run = range(k, j + 1)
        if (j > k and sum(hanzi[i] for i in run) >= min_cell_hanzi
                and any(hanzi[i] < min_cell_hanzi for i in run)
                and any(_PROSE_PUNCT.search(texts[i]) for i in run)):
            runs.append((k, j))
        k = j + 1
    return runs


@lru_cache(maxsize=4096)
def title_kind(title: str) -> str:
    """The structure stage's class of a heading or row label (pipeline.structure.sections),
    cached: the tagger asks it for every table row and every gated span."""
    return classify_title(title)


NARRATIVE_ROW_MIN_HANZI = 4
NARRATIVE_ROW_KINDS = ("problems", "measures")


def narrative_row_kind(label: str) -> str | None:
    """"problems" or "measures" for a row whose label introduces problems, causes or measures
    (偏差大或目标未完成原因分析, 改进措施及结果应用方案): its cells are sentences, not fields."""
    kind = title_kind(label) if label else None
    return kind if kind in NARRATIVE_ROW_KINDS else None


HEADER_CELL_MAX_CHARS = 12


def header_labels(texts: list[str]) -> list[str] | None:
    """A header row's cell texts without blanks (「年度总体目标 | 预期目标 | 实际完成情况」): at least
    two short label cells, hanzi and no figure, the others empty; None for any other row."""
    labels = ["".join(t.split()) for t in texts]   # 「预期 目标」 as the cell means it
    filled = [t for t in labels if t]
    if len(filled) < 2 or any(len(t) > HEADER_CELL_MAX_CHARS or _DIGIT.search(t) or not hanzi_count(t)
                              for t in filled):
        return None
    return labels


def _cell_regions(text: str, cells: list[tuple[int, int]], min_cell_hanzi: int,
                  column_labels: list[str] | None = None) -> list[Region]:
    if column_labels is None or len(column_labels) != len(cells):
        column_labels = [""] * len(cells)  # columns are named only where the header row aligns
    kept = [(_trimmed(text, s, e), lab) for (s, e), lab in zip(cells, column_labels)]
    kept = [(c, lab) for c, lab in kept if c[1] > c[0]]
    if not kept:
        return []
    cells = [c for c, _ in kept]
    columns = [lab for _, lab in kept]
    texts = [text[s:e] for s, e in cells]
    hanzi = [hanzi_count(t) for t in texts]
    label = texts[0]
    out, covered = [], set()
    same_line = [text.find("\n", cells[k][1], cells[k + 1][0]) < 0 for k in range(len(cells) - 1)]
    for a, b in _wrapped_runs(texts, hanzi, same_line, min_cell_hanzi):
        out.append(Region(cells[a][0], cells[b][1], "cell", label, wrapped=True, column_label=columns[a]))
        covered.update(range(a, b + 1))
    # in a 偏差原因 / 改进措施 row every cell is narrative, however short (「绩效指标体系不够完善」)
    floor = NARRATIVE_ROW_MIN_HANZI if narrative_row_kind(label) else min_cell_hanzi
    for k, (s, e) in enumerate(cells):
        if k not in covered and (hanzi[k] >= min_cell_hanzi or (k > 0 and hanzi[k] >= floor)):
            out.append(Region(s, e, "cell", label if k > 0 else "", column_label=columns[k]))
    return sorted(out, key=lambda r: r.start)


def find_regions(text: str, tables: Iterable[_TableLike] | None = None,
                 min_cell_hanzi: int = 15) -> list[Region]:
    """Regions in text order. With ``tables`` (Record.tables) their cells are used;
    without, a line holding a tab is read as a table row of tab-separated cells."""
    table_ranges: list[tuple[int, int]] = []
    out: list[Region] = []
    for t in tables or ():
        table_ranges.append((t.start, t.end))
        header: list[str] | None = None  # the last header row above: its labels name the columns
        for row in t.rows:
            cells = [(c.start, c.end) for c in row.cells]
            labels = header_labels([text[s:e] for s, e in cells])
            if labels is not None:
                header = labels
            out.extend(_cell_regions(text, cells, min_cell_hanzi, None if labels is not None else header))
    table_ranges.sort()
    merged: list[list[int]] = []   # their union, so that one bisection answers (linear in the lines)
    for s, e in table_ranges:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    merged_starts = [s for s, _ in merged]

    def in_table(pos: int) -> bool:
        k = bisect.bisect_right(merged_starts, pos) - 1
        return k >= 0 and pos < merged[k][1]

    pos = 0
    # a lead line (「部门主要职责：」) reaches the paragraphs below it while they keep the style of
    # the first (numbered items or plain lines), up to LEAD_REACH of them; a table ends it
    lead: list | None = None   # [lead, its line's start, numbered?, paragraphs left]
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if start == end:
            continue
        if in_table(start):
            lead = None
            continue
        if "\t" in line:
            lead = None
            cells, s = [], start
            for i in range(start, end):
                if text[i] == "\t":
                    cells.append((s, i))
                    s = i + 1
            cells.append((s, end))
            out.extend(_cell_regions(text, cells, min_cell_hanzi))
        else:
            s, e = _trimmed(text, start, end)
            if hanzi_count(text[s:e]) >= 2:
                if lead is not None:
                    numbered = _ITEM_START.match(text, s) is not None
                    if lead[2] is None:
                        lead[2] = numbered
                    if lead[2] != numbered or lead[3] <= 0:
                        lead = None
                if lead is not None:
                    out.append(Region(s, e, "paragraph", lead=lead[0], lead_start=lead[1]))
                    lead[3] -= 1
                else:
                    out.append(Region(s, e, "paragraph"))
                own = list_lead(text[s:e])
                if own:
                    lead = [own, s, None, LEAD_REACH]
    return sorted(out, key=lambda r: r.start)


def decoding_text(text: str, region: Region) -> str:
    """The text the decoder snaps spans in for this region. In a wrapped region a tab is a
    line wrap, not a cell boundary, and the decoder never lets a span cross a tab: it reads
    those tabs as spaces (same length, so offsets are unchanged)."""
    if not region.wrapped:
        return text
    return text[:region.start] + text[region.start:region.end].replace("\t", " ") + text[region.end:]


# 「2,036人」: a comma between a digit and exactly three more digits groups thousands.
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def rules_text(text: str) -> str:
    """The text decoding and the structure rules cut clauses in: a thousands comma is no
    clause break (「完成交易项目2,317宗」 is one WORKLOAD, not 「126宗」), so it reads as a
    digit there. Same length, so offsets are unchanged; span texts and counts are always
    taken from the real text."""
    return _THOUSANDS_COMMA.sub("0", text)


# The kind of a cell under a column of planned values (configs/labels.yaml names it like a
# section kind), and those columns' names: the forms' 预期目标, 年度（绩效）目标, 年初设定目标,
# 计划目标, 目标值 — the whole header cell, so that 目标完成情况 or a header-like row of a
# PDF's broken prose (「年初申报的绩效目标的」) is none. Broader on purpose than the structure
# stage's annual-goals column (pipeline.structure: the department's goals, read as record.goals):
# any column of planned values, a project's too.
TARGETS = "targets"
TARGET_COLUMN = re.compile(r"(?:年度|年初|全年)?(?:设定|预期|计划)?(?:总体|绩效)?目标值?")
_ROW_NUMBER = re.compile(r"[（(]?[\d一二三四五六七八九十]{1,3}[）).、．]?")


def section_kind(titles: list[str], span_text: str = "") -> str | None:
    """Kind of the innermost classified heading, None when no heading above says anything."""
    for title in reversed(titles):
        if span_text and span_text in title:
            continue  # the span's own line read as a heading
        kind = title_kind(title)
        if kind != "other":
            return kind
    return None


def cell_kind(region: Region) -> str | None:
    """A table cell's kind by its own row and column: TARGETS under a column of planned values,
    else its row label's kind; None for a paragraph, and for a cell whose row label is only a
    row number (「6」), which says nothing of the row: such a cell is read by the headings above
    the table, like a cell without a row label."""
    if region.kind == "paragraph":
        return None
    if TARGET_COLUMN.fullmatch(region.column_label):
        return TARGETS
    if region.row_label and not _ROW_NUMBER.fullmatch(region.row_label.strip()):
        return title_kind(region.row_label)
    return None


# The section kinds a model can read with a region's context (ModelArguments.context_kind): the
# context segment's token type is 2 + the kind's index here (after the word-boundary types). A
# trained model's embeddings follow this order: append new kinds, never reorder. "other" (and no
# heading) is the plain context type 0.
CONTEXT_KINDS = ("targets", "problems", "measures", "functions", "organisation", "staffing", "assets",
                 "evaluation", "goals", "indicators", "conclusion", "budget", "basic_info")


def context_kind(region: Region, headings_for: HeadingsFor | None) -> str:
    """The section kind of a region as the structure stage's lexicon reads its headings (its cell's
    row or column first): what the section gate reads, given to the model with the context so that
    a heading the synthetic banks never wrote still says what its section holds."""
    kind = cell_kind(region)
    if kind is None:
        kind = section_kind(list(headings_for(region.start))) if headings_for else None
    return kind if kind in CONTEXT_KINDS else "other"


def context_for(region: Region, headings_for: HeadingsFor | None, max_chars: int, column: bool = False) -> str:
    """Heading path (outermost first), row label, column header (``column``: where the table's
    header row aligns) and list lead, cut from the left to max_chars."""
    parts = list(headings_for(region.start)) if headings_for else []
    if region.row_label:
        parts.append(region.row_label)
    if column and region.column_label:
        parts.append(region.column_label)
    # a list's lead says what its items are, as a heading would, within the same section
    if region.lead and (headings_for is None or list(headings_for(region.lead_start)) == parts):
        parts.append(region.lead)
    ctx = "/".join(p.strip() for p in parts if p and p.strip())
    return ctx[-max_chars:] if max_chars > 0 else ""


# ---------------------------------------------------------------- heading sources

def headings_from_record(record) -> HeadingsFor:
    """Heading titles above an offset, from a Record's sections."""
    from pipeline.record import SectionLookup
    lookup = SectionLookup(record.sections)   # O(log n) per offset: the tagger asks once per region and span

    def headings_for(offset: int) -> list[str]:
        return [s.title for s in lookup.path(offset)]
    return headings_for




def simple_headings(text: str, max_title: int = 40) -> HeadingsFor:
    """Fallback heading path: short numbered lines without tabs and without a closing 。.

    Numbering style decides the level (一、 > （一） > 1. > （1）), a heading
    closes every deeper one. Only used when the section parser is unavailable.
    """
    heads: list[tuple[int, int, str]] = []  # (offset, level, title)
    pos = 0
    for line in text.split("\n"):
        s = line.strip()
        if s and "\t" not in line and len(s) <= max_title and not s.endswith(("。", "；", ";")):
            for level, pat in NUMBERING:
                if pat.match(s):
                    heads.append((pos, level, s))
                    break
        pos += len(line) + 1
    offsets = [h[0] for h in heads]

    def headings_for(offset: int) -> list[str]:
        from bisect import bisect_right
        k = bisect_right(offsets, offset)
        path: list[tuple[int, str]] = []
        for _, level, title in heads[:k]:
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, title))
        return [t for _, t in path]
    return headings_for
