"""Every structural fact in ../shared/spec/seed_facts.json is in the seed records.

The records come from general rules (no rule names a seed). Span facts
(function_items, workload_examples, problems_at_least, measures_at_least) belong to
the tagger and are checked in tests/tag.
"""
from __future__ import annotations

import re

import pytest

from tests.conftest import seed_paths

SPAN_FACTS = {"function_items", "workload_examples", "problems_at_least", "measures_at_least"}
BUDGET_ALIASES = {"execution_rate_percent": "execution_rate"}


def norm(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def close(a, b, tol=0.005) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) <= tol


def check_fact(record, key, expected) -> list[str]:
    """Problems with one fact (empty when the record holds it)."""
    m = record.meta
    if key in ("year", "total_score"):
        got = getattr(m, key)
        return [] if close(got, expected) else [f"{key}: {got} != {expected}"]
    if key in ("unit", "grade", "filled_on"):
        got = getattr(m, key)
        return [] if got == expected else [f"{key}: {got!r} != {expected!r}"]
    if key == "kind":
        want = expected.split(" with ")[0]
        return [] if m.kind and (want in m.kind or m.kind in want) else [f"kind: {m.kind!r} !~ {want!r}"]
    if key == "budget":
        out = []
        for f, v in expected.items():
            got = record.budget.get(BUDGET_ALIASES.get(f, f))
            if not got or not close(got.value, v):
                out.append(f"budget.{f}: {got.value if got else None} != {v}")
        return out
    if key == "assets":
        return [f"assets.{f}: {record.assets.get(f)} != {v}" for f, v in expected.items()
                if not (record.assets.get(f) and close(record.assets[f].value, v))]
    if key == "staff":
        got = m.staff.model_dump()
        return [f"staff.{f}: {got.get(f)} != {v}" for f, v in expected.items() if got.get(f) != v]
    if key == "indicator_rows":
        return [] if len(record.indicators) == expected else [f"indicator_rows: {len(record.indicators)} != {expected}"]
    if key == "indicator_examples":
        out = []
        projects = {p.id: p.name for p in record.projects}
        for ex in expected:
            cands = [i for i in record.indicators if norm(i.name).startswith(norm(ex["name_prefix"]))]
            if "project" in ex:
                cands = [i for i in cands if norm(projects.get(i.project)) == norm(ex["project"])]
            if "level2" in ex:
                cands = [i for i in cands if norm(i.level2) == norm(ex["level2"])]
            ok = [i for i in cands
                  if ("weight" not in ex or close(i.weight, ex["weight"]))
                  and ("score" not in ex or close(i.score, ex["score"]))
                  and ("target" not in ex or (i.target and norm(i.target.text) == norm(ex["target"])))
                  and ("actual" not in ex or (i.actual and norm(i.actual.text) == norm(ex["actual"])))]
            if not ok:
                out.append(f"indicator {ex} not found (candidates: {[i.model_dump(exclude_none=True) for i in cands][:2]})")
        return out
    if key == "level1_scores":
        got = {g.name: g.score for g in record.score_groups}
        return [f"level1 {k}: {got.get(k)} != {v}" for k, v in expected.items() if not close(got.get(k), v)]
    if key == "evaluators":
        return [] if len(record.evaluators) == expected else [f"evaluators: {len(record.evaluators)} != {expected}"]
    if key == "annual_goals":
        return [] if len(record.goals) == expected else [f"annual_goals: {len(record.goals)} != {expected}"]
    if key == "projects":
        out = []
        for ex in expected:
            p = next((p for p in record.projects if norm(p.name) == norm(ex["name"])), None)
            if p is None:
                out.append(f"project {ex['name']!r} not found in {[p.name for p in record.projects]}")
            elif not (close(p.budgeted, ex["budgeted"]) and close(p.executed, ex["executed"])):
                out.append(f"project {ex['name']!r}: {p.budgeted}/{p.executed} != {ex['budgeted']}/{ex['executed']}")
        return out
    if key == "grade_scale":
        return [] if m.grade_scale == expected else [f"grade_scale: {m.grade_scale} != {expected}"]
    if key == "project_scores":
        n = sum(1 for p in record.projects if p.score is not None)
        return [] if n == expected else [f"project_scores: {n} != {expected}"]
    if key == "project_score_value":
        bad = [p.score for p in record.projects if p.score is not None and not close(p.score, expected)]
        return [f"project scores {bad} != {expected}"] if bad else []
    if key == "tables":
        return [] if len(record.tables) == expected else [f"tables: {len(record.tables)} != {expected}"]
    if key == "fund_use_rows":
        n = sum(1 for f in record.fund_use if not f.is_total)
        return [] if n == expected else [f"fund_use_rows: {n} != {expected}"]
    if key == "fund_use_total":
        total = next((f for f in record.fund_use if f.is_total), None)
        if total is None:
            return ["fund_use_total: no total row"]
        return [f"fund_use_total.{k}: {getattr(total, k)} != {v}" for k, v in expected.items() if not close(getattr(total, k), v)]
    return [f"unknown fact key {key!r}: teach this test to check it"]


@pytest.mark.parametrize("seed", [p.name for p in seed_paths()] or ["<no seeds>"])
def test_seed_record_holds_every_structural_fact(seed, seed_facts, structured_seeds):
    record = structured_seeds[seed]
    problems = []
    for key, expected in seed_facts[seed].items():
        if key in SPAN_FACTS:
            continue
        problems += check_fact(record, key, expected)
    assert not problems, "\n".join(problems)


def test_seed_records_validate_against_schema(structured_seeds):
    from pipeline.schema import validate_record
    for name, record in structured_seeds.items():
        assert validate_record(record.to_json_dict()) == [], name


def test_fact_checker_reports_wrong_values(structured_seeds):
    """The comparator itself must be able to fail."""
    record = next(iter(structured_seeds.values()))
    assert check_fact(record, "year", 1999)
    assert check_fact(record, "budget", {"executed": -1.0})
    assert check_fact(record, "indicator_examples", [{"name_prefix": "不存在的指标", "score": 1}])
    assert check_fact(record, "no_such_fact", 1)
