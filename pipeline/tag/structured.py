"""Headings and tables for a bare cleaned text, from the structure stage.

For code that starts from text rather than from a record: training data, the baselines,
evaluation on gold examples and the benchmarks. The tagger itself reads the structured record
(``Tagger.predict``) and never imports this module, so the structure stage and the tagger
stay one-way: pipeline.annotate → pipeline.tag.tagger, never back.
"""
from __future__ import annotations

import logging

from pipeline.annotate import structure_text
from pipeline.corpus.lsformat import HEADING_HINTS
from pipeline.tag.regions import HeadingsFor, headings_from_record, simple_headings

log = logging.getLogger(__name__)


def structure_for(text: str, heading_hints: list[tuple[int, int]] | None = None) -> tuple[HeadingsFor, list | None]:
    """(headings_for, tables) for a cleaned text, from the structure stage; the numbering-based
    ``simple_headings`` where that stage fails or changes the text (offsets would not line up).
    heading_hints: the markdown heading marks the cleaner removed from the text (a line 「#### …」
    is a heading to `jixiao annotate`, which cleans the file itself); without them a cleaned
    example would be read with other headings than annotate reads the same report with."""
    try:
        record = structure_text(text, heading_hints=heading_hints)
    except Exception as exc:  # a parser failure must not stop tagging: fall back, say so
        log.warning("structure_text failed (%s); using simple headings", exc)
        return simple_headings(text), None
    if record.text != text:  # offsets would not line up: use the text-only fallback
        return simple_headings(text), None
    return headings_from_record(record), record.tables


def structure_for_example(ex) -> tuple[HeadingsFor, list | None]:
    """structure_for an Example in cleaned coordinates (pipeline.tag.data.to_cleaned,
    pipeline.corpus.gold.gold_in_clean_coords): its text and the heading marks its cleaning removed."""
    return structure_for(ex.text, ex.data.get(HEADING_HINTS))
