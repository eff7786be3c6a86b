"""Small SVG charts of an archive for the index page, drawn by pygal.

pygal (pure Python, one small wheel) was chosen over matplotlib's SVG backend for weight:
pygal's wheel is 133 KB with one dependency; matplotlib's is 9.9 MB and brings fonttools,
pillow, kiwisolver and contourpy (about 24 MB of wheels beside numpy; ``pip download``,
2026-12-02). The charts are shown with ``<img>``, so pygal's own tooltip script inside the
SVG never runs, and ``js=[]`` keeps it from naming any script on the network.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import pygal
from pygal.style import Style

from pipeline.record import Record

_STYLE = Style(background="white", plot_background="white", colors=("#2f7ed8", "#0d9e6e", "#d9534f"),
               font_family="sans-serif", title_font_size=14, label_font_size=11, major_label_font_size=11)
_SIZE = {"width": 420, "height": 240}


def _bins(values: list[float], edges: list[float]) -> tuple[list[str], list[int]]:
    """Counts of values per [edges[k], edges[k+1]); the last bin is closed, values outside count in the ends."""
    labels = [f"≥{edges[k]:g}" if edges[k + 1] == float("inf") else f"{edges[k]:g}–{edges[k + 1]:g}"
              for k in range(len(edges) - 1)]
    counts = [0] * len(labels)
    for v in values:
        k = 0
        while k < len(labels) - 1 and v >= edges[k + 1]:
            k += 1
        counts[k] += 1
    return labels, counts


def _bar(title: str, labels: list[str], counts: list[int], rotate: int = 0) -> str:
    chart = pygal.Bar(js=[], style=_STYLE, show_legend=False, title=title, x_label_rotation=rotate,
                      print_values=True, **_SIZE)
    chart.x_labels = labels
    chart.add("documents", counts)
    return chart.render(is_unicode=True)


def execution_rate(record: Record) -> float | None:
    """The stated execution rate, else executed / budgeted when both are stated."""
    b = record.budget
    if "execution_rate" in b:
        return b["execution_rate"].value
    if "executed" in b and "budgeted" in b and b["budgeted"].value:
        return round(100 * b["executed"].value / b["budgeted"].value, 2)
    return None


def archive_charts(records: Iterable[Record]) -> dict[str, str]:
    """File name → SVG text: total scores, execution rates, findings per kind."""
    records = list(records)
    scores = [r.meta.total_score for r in records if r.meta.total_score is not None]
    rates = [x for x in map(execution_rate, records) if x is not None]
    kinds = Counter(f.kind for r in records for f in r.findings)
    out = {"total_score.svg": _bar(f"Total score ({len(scores)} documents)",
                                   *_bins(scores, [0, 60, 70, 80, 90, 100])),
           "execution_rate.svg": _bar(f"Execution rate % ({len(rates)} documents)",
                                      *_bins(rates, [0, 50, 80, 90, 95, 100, float("inf")])),
           "findings.svg": _bar(f"Findings per kind ({sum(kinds.values())})",
                                [k for k, _ in kinds.most_common()], [n for _, n in kinds.most_common()],
                                rotate=30)}
    return out
