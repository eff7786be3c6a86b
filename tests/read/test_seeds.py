"""The real seed reports (read at run time from ../shared/seeds, never copied) read as UTF-8 text,
and survive re-encoding into the other encodings the reader detects."""
from __future__ import annotations

import pytest

from pipeline import SEEDS_DIR
from pipeline.read import read_bytes, read_path


def _seeds():
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared/seeds not present")
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    assert seeds, f"no .txt seeds in {SEEDS_DIR}"
    return seeds


def test_seeds_read_unchanged():
    for path in _seeds():
        result = read_path(path)
        assert result.text == path.read_bytes().decode("utf-8")
        assert (result.format, result.encoding, result.warnings) == ("txt", "utf-8", [])


@pytest.mark.parametrize("codec, expected", [("gb18030", "gb18030"), ("utf-16-le", "utf-16-le"),
                                             ("utf-16-be", "utf-16-be"), ("utf-8-sig", "utf-8-sig")])
def test_seeds_reencoded_are_detected(codec, expected):
    for path in _seeds():
        text = path.read_text(encoding="utf-8")
        result = read_bytes(text.encode(codec), ".txt")
        assert (result.text, result.encoding) == (text, expected), path.name
