"""The tagger network at inference, in torch alone: the shipped ``BertForTokenClassification``
(transformers) computed with the same modules, the same parameter names and the same torch
operations in the same order, so the same weights give the same logits bit for bit (fp32,
bf16 autocast and the int8 linear layers of ``quantize_dynamic`` alike;
tests/tag/test_bert.py compares the two on batches with and without padding).

Why: importing transformers' BERT costs a worker about 150 MB of resident memory (it pulls
in sympy, scipy, torch.distributed and torch._dynamo) for a network of four kinds of layer.
Training (``pipeline.tag.train``) still builds and saves the transformers model; this file
only reads what it saved (config.json, model.safetensors).

Covers what the tagger's models use: an encoder (``is_decoder`` false), ``gelu``, absolute
positions, no pooler, the scaled-dot-product attention of transformers' default ("sdpa").
``load_model`` refuses any other configuration instead of computing something else.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import torch
from torch import nn
from torch.nn import functional as F


class BertSettings:
    """config.json as attributes (``id2label`` with int keys, as transformers gives it)."""

    def __init__(self, data: dict[str, Any]):
        self.__dict__.update(data)
        self.id2label = {int(k): v for k, v in (data.get("id2label") or {}).items()}

    @classmethod
    def load(cls, model_dir: Path) -> "BertSettings":
        return cls(json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8")))


@dataclass
class TokenLogits:
    logits: torch.Tensor


class Embeddings(nn.Module):
    def __init__(self, c: BertSettings):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.register_buffer("position_ids", torch.arange(c.max_position_embeddings).expand((1, -1)),
                             persistent=False)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        position_ids = self.position_ids[:, :input_ids.shape[1]]
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.LayerNorm(embeddings)   # dropout: none at inference


class SelfAttention(nn.Module):
    def __init__(self, c: BertSettings):
        super().__init__()
        self.head_size = c.hidden_size // c.num_attention_heads
        self.scaling = self.head_size ** -0.5
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, hidden: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        shape = (*hidden.shape[:-1], -1, self.head_size)
        q = self.query(hidden).view(*shape).transpose(1, 2)
        k = self.key(hidden).view(*shape).transpose(1, 2)
        v = self.value(hidden).view(*shape).transpose(1, 2)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.0, scale=self.scaling,
                                             is_causal=False)
        out = out.reshape(out.shape[0], -1, q.shape[2], v.shape[-1]).transpose(1, 2).contiguous()
        return out.reshape(*hidden.shape[:-1], -1).contiguous()


class DenseNorm(nn.Module):
    """BertSelfOutput / BertOutput: dense, then LayerNorm of it plus the block's input."""

    def __init__(self, c: BertSettings, width: int):
        super().__init__()
        self.dense = nn.Linear(width, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(hidden) + residual)


class Attention(nn.Module):
    def __init__(self, c: BertSettings):
        super().__init__()
        self.self = SelfAttention(c)
        self.output = DenseNorm(c, c.hidden_size)

    def forward(self, hidden: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        return self.output(self.self(hidden, mask), hidden)


class Intermediate(nn.Module):
    def __init__(self, c: BertSettings):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(hidden))


class Layer(nn.Module):
    def __init__(self, c: BertSettings):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = DenseNorm(c, c.intermediate_size)

    def forward(self, hidden: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        attended = self.attention(hidden, mask)
        return self.output(self.intermediate(attended), attended)


class Encoder(nn.Module):
    def __init__(self, c: BertSettings):
        super().__init__()
        self.layer = nn.ModuleList(Layer(c) for _ in range(c.num_hidden_layers))


class Bert(nn.Module):
    def __init__(self, c: BertSettings):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)


class BertTagger(nn.Module):
    """``BertForTokenClassification`` at inference: ``model(input_ids=, token_type_ids=,
    attention_mask=).logits``, as the Tagger calls it."""

    def __init__(self, config: BertSettings):
        super().__init__()
        self.config = config
        self.bert = Bert(config)
        self.classifier = nn.Linear(config.hidden_size, len(config.id2label))

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor,
                attention_mask: torch.Tensor) -> TokenLogits:
        hidden = self.bert.embeddings(input_ids, token_type_ids)
        keep = attention_mask.to(torch.bool)
        # transformers (sdpa) passes no mask when no position is padding, else a boolean
        # [batch, 1, query, key] mask: which mask sdpa gets chooses its kernel
        mask = None if bool(keep.all()) else keep[:, None, None, :].expand(
            keep.shape[0], 1, keep.shape[1], keep.shape[1])
        for layer in self.bert.encoder.layer:
            hidden = layer(hidden, mask)
        return TokenLogits(self.classifier(hidden))

    def save_pretrained(self, model_dir: Path | str) -> None:
        """config.json and model.safetensors, as ``load_model`` (and transformers) read them."""
        from safetensors.torch import save_file

        model_dir = Path(model_dir)
        model_dir.mkdir(parents=True, exist_ok=True)
        (model_dir / "config.json").write_text(json.dumps(vars(self.config), ensure_ascii=False, indent=2),
                                               encoding="utf-8")
        save_file({k: v.contiguous() for k, v in self.state_dict().items()}, str(model_dir / "model.safetensors"))


def load_model(model_dir: Path | str) -> BertTagger:
    """The model saved in ``model_dir`` by ``save_pretrained`` (config.json, model.safetensors)."""
    from safetensors.torch import load_file

    model_dir = Path(model_dir)
    config = BertSettings.load(model_dir)
    unsupported = {
        "model_type": (getattr(config, "model_type", "bert"), "bert"),
        "is_decoder": (getattr(config, "is_decoder", False), False),
        "add_cross_attention": (getattr(config, "add_cross_attention", False), False),
        "hidden_act": (getattr(config, "hidden_act", "gelu"), "gelu"),
        "position_embedding_type": (getattr(config, "position_embedding_type", "absolute"), "absolute"),
        "chunk_size_feed_forward": (getattr(config, "chunk_size_feed_forward", 0), 0),
    }
    wrong = {k: v for k, (v, ok) in unsupported.items() if v != ok}
    if wrong:
        raise ValueError(f"{model_dir}: a BERT this inference code does not compute: {wrong}")
    model = BertTagger(config)
    state = load_file(str(model_dir / "model.safetensors"))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f"{model_dir}: weights do not fit the network (missing {missing}, unexpected {unexpected})")
    return model.eval()
