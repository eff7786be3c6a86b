"""Degrade loudly: a report the reader had to work around is fully annotated, with a warning.

One bad UTF-8 byte, UTF-16 without a byte-order mark, stray NUL/control characters and a
missing suffix each used to switch off tagging, linking and checks. Each variant of our own
example report must now give the clean report's spans (±5 %) and say what the reader did.
"""
from __future__ import annotations

import os

import pytest

from pipeline import MODELS_DIR, PROJECT_ROOT
from pipeline.annotate import Components, annotate_path, load_components
from pipeline.clean import OffsetMap
from pipeline.read.encoding import decode_text
from pipeline.schema import validate_record

EXAMPLE = PROJECT_ROOT / "examples" / "county_education_bureau_2022.txt"
pytestmark = pytest.mark.skipif(not (MODELS_DIR / "tagger" / "config.json").exists(),
                                reason="no shipped model in models/tagger")


@pytest.fixture(scope="module")
def components() -> Components:
    os.environ["HF_HUB_OFFLINE"] = "1"
    comps = load_components()
    assert not comps.load_errors, comps.load_errors
    return comps


def _insert_at_line_starts(data: bytes, piece: bytes, every: int) -> bytes:
    lines = data.split(b"\n")
    return b"\n".join(piece + line if i % every == 3 else line for i, line in enumerate(lines))


def variants() -> dict[str, tuple[str, bytes, str]]:
    """name → (file name, bytes, words the warning must contain)."""
    clean = EXAMPLE.read_bytes()
    middle = clean.index("。".encode(), len(clean) // 2) + len("。".encode())
    return {
        "bad byte": ("bad_byte.txt", clean[:middle] + b"\xff" + clean[middle:], "invalid UTF-8"),
        "utf-16 no BOM": ("utf16.txt", clean.decode("utf-8").encode("utf-16-le"), "no byte-order mark"),
        "utf-32 no BOM": ("utf32.txt", clean.decode("utf-8").encode("utf-32-be"), "no byte-order mark"),
        "stray NULs": ("nuls.txt", _insert_at_line_starts(clean, b"\x00\x00", 7), "control character"),
        "stray controls": ("controls.txt", _insert_at_line_starts(clean, b"\x7f\x01", 9), "control character"),
        "no suffix": ("report", clean, "unknown suffix"),
    }


@pytest.fixture(scope="module")
def clean_record(components, tmp_path_factory):
    path = tmp_path_factory.mktemp("clean") / "clean.txt"
    path.write_bytes(EXAMPLE.read_bytes())
    record = annotate_path(path, components)
    assert record.errors == [] and record.warnings == [] and len(record.spans) >= 10
    return record


@pytest.mark.slow
@pytest.mark.parametrize("name", list(variants()))
def test_a_worked_around_file_is_fully_annotated_with_a_warning(name, components, clean_record, tmp_path):
    file_name, data, words = variants()[name]
    path = tmp_path / file_name
    path.write_bytes(data)
    record = annotate_path(path, components)
    assert validate_record(record.to_json_dict()) == []
    assert record.errors == [], record.errors
    assert any(w.stage == "read" and words in w.message for w in record.warnings), record.warnings
    clean_spans = {(s.label, s.text) for s in clean_record.spans}
    spans = {(s.label, s.text) for s in record.spans}
    assert abs(len(record.spans) - len(clean_record.spans)) <= 0.05 * len(clean_record.spans)
    assert len(spans & clean_spans) >= 0.95 * len(clean_spans), sorted(clean_spans - spans)
    assert record.links and record.indicators and record.meta.total_score == clean_record.meta.total_score


def test_stray_nuls_are_removed_and_offsets_still_map_to_the_source(tmp_path):
    data = _insert_at_line_starts(EXAMPLE.read_bytes(), b"\x00", 5)
    path = tmp_path / "nuls.txt"
    path.write_bytes(data)
    record = annotate_path(path, Components())   # no tagger: structure is enough here
    assert "\x00" not in record.text and record.errors == []
    source = decode_text(data).text
    offsets = OffsetMap.from_runs(record.source_map, len(record.text), len(source))
    for section in record.sections:
        start, end = offsets.span_to_source(section.title_start, section.title_end)
        assert source[start:end].replace("\x00", "") == record.text[section.title_start:section.title_end]


def test_summary_counts_warnings_apart_from_errors():
    from pipeline.annotate_cli import summarize

    records = [{"text": "x", "errors": [], "warnings": [{"stage": "read", "message": "m"}]},
               {"text": "x", "errors": [{"stage": "tag", "message": "boom"}], "warnings": []},
               {"text": "x", "errors": [{"stage": "read", "message": "warning: old style"}]}]
    stats = summarize(records)
    assert stats["with warnings"] == 2 and stats["with errors"] == 1
