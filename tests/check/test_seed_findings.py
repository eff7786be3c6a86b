"""The seeds' two inconsistencies are found, and nothing else is raised on the seeds.

Stand-off: the seed file names and the printed values of the two inconsistencies (a 其中
listing of eight parts that falls short of its 项目支出, and a score that breaks the form's
printed 20分×执行率 formula); the text is read from ../shared/seeds at run time.
"""
from __future__ import annotations

from pipeline.check import Checker
from pipeline.link import Linker

EXPECTED = {"000_d4935184fc3862c2.txt": [("sum_mismatch", 353.5, "complete_breakdown")],
            "001_f9e24b23aa127c35.txt": [("score_mismatch", 18.0, "printed_formula")]}


def test_seed_inconsistencies_are_found_and_nothing_else(structured_seeds):
    for name, record in structured_seeds.items():
        record = record.model_copy(deep=True)
        Linker()(record)
        got = [(f.kind, f.stated, f.relation) for f in Checker().predict(record)]
        assert got == EXPECTED.get(name, []), name
