"""Write labelled test text inline: 「【LABEL|span text】」 marks a span (our own sentences only);
S is a bare predicted span for the structure-rule tests."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.corpus.lsformat import Example, SpanAnn

_MARK = re.compile(r"【([A-Z]+)\|([^】]*)】")

# our own project form: the goal cell under 预期目标 states the plan, the cell beside it the year's work
PROJECT_FORM = (
    "项目支出绩效自评表\n"
    "项目名称\t乡村道路养护\n"
    "年度总体目标\t预期目标\t实际完成情况\n"
    "\t完成乡村道路日常养护120公里，修复破损路面35处，确保道路通行安全。\t完成乡村道路日常养护126公里，修复破损路面38处，道路通行状况良好。\n"
    "偏差大或[ 未完成原因\t\t年初申报的绩效目标的\t效益指标覆盖不够\t全面\n"
    "改进措施及结果应用方案\t\t一是进一步细化年度绩效目标，合理设置指标值。\t二是加强过程监控。\t\n"
)
PLANNED_CELL = "完成乡村道路日常养护120公里，修复破损路面35处，确保道路通行安全。"
ACTUAL_CELL = "完成乡村道路日常养护126公里，修复破损路面38处，道路通行状况良好。"


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
