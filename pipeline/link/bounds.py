"""Bounded pairing for giant inputs. A relation scored over all pairs of two span kinds costs
their product; in a real report that is at most thousands of pairs, in a 20 MB concatenation
millions. Past MAX_ALL_PAIRS pairs, each item is scored only against the NEAREST candidates on
each side of it in the text, so the cost stays linear; below it (every ordinary report) all
pairs are scored, as before."""
from __future__ import annotations

from bisect import bisect_left
from typing import Sequence, TypeVar

T = TypeVar("T")

MAX_ALL_PAIRS = 50_000
NEAREST = 128


class Candidates:
    """``candidates(at)``: every candidate while the pairs are few, else the nearest ones to offset ``at``."""

    def __init__(self, items: Sequence[T], starts: Sequence[int], n_queries: int,
                 max_pairs: int | None = None, nearest: int | None = None):
        order = sorted(range(len(items)), key=lambda k: starts[k])
        self.items = list(items)
        self.sorted_items = [items[k] for k in order]
        self.sorted_starts = [starts[k] for k in order]
        self.all_pairs = len(items) * n_queries <= (MAX_ALL_PAIRS if max_pairs is None else max_pairs)
        self.nearest = NEAREST if nearest is None else nearest

    def __call__(self, at: int) -> list:
        if self.all_pairs:
            return self.items
        k = bisect_left(self.sorted_starts, at)
        return self.sorted_items[max(0, k - self.nearest):k + self.nearest]
