"""pipeline/segment.py: jieba word positions, one per character, on text written for this test."""
from pipeline.segment import BOUNDARY_TAGS, word_boundaries


def test_every_character_gets_its_position_in_its_word():
    text = "全年开展安全检查12次。\nABC 2023年"
    tags = [BOUNDARY_TAGS[b - 1] for b in word_boundaries(text)]
    assert len(tags) == len(text)
    # words open with B and close with E; single characters are S
    for prev, cur in zip(tags, tags[1:]):
        assert not (prev in "BM" and cur in "BS"), (prev, cur)
        assert not (prev in "ES" and cur in "ME"), (prev, cur)
    assert tags[text.index("。")] == "S" and tags[text.index("\n")] == "S"
    assert tags[text.index("安")] == "B"


def test_word_edges_mark_where_words_start_and_end():
    from pipeline.segment import word_edges
    text = "开展检查12次"
    starts, ends = word_edges(text)
    assert len(starts) == len(ends) == len(text)
    assert starts[0] and not starts[1] and ends[1]          # 开展 is one word
    assert starts.sum() == ends.sum()                        # every word that opens closes


def test_a_quoted_or_titled_name_is_one_word():
    from pipeline.segment import word_edges
    text = "修订《财务管理办法》等制度5项，开展“双随机”抽查"
    starts, ends = word_edges(text)
    o, c = text.index("《"), text.index("》")
    assert starts[o] and not starts[o + 1:c + 1].any()
    assert ends[c] and not ends[o:c].any()
    q = text.index("“")
    assert not starts[q + 1] and starts[q]
