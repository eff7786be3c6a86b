"""Synthetic labelled self-evaluation reports for training the tagger (`jixiao synth`).

generator: one document per seed string, Label Studio task + true facts;
layouts/render: the nine document layouts and their shared writers;
compose: labelled statements and plain narrative from the phrase banks
(units.yaml, phrases.yaml); facts: consistent budgets, indicators and scores,
planted inconsistencies; noise: reader noise; stats: variety statistics.
"""
