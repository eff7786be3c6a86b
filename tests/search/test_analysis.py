from pipeline.search.analysis import as_field, cjk_bigrams, cjk_chars, fields_of, jieba_words, terms

import pytest


def test_bigrams_overlap_within_cjk_runs_only():
    assert cjk_bigrams("预算编制，执行") == ["预算", "算编", "编制", "执行"]


def test_lone_cjk_character_and_latin_words():
    assert cjk_bigrams("桥 GDP增长9.5%") == ["桥", "gdp", "增长", "9.5"]


def test_chars_are_single_characters():
    assert cjk_chars("北塘县") == ["北", "塘", "县"]


def test_jieba_search_mode_keeps_two_character_words_inside_longer_ones():
    words = jieba_words("禁毒宣传活动")
    assert "禁毒" in words and "宣传" in words


def test_field_text_is_space_separated_terms():
    assert as_field("危桥改造", "bigram") == "危桥 桥改 改造"


def test_both_means_two_fields_and_unknown_is_refused():
    assert fields_of("both") == ["bigram", "jieba"]
    with pytest.raises(ValueError, match="unknown analyzer"):
        fields_of("whitespace")


def test_empty_text():
    assert terms("", "bigram") == [] and terms(None, "jieba") == []


@pytest.mark.parametrize("analyzer", ["bigram", "jieba", "chars"])
def test_full_width_digits_and_letters_are_the_same_terms_as_narrow_ones(analyzer):
    # a record keeps the digits a report printed full-width; a query typed narrow still finds them
    assert terms("印发宣传手册５１７册，执行率９８．５％，ＧＤＰ", analyzer) == terms("印发宣传手册517册，执行率98.5%，GDP", analyzer)
