"""Training draws side by side (`jixiao compare-draws`): several models' rule-ablation reports
(`jixiao eval-rules --model DIR --out DIR/eval`), one row each, grouped by the change they were
trained with, and each group's mean and range.

Why: one training of the shipped config and another of the same config with another seed differ by
more (0.905-0.943 exact with the rules, 0.811-0.888 raw, six draws of 2026-12-06) than most changes
to the generator or the loss move a single draw. A change is judged by its group of draws against
the baseline's group, on the figures its aim names (the raw model's gap, the WORKLOAD edges), not
by one micro F1. The reports already hold every figure; this reads them, it runs no model.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from pipeline.labels import load_labels

LABELS = tuple(load_labels().names)   # configs/labels.yaml, in its order
# the WORKLOAD edge classes the table shows (pipeline.tag.devset.EDGE_CLASSES): the raw model's
# most frequent wrong edges
WORKLOAD_EDGES = ("starts late", "starts early", "missed")


@dataclass
class Draw:
    group: str          # the change the model was trained with ("baseline", "path loss", …)
    path: Path          # its rules-ablation report
    report: dict

    @property
    def model_version(self) -> str:
        return self.report.get("model_version", "?")


def parse_draw_arg(arg: str) -> tuple[str, Path]:
    """``GROUP=PATH``, or ``PATH`` grouped by its model folder (the folder above ``eval/``, where
    eval-rules writes by default, or else the report's own folder)."""
    if "=" in arg:
        group, path = arg.split("=", 1)
        return group.strip(), Path(path)
    path = Path(arg)
    folder = path.parent.parent if path.parent.name == "eval" else path.parent
    return folder.name, path


def load_draw(group: str, path: Path) -> Draw:
    report = json.loads(path.read_text(encoding="utf-8"))
    dev = report.get("devset") or {}
    if "all" not in dev or "none" not in dev:
        raise ValueError(f"{path}: not a rule-ablation report with dev-set scores for `all` and `none` "
                         "(jixiao eval-rules --model DIR --out DIR/eval)")
    return Draw(group, path, report)


def figures(draw: Draw) -> dict[str, float]:
    """The figures a row shows, by column name."""
    dev, seeds = draw.report["devset"], draw.report.get("seeds") or {}
    full, raw = dev["all"], dev["none"]
    out = {"dev exact": full["exact"], "dev overlap": full["overlap"],
           "raw exact": raw["exact"], "raw overlap": raw["overlap"],
           "gap exact": round(full["exact"] - raw["exact"], 3),
           "gap overlap": round(full["overlap"] - raw["overlap"], 3)}
    for lab in LABELS:
        out[f"raw {lab}"] = raw["exact_per_label"].get(lab, 0.0)
    edges = (raw.get("edges") or {}).get("WORKLOAD") or {}
    for cls in WORKLOAD_EDGES:
        out[f"raw WL {cls}"] = edges.get(cls, 0)
    out["span facts"] = full.get("span_facts", 0)
    if seeds.get("all"):
        out["seeds exact"], out["seeds overlap"] = seeds["all"]["exact"], seeds["all"]["overlap"]
    return out


COLUMNS = ("dev exact", "dev overlap", "raw exact", "raw overlap", "gap exact", "gap overlap",
           *(f"raw {lab}" for lab in LABELS), *(f"raw WL {c}" for c in WORKLOAD_EDGES), "span facts",
           "seeds exact", "seeds overlap")
_COUNTS = {"span facts", *(f"raw WL {c}" for c in WORKLOAD_EDGES)}


def _fmt(col: str, v: float | None) -> str:
    """A count as a whole number (a group's mean with one decimal), an F1 with three."""
    if v is None:
        return "–"
    if col not in _COUNTS:
        return f"{v:.3f}"
    return f"{int(v)}" if float(v).is_integer() else f"{v:.1f}"


def group_summary(draws: list[Draw]) -> dict[str, dict[str, dict[str, float]]]:
    """group → column → {mean, min, max, n} over the group's draws."""
    by_group: dict[str, list[dict[str, float]]] = {}
    for d in draws:
        by_group.setdefault(d.group, []).append(figures(d))
    out = {}
    for group, rows in by_group.items():
        out[group] = {}
        for col in COLUMNS:
            vals = [r[col] for r in rows if col in r]
            if vals:
                out[group][col] = {"mean": round(mean(vals), 4), "min": min(vals), "max": max(vals), "n": len(vals)}
    return out


def compare_table(draws: list[Draw]) -> str:
    """Markdown: one row per draw, then each group of two draws or more: its mean and its range."""
    head = "| group | model | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|---|---|" + "---|" * len(COLUMNS)]
    for d in draws:
        f = figures(d)
        lines.append(f"| {d.group} | {d.model_version} | " + " | ".join(_fmt(c, f.get(c)) for c in COLUMNS) + " |")
    for group, cols in group_summary(draws).items():
        n = max(s["n"] for s in cols.values())
        if n < 2:
            continue   # one draw: its row above is its mean
        lines.append(f"| **{group}: mean of {n}** | | " +
                     " | ".join(_fmt(c, cols[c]["mean"]) if c in cols else "–" for c in COLUMNS) + " |")
        lines.append(f"| {group}: range | | " + " | ".join(
            f"{_fmt(c, cols[c]['min'])}–{_fmt(c, cols[c]['max'])}" if c in cols else "–" for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def write_comparison(draws: list[Draw], out: Path, command: str) -> Path:
    """OUT.md (the table) and OUT.json (the summary and each draw's figures)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    md = out.with_suffix(".md")
    md.write_text(f"# Training draws compared\n\nCommand: `{command}`. Each row is one model's rule-ablation "
                  "report (`jixiao eval-rules`): dev-set micro F1 with the rules and raw (`--no-rules`), the gap "
                  "between them, the raw model's exact F1 per label, the raw model's WORKLOAD gold spans by edge "
                  "class (pipeline.tag.devset.edge_class), the span-count facts with the rules, and the seeds "
                  "with the rules (their gold is in the training data of a `make train` model).\n\n"
                  + compare_table(draws), encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(
        {"command": command, "groups": group_summary(draws),
         "draws": [{"group": d.group, "report": str(d.path), "model_version": d.model_version,
                    "figures": figures(d)} for d in draws]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return md
