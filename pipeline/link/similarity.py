"""Text similarity for short Chinese phrases: activity names, problem topics, row names.

Three views, because each misses something the others catch:
- rapidfuzz ratio: edit similarity (专题调研 ↔ 专项调研);
- containment: one phrase inside the other (视察 ↔ 视察评议), discounted by length;
- character-bigram Dice: shared words in different order (预算编制 ↔ 编制预算 partly).
Before comparing, stopwords are removed and synonym-family members are replaced
by the family's canonical word (configs/linking.yaml), so 督查 and 检查 meet.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz

from pipeline.lexicon import ENUMERATOR
from pipeline.link.config import load_linking_config

_NON_CONTENT = re.compile(r"[\s\d０-９.．,，、。；;:：!！?？“”\"'‘’《》<>()（）\[\]【】/\\\-—_=+*%％~～·…]+")
_ORDINAL = re.compile(rf"^(?:{ENUMERATOR})")  # an item's number (pipeline.lexicon)


@lru_cache(maxsize=1)
def _synonym_map() -> tuple[tuple[str, str], ...]:
    """(member, canonical) pairs, longest member first so 专项 is replaced before 专."""
    pairs = []
    for family in load_linking_config().get("synonyms", []):
        for member in family[1:]:
            pairs.append((member, family[0]))
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@lru_cache(maxsize=1)
def _stopwords() -> tuple[str, ...]:
    return tuple(sorted(load_linking_config().get("stopwords", []), key=len, reverse=True))


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Content characters only: no numbering, punctuation, digits, stopwords; synonyms canonical."""
    t = _ORDINAL.sub("", text.strip())
    t = _NON_CONTENT.sub("", t)
    for member, canonical in _synonym_map():
        t = t.replace(member, canonical)
    for word in _stopwords():
        t = t.replace(word, "")
    return t


def bigrams(text: str) -> Counter:
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def dice(a: str, b: str) -> float:
    ba, bb = bigrams(a), bigrams(b)
    total = sum(ba.values()) + sum(bb.values())
    return 2 * sum((ba & bb).values()) / total if total else 0.0


def containment(a: str, b: str) -> float:
    """1.0 for equal strings; a 2-char word inside a 4-char one scores 0.75; 0 when not contained."""
    short, long_ = sorted((a, b), key=len)
    if len(short) < 2 or short not in long_:
        return 0.0
    return 0.5 + 0.5 * len(short) / len(long_)


def phrase_similarity(a: str, b: str) -> float:
    """Similarity of two short phrases in [0, 1] after normalisation."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    return max(fuzz.ratio(na, nb) / 100.0 if min(len(na), len(nb)) >= 2 else 0.0,
               containment(na, nb), dice(na, nb))


class KeywordWeights:
    """Bigram rarity over a small collection (one document's items), for topic overlap.

    A bigram that occurs in every item (政协, 预算 in a budget report) says little
    about which item two texts share; one that occurs in two items says a lot.
    """

    def __init__(self, texts: Iterable[str]):
        docs = [set(bigrams(normalize(t))) for t in texts]
        self.n = max(len(docs), 1)
        self.df = Counter(g for d in docs for g in d)

    def weight(self, gram: str) -> float:
        return math.log(1 + self.n / (1 + self.df.get(gram, 0)))

    def overlap(self, a: str, b: str) -> float:
        """Weighted Dice of the two texts' bigram sets, in [0, 1]."""
        ga, gb = set(bigrams(normalize(a))), set(bigrams(normalize(b)))
        if not ga or not gb:
            return 0.0
        shared = sum(self.weight(g) for g in ga & gb)
        total = sum(self.weight(g) for g in ga) + sum(self.weight(g) for g in gb)
        return 2 * shared / total if total else 0.0

    def shared(self, a: str, b: str) -> list[str]:
        return sorted(set(bigrams(normalize(a))) & set(bigrams(normalize(b))))

    def coverage(self, a: str, b: str) -> float:
        """Shared weight over the smaller side's weight: a short name (人大立法经费) fully about a
        topic of a long row (坚持特色立法，…) scores by how much of the short side is shared."""
        ga, gb = set(bigrams(normalize(a))), set(bigrams(normalize(b)))
        if not ga or not gb:
            return 0.0
        shared = sum(self.weight(g) for g in ga & gb)
        return shared / min(sum(self.weight(g) for g in ga), sum(self.weight(g) for g in gb))
