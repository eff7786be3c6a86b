"""The development set and the seeds are read at run time, never copied into the project
(../shared/devset/README.md: no sentence, name or number of it in rules, the generator, fixtures
or tests). A copied example shows as a phrase with the document's own figure: four or more
hanzi followed by a number that is not a year or a small round one (「辖区面积12.7」,
「全年预算数为47,903」), or two hanzi before a grouped number or a decimal that is not round
(「来电24.65」). Such a pair in a tracked file is a copy, not a coincidence."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pipeline import SEEDS_DIR, SHARED_DIR

REPO = Path(__file__).resolve().parents[1]
DEVSET_DOCS = SHARED_DIR / "devset" / "docs"
# a decimal, a thousands-grouped number or three or more digits; years (19xx, 20xx) are generic
_FIGURE = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|(?!(?:19|20)\d\d(?!\d))\d{3,})"
PHRASE_WITH_FIGURE = re.compile(r"[\u4e00-\u9fff]{4,}" + _FIGURE)
# and, closer in: the last two hanzi before a figure of a document's own (a grouped number, or
# decimals that are not all zero: 650.00 is a round sum any text may hold)
WORD_WITH_FIGURE = re.compile(r"[\u4e00-\u9fff]{2}(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.(?!0+(?!\d))\d{2,})")
TEXT_SUFFIXES = (".py", ".yaml", ".yml", ".md", ".txt", ".csv", ".html", ".json", ".toml", ".cfg")


def _phrases(text: str) -> set[str]:
    return set(PHRASE_WITH_FIGURE.findall(text)) | set(WORD_WITH_FIGURE.findall(text))


def _tracked_text_files() -> list[Path]:
    try:
        names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    # models/ holds measured reports that name documents, not their text
    return [REPO / n for n in names if n.endswith(TEXT_SUFFIXES) and not n.startswith("models/")
            and (REPO / n).is_file() and (REPO / n).stat().st_size < 5_000_000]


def test_the_pattern_finds_a_copied_figure_and_passes_generic_ones():
    assert PHRASE_WITH_FIGURE.findall("，辖区面积12.7平方公里") == ["辖区面积12.7"]
    assert PHRASE_WITH_FIGURE.findall("全年预算数为47,903,266.15元") == ["全年预算数为47,903,266.15"]
    assert PHRASE_WITH_FIGURE.findall("关于开展2022年度自评") == []   # a year
    assert PHRASE_WITH_FIGURE.findall("自评得分90分以上为优") == []     # a round threshold
    assert WORD_WITH_FIGURE.findall("接听来电24.65万个，预算650.00万元") == ["来电24.65"]


@pytest.mark.parametrize("name,folder", [("devset", DEVSET_DOCS), ("seeds", SEEDS_DIR)])
def test_no_tracked_file_holds_a_phrase_and_figure_of_the_shared_documents(name, folder):
    docs = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not docs:
        pytest.skip(f"../shared/{name} not present: nothing to compare with")
    shared = set().union(*(_phrases(p.read_text(encoding="utf-8", errors="replace")) for p in docs))
    copies = {str(p.relative_to(REPO)): sorted(_phrases(p.read_text(encoding="utf-8", errors="replace")) & shared)
              for p in _tracked_text_files()}
    copies = {k: v for k, v in copies.items() if v}
    assert not copies, f"text of ../shared/{name} copied into the project: {copies}"
