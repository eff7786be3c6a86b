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


# what the predictions of a gold span's label got wrong about it, in the order edge_class tries them
EDGE_CLASSES = ("exact", "starts late", "starts early", "ends early", "ends late", "inside", "around", "missed")


def edge_class(gold: str, predicted: list[str]) -> str:
    """What the predictions of a gold span's label (texts as scorer_text gives them) got wrong about
    it, by text: the span itself; one that ends where it does but starts after or before it; one
    that starts where it does but ends before or after it; one inside it or around it (both edges
    off); or none of these ("missed": no prediction, or only one that shares a part of it). A
    diagnostic, not the scorer: one prediction may answer for two gold spans of the same text."""
    if gold in predicted:
        return "exact"
    for name, test in (("starts late", lambda p: gold.endswith(p)), ("starts early", lambda p: p.endswith(gold)),
                       ("ends early", lambda p: gold.startswith(p)), ("ends late", lambda p: p.startswith(gold)),
                       ("inside", lambda p: p in gold), ("around", lambda p: gold in p)):
        if any(p and test(p) for p in predicted):
            return name
    return "missed"


def edge_errors(gold: dict[str, list[tuple[str, str]]], predicted: dict[str, list[tuple[str, str]]]
                ) -> dict[str, dict[str, int]]:
    """label → {edge class: gold spans} over documents (stem → (label, scorer_text) pairs): where the
    spans a tagger gets wrong are wrong, so that a change aimed at one edge can be read there."""
    out: dict[str, dict[str, int]] = {}
    for stem, spans in gold.items():
        for label, text in spans:
            same = [t for lab, t in predicted.get(stem, []) if lab == label]
            row = out.setdefault(label, dict.fromkeys(EDGE_CLASSES, 0))
            row[edge_class(text, same)] += 1
    return out
