"""pipeline.bench: target verdicts (speed itself is measured by `make bench`, not here)."""
from pipeline.bench import TARGETS, check_targets


def test_targets_are_checked_in_both_directions():
    report = {"structure": {"chars_per_s": TARGETS["structure_chars_per_s"] - 1},
              "tagger": {"chars_per_s": TARGETS["tagger_chars_per_s"], "peak_rss_mb": TARGETS["tagger_peak_rss_mb"] + 0.5}}
    verdict = check_targets(report)
    assert verdict["structure_chars_per_s"]["met"] is False      # one char/s short
    assert verdict["tagger_chars_per_s"]["met"] is True          # exactly on target
    assert verdict["tagger_peak_rss_mb"]["met"] is False         # memory is a ceiling, not a floor


def test_unmeasured_stages_are_not_judged():
    verdict = check_targets({"structure": {"chars_per_s": 2_000_000}})
    assert set(verdict) == {"structure_chars_per_s"} and verdict["structure_chars_per_s"]["met"]

