import pytest

from pipeline import SEEDS_DIR
from pipeline.tag.tokenizer import (CLS, SEP, SPECIAL_TOKENS, UNK, CharEncoder, build_tokenizer, gb2312_chars,
                                    load_tokenizer, unk_rate)


@pytest.fixture(scope="module")
def tok():
    return build_tokenizer()


def test_vocabulary_covers_gb2312_and_specials(tok):
    vocab = tok.get_vocab()
    chars = gb2312_chars()
    assert len(chars) > 7400  # 6763 hanzi + symbol rows
    assert all(c in vocab for c in chars)
    assert [vocab[s] for s in SPECIAL_TOKENS] == [0, 1, 2, 3, 4]
    for c in "\n\t 绩效预算①（）％ＡA≥":
        assert c in vocab, c


def test_every_character_is_one_token_with_its_own_offset(tok):
    text = "一、预算执行率 98.2%\n\t（1）完成调研26项；😀罕"
    enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
    assert len(enc["input_ids"]) == len(text)
    assert enc["offset_mapping"] == [(i, i + 1) for i in range(len(text))]
    assert enc["input_ids"][text.index("😀")] == tok.convert_tokens_to_ids(UNK)


def test_pair_encoding_has_context_segment(tok):
    enc = tok("存在问题", "资金拨付慢", return_token_type_ids=True)
    ids = enc["input_ids"]
    assert ids[0] == tok.convert_tokens_to_ids(CLS) and ids[5] == tok.convert_tokens_to_ids(SEP)
    assert enc["token_type_ids"] == [0] * 6 + [1] * 6


def test_char_encoder_agrees_with_tokenizer(tok):
    text = "全年举办培训班12期，服务１２００人次。\n\t罕见字𠀀"
    assert CharEncoder(tok).encode(text) == tok(text, add_special_tokens=False)["input_ids"]


def test_save_load_round_trip(tok, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tok.save_pretrained(tmp_path)
    again = load_tokenizer(tmp_path)
    text = "改进措施：加强预算管理。"
    assert again(text)["input_ids"] == tok(text)["input_ids"]
    assert len(again) == len(tok)


def test_unk_rate(tok):
    assert unk_rate("预算管理", tok) == 0.0
    assert unk_rate("预算😀", tok) == pytest.approx(1 / 3)


def test_unk_rate_on_seeds_is_low(tok):
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared/seeds not present")
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt")))
    assert unk_rate(text, tok) < 0.005
