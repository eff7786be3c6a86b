"""The development set's gold spans (``../shared/devset/gold/STEM.ls.json``) and its scorer's
span matching (``score.py``): exact is the same label and the same text once whitespace is
dropped and a full-width comma or colon read as its ASCII twin; overlap is at least half of the
longer span's characters in common. Read by the calibration (which spans are right) and by the
rule ablation (which rules make the spans the raw model misses)."""
from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from pathlib import Path


def scorer_text(s: str) -> str:
    """A span's text as score.py compares it."""
    return re.sub(r"\s+", "", s or "").replace("，", ",").replace("：", ":")


def overlaps(a: str, b: str) -> bool:
    """score.py's overlap rule on two texts already passed through scorer_text."""
    if not a or not b:
        return False
    common = sum(m.size for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return common >= 0.5 * max(len(a), len(b))


def gold_spans(devset: Path, stem: str) -> list[tuple[str, str]]:
    """(label, scorer_text) of each gold span of one document; [] when it has no span gold."""
    path = devset / "gold" / f"{stem}.ls.json"
    if not path.exists():
        return []
    task = json.loads(path.read_text(encoding="utf-8"))[0]
    return [(r["value"]["labels"][0], scorer_text(r["value"]["text"]))
            for r in task["annotations"][0]["result"] if r.get("type") == "labels"]
