"""Baseline (i): heading and pattern rules, no learning.

- A region whose context (heading path + row label) names problems, causes,
  measures or functions: every sentence / numbered item in it becomes a span
  of that label (a 究其原因/原因是 lead-in switches a problems region to CAUSE).
- Anywhere: a clause holding a count followed by a measure word is a WORKLOAD,
  unless the count is money, a rate or a staffing/organisation count.
Same output type and snapping as the model (pipeline.tag.span_rules.snap), so the
comparison measures the rules, not the boundary conventions.
"""
from __future__ import annotations

import re

from pipeline.tag.span_rules import snap
from pipeline.tag.regions import HeadingsFor, context_for, find_regions
from pipeline.tag.structured import structure_for
from pipeline.tag.tagger import SpanPrediction
from pipeline.tag.workload import QUANTITY, parse_workload

# Context keyword → label; the innermost (rightmost) keyword in the context wins.
CONTEXT_RULES = [
    ("CAUSE", re.compile(r"原因")),
    ("PROBLEM", re.compile(r"问题|不足|差距|偏差")),
    ("MEASURE", re.compile(r"措施|建议|下一步|改进|整改|方向|结果应用|打算")),
    ("FUNCTION", re.compile(r"职能|职责")),
]
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_ITEM_SPLIT = re.compile(r"(?=(?:[二三四五六七八九十]是|[（(][2-9一二三四五六七八九十][）)]|(?<![\d.])[2-9][、.．](?!\d)|[②③④⑤⑥⑦⑧⑨⑩]))")
_CAUSE_LEAD = re.compile(r"究其原因|原因是|原因在于|原因主要|主要原因|由于")
_NOT_WORK = re.compile(r"万元|元|%|％|率|编制|在职|退休|内设|机构|科室|人员\d|实有")
_CLAUSE = re.compile(r"[^，,。；;！？!?、\n\t]+")


def context_label(context: str) -> str | None:
    best, where = None, -1
    for label, pat in CONTEXT_RULES:
        for m in pat.finditer(context):
            if m.start() > where:
                best, where = label, m.start()
    return best


class RuleTagger:
    model_version = "rules-1"

    def __init__(self, max_context_chars: int = 60, min_cell_hanzi: int = 15):
        self.max_context_chars = max_context_chars
        self.min_cell_hanzi = min_cell_hanzi

    def predict_text(self, text: str, headings_for: HeadingsFor | None = None, tables=None) -> list[SpanPrediction]:
        if headings_for is None:
            headings_for, found = structure_for(text)
            tables = tables if tables is not None else found
        out: list[SpanPrediction] = []
        for r in find_regions(text, tables, self.min_cell_hanzi):
            label = context_label(context_for(r, headings_for, self.max_context_chars))
            if label in ("PROBLEM", "CAUSE", "MEASURE", "FUNCTION"):
                out += self._statements(text, r.start, r.end, label)
            out += self._workloads(text, r.start, r.end)
        out.sort(key=lambda p: (p.start, p.end))
        return _drop_overlaps(out)

    def _statements(self, text: str, start: int, end: int, label: str) -> list[SpanPrediction]:
        out = []
        current = label
        for m in _SENTENCE.finditer(text, start, end):
            pos = m.start()
            for piece in _ITEM_SPLIT.split(m.group(0)):
                p0, p1 = pos, pos + len(piece)
                pos = p1
                lead = _CAUSE_LEAD.search(piece)
                if label == "PROBLEM" and lead and lead.start() < 4:
                    current = "CAUSE"  # the rest of the region gives reasons
                    p0 += lead.end()
                a, b = snap(text, p0, p1)
                if b - a >= 4:
                    out.append(SpanPrediction(a, b, current, 0.5, text[a:b]))
        return out

    def _workloads(self, text: str, start: int, end: int) -> list[SpanPrediction]:
        out = []
        for c in _CLAUSE.finditer(text, start, end):
            clause = c.group(0)
            q = None
            for m in QUANTITY.finditer(clause):
                tail = clause[m.end():m.end() + 2]
                if _NOT_WORK.search(clause[max(0, m.start() - 2):m.end()] + tail) or m.group("num") == "一":
                    continue
                q = m
            if q is None:
                continue
            a, b = snap(text, c.start(), c.start() + q.end())
            if b - a >= 3 and a < c.start() + q.start():  # an activity before the count
                part = text[a:b]
                out.append(SpanPrediction(a, b, "WORKLOAD", 0.5, part, parse_workload(part).as_attrs()))
        return out


def _drop_overlaps(preds: list[SpanPrediction]) -> list[SpanPrediction]:
    out: list[SpanPrediction] = []
    for p in preds:
        if out and p.start < out[-1].end:
            # keep the statement span; a WORKLOAD inside a problem sentence is dropped
            if p.label == "WORKLOAD":
                continue
            if out[-1].label == "WORKLOAD":
                out[-1] = p
            continue
        out.append(p)
    return out
