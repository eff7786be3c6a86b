"""Counted work the generator never draws: how the tagger's WORKLOAD edges hold on verbs and
objects it was not trained on.

A model trained on the generator's banks can learn their verbs as the place a WORKLOAD starts
instead of the shape of counted work (issue 14: on reports never seen, the raw model started
such a span at its object when the verb was new to it). The probe measures that on synthetic
reports: the same documents twice, once with the unit's own work from the bank, once with
held-out work (``unseen_workloads.yaml``: verbs and objects no bank item has, kept so by
tests/tag/test_unseen_work.py) in its place; every other sentence is the same. The gap between
the two is what the tagger owes to having seen the verb.

    jixiao probe-work [--model models/tagger] [--no-rules] [--docs 40] [--seed 99]

The documents' seed must not be the model's training seed (its train_summary.json names it).
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.annotate import restore_twin, structure_text
from pipeline.corpus.synth.banks import WorkloadItem, workload_item
from pipeline.corpus.synth.generator import generate_doc
from pipeline.tag.devset import EDGE_CLASSES, edge_class, scorer_text

HELD_OUT_PATH = Path(__file__).resolve().parent / "unseen_workloads.yaml"


@lru_cache(maxsize=1)
def held_out_items() -> tuple[WorkloadItem, ...]:
    data = yaml.safe_load(HELD_OUT_PATH.read_text(encoding="utf-8"))
    return tuple(workload_item(spec) for spec in data["items"])


def probe_documents(tagger, n_docs: int, seed: int, pool: tuple[WorkloadItem, ...] = ()) -> Counter:
    """Edge classes (pipeline.tag.devset.EDGE_CLASSES) of the gold WORKLOADs of ``n_docs``
    synthetic reports as ``tagger`` reads them, plus "predicted": its WORKLOAD spans."""
    return count_edges(tagger, (generate_doc(seed, i, workload_pool=pool).example for i in range(n_docs)))


def count_edges(tagger, examples) -> Counter:
    """probe_documents on given examples (pipeline.corpus.synth's: ``text`` and gold ``spans``)."""
    counts: Counter = Counter({c: 0 for c in EDGE_CLASSES})
    counts["predicted"] = 0
    for example in examples:
        gold = [scorer_text(s.text) for s in example.spans if s.label == "WORKLOAD"]
        record = structure_text(example.text, keep_twin=True)
        tagger.set_annotations(record, tagger.predict(record))
        restore_twin(record)   # spans in the document's own digits and script, as the gold has them
        predicted = [scorer_text(s.text) for s in record.spans if s.label == "WORKLOAD"]
        for g in gold:
            counts[edge_class(g, predicted)] += 1
        counts["predicted"] += len(predicted)
    return counts


def summary(counts: Counter) -> dict:
    """Counts with the exact share of gold and exact precision / F1 (a WORKLOAD is right when its
    text is a gold WORKLOAD's)."""
    gold = sum(counts[c] for c in EDGE_CLASSES)
    exact, predicted = counts["exact"], counts["predicted"]
    p = exact / predicted if predicted else 0.0
    r = exact / gold if gold else 0.0
    return {**{c: counts[c] for c in EDGE_CLASSES}, "gold": gold, "predicted": predicted,
            "exact_recall": round(r, 3), "exact_precision": round(p, 3),
            "exact_f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def training_seed(model_dir: Path) -> int | None:
    """The generator seed of the synthetic reports the model trained on (its train_summary.json)."""
    path = model_dir / "train_summary.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("data", {}).get("synth_seed")


def run_probe(model_dir: Path, n_docs: int = 40, seed: int = 99, no_rules: bool = False) -> dict:
    """{"bank": summary, "held_out": summary} on the same ``n_docs`` documents."""
    from pipeline.tag.tagger import Tagger

    trained = training_seed(Path(model_dir))
    if seed == trained:
        raise ValueError(f"seed {seed} drew this model's training documents: probe another seed")
    tagger = Tagger.load(model_dir, no_rules=no_rules)
    return {"model": str(model_dir), "rules": not no_rules, "docs": n_docs, "seed": seed,
            "bank": summary(probe_documents(tagger, n_docs, seed)),
            "held_out": summary(probe_documents(tagger, n_docs, seed, held_out_items()))}


def format_report(report: dict) -> str:
    cols = ("gold", "exact", "starts late", "starts early", "ends early", "ends late", "missed", "predicted",
            "exact_recall", "exact_f1")
    lines = [f"{report['model']} ({'with the rules' if report['rules'] else 'raw, --no-rules'}), "
             f"{report['docs']} synthetic documents of seed {report['seed']}",
             "| work | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for arm, name in (("bank", "the bank's"), ("held_out", "held out")):
        lines.append(f"| {name} | " + " | ".join(str(report[arm][c]) for c in cols) + " |")
    return "\n".join(lines)
