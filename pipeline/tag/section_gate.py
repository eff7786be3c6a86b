"""Section gate: a label the report's section rules out is dropped after decoding.

Real reports keep their narrative labels in their sections: improvement measures under
改进措施 / 有关建议 / 下一步, not in 部门概况 or 资产管理情况, where the same imperative wording
(「建立健全……制度，加强……」) describes how the unit already works. The encoder sees the
heading path as context, but trained on synthetic text it still tags such descriptions as
MEASURE (2026-11-27: 19 of the 46 MEASURE predictions on the five seeds, all in descriptive
sections). The gate states the convention once, in configs/labels.yaml
(``not_in_sections`` and ``unless_marker`` per label), over the section kinds that
pipeline.structure.sections already assigns to titles.

Scope, on purpose narrow:
- a narrative paragraph's kind is that of the innermost heading above the span whose title
  classifies as something other than "other", skipping a heading that is the span's own
  line (the section parser may read a numbered item 「1.研究提出……的意见建议」 as a heading);
  a paragraph above the first heading of a document that has headings is its "preamble"
  (为……，根据……，现将……报告如下);
- a table cell under a column of planned values (预期目标, 年度目标: the header row above names it) is
  of kind "targets": it states what the year was to achieve, not what was done, so neither
  work done nor a problem or a measure is written there (the form's 实际完成情况 column
  beside it holds those). The column decides before the row label: a form's goal cell
  often has an empty row label (「年度总体目标 | 预期目标 | 实际完成情况」 over 「 | … | …」);
- otherwise a table cell's kind is that of its row label only: its label follows its row and column,
  not the heading above the table (自评表 cells under 偏差原因分析及改进措施 hold CAUSE and
  MEASURE whatever section the table sits in); a cell without a row label (a row's first
  cell, a one-cell row such as a table's 注：… note), or whose row label is a row number,
  is read like a paragraph, by the headings above it;
- a heading of one of the label's ``home_sections`` anywhere above keeps it: 改进措施 /
  （一）加强资产管理 is still a measures section, and the section parser may read the
  numbered items of a 主要职能 list as headings (「2.受理……的投诉和意见建议」), which must not
  turn the next item into a 'measures' section;
- a span whose sentence carries the label's marker (for MEASURE: 下一步, 今后, 建议 …)
  is kept wherever it stands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.labels import LabelSet, load_labels
from pipeline.lexicon import sentence_around
from pipeline.tag.regions import HeadingsFor, Region, cell_kind, section_kind, title_kind


@dataclass(frozen=True)
class SectionGate:
    not_in: dict[str, frozenset[str]]
    home: dict[str, frozenset[str]]
    unless: dict[str, re.Pattern]

    @classmethod
    def from_labels(cls, labels: LabelSet | None = None) -> "SectionGate":
        labels = labels or load_labels()
        return cls({d.name: frozenset(d.not_in_sections) for d in labels.labels if d.not_in_sections},
                   {d.name: frozenset(d.home_sections) for d in labels.labels},
                   {d.name: re.compile(d.unless_marker) for d in labels.labels if d.unless_marker})

    def bind(self, text: str, regions: list[Region], headings_for: HeadingsFor | None) -> "DocumentGate":
        """The gate for one document (its text, regions and heading source)."""
        first = next((r.start for r in regions if headings_for and headings_for(r.start)), None)
        return DocumentGate(self, text, headings_for, first)


@dataclass(frozen=True)
class DocumentGate:
    gate: SectionGate
    text: str
    headings_for: HeadingsFor | None
    first_heading: int | None  # start of the first region with a heading above it

    def kinds(self, start: int, end: int, region: Region) -> tuple[str | None, set[str]]:
        """(kind of the span's section, kinds of every heading above it)."""
        kind = cell_kind(region)
        if kind is not None:
            return kind, {kind}
        titles = self.headings_for(start) if self.headings_for else []
        if not titles and self.first_heading is not None and start < self.first_heading:
            return "preamble", {"preamble"}
        span_text = self.text[start:end]
        return section_kind(titles, span_text), {title_kind(t) for t in titles if span_text not in t}

    def allows(self, label: str, start: int, end: int, region: Region) -> bool:
        excluded = self.gate.not_in.get(label)
        if not excluded or self.headings_for is None:
            return True
        kind, above = self.kinds(start, end, region)
        if kind not in excluded or above & self.gate.home.get(label, frozenset()):
            return True
        marker = self.gate.unless.get(label)
        return bool(marker and marker.search(sentence_around(self.text, start, end)))
