"""Span scoring of a tagger against gold examples, via pipeline.corpus.evaluate.

The matching rules (exact; overlap = same label and IoU ≥ 0.5, one-to-one) live
in pipeline.corpus.evaluate; this module only turns predictions and gold
examples into its Doc objects, so every system is scored by the same code.
"""
from __future__ import annotations

from typing import Protocol

from pipeline.corpus.evaluate import Doc, Span, doc_from_example, evaluate_docs
from pipeline.corpus.lsformat import Example


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
        pred_docs.append(predicted_doc(g, tagger.predict_text(ex.text)))
    return gold_docs, pred_docs


def score_docs(gold_docs: list[Doc], pred_docs: list[Doc]) -> dict:
    report = evaluate_docs(gold_docs, pred_docs)
    return {"spans": report["spans"], "per_document": report["per_document"]}


def score_examples(tagger: TextTagger, gold: list[Example]) -> dict:
    """Span P/R/F1 (exact and overlap, per label, micro and macro) of tagger on cleaned gold examples."""
    return score_docs(*predict_docs(tagger, gold))


def summary_line(report: dict) -> str:
    e, o = report["spans"]["exact"]["micro"], report["spans"]["overlap"]["micro"]
    return (f"exact P {e['precision']:.3f} R {e['recall']:.3f} F1 {e['f1']:.3f} | "
            f"overlap P {o['precision']:.3f} R {o['recall']:.3f} F1 {o['f1']:.3f}")
