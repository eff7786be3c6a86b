"""Baseline (ii): a spaCy pipeline trained on the same data as the tagger.

``spacy.blank("zh")`` segments Chinese into single characters by default (no
pkuseg model needed), so spans align with characters as in the tagger. An NER
component learns the five labels on the same regions the tagger reads (the
region text alone: spaCy's NER has no context segment, which is part of what
the comparison measures). Predictions go through the same snapping.
"""
from __future__ import annotations

import random
import time
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example as SpacyExample

from pipeline.corpus.lsformat import Example
from pipeline.labels import load_labels
from pipeline.tag.span_rules import snap
from pipeline.tag.regions import HeadingsFor, find_regions
from pipeline.tag.structured import structure_for, structure_for_example
from pipeline.tag.tagger import SpanPrediction
from pipeline.tag.workload import parse_workload


def blank_nlp():
    return spacy.blank("zh")  # character segmentation


def region_docs(nlp, ex: Example, min_cell_hanzi: int = 15) -> list[Doc]:
    """One training Doc per region of a cleaned example, its gold spans as entities."""
    _, tables = structure_for_example(ex)
    docs = []
    for r in find_regions(ex.text, tables, min_cell_hanzi):
        doc = nlp.make_doc(ex.text[r.start:r.end])
        ents = []
        for s in ex.spans:
            if r.start <= s.start and s.end <= r.end:
                sp = doc.char_span(s.start - r.start, s.end - r.start, label=s.label, alignment_mode="expand")
                if sp is not None:
                    ents.append(sp)
        doc.ents = spacy.util.filter_spans(ents)
        docs.append(doc)
    return docs


class SpacyTagger:
    def __init__(self, nlp, min_cell_hanzi: int = 15):
        self.nlp = nlp
        self.min_cell_hanzi = min_cell_hanzi
        self.model_version = f"spacy-ner-{spacy.__version__}"

    @classmethod
    def train(cls, examples: list[Example], epochs: int = 10, seed: int = 13, dropout: float = 0.2,
              batch_size: int = 16, time_limit_s: float = 0, progress=None) -> "SpacyTagger":
        """Train NER on cleaned examples (plain spaCy update loop, fixed seed)."""
        spacy.util.fix_random_seed(seed)
        nlp = blank_nlp()
        ner = nlp.add_pipe("ner")
        for label in load_labels().names:
            ner.add_label(label)
        docs = [d for ex in examples for d in region_docs(nlp, ex)]
        train = [SpacyExample(nlp.make_doc(d.text), d) for d in docs]
        optimizer = nlp.initialize(lambda: train)
        rng = random.Random(seed)
        t0 = time.perf_counter()
        for epoch in range(epochs):
            rng.shuffle(train)
            losses: dict = {}
            for b in range(0, len(train), batch_size):
                nlp.update(train[b:b + batch_size], sgd=optimizer, drop=dropout, losses=losses)
            if progress:
                progress(f"spacy epoch {epoch + 1}/{epochs} loss {losses.get('ner', 0):.1f} "
                         f"({time.perf_counter() - t0:.0f}s)")
            if time_limit_s and time.perf_counter() - t0 > time_limit_s:
                break
        return cls(nlp)

    def to_disk(self, path: Path) -> None:
        # spaCy creates the last folder only; the protocol writes under OUT/a/spacy
        Path(path).mkdir(parents=True, exist_ok=True)
        self.nlp.to_disk(path)

    @classmethod
    def from_disk(cls, path: Path) -> "SpacyTagger":
        return cls(spacy.load(path))

    def predict_text(self, text: str, headings_for: HeadingsFor | None = None, tables=None) -> list[SpanPrediction]:
        if tables is None:
            _, tables = structure_for(text)
        regions = find_regions(text, tables, self.min_cell_hanzi)
        out = []
        for r, doc in zip(regions, self.nlp.pipe(text[r.start:r.end] for r in regions)):
            for ent in doc.ents:
                a, b = snap(text, r.start + ent.start_char, r.start + ent.end_char)
                if b - a >= 2:
                    part = text[a:b]
                    attrs = parse_workload(part).as_attrs() if ent.label_ == "WORKLOAD" else {}
                    out.append(SpanPrediction(a, b, ent.label_, 1.0, part, attrs))
        return out


def records_to_docbin(records: list[dict], nlp=None) -> DocBin:
    """Record dicts (or Label Studio-like {text, spans}) → DocBin, spans in doc.spans["sc"]."""
    nlp = nlp or blank_nlp()
    db = DocBin(store_user_data=True)
    for rec in records:
        doc = nlp.make_doc(rec.get("text", ""))
        spans = []
        for s in rec.get("spans") or []:
            sp = doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand")
            if sp is not None:
                spans.append(Span(doc, sp.start, sp.end, label=s["label"]))
        doc.spans["sc"] = spans
        if rec.get("doc_id"):
            doc.user_data["doc_id"] = rec["doc_id"]
        db.add(doc)
    return db
