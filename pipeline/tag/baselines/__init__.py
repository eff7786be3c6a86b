"""Baselines the trained tagger is measured against (same regions, same decoding of spans)."""
