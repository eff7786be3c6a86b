"""Measure sections: an untagged imperative sentence under an improvement-measures heading
is a MEASURE.

labels.md places measures in sections such as 改进措施, 有关建议, 下一步工作, and every
MEASURE of the seeds' gold opens its sentence with the action (after numbering and lead-ins
such as 建议, 我单位将). The model, trained on synthetic text, sometimes reads a whole
paragraph of a real measures section as O (「提高对预算绩效管理的认识，充分理解……」, P(O)
near 1). Under a heading whose kind is "measures" (the innermost classified heading, as the
section gate reads it), a paragraph sentence holding no span that opens with an action verb
(pipeline.lexicon.IMPERATIVE_OPENING) and does not state a shortcoming becomes a MEASURE, scored
``score``. Table cells are left to the model.
"""
from __future__ import annotations


from pipeline.tag.decode import DecodedSpan
from pipeline.lexicon import IMPERATIVE_OPENING, NEGATIVE_STATE, SENTENCE
from pipeline.tag.span_rules import LEAD_IN, snap, strip_label_lead
from pipeline.tag.lists import Overlaps
from pipeline.tag.regions import Region



def complete_measure_sections(text: str, regions: list[Region], spans: list, section_kind, make_span,
                              min_chars: int = 8, score: float = 0.5) -> list:
    """New MEASURE spans (``make_span(start, end, score)``) for untagged imperative sentences
    of paragraphs whose ``section_kind(start, end, region)`` is "measures"."""
    overlapping = Overlaps(spans)
    added = []
    for r in regions:
        if r.kind != "paragraph":
            continue
        for m in SENTENCE.finditer(text, r.start, r.end):
            a, b = snap(text, m.start(), m.end())
            a = strip_label_lead(text, DecodedSpan(a, b, "MEASURE", score)).start  # 建议, 我单位将 …
            lead = LEAD_IN.match(text, a, b)                                       # 是, 将 …
            if lead:
                a = snap(text, lead.end(), b)[0]
            if b - a < min_chars or overlapping(m.start(), m.end()):
                continue
            body = text[a:b]
            if not IMPERATIVE_OPENING.match(body) or NEGATIVE_STATE.search(body):
                continue
            if section_kind(a, b, r) == "measures":
                added.append(make_span(a, b, score))
    return added
