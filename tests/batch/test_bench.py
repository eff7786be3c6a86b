"""The batch bench's inputs (pipeline.batch.bench); the bench itself runs in `make bench`."""
from __future__ import annotations

from pipeline.batch.bench import big_report
from pipeline.batch.worker import Settings


def test_big_report_never_exceeds_its_size_so_the_default_size_gate_accepts_it():
    for mb in (0.05, 0.2):
        size = len(big_report(mb).encode("utf-8"))
        assert 0.5 * mb * 2**20 < size <= mb * 2**20
    # the 20 MiB report of the sizes bench fits annotate's default --max-mb (MiB)
    assert Settings().max_mb * 2**20 >= 20 * 2**20
