import random

from pipeline.record import Record
from pipeline.search.bench import percentile, run, synthetic_record


def test_synthetic_records_are_valid_records_with_their_spans():
    rec = Record.model_validate(synthetic_record(3, 20, random.Random(1)))
    assert len(rec.spans) == 20
    assert all(rec.text[s.start:s.end] == s.text for s in rec.spans)


def test_percentile():
    xs = list(range(1, 101))
    assert percentile(xs, 50) == 50 and percentile(xs, 95) == 95 and percentile([7.0], 95) == 7.0


def test_small_run_reports_what_it_indexed(tmp_path):
    r = run(n_records=30, n_spans=10, analyzer="bigram", n_queries=20, workdir=tmp_path)
    assert r["records"] == 30 and r["errors"] == 0
    assert r["index_entries"] == {"doc": 30, "span": 300}
    assert r["queries"] == 20 and r["hits_returned"] > 0 and r["index_mb"] > 0
