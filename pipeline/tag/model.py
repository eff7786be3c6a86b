"""The tagger network and how text is cut into its input windows.

A small BERT-style encoder (``BertForTokenClassification`` built from a
``BertConfig``, randomly initialised: no pretrained weights, no hub) over
characters. Every input is ``[CLS] context [SEP] window [SEP]``: the context
segment (token type 0) is the region's heading path, the window (token type 1)
is up to ``window_chars`` characters of the region. Long regions are covered
by overlapping windows ``stride`` characters apart; each character keeps the
prediction of the window in which it is most central (most context both sides).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np
import yaml

if TYPE_CHECKING:
    from transformers import BertForTokenClassification

from pipeline.labels import load_labels
from pipeline.segment import BOUNDARY_TAGS
from pipeline.tag.regions import CONTEXT_KINDS, HeadingsFor, Region, context_kind


@dataclass
class ModelArguments:
    """Network sizes and windowing (the ``model:`` block of configs/tagger*.yaml)."""
    hidden_size: int = 256
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    intermediate_size: int = 1024
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    window_chars: int = 256
    stride: int = 192
    max_context_chars: int = 40
    min_cell_hanzi: int = 15
    # "jieba": each window character's token type also says where it sits in its jieba word
    # (B/M/E/S, pipeline.segment); "none": the characters alone
    word_boundaries: str = "none"
    # a table cell's context also names its column (预期目标, 实际完成情况) where a header row
    # aligns: a form's planned-goal cell and its actual-result cell often share the row label
    column_context: bool = False
    # the context segment's token type names the region's section kind as the structure stage's
    # lexicon reads it (pipeline.tag.regions.context_kind): the section gate's reading, learned
    context_kind: bool = False

    @property
    def type_vocab_size(self) -> int:
        # 0: the context segment; 1: the window (and its closing [SEP]); 2-5: window characters by
        # their word position, when word boundaries are on; then the context segment by its
        # section kind, when context_kind is on
        return self._kind_base + (len(CONTEXT_KINDS) if self.context_kind else 0)

    @property
    def _kind_base(self) -> int:
        return 2 + (len(BOUNDARY_TAGS) if self.word_boundaries == "jieba" else 0)

    def context_type(self, kind: str) -> int:
        """The token type of a region's context segment: 0, or its section kind's when context_kind
        is on ("other" is 0 either way)."""
        if not self.context_kind or kind not in CONTEXT_KINDS:
            return 0
        return self._kind_base + CONTEXT_KINDS.index(kind)

    def region_context_type(self, region: Region, headings_for: HeadingsFor | None) -> int:
        """context_type of a region's section kind; the kind is read only when the model uses it
        (every region of every document asks, at inference too)."""
        return self.context_type(context_kind(region, headings_for)) if self.context_kind else 0

    @property
    def max_positions(self) -> int:
        return self.window_chars + self.max_context_chars + 3

    @classmethod
    def from_dict(cls, d: dict | None) -> "ModelArguments":
        names = {f.name for f in fields(cls)}
        unknown = set(d or {}) - names
        if unknown:
            raise ValueError(f"unknown model settings: {sorted(unknown)}")
        args = cls(**(d or {}))
        if args.word_boundaries not in ("none", "jieba"):
            raise ValueError(f"word_boundaries: 'none' or 'jieba', not {args.word_boundaries!r}")
        return args


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def tag_list() -> list[str]:
    return load_labels().tags()


def build_model(args: ModelArguments, vocab_size: int, tags: list[str] | None = None,
                pad_id: int = 0) -> "BertForTokenClassification":
    # transformers only here (training): inference runs the saved model without it (pipeline.tag.bert)
    from transformers import BertConfig, BertForTokenClassification

    tags = tags or tag_list()
    config = BertConfig(
        vocab_size=vocab_size, hidden_size=args.hidden_size, num_hidden_layers=args.num_hidden_layers,
        num_attention_heads=args.num_attention_heads, intermediate_size=args.intermediate_size,
        hidden_dropout_prob=args.hidden_dropout_prob,
        attention_probs_dropout_prob=args.attention_probs_dropout_prob,
        max_position_embeddings=args.max_positions, type_vocab_size=args.type_vocab_size, pad_token_id=pad_id,
        id2label=dict(enumerate(tags)), label2id={t: i for i, t in enumerate(tags)},
    )
    config.jixiao = asdict(args)  # windowing settings travel with the saved config
    return BertForTokenClassification(config)


def window_starts(length: int, window: int, stride: int) -> list[int]:
    """Start offsets of windows covering [0, length): every stride, the last one flush with the end."""
    if length <= window:
        return [0]
    starts = list(range(0, length - window, stride))
    starts.append(length - window)
    return starts


@dataclass
class WindowInput:
    region: int          # index of the region in the caller's list
    offset: int          # window start within the region
    length: int          # characters of the region in this window
    input_ids: list[int]
    token_type_ids: list[int]
    first: int           # index of the window's first character token in input_ids


def text_boundaries(text: str, args: ModelArguments) -> list[int] | None:
    """Per-character word positions of the whole text for the windows' token types, when the
    model reads them (segmented once per document: a word may cross a region's edge)."""
    if args.word_boundaries != "jieba":
        return None
    from pipeline.segment import word_boundaries
    return word_boundaries(text)


def build_inputs(region_ids: list[int], context_ids: list[int], region_index: int,
                 args: ModelArguments, cls_id: int, sep_id: int,
                 region_boundaries: list[int] | None = None, context_type: int = 0) -> list[WindowInput]:
    """Windows for one region's character ids, each prefixed by the context segment.
    region_boundaries: the region's slice of text_boundaries (None: characters alone);
    context_type: the context segment's token type (ModelArguments.context_type)."""
    ctx = context_ids[-args.max_context_chars:] if args.max_context_chars > 0 else []
    head = [cls_id] + ctx + [sep_id]
    out = []
    for s in window_starts(len(region_ids), args.window_chars, args.stride):
        body = region_ids[s:s + args.window_chars]
        ids = head + body + [sep_id]
        if region_boundaries is None:
            types = [context_type] * len(head) + [1] * (len(body) + 1)
        else:
            types = [context_type] * len(head) + [1 + b for b in region_boundaries[s:s + len(body)]] + [1]
        out.append(WindowInput(region_index, s, len(body), ids, types, len(head)))
    return out


def merge_windows(length: int, windows: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """Per-character rows from overlapping windows, each from the window where the char is most central.

    windows: (offset, rows[len, T]) pairs; returns rows[length, T].
    """
    if not windows:
        raise ValueError("no windows")
    t = windows[0][1].shape[1]
    out = np.zeros((length, t), dtype=windows[0][1].dtype)
    best = np.full(length, -1, dtype=np.int64)
    for offset, rows in windows:
        n = rows.shape[0]
        idx = np.arange(n)
        centrality = np.minimum(idx, n - 1 - idx)  # chars of context on the short side
        pos = offset + idx
        better = centrality > best[pos]
        out[pos[better]] = rows[better]
        best[pos[better]] = centrality[better]
    return out


def weights_digest(model_dir: Path) -> str:
    """A short digest of a saved model's weights: names the model and ties measurements
    (precision.json) to the weights they were made on."""
    import hashlib
    h = hashlib.sha256()
    for p in sorted(Path(model_dir).glob("*.safetensors")):
        h.update(p.read_bytes())
    return h.hexdigest()[:10]
