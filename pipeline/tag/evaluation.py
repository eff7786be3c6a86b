"""Span scoring of a tagger against gold examples, via pipeline.corpus.evaluate.

The matching rules (exact; overlap = same label and IoU ≥ 0.5, one-to-one) live
in pipeline.corpus.evaluate; this module only turns predictions and gold
examples into its Doc objects, so every system is scored by the same code.
"""
from __future__ import annotations

from typing import Protocol

from pipeline.corpus.evaluate import Doc, Span, doc_from_example, evaluate_docs
from pipeline.corpus.lsformat import Example
from pipeline.tag.structured import structure_for_example


class TextTagger(Protocol):
    def predict_text(self, text: str, headings_for=None, tables=None) -> list: ...


def predicted_doc(gold: Doc, preds: list) -> Doc:
    spans = [Span(p.start, p.end, p.label, f"p{i}") for i, p in enumerate(preds)]
    return Doc(gold.key, gold.text, spans, source="prediction")


def predict_docs(tagger: TextTagger, gold: list[Example], tag: str = "") -> tuple[list[Doc], list[Doc]]:
    """(gold docs, predicted docs), paired by key, for cleaned gold examples."""
    gold_docs, pred_docs = [], []
    for i, ex in enumerate(gold):
        g = doc_from_example(ex, source=str(ex.data.get("file", i)))
        g.key = f"{g.key}#{tag}{i}"
        gold_docs.append(g)
        pred_docs.append(predicted_doc(g, tagger.predict_text(ex.text, *structure_for_example(ex))))
    return gold_docs, pred_docs


def score_docs(gold_docs: list[Doc], pred_docs: list[Doc]) -> dict:
    report = evaluate_docs(gold_docs, pred_docs)
    return {"spans": report["spans"], "per_document": report["per_document"],
            "seqeval": seqeval_report(gold_docs, pred_docs)}


def seqeval_report(gold_docs: list[Doc], pred_docs: list[Doc]) -> dict:
    """seqeval's report over the documents' character tag sequences (BIOES, strict mode: a
    chunk counts only with its exact boundaries and label), next to the span metrics: an
    independent implementation of exact matching, so the two must agree up to overlapping
    gold spans (one character carries one tag: the later of two overlapping spans is dropped)."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOBES

    from pipeline.tag.decode import spans_to_tags

    def tags(doc: Doc) -> list[str]:
        return spans_to_tags(len(doc.text), [(s.start, s.end, s.label) for s in doc.spans])
    report = classification_report([tags(g) for g in gold_docs], [tags(p) for p in pred_docs], mode="strict",
                                   scheme=IOBES, output_dict=True, zero_division=0)
    # plain numbers: seqeval returns numpy scalars, which json cannot write into a report
    return {label: {k: float(v) if k != "support" else int(v) for k, v in row.items()}
            for label, row in report.items()}


def score_examples(tagger: TextTagger, gold: list[Example]) -> dict:
    """Span P/R/F1 (exact and overlap, per label, micro and macro) of tagger on cleaned gold examples."""
    return score_docs(*predict_docs(tagger, gold))


def synthetic_dev_examples(n: int = 100, seed: int = 4242) -> list[Example]:
    """Synthetic documents from another seed than training's (configs: synth_seed 7), cleaned:
    the regression check that sits beside the seed scores while decoding rules change."""
    from pipeline.tag.data import to_cleaned
    from pipeline.tag.train import synth_examples
    return [to_cleaned(ex) for ex in synth_examples(n, seed)]


def summary_line(report: dict) -> str:
    e, o = report["spans"]["exact"]["micro"], report["spans"]["overlap"]["micro"]
    return (f"exact P {e['precision']:.3f} R {e['recall']:.3f} F1 {e['f1']:.3f} | "
            f"overlap P {o['precision']:.3f} R {o['recall']:.3f} F1 {o['f1']:.3f}")


def main(argv: list[str] | None = None) -> None:
    """python -m pipeline.tag.evaluation --model DIR [--synth N --synth-seed S] [--decoding D]
    [--no-structure-rules]: span
    scores of a saved tagger on the seeds' gold and on synthetic development documents, no training."""
    import argparse

    from pipeline.tag.tagger import DECODINGS, Tagger
    from pipeline.tag.train import gold_examples
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--model", required=True)
    ap.add_argument("--synth", type=int, default=100)
    ap.add_argument("--synth-seed", type=int, default=4242)
    ap.add_argument("--decoding", choices=DECODINGS, default="span_first")
    ap.add_argument("--no-structure-rules", action="store_true", help="the model and its decoding only")
    a = ap.parse_args(argv)
    tagger = Tagger.load(a.model, decoding=a.decoding, structure_rules=not a.no_structure_rules)
    for name, examples in (("seeds", gold_examples()), (f"synthetic dev ({a.synth}, seed {a.synth_seed})",
                                                        synthetic_dev_examples(a.synth, a.synth_seed))):
        if examples:
            report = score_examples(tagger, examples)
            seq = report["seqeval"]["micro avg"]
            print(f"{name}: {summary_line(report)} | seqeval strict micro F1 {seq['f1-score']:.3f}")


if __name__ == "__main__":
    main()
