"""Row completion: the narrative cells of a 偏差原因 / 改进措施 row hold problems and measures.

A project self-evaluation table (项目支出绩效自评表) ends with rows such as
「偏差大或目标未完成原因分析」 and 「改进措施及结果应用方案」 whose cells are narrative: each
sentence is a problem (or its cause) or a measure, and the row label says which. Their text
comes from PDF table extraction, wrapped and broken, and the model misses much of it or
stops at a wrap. A sentence whose spans are all MEASURE pieces becomes one
MEASURE (annotations/guidelines.md §5: one span per sentence, not per comma clause, as the
seeds' gold has it); a sentence without any span becomes one:
MEASURE in a measures row;
in a problems row, by its form (a reason clause → CAUSE, an opening action → MEASURE, else
PROBLEM). The span's score is the model's mean non-O probability over its characters, so a
sentence the model firmly reads as O (below ``min_score``) stays untagged.
"""
from __future__ import annotations

import re

import numpy as np

from pipeline.lexicon import IMPERATIVE_OPENING, SENTENCE
from pipeline.tag.span_rules import CAUSE_CLAUSE, LEAD_IN, snap
from pipeline.tag.regions import Region, narrative_row_kind

_CELL_BREAK = re.compile(r"\t")


def row_kind(region: Region) -> str | None:
    return narrative_row_kind(region.row_label) if region.kind == "cell" else None


def label_in_row(kind: str, sentence: str) -> str:
    if kind == "measures":
        return "MEASURE"
    if CAUSE_CLAUSE.match(sentence) or sentence.startswith(("由于", "因为")):
        return "CAUSE"
    if IMPERATIVE_OPENING.match(sentence):
        return "MEASURE"
    return "PROBLEM"


def complete_row(text: str, region: Region, p_o: np.ndarray, spans: list, make_span,
                 min_chars: int = 4, min_score: float = 0.2) -> list:
    """The region's spans after row completion (``spans``: the region's decoded spans,
    ``make_span(start, end, label, score)`` builds one). In a problems/measures row cell a
    sentence whose spans are all MEASURE pieces becomes one MEASURE, and a
    sentence holding no span becomes a span labelled by the row; other cells are returned
    unchanged. ``text`` is the decoding text (a wrapped cell's tabs read as spaces); ``p_o``
    the region's P(O)."""
    kind = row_kind(region)
    if kind is None:
        return list(spans)
    out, used = [], set()
    body = text[region.start:region.end]
    for m in SENTENCE.finditer(body):
        for piece in _CELL_BREAK.split(m.group()) if not region.wrapped else [m.group()]:
            off = region.start + m.start() + m.group().find(piece)
            a, b = snap(text, off, off + len(piece))
            if b - a < min_chars or not re.search(r"[\u4e00-\u9fff]{2}", text[a:b]):
                continue
            inside = [i for i, s in enumerate(spans) if s.start < b and a < s.end]
            if inside:
                labels = {spans[i].label for i in inside}
                if labels == {"MEASURE"} and all(a <= spans[i].start and spans[i].end <= b for i in inside):
                    pieces = sorted((spans[i] for i in inside), key=lambda s: s.start)
                    # one measure broken at wraps or commas: the sentence (guidelines §5: one span
                    # per sentence, not per comma clause), a lead-in (我单位将, 一是) outside
                    leads = list(LEAD_IN.finditer(text, a, pieces[0].start))
                    a = snap(text, leads[-1].end(), b)[0] if leads else a
                    used.update(inside)
                    out.append(make_span(a, b, "MEASURE", sum(s.score for s in pieces) / len(pieces)))
                continue
            score = float(1.0 - p_o[a - region.start:b - region.start].mean())
            if score >= min_score:
                out.append(make_span(a, b, label_in_row(kind, text[a:b]), score))
    out += [s for i, s in enumerate(spans) if i not in used]
    return sorted(out, key=lambda s: (s.start, s.end))
