"""Score the linker against gold links, given gold spans.

The linker's job starts where the tagger's ends, so this isolates it: each gold
document (annotations/gold/*.json plus its seed, read at run time) is cleaned and
structured (pipeline.annotate.structure_text: sections, tables, indicators,
budget), its gold spans are put in the record, the Linker predicts, and the
predicted links are matched to the gold links. Matching follows
pipeline.corpus.evaluate: same relation and both ends match — span ends by
label and overlap (here the spans are the gold spans, so by identity), row
targets when the gold anchor (the offsets of the row's naming cell) falls inside
one of the predicted row's cells, money and cell anchors by offset overlap,
``budget.FIELD`` by name.

The seeds were looked at while the rules were written, so these numbers are a
development score, not a held-out one.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pipeline import SEEDS_DIR
from pipeline.corpus.evaluate import (Doc, doc_from_example, doc_from_record, match_links, match_spans, prf)
from pipeline.corpus.lsformat import Example
from pipeline.link import Linker
from pipeline.record import Record, Span

MODES = ("exact", "overlap")


@dataclass
class LinkReport:
    per_relation: dict[str, dict[str, float]]
    micro: dict[str, float]
    errors: list[dict[str, Any]] = field(default_factory=list)  # false positives and misses, for reading

    def as_dict(self) -> dict[str, Any]:
        return {"per_relation": self.per_relation, "micro": self.micro, "errors": self.errors}


def record_with_gold_spans(example: Example, structure=None) -> Record:
    """Structure the gold example's text and put its spans (with WORKLOAD attrs) in the record."""
    if structure is None:
        from pipeline.annotate import structure_text as structure
    record = structure(example.text)
    if record.text != example.text:
        raise ValueError(f"{example.data.get('file')}: structured text differs from the gold text (clean the gold first)")
    attrs = example.data.get("span_attrs", {})
    spans = []
    for s in example.spans:
        a = dict(attrs.get(s.id, {}))
        if "activity_text" in a:
            a["activity"] = a.pop("activity_text")
        spans.append(Span(id=s.id, label=s.label, start=s.start, end=s.end, text=example.text[s.start:s.end],
                          source="gold", attrs=a))
    record.spans = spans
    return record


def _describe(doc: Doc, link) -> str:
    def end(e):
        if e.kind == "span":
            s = next((x for x in doc.spans if x.id == e.ref), None)
            return f"{s.label}「{doc.text[s.start:s.end][:24]}」" if s else e.ref
        if e.kind == "budget":
            return f"budget.{e.ref}"
        if e.intervals:
            a, b = e.intervals[0]
            return f"{e.kind}「{doc.text[a:b][:24]}」"
        return e.kind
    return f"{link.relation}: {end(link.frm)} → {end(link.to)}"


def score_link_docs(pairs: list[tuple[Doc, Doc]], mode: str = "overlap") -> LinkReport:
    """Per-relation and micro P/R/F1 of predicted links (second of each pair) against gold (first)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    errors = []
    for gold, pred in pairs:
        span_pairs = {gold.spans[g].id: pred.spans[p].id
                      for g, p in match_spans(gold.spans, pred.spans, mode).items()}
        matched = match_links(gold, pred, span_pairs, mode)
        hit_g, hit_p = {g for g, _ in matched}, {p for _, p in matched}
        for g, _ in matched:
            counts[gold.links[g].relation][0] += 1
        for i, ln in enumerate(pred.links):
            if i not in hit_p:
                counts[ln.relation][1] += 1
                errors.append({"doc": gold.names and sorted(gold.names)[0] or gold.key, "type": "false_positive",
                               "link": _describe(pred, ln)})
        for i, ln in enumerate(gold.links):
            if i not in hit_g:
                counts[ln.relation][2] += 1
                errors.append({"doc": gold.names and sorted(gold.names)[0] or gold.key, "type": "missed",
                               "link": _describe(gold, ln)})
    per = {rel: prf(*c) for rel, c in sorted(counts.items())}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    return LinkReport(per, prf(tp, fp, fn), errors)


def evaluate_linker_on_gold(gold_dir: Optional[Path] = None, seeds_dir: Path = SEEDS_DIR,
                            linker: Optional[Linker] = None, mode: str = "overlap") -> LinkReport:
    """Run the linker on every gold document (gold spans, structured text) and score its links."""
    from pipeline.corpus.gold import GOLD_DIR, gold_in_clean_coords, load_all_gold

    linker = linker or Linker()
    pairs = []
    for ex in load_all_gold(gold_dir or GOLD_DIR, seeds_dir):
        ex = gold_in_clean_coords(ex)
        record = record_with_gold_spans(ex)
        linker.set_annotations(record, linker.predict(record))
        pred = doc_from_record(record.to_json_dict())
        gold = doc_from_example(ex)
        pairs.append((gold, pred))
    return score_link_docs(pairs, mode)


if __name__ == "__main__":  # python -m pipeline.link.evaluate: the seed dev score, with every error
    import json
    print(json.dumps(evaluate_linker_on_gold().as_dict(), ensure_ascii=False, indent=1))
