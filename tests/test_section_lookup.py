"""SectionLookup answers as Record.section_at / heading_path do, for any sections."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.record import Record, Section, SectionLookup, Source


@st.composite
def records(draw):
    sections = []
    for i in range(draw(st.integers(0, 12))):
        start = draw(st.integers(0, 60))
        end = draw(st.integers(start, 70))
        parent = draw(st.sampled_from([None] + [s.id for s in sections])) if sections else None
        sections.append(Section(id=f"s{i}", title=f"t{i}", level=draw(st.integers(1, 4)), kind="other",
                                start=start, end=end, parent=parent))
    return Record(doc_id="x", source=Source(path="x", format="txt"), text="x" * 70, sections=sections)


@settings(max_examples=300, deadline=None)
@given(records())
def test_lookup_matches_the_record_methods(record):
    lookup = SectionLookup(record.sections)
    for offset in range(-1, 72):
        assert lookup.at(offset) is record.section_at(offset) or lookup.at(offset) == record.section_at(offset)
        assert [s.id for s in lookup.path(offset)] == [s.id for s in record.heading_path(offset)]
