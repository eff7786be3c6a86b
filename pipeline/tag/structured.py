"""Headings and tables for a bare cleaned text, from the structure stage.

For code that starts from text rather than from a record: training data, the baselines,
evaluation on gold examples and the benchmarks. The tagger itself reads the structured record
(``Tagger.predict``) and never imports this module, so the structure stage and the tagger
stay one-way: pipeline.annotate → pipeline.tag.tagger, never back.
"""
from __future__ import annotations

import logging

from pipeline.annotate import structure_text
from pipeline.tag.regions import HeadingsFor, headings_from_record, simple_headings

log = logging.getLogger(__name__)


def structure_for(text: str) -> tuple[HeadingsFor, list | None]:
    """(headings_for, tables) for a cleaned text, from the structure stage; the numbering-based
    ``simple_headings`` where that stage fails or changes the text (offsets would not line up)."""
    try:
        record = structure_text(text)
    except Exception as exc:  # a parser failure must not stop tagging: fall back, say so
        log.warning("structure_text failed (%s); using simple headings", exc)
        return simple_headings(text), None
    if record.text != text:  # offsets would not line up: use the text-only fallback
        return simple_headings(text), None
    return headings_from_record(record), record.tables
