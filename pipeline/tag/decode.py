"""The decoder: from per-character tag probabilities to spans, and nothing else.

Constrained Viterbi over BIOES: the best tag sequence among the valid ones (I/E only after
B/I of the same label, a sequence never ends inside a span), so no post-hoc repair of broken
tag sequences is needed. The tagger's default runs it span-first (``SpanFirstDecoder``):
spans from label-free BIOES, then the label with the most probability mass over each span.
Each span's score is the mean probability of its decoded tags (``decode_spans``).

Word edges (``decoder: off_word_edge`` in configs/tagger.yaml): a span that opens or closes
inside a word costs that factor in probability. Of the development set's 647 gold spans 645
open and close on an edge of a jieba word (pipeline.segment; a quoted or titled name is one
word: no gold span opens or closes inside one), while the raw model opened
WORKLOADs at the second character of verbs it had not seen in training (「转移」, 「上报」: its
B mass split between the two characters). The cost is a property of the path the decoder
picks, not a rule on its spans: the spans' scores stay the model's own probabilities.

The close floor (``decoder: min_close``, per label): a span whose last character the model
did not expect a span to end at (its E and S probability, over the labels, below the floor) is
not decoded. The constrained path must close every span it opens, so where the model opened one
and never ended it (「全县农村公路」 before 「养护覆盖率达到…%」: a subject the model took for an
activity, its end forced by the first O it was sure of) the path closes it wherever that costs
least, and the mean tag probability of such a fragment is still high.

The language rules that shape the decoded spans to the spec (snapping, widening, merging,
relabelling, WORKLOAD clauses) live in pipeline.tag.span_rules; which of them run, in which
order and with which parameters is configs/tagger.yaml's ``rules:`` (pipeline.tag.rules).
See pipeline.tag.span_rules for what those rules do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

NEG_INF = -1e9


def edge_bias(starts_ok: np.ndarray, ends_ok: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Log costs per character of opening (B, S) and of closing (E, S) a span there: 0 where
    a word starts (ends), log(factor) elsewhere."""
    cost = float(np.log(max(factor, 1e-12)))
    return np.where(starts_ok, 0.0, cost), np.where(ends_ok, 0.0, cost)


