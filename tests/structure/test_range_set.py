"""RangeSet answers in_ranges as the plain scan does, for any ranges (overlapping, empty, unsorted)."""
import random

from pipeline.structure.amounts import RangeSet, in_ranges


def test_range_set_answers_like_the_scan():
    rng = random.Random(7)
    for _ in range(300):
        ranges = [(a, a + rng.randint(-3, 12)) for a in (rng.randint(0, 80) for _ in range(rng.randint(0, 8)))]
        fast = RangeSet(ranges)
        for pos in range(-2, 100):
            assert in_ranges(pos, fast) == in_ranges(pos, ranges), (ranges, pos)
        assert RangeSet(fast)._starts == fast._starts and list(RangeSet(fast)) == list(fast)
