"""Character-level tokenizer, built offline (no hub, no pretrained vocabulary).

One token per character, so a token index *is* a character offset into the
text: the tagger never needs sub-word alignment. The vocabulary is every
character the GB2312 code space decodes to (levels 1 and 2 hanzi plus the
symbol rows, which already hold full-width forms, ①-⑩ and CJK punctuation),
the printable ASCII range, the full-width forms block, a few punctuation marks
that reports use but GB2312 lacks, ``\\n``/``\\t``, and the BERT special tokens.

Why not ``BertTokenizerFast(vocab_file=...)``: under transformers 5 it silently
loads a 5-token vocabulary. A ``tokenizers`` WordLevel model with a
one-character split, wrapped in ``PreTrainedTokenizerFast``, is explicit.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from tokenizers import Regex, Tokenizer, models, pre_tokenizers, processors

if TYPE_CHECKING:   # imported where used: inference (load_vocab) needs no transformers
    from transformers import PreTrainedTokenizerFast

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD, UNK, CLS, SEP, MASK = SPECIAL_TOKENS

# Marks seen in reports that GB2312 does not encode (bullets, dashes, brackets, ≥/≤ variants …).
_EXTRAS = "•·‧—–―‐‑‒─━│┃～〜〔〕〖〗【】「」『』〈〉《》‹›«»≥≤≠≈±×÷°℃‰％№Ⅰ" \
          "ⅡⅢⅣⅤⅥⅦⅧⅨⅩ⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩▲△▼▽◆◇■□●○★☆√✓✔✕✗×…‥"


def gb2312_chars() -> list[str]:
    """Every character the GB2312 code space decodes to (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    out = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                out.append(ch)
    return out


@lru_cache(maxsize=1)
def build_vocab() -> dict[str, int]:
    """Token → id. Specials first (0-4), then control tokens, ASCII, GB2312, extras."""
    chars: list[str] = list(SPECIAL_TOKENS) + ["\n", "\t"]
    chars += [chr(c) for c in range(0x20, 0x7F)]           # printable ASCII, space included
    chars += [chr(c) for c in range(0xFF01, 0xFF5F)]       # full-width forms
    chars += ["\u3000"]                                    # ideographic space
    chars += gb2312_chars()
    chars += list(_EXTRAS)
    vocab: dict[str, int] = {}
    for ch in chars:
        if ch not in vocab:
            vocab[ch] = len(vocab)
    return vocab


def build_tokenizer() -> "PreTrainedTokenizerFast":
    """The wrapped fast tokenizer: isolates every character, WordLevel lookup, [UNK] otherwise."""
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel(build_vocab(), unk_token=UNK))
    # [\s\S] matches any character including newlines: one pre-token per character.
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    vocab = build_vocab()
    tok.post_processor = processors.TemplateProcessing(
        single=f"{CLS} $A {SEP}", pair=f"{CLS} $A:0 {SEP}:0 $B:1 {SEP}:1",
        special_tokens=[(CLS, vocab[CLS]), (SEP, vocab[SEP])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token=UNK, pad_token=PAD, cls_token=CLS,
        sep_token=SEP, mask_token=MASK, model_max_length=512,
    )


def load_tokenizer(path: Path | str) -> "PreTrainedTokenizerFast":
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast.from_pretrained(str(path), local_files_only=True)


class SavedVocab:
    """The vocabulary of a saved tokenizer (its tokenizer.json, added tokens included), read with
    the ``tokenizers`` library alone: all ``CharEncoder`` needs, without importing transformers
    (inference). The same ids as ``load_tokenizer(path).get_vocab()`` (tests/tag/test_tokenizer.py)."""

    def __init__(self, path: Path | str):
        self._tokenizer = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))

    def get_vocab(self) -> dict[str, int]:
        return self._tokenizer.get_vocab(with_added_tokens=True)


class CharEncoder:
    """Fast path used by training and inference: one id per character, by dictionary lookup.

    Equivalent to the wrapped tokenizer without special tokens (tests check this);
    it avoids building Encoding objects for every window.
    """

    def __init__(self, tokenizer: "PreTrainedTokenizerFast | SavedVocab"):
        self.vocab: dict[str, int] = dict(tokenizer.get_vocab())
        self.unk_id = self.vocab[UNK]
        self.pad_id = self.vocab[PAD]
        self.cls_id = self.vocab[CLS]
        self.sep_id = self.vocab[SEP]
        self.size = len(self.vocab)

    def encode(self, text: str) -> list[int]:
        get, unk = self.vocab.get, self.unk_id
        return [get(ch, unk) for ch in text]


def unk_rate(text: str, tokenizer: PreTrainedTokenizerFast | None = None,
             ignore_whitespace: bool = True) -> float:
    """Share of characters that map to [UNK] (spaces and line breaks are not counted when asked)."""
    vocab = (tokenizer or build_tokenizer()).get_vocab()
    chars = [c for c in text if not (ignore_whitespace and c.isspace())]
    if not chars:
        return 0.0
    return sum(1 for c in chars if c not in vocab) / len(chars)


def unknown_chars(text: str, tokenizer: PreTrainedTokenizerFast | None = None) -> dict[str, int]:
    """The characters outside the vocabulary, with counts (for the model card)."""
    vocab = (tokenizer or build_tokenizer()).get_vocab()
    out: dict[str, int] = {}
    for c in text:
        if c not in vocab and not c.isspace():
            out[c] = out.get(c, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