def _biased(logp: np.ndarray, opens: np.ndarray, closes: np.ndarray,
            bias: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
    """logp [n, T] with the edge costs added to the tags that open (B, S: ``opens``, a [T] mask)
    or close (E, S: ``closes``) a span."""
    if bias is None:
        return logp
    start_bias, end_bias = bias
    return logp + np.outer(start_bias, opens) + np.outer(end_bias, closes)


@dataclass
class DecodedSpan:
    start: int
    end: int
    label: str
    score: float
    # provenance, kept by pipeline.tag.rules: the rules that made or changed the span, in
    # order, and whether a rule made it (no decoded span of the model beneath it)
    rules: tuple[str, ...] = ()
    made: bool = False


# ---------------------------------------------------------------- transitions

# the label-free position classes the span-first decoder (and the training's path loss) read,
# and a tag list of one label over them
POSITION_CLASSES = "OBIES"
CLASS_TAGS = ["O", "B-X", "I-X", "E-X", "S-X"]


def position_class(tag: str) -> int:
    """A tag's position class as an index into POSITION_CLASSES: "I-CAUSE" → 2."""
    return POSITION_CLASSES.index(parse_tag(tag)[0])


def parse_tag(tag: str) -> tuple[str, str]:
    """A tag's position class and label: "B-WORKLOAD" → ("B", "WORKLOAD"), "O" → ("O", "")."""
    return ("O", "") if tag == "O" else (tag[0], tag[2:])


def allowed_transitions(tags: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start_ok[T], trans_ok[T, T], end_ok[T]) boolean masks for a BIOES (or BIO) tag list."""
    n = len(tags)
    parsed = [parse_tag(t) for t in tags]
    bioes = any(p == "E" or p == "S" for p, _ in parsed)
    start = np.zeros(n, bool)
    end = np.zeros(n, bool)
    trans = np.zeros((n, n), bool)
    for j, (p, lab) in enumerate(parsed):
        start[j] = p in ("O", "B", "S")
        end[j] = p in ("O", "E", "S") if bioes else True
    for i, (pi, li) in enumerate(parsed):
        for j, (pj, lj) in enumerate(parsed):
            if bioes:
                if pi in ("O", "E", "S"):
                    ok = pj in ("O", "B", "S")
                else:  # B or I: the span must continue with I or close with E, same label
                    ok = pj in ("I", "E") and lj == li
            else:
                ok = pj in ("O", "B") or (pj == "I" and pi in ("B", "I") and lj == li)
            trans[i, j] = ok
    return start, trans, end


def is_valid_sequence(tag_seq: list[str], tags: list[str]) -> bool:
    index = {t: i for i, t in enumerate(tags)}
    start, trans, end = allowed_transitions(tags)
    if not tag_seq:
        return True
    ids = [index[t] for t in tag_seq]
    if not start[ids[0]] or not end[ids[-1]]:
        return False
    return all(trans[a, b] for a, b in zip(ids, ids[1:]))


class ViterbiDecoder:
    """Best valid tag path for a [n, T] matrix of probabilities."""

    def __init__(self, tags: list[str]):
        self.tags = tags
        start, trans, end = allowed_transitions(tags)
        self.start = np.where(start, 0.0, NEG_INF)
        self.trans = np.where(trans, 0.0, NEG_INF)
        self.end = np.where(end, 0.0, NEG_INF)
        self.o_id = tags.index("O")
        classes = np.array([position_class(t) for t in tags])
        self.opens, self.closes = np.isin(classes, (1, 4)), np.isin(classes, (3, 4))   # B, S; E, S

    def decode(self, probs: np.ndarray, bias: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """bias: per-character log costs of opening and of closing a span (``edge_bias``)."""
        n, t = probs.shape
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        logp = _biased(np.log(np.clip(probs.astype(np.float64), 1e-12, 1.0)), self.opens, self.closes, bias)
        # Fast path: where the unconstrained argmax is already a valid sequence it is the optimum.
        best = logp.argmax(1)
        if self._valid_ids(best):
            return best
        back = np.empty((n, t), dtype=np.int64)
        score = self.start + logp[0]
        trans = self.trans
        for i in range(1, n):
            cand = score[:, None] + trans
            back[i] = cand.argmax(0)
            score = cand[back[i], np.arange(t)] + logp[i]
        score = score + self.end
        path = np.empty(n, dtype=np.int64)
        path[-1] = int(score.argmax())
        for i in range(n - 1, 0, -1):
            path[i - 1] = back[i, path[i]]
        return path

    def scores(self, probs: np.ndarray, path: np.ndarray) -> np.ndarray:
        """Per-character confidence of the path: the probability of each decoded tag."""
        return probs[np.arange(len(path)), path]

    def _valid_ids(self, ids: np.ndarray) -> bool:
        if self.start[ids[0]] < 0 or self.end[ids[-1]] < 0:
            return False
        if len(ids) == 1:
            return True
        return bool((self.trans[ids[:-1], ids[1:]] == 0.0).all())


class SpanFirstDecoder:
    """Find spans first, name them second.

    A character model without pretraining often knows *that* a stretch is a span long
    before it agrees with itself *which* label it is: in 「一是经办人员业务能力有待提高」
    the per-character label wavers between CAUSE, PROBLEM and MEASURE while P(O) stays
    low, and no single label's B…E path survives the per-label Viterbi. This decoder runs
    the constrained Viterbi on label-free BIOES probabilities (each position class summed
    over labels), then gives each span the label with the largest probability mass over
    its characters. Same interface as ViterbiDecoder: a path of ids in the full tag set.
    """

    def __init__(self, tags: list[str]):
        self.tags = tags
        self.o_id = tags.index("O")
        self.labels = sorted({parse_tag(t)[1] for t in tags if t != "O"})
        self.inner = ViterbiDecoder(CLASS_TAGS)
        # one-hot maps from the full tag set: to its position class (O, B, I, E, S) and to its label
        self.class_of = np.array([position_class(t) for t in tags])
        self.to_class = np.eye(5)[self.class_of]                                  # [T, 5]
        self.to_label = np.array([[float(parse_tag(t)[1] == lab) for lab in self.labels] for t in tags])  # [T, L]
        self.tag_id = {t: i for i, t in enumerate(tags)}
        self.closes = np.isin(self.class_of, (3, 4))   # E, S of any label

    def decode(self, probs: np.ndarray, bias: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        path = np.full(len(probs), self.o_id, dtype=np.int64)
        if len(probs) == 0:
            return path
        for s, e, _ in tags_to_spans(self.inner.decode(probs @ self.to_class, bias), self.inner.tags):
            label = self.labels[int(np.argmax(probs[s:e].sum(0) @ self.to_label))]
            for i, t in enumerate(spans_to_tags(e - s, [(0, e - s, label)])):
                path[s + i] = self.tag_id[t]
        return path

    def scores(self, probs: np.ndarray, path: np.ndarray) -> np.ndarray:
        """Per-character confidence of the path: the probability of its position class
        (O, B, I, E or S), whatever the label."""
        return (probs * self.to_class[:, self.class_of[path]].T).sum(1)


def tags_to_spans(tag_ids: np.ndarray, tags: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) of the spans in a valid BIOES/BIO tag-id sequence."""
    spans, open_start, open_label = [], None, None
    for i, tid in enumerate(tag_ids):
        p, lab = parse_tag(tags[int(tid)])
        if p in ("B", "S") or p == "O" or (p == "I" and open_label != lab):
            if open_start is not None:
                spans.append((open_start, i, open_label))
                open_start = None
            if p in ("B", "S") or p == "I":
                open_start, open_label = i, lab
        if p in ("E", "S") and open_start is not None:
            spans.append((open_start, i + 1, open_label))
            open_start = None
    if open_start is not None:
        spans.append((open_start, len(tag_ids), open_label))
    return spans


def spans_to_tags(n: int, spans: list[tuple[int, int, str]], scheme: str = "BIOES") -> list[str]:
    """Character tags for spans over n characters (later spans do not overwrite earlier ones)."""
    out = ["O"] * n
    for s, e, lab in sorted(spans):
        if s >= e or any(t != "O" for t in out[s:e]):
            continue
        if scheme == "BIOES" and e - s == 1:
            out[s] = f"S-{lab}"
            continue
        out[s] = f"B-{lab}"
        for i in range(s + 1, e):
            out[i] = f"I-{lab}"
        if scheme == "BIOES":
            out[e - 1] = f"E-{lab}"
    return out


def decode_spans(probs: np.ndarray, start: int, decoder: "ViterbiDecoder | SpanFirstDecoder",
                 bias: tuple[np.ndarray, np.ndarray] | None = None,
                 min_close: Mapping[str, float] | None = None) -> list[DecodedSpan]:
    """The decoder's spans of one region (probabilities [n, T] of text[start:start+n]), in text
    offsets, each scored with the mean probability of its decoded tags (bias: ``edge_bias``);
    a span of a label in ``min_close`` whose last character has a lower probability of closing
    a span (E or S, any label) is left out."""
    path = decoder.decode(probs, bias)
    picked = decoder.scores(probs, path)
    floors = min_close or {}
    return [DecodedSpan(start + s, start + e, label, float(picked[s:e].mean()))
            for s, e, label in tags_to_spans(path, decoder.tags)
            if label not in floors or float(probs[e - 1, decoder.closes].sum()) >= floors[label]]
