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
from typing import Any, Iterable, Iterator, Optional

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

    examples = (gold_in_clean_coords(ex) for ex in load_all_gold(gold_dir or GOLD_DIR, seeds_dir))
    return score_link_docs(_linked_on_gold_spans(examples, linker or Linker()), mode)


def _linked_on_gold_spans(examples: Iterable[Example], linker: Linker,
                          relations: Optional[tuple[str, ...]] = None) -> list[tuple[Doc, Doc]]:
    """(gold, predicted) per example in record coordinates: its text structured, its gold spans put
    in the record, the linker run on it; only the links of ``relations`` when given."""
    pairs = []
    for ex in examples:
        record = record_with_gold_spans(ex)
        linker.set_annotations(record, linker.predict(record))
        gold, pred = doc_from_example(ex), doc_from_record(record.to_json_dict())
        if relations is not None:
            gold.links = [ln for ln in gold.links if ln.relation in relations]
            pred.links = [ln for ln in pred.links if ln.relation in relations]
        pairs.append((gold, pred))
    return pairs


DEVSET_RELATIONS = ("caused_by", "addressed_by")


def devset_examples(devset: Path) -> Iterator[Example]:
    """The development set's gold documents as examples in record coordinates (the cleaned text
    of ``docs/STEM.txt``, its gold spans and relations from ``gold/STEM.ls.json``)."""
    import json

    from pipeline.corpus.gold import gold_in_clean_coords
    from pipeline.corpus.lsformat import task_to_example

    for gold_file in sorted((Path(devset) / "gold").glob("*.ls.json")):
        stem = gold_file.name.split(".")[0]
        task = json.loads(gold_file.read_text(encoding="utf-8"))[0]
        # the gold's offsets are into the text file as read (devset README): its line ends kept
        with open(Path(devset) / "docs" / f"{stem}.txt", encoding="utf-8", newline="") as f:
            text = f.read()
        task["data"] = {**task.get("data", {}), "file": stem, "text": text}
        example = task_to_example(task)
        if example is not None:
            yield gold_in_clean_coords(example)


def evaluate_linker_on_devset_gold(devset: Path, linker: Optional[Linker] = None, mode: str = "overlap",
                                   relations: tuple[str, ...] = DEVSET_RELATIONS) -> LinkReport:
    """The linker alone on the development set: each document structured, its gold spans put in
    the record, the linker's caused_by/addressed_by links scored against the gold relations. Held
    out for the linker (no rule was written with these documents in view), unlike
    evaluate_linker_on_gold on the seeds; set beside evaluate_links_on_devset (the tagger's spans),
    it tells the linker's errors from those of the spans it is given."""
    return score_link_docs(_linked_on_gold_spans(devset_examples(devset), linker or Linker(), relations), mode)


def evaluate_links_on_devset(records: Path, devset: Path, mode: str = "overlap",
                             relations: tuple[str, ...] = DEVSET_RELATIONS) -> LinkReport:
    """The records' problem links against the development set's gold relations, end to end
    (the tagger's spans, not gold spans): a predicted link is right when its relation is the gold
    one and both its ends match the gold ends as ../shared/devset/score.py matches spans (same
    label; exact: the same text without whitespace, overlap: half of the longer span's characters
    in common). Each gold relation is matched at most once. Records are read from ``records``
    (``jixiao annotate ../shared/devset/docs --out OUT``), one per gold document."""
    import json

    from pipeline.tag.devset import overlaps, scorer_text

    def same(a: tuple[str, str], b: tuple[str, str]) -> bool:
        return a[0] == b[0] and (a[1] == b[1] if mode == "exact" else overlaps(a[1], b[1]))

    by_stem = {}
    for f in Path(records).glob("*.json"):
        data = json.loads(f.read_text(encoding="utf-8"))
        if "text" in data:
            by_stem[f.name.split(".")[0]] = data
    counts: dict[str, list[int]] = {rel: [0, 0, 0] for rel in relations}
    errors = []
    for gold_file in sorted((Path(devset) / "gold").glob("*.ls.json")):
        stem = gold_file.name.split(".")[0]
        result = json.loads(gold_file.read_text(encoding="utf-8"))[0]["annotations"][0]["result"]
        spans = {r["id"]: (r["value"]["labels"][0], scorer_text(r["value"]["text"]))
                 for r in result if r.get("type") == "labels"}
        gold = [(r["labels"][0], spans[r["from_id"]], spans[r["to_id"]]) for r in result
                if r.get("type") == "relation" and r["labels"][0] in relations]
        record = by_stem.get(stem)
        if record is None:
            raise FileNotFoundError(f"no record for {stem} in {records}")
        ends = {s["id"]: (s["label"], scorer_text(s["text"])) for s in record["spans"]}
        pred = [(ln["relation"], ends[ln["from"]], ends[ln["to"]]) for ln in record["links"]
                if ln["relation"] in relations and ln["from"] in ends and ln["to"] in ends]
        used: set[int] = set()
        for rel, a, b in gold:
            k = next((i for i, (r, x, y) in enumerate(pred) if i not in used and r == rel and same(x, a) and same(y, b)), None)
            if k is None:
                counts[rel][2] += 1
                errors.append({"doc": stem, "type": "missed", "link": f"{rel}: {a[0]}「{a[1][:24]}」 → {b[0]}「{b[1][:24]}」"})
            else:
                used.add(k)
                counts[rel][0] += 1
        for i, (rel, a, b) in enumerate(pred):
            if i not in used:
                counts[rel][1] += 1
                errors.append({"doc": stem, "type": "false_positive",
                               "link": f"{rel}: {a[0]}「{a[1][:24]}」 → {b[0]}「{b[1][:24]}」"})
    per = {rel: prf(*c) for rel, c in counts.items()}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    return LinkReport(per, prf(tp, fp, fn), errors)


if __name__ == "__main__":
    # python -m pipeline.link.evaluate: the seed dev score (gold spans), with every error;
    # --devset DIR --records OUT: the development set's problem links, end to end, per mode
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, help="../shared/devset: score the records' caused_by/addressed_by links")
    parser.add_argument("--records", type=Path, help="records of the development set (jixiao annotate … --out OUT)")
    parser.add_argument("--gold-spans", action="store_true",
                        help="with --devset: the linker alone, given the dev set's gold spans (no records needed)")
    parser.add_argument("--errors", action="store_true", help="list every missed and false link")
    args = parser.parse_args()
    if args.devset:
        if args.gold_spans:   # the linker alone, on the dev set's gold spans
            evaluate, suffix = (lambda m: evaluate_linker_on_devset_gold(args.devset, mode=m)), "  (gold spans)"
        elif args.records is None:
            parser.error("--devset needs --records or --gold-spans")
        else:                 # end to end, on the records' spans
            evaluate, suffix = (lambda m: evaluate_links_on_devset(args.records, args.devset, m)), ""
        for m in MODES:
            for rel, v in evaluate(m).per_relation.items():
                print(f"{rel:13s} {m:7s} tp {v['tp']:3d} fp {v['fp']:3d} fn {v['fn']:3d}  "
                      f"P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f}{suffix}")
        if args.errors:
            print(json.dumps(evaluate("overlap").errors, ensure_ascii=False, indent=1))
    else:
        print(json.dumps(evaluate_linker_on_gold().as_dict(), ensure_ascii=False, indent=1))
