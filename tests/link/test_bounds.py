from pipeline.link.bounds import Candidates


def test_all_candidates_while_the_pairs_are_few_else_the_nearest_on_each_side():
    items = ["c", "a", "b", "d", "e"]
    starts = [30, 10, 20, 40, 50]
    few = Candidates(items, starts, n_queries=2, max_pairs=10)
    assert few(35) == items                      # unchanged order: the same answers as before
    many = Candidates(items, starts, n_queries=3, max_pairs=10, nearest=1)
    assert many(35) == ["c", "d"]
    assert many(0) == ["a"] and many(99) == ["e"]
