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


# The relations compare each item with its neighbours' items (pipeline.link.bounds), so the same
# phrase comes back for hundreds of pairs in a row: its bigrams are counted once. Cached values
# are never changed in place. The caches are bounded: a worker keeps them across documents.
CACHE_SIZE = 8192


@lru_cache(maxsize=CACHE_SIZE)
def _bigram_counts(text: str) -> tuple[Counter, int]:
    counts = bigrams(text)
    return counts, sum(counts.values())


def dice(a: str, b: str) -> float:
    (ba, na), (bb, nb) = _bigram_counts(a), _bigram_counts(b)
    total = na + nb
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
        # counted text by text: a giant report's bigram sets are never all held at once
        self.df: Counter = Counter()
        n = 0
        for t in texts:
            self.df.update(set(bigrams(normalize(t))))
            n += 1
        self.n = max(n, 1)
        # a text's bigram set and its summed weight, computed once per text (see CACHE_SIZE)
        self._grams = lru_cache(maxsize=CACHE_SIZE)(self._weighted_grams)

    def weight(self, gram: str) -> float:
        return math.log(1 + self.n / (1 + self.df.get(gram, 0)))

    def _weighted_grams(self, text: str) -> tuple[set[str], float]:
        grams = set(bigrams(normalize(text)))
        return grams, sum(self.weight(g) for g in grams)

    def overlap(self, a: str, b: str) -> float:
        """Weighted Dice of the two texts' bigram sets, in [0, 1]."""
        (ga, wa), (gb, wb) = self._grams(a), self._grams(b)
        if not ga or not gb:
            return 0.0
        shared = sum(self.weight(g) for g in ga & gb)
        total = wa + wb
        return 2 * shared / total if total else 0.0

    def shared(self, a: str, b: str) -> list[str]:
        return sorted(self._grams(a)[0] & self._grams(b)[0])

    def coverage(self, a: str, b: str) -> float:
        """Shared weight over the smaller side's weight: a short name (人大立法经费) fully about a
        topic of a long row (坚持特色立法，…) scores by how much of the short side is shared."""
        (ga, wa), (gb, wb) = self._grams(a), self._grams(b)
        if not ga or not gb:
            return 0.0
        shared = sum(self.weight(g) for g in ga & gb)
        return shared / min(wa, wb)
