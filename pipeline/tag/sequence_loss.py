"""A sequence-level training loss that matches what the decoder does with the model's output.

Cross-entropy trains each character's tag on its own; the decoder (``SpanFirstDecoder``) reads
the characters together: it sums each character's probabilities over labels into position
classes (O, B, I, E, S) and takes the best path that is a valid BIOES sequence. A model that is
right on most characters of a span and unsure on a few in its middle can lose the whole span to
that path search (it closes the span early and opens a second one: a fragment each side).

This loss is the negative log-likelihood of the gold class path under the distribution the
decoder maximises: a linear-chain model whose emission scores are the characters' log class
probabilities and whose transitions are the BIOES constraints (0 or -inf, not learned), so the
model gains no parameters and inference does not change. Its gradient at a character is the
path marginal minus the gold indicator: it pushes hardest where the valid paths disagree with
the gold one, on span edges and on gaps inside spans. Windows are cut anywhere, so a window may
start or end inside a span: start and end are free. Characters without a label (context,
padding, [SEP]) are left out of each window's sequence.

Training only (pipeline.tag.train); inference never imports it.
"""
from __future__ import annotations

import torch

from pipeline.tag.decode import CLASS_TAGS, POSITION_CLASSES, allowed_transitions, position_class


def class_maps(tags: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """(class_of[T]: each tag's position class index, trans[5, 5]: 0 where the BIOES class
    transition is valid, -inf where not)."""
    class_of = torch.tensor([position_class(t) for t in tags])
    _, ok, _ = allowed_transitions(CLASS_TAGS)
    trans = torch.full((5, 5), float("-inf"))
    trans[torch.as_tensor(ok)] = 0.0
    return class_of, trans


def class_log_probs(logits: torch.Tensor, class_of: torch.Tensor) -> torch.Tensor:
    """[..., T] tag logits → [..., 5] log probabilities of the position classes (summed over labels)."""
    logp = torch.log_softmax(logits, dim=-1)
    out = torch.full((*logp.shape[:-1], len(POSITION_CLASSES)), float("-inf"), dtype=logp.dtype, device=logp.device)
    for c in range(len(POSITION_CLASSES)):
        sel = (class_of == c).nonzero().flatten().to(logp.device)
        if len(sel):
            out[..., c] = torch.logsumexp(logp[..., sel], dim=-1)
    return out


def _compact(x: torch.Tensor, keep: torch.Tensor, fill: float | int) -> tuple[torch.Tensor, torch.Tensor]:
    """Move each row's kept positions to its front: ([B, n, ...] values, [B, n] mask), n the most kept."""
    counts = keep.sum(1)
    n = int(counts.max()) if len(counts) else 0
    order = torch.argsort((~keep).to(torch.int8), dim=1, stable=True)[:, :n]
    idx = order.view(*order.shape, *([1] * (x.dim() - 2))).expand(-1, -1, *x.shape[2:])
    vals = torch.gather(x, 1, idx)
    mask = torch.arange(n, device=x.device)[None, :] < counts[:, None]
    vals = torch.where(mask.view(*mask.shape, *([1] * (x.dim() - 2))), vals, torch.full_like(vals, fill))
    return vals, mask


def path_nll(emissions: torch.Tensor, gold: torch.Tensor, mask: torch.Tensor, trans: torch.Tensor) -> torch.Tensor:
    """Per sequence -log P(gold path), P over the valid paths, path score = sum of its emissions.

    emissions [B, n, C], gold [B, n] class ids, mask [B, n] (a prefix of each row), trans [C, C].
    Rows with an empty mask, or whose gold path is not a valid one, give 0."""
    b, n, c = emissions.shape
    if n == 0:
        return emissions.new_zeros(b)
    trans = trans.to(emissions.device, emissions.dtype)
    gold_score = (emissions.gather(2, gold.clamp(min=0).unsqueeze(2)).squeeze(2) * mask).sum(1)
    alpha = emissions[:, 0]
    for i in range(1, n):
        step = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + emissions[:, i]
        alpha = torch.where(mask[:, i:i + 1], step, alpha)
    log_z = torch.logsumexp(alpha, dim=1)
    # a gold path outside the valid ones (a label sequence joined across unlabelled positions)
    # has no place in Z: its row is left out rather than rewarded
    pair = mask[:, 1:] & mask[:, :-1]
    valid = ~((trans[gold[:, :-1].clamp(min=0), gold[:, 1:].clamp(min=0)] == float("-inf")) & pair).any(1)
    use = mask.any(1) & valid
    return torch.where(use, log_z - gold_score, torch.zeros_like(log_z))


def sequence_loss(logits: torch.Tensor, labels: torch.Tensor, class_of: torch.Tensor,
                  trans: torch.Tensor, ignore_index: int = -100) -> torch.Tensor:
    """Mean per labelled character of the windows' gold-path negative log-likelihood.

    logits [B, L, T] (the tagger's), labels [B, L] tag ids with ``ignore_index`` where a position
    carries no label."""
    keep = labels != ignore_index
    total = keep.sum()
    if int(total) == 0:
        return logits.sum() * 0.0
    emissions = class_log_probs(logits, class_of)
    gold = class_of.to(labels.device)[labels.clamp(min=0)]
    em, mask = _compact(emissions, keep, 0.0)
    gd, _ = _compact(gold, keep, 0)
    return path_nll(em, gd, mask, trans).sum() / total
