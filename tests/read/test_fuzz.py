"""Property: whatever the bytes, read_bytes returns a well-formed ReadResult or raises ReadError."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.read import SUFFIX_FORMATS, ReadError, ReadLimits, read_bytes

SUFFIXES = sorted(SUFFIX_FORMATS) + [".doc", ".dat", ""]
# Small limits keep each example cheap; the code paths are the same as with the defaults.
LIMITS = ReadLimits(max_bytes=256 * 1024, max_unzipped_bytes=4 * 1024 * 1024)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


def _read_or_refuse(data: bytes, suffix: str, well_formed) -> None:
    try:
        result = read_bytes(data, suffix, LIMITS)
    except ReadError as error:
        assert error.message and error.message == str(error)
        return
    well_formed(result)
    assert result.text.strip() and result.n_bytes == len(data)


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes(data, suffix, well_formed):
    _read_or_refuse(data, suffix, well_formed)


# Random bytes die at the first header check; damaged real files go deeper into each parser.
@FUZZ
@given(cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8),
       kind=st.sampled_from(["docx_bytes", "pdf_bytes"]))
def test_damaged_documents(request, cut, flips, kind, well_formed):
    data = bytearray(request.getfixturevalue(kind))
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    data = bytes(data[: max(1, int(cut * len(data)))] if cut < 0.999 else data)
    _read_or_refuse(data, ".docx" if kind == "docx_bytes" else ".pdf", well_formed)


# Printable text (no C0/C1 controls, no lone surrogates), not blank, not starting with U+FEFF.
DOCUMENT_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.just("\n"), min_size=1,
                        max_size=300).filter(lambda t: t.strip() and not t.startswith("\ufeff"))


@FUZZ
@given(text=DOCUMENT_TEXT, encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_utf8_and_bom_utf16_text_round_trips_exactly(text, encoding):
    # UTF-8 is tried before any guess, and a BOM decides outright: no ambiguity is possible.
    result = read_bytes(text.encode(encoding), ".txt", LIMITS)
    assert result.text == text
    assert result.encoding == ("utf-8" if encoding == "utf-8" else "utf-16-le")
