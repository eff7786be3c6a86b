"""Labelled examples → cleaned text → regions → model windows with tag ids.

Every source of labels (synthetic tasks, seed gold, annotators' corrections)
arrives as ``lsformat.Example``. Spans may be given in source-text
coordinates; ``to_cleaned`` maps them into the cleaned text the tagger reads,
with the cleaner's offset map. Featurisation uses the same regions, context
and windows as inference (pipeline.tag.regions / model), so training and
prediction never disagree about what the model sees.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pipeline.clean import clean_text
from pipeline.corpus.lsformat import Example, SpanAnn, iter_examples, with_heading_hints
from pipeline.tag.decode import spans_to_tags
from pipeline.tag.model import ModelArguments, build_inputs, text_boundaries
from pipeline.tag.regions import HeadingsFor, context_for, find_regions
from pipeline.tag.structured import structure_for_example
from pipeline.tag.tokenizer import CharEncoder

log = logging.getLogger(__name__)
IGNORE = -100


def to_cleaned(ex: Example) -> Example:
    """The example with its text cleaned and its spans mapped into cleaned coordinates.

    The cleaner is idempotent, so an already clean text maps to itself. The markdown heading
    marks it removed are kept in its data (``with_heading_hints``): the structure stage reads them as
    `jixiao annotate` does (pipeline.tag.structured.structure_for_example).
    """
    cleaned = clean_text(ex.text)
    if cleaned.text == ex.text:
        return ex
    spans = []
    for s in ex.spans:
        cs, ce = cleaned.offsets.span_to_clean(s.start, s.end)
        if ce > cs:
            spans.append(SpanAnn(cs, ce, s.label, id=s.id, text=cleaned.text[cs:ce], score=s.score))
        else:
            log.warning("span %s %s vanished in cleaning", s.id, s.label)
    return Example(cleaned.text, spans, ex.relations, with_heading_hints(ex.data, cleaned.heading_hints), ex.task_id)


def read_task_files(paths: Iterable[Path], labels: set[str]) -> list[Example]:
    out: list[Example] = []
    for p in paths:
        p = Path(p)
        files = sorted(p.glob("*.json")) + sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
        for f in files:
            out.extend(iter_examples(f, labels))
    return out


@dataclass
class Feature:
    input_ids: list[int]
    token_type_ids: list[int]
    labels: list[int]


def featurize(ex: Example, encoder: CharEncoder, args: ModelArguments, tag2id: dict[str, int],
              scheme: str, headings_for: HeadingsFor | None = None, tables=None,
              context_dropout: float = 0.0, rng: random.Random | None = None) -> list[Feature]:
    """Model windows for one cleaned example; characters outside regions are not trained on.

    context_dropout: the share of regions whose windows get an empty heading context.
    Synthetic reports always put problems under a problem heading and measures under
    a measure heading, so a model can learn the heading instead of the sentence; real
    reports mix them (「存在的问题及改进措施」 over both) or have no usable heading.
    Dropping the context now and then makes the words of the sentence carry the label."""
    text = ex.text
    if headings_for is None:
        headings_for, tables = structure_for_example(ex)
    tags = spans_to_tags(len(text), [(s.start, s.end, s.label) for s in ex.spans], scheme)
    ids = encoder.encode(text)
    bounds = text_boundaries(text, args)
    out = []
    for k, region in enumerate(find_regions(text, tables, args.min_cell_hanzi)):
        if context_dropout > 0 and rng is not None and rng.random() < context_dropout:
            ctx, ctx_type = [], 0   # the section kind goes with the headings it is read from
        else:
            ctx = encoder.encode(context_for(region, headings_for, args.max_context_chars, args.column_context))
            ctx_type = args.region_context_type(region, headings_for)
        region_tags = [tag2id[t] for t in tags[region.start:region.end]]
        for w in build_inputs(ids[region.start:region.end], ctx, k, args, encoder.cls_id, encoder.sep_id,
                              None if bounds is None else bounds[region.start:region.end], ctx_type):
            labels = [IGNORE] * len(w.input_ids)
            labels[w.first:w.first + w.length] = region_tags[w.offset:w.offset + w.length]
            out.append(Feature(w.input_ids, w.token_type_ids, labels))
    return out
