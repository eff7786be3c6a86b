"""Write labelled test text inline: 「【LABEL|span text】」 marks a span (our own sentences only);
S is a bare predicted span for the structure-rule tests."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.corpus.lsformat import Example, SpanAnn

_MARK = re.compile(r"【([A-Z]+)\|([^】]*)】")


def parse_markup(marked: str) -> Example:
    text_parts, spans, pos, out_len = [], [], 0, 0
    for m in _MARK.finditer(marked):
        before = marked[pos:m.start()]
        text_parts.append(before)
        out_len += len(before)
        label, inner = m.group(1), m.group(2)
        spans.append(SpanAnn(out_len, out_len + len(inner), label, id=f"g{len(spans)}", text=inner))
        text_parts.append(inner)
        out_len += len(inner)
        pos = m.end()
    text_parts.append(marked[pos:])
    return Example("".join(text_parts), spans)


@dataclass
class S:
    """A predicted span as the structure rules see it (start, end, label, score)."""
    start: int
    end: int
    label: str
    score: float
