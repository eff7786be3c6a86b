"""What an annotator changed against the model's prediction.

Spans are compared per label:

* kept — the annotation has the predicted span exactly (same start, end, label);
* corrected — an annotation span that replaces an overlapping predicted span
  (its boundaries and/or its label changed); counted under the new label;
* added — an annotation span that overlaps no remaining predicted span;
* deleted — a predicted span that was neither kept nor corrected.

Relations are compared as (from span, to span, relation) on span offsets, so
region ids that Label Studio regenerates do not count as changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.corpus.lsformat import RelationAnn, SpanAnn

KINDS = ("kept", "corrected", "added", "deleted")


@dataclass
class Change:
    kind: str                                  # corrected | added | deleted
    label: str                                 # the annotation's label (the prediction's, for deleted)
    ann: tuple[int, int] | None = None
    pred: tuple[int, int] | None = None
    pred_label: str | None = None
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class SpanDiff:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # label → kind → n
    changes: list[Change] = field(default_factory=list)
    relations_added: int = 0
    relations_deleted: int = 0

    def bump(self, label: str, kind: str) -> None:
        self.counts.setdefault(label, {k: 0 for k in KINDS})[kind] += 1

    def merge(self, other: "SpanDiff") -> None:
        for label, kinds in other.counts.items():
            for kind, n in kinds.items():
                self.counts.setdefault(label, {k: 0 for k in KINDS})[kind] += n
        self.changes.extend(other.changes)
        self.relations_added += other.relations_added
        self.relations_deleted += other.relations_deleted


def _overlap(a: SpanAnn, b: SpanAnn) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def diff_spans(text: str, predicted: list[SpanAnn], annotated: list[SpanAnn],
               pred_relations: list[RelationAnn] = (), ann_relations: list[RelationAnn] = (),
               pred_regions: list[SpanAnn] | None = None, ann_regions: list[SpanAnn] | None = None) -> SpanDiff:
    """Compare span lists of one label group; *_regions (all regions, table rows included) resolve relation ends."""
    out = SpanDiff()
    key = lambda s: (s.start, s.end, s.label)  # noqa: E731
    pred_left = list(predicted)
    ann_left = []
    pred_keys = {key(p) for p in predicted}
    for a in annotated:
        if key(a) in pred_keys:
            out.bump(a.label, "kept")
            pred_left = [p for p in pred_left if key(p) != key(a)]
            pred_keys.discard(key(a))
        else:
            ann_left.append(a)
    # Pair the remaining annotation spans with the predicted span they overlap most.
    for a in ann_left:
        best = max(pred_left, key=lambda p: _overlap(a, p), default=None)
        if best is not None and _overlap(a, best) > 0:
            pred_left.remove(best)
            out.bump(a.label, "corrected")
            out.changes.append(Change("corrected", a.label, (a.start, a.end), (best.start, best.end),
                                      best.label, text[a.start:a.end]))
        else:
            out.bump(a.label, "added")
            out.changes.append(Change("added", a.label, (a.start, a.end), text=text[a.start:a.end]))
    for p in pred_left:
        out.bump(p.label, "deleted")
        out.changes.append(Change("deleted", p.label, pred=(p.start, p.end), text=text[p.start:p.end]))

    def rel_keys(spans, relations):
        by_id = {s.id: (s.start, s.end, s.label) for s in spans}
        return {(by_id.get(r.from_id, r.from_id), by_id.get(r.to_id, r.to_id), r.label) for r in relations}
    pk = rel_keys(predicted if pred_regions is None else pred_regions, pred_relations)
    ak = rel_keys(annotated if ann_regions is None else ann_regions, ann_relations)
    out.relations_added, out.relations_deleted = len(ak - pk), len(pk - ak)
    return out
