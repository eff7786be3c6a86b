import math

import pytest

from pipeline import SHARED_DIR
from pipeline.search.relevance import load_queries, ndcg, reciprocal_rank, top3_success

DEVSET_DOCS = SHARED_DIR / "devset" / "docs"


def test_reciprocal_rank():
    assert reciprocal_rank(["x", "a"], {"a": 2}) == 0.5
    assert reciprocal_rank(["x"] * 10 + ["a"], {"a": 1}) == 0.0


def test_ndcg_perfect_and_swapped():
    rel = {"a": 2, "b": 1}
    assert ndcg(["a", "b", "c"], rel) == pytest.approx(1.0)
    swapped = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ndcg(["b", "a"], rel) == pytest.approx(swapped)
    assert ndcg(["c"], rel) == 0.0


def test_top3_success():
    assert top3_success(["a", "b", "x"], {"a": 2, "b": 1})
    assert not top3_success(["a", "x", "y", "b"], {"a": 2, "b": 1})
    many = {k: 1 for k in "abcde"}
    assert top3_success(["e", "a", "c", "x"], many) and not top3_success(["e", "x", "a"], many)


def test_judged_query_set_covers_what_the_issue_asks():
    queries = load_queries()
    assert len(queries) >= 40
    lengths = {len(q["q"].replace(" ", "")) for q in queries}
    assert {2, 3} <= lengths and max(lengths) >= 4
    assert any(q.get("label") for q in queries) and any(q.get("year") for q in queries)
    assert all(q["relevant"] and all(g in (1, 2) for g in q["relevant"].values()) for q in queries)


@pytest.mark.slow
def test_bigram_analyzer_on_annotated_examples_and_devset(tmp_path):
    """The measurement of the README, end to end: annotate with the shipped model, then judge."""
    if not DEVSET_DOCS.is_dir():
        pytest.skip("../shared/devset not present: the judged queries are over its records")
    from typer.testing import CliRunner

    from pipeline import PROJECT_ROOT
    from pipeline.cli import app
    from pipeline.search.relevance import evaluate

    runner = CliRunner()
    for src, out in ((PROJECT_ROOT / "examples", tmp_path / "ex"), (DEVSET_DOCS, tmp_path / "dev")):
        assert runner.invoke(app, ["annotate", str(src), "--out", str(out)]).exit_code == 0
    report = evaluate([tmp_path / "ex", tmp_path / "dev"], load_queries(), ["bigram"])
    assert report["analyzers"]["bigram"]["mrr@10"] >= 0.9
