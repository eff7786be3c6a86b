"""How well the structure stage reads facts, measured on synthetic reports whose facts are known.

    python -m pipeline.structure.fact_accuracy --n 270 --seed 101

The generator (pipeline.corpus.synth) writes nine layouts with noise; this compares what
``structure_text`` reads with the generator's facts, per layout and per fact family.
Indicator rows are compared by (project, name); the 资金执行率 rows the generator models as
indicators are budget-execution rows here and are left out. Amounts within 0.01.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict

from pipeline.annotate import structure_text


def _n(s) -> str:
    return re.sub(r"\s+", "", s or "")


def compare(record, facts: dict) -> Counter:
    """Counts of <family>_ok / <family>_bad for one document."""
    c: Counter = Counter()

    def tally(family: str, ok: bool) -> None:
        c[f"{family}_{'ok' if ok else 'bad'}"] += 1

    for k, v in facts["budget"].items():
        got = record.budget.get(k)
        tally("budget", got is not None and abs(got.value - v) < 0.01)
    for k, v in facts.get("assets", {}).items():
        got = record.assets.get(k)
        tally("assets", got is not None and abs(got.value - v) < 0.01)
    if "excerpt" not in facts.get("noise", ()):  # an excerpt may never name its unit and year
        tally("unit", record.meta.unit == facts["unit"])
        tally("year", record.meta.year == facts["year"])
    if facts.get("total_score") is not None:
        tally("total_score", record.meta.total_score is not None and abs(record.meta.total_score - facts["total_score"]) < 0.01)
    if facts.get("grade"):
        tally("grade", record.meta.grade == facts["grade"])
    for k, v in (facts.get("staff") or {}).items():
        tally("staff", getattr(record.meta.staff, k, None) == v)
    projects = {p.id: _n(p.name) for p in record.projects}
    got = {(projects.get(i.project, ""), _n(i.name)): i for i in record.indicators}
    for ind in facts["indicators"]:
        if ind.get("level2") == "预算执行" and "执行率" in ind["name"]:
            continue
        i = got.get((_n(ind.get("project")), _n(ind["name"])))
        tally("indicators", i is not None and i.score is not None and abs(i.score - ind["score"]) < 0.01)
    for p in facts.get("projects", []):
        tally("projects", any(_n(q.name) == _n(p["name"]) for q in record.projects))
    return c


def measure(n: int, seed: int) -> dict:
    from pipeline.corpus.synth.generator import generate_corpus

    per_layout: dict[str, Counter] = defaultdict(Counter)
    for doc in generate_corpus(n, seed):
        record = structure_text(doc.example.text)
        per_layout[doc.facts["layout"]] += compare(record, doc.facts)
    total: Counter = sum(per_layout.values(), Counter())

    def rates(c: Counter) -> dict[str, float]:
        fams = sorted({k.rsplit("_", 1)[0] for k in c})
        return {f: round(c[f + "_ok"] / max(1, c[f + "_ok"] + c[f + "_bad"]), 3) for f in fams}

    return {"n": n, "seed": seed, "overall": rates(total), "by_layout": {k: rates(v) for k, v in sorted(per_layout.items())}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=270)
    ap.add_argument("--seed", type=int, default=101)
    args = ap.parse_args(argv)
    print(json.dumps(measure(args.n, args.seed), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
