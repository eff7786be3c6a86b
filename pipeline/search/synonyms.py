"""The genre's equivalent wordings (configs/search/synonyms.yaml), for query expansion.

``variants(word)``: the word with each group member it contains replaced by the group's other
members (资金支付进度 → 资金拨付进度, 资金支出进度, …). Members are found leftmost-longest and
without overlap, so 三公经费 is not also read as 三公 + 经费. A word that contains no member has
no variants. Queries only: the index holds the text as written.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from pipeline import CONFIG_DIR

SYNONYMS = CONFIG_DIR / "search" / "synonyms.yaml"


@lru_cache(maxsize=4)
def load_groups(path: Path = SYNONYMS) -> tuple[tuple[str, ...], ...]:
    path = Path(path)
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups = []
    for n, group in enumerate(data.get("groups") or [], 1):
        members = tuple(dict.fromkeys(str(m).strip() for m in group if str(m).strip()))
        if len(members) < 2:
            raise ValueError(f"{path}: group {n} needs two or more members, has {list(members)}")
        groups.append(members)
    return tuple(groups)


@lru_cache(maxsize=4)
def _index(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """{first character: ((member, the others of its groups), …) longest member first}."""
    others: dict[str, list[str]] = {}
    for g in groups:
        for m in g:
            mine = others.setdefault(m, [])
            mine += [x for x in g if x != m and x not in mine]
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for m, o in sorted(others.items(), key=lambda mo: (-len(mo[0]), mo[0])):
        by_first.setdefault(m[0], []).append((m, tuple(o)))
    return {c: tuple(ms) for c, ms in by_first.items()}


@lru_cache(maxsize=4096)
def _variants(word: str, groups: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    members = _index(groups)
    out: list[str] = []
    at = 0
    while at < len(word):
        hit = next(((m, o) for m, o in members.get(word[at], ()) if word.startswith(m, at)), None)
        if hit is None:
            at += 1
            continue
        m, others = hit
        out += [word[:at] + x + word[at + len(m):] for x in others]
        at += len(m)
    return tuple(v for v in dict.fromkeys(out) if v != word)


def variants(word: str, groups: tuple[tuple[str, ...], ...] | None = None) -> list[str]:
    """Other wordings of word (each replacing one member it contains), without word itself.
    Members are matched leftmost-longest, without overlap."""
    return list(_variants(word, load_groups() if groups is None else groups))
