"""The synthetic labelled report generator behind `jixiao synth`.

One document = one seed string ``"{seed}:{index}"``; every random choice of that
document comes from generators seeded with it, so the same (n, seed) gives
byte-identical output, and document i does not depend on n.

A document with a planted inconsistency is built twice: a dry run tells which
facts the drawn layout states, a planted kind is chosen among those the
document can show, and the document is built again with it.
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from pipeline.corpus.lsformat import Example, example_to_task, write_tasks
from pipeline.corpus.synth import compose
from pipeline.corpus.synth.banks import GENERIC_WORKLOADS, WorkloadItem, compose_person, compose_place, phrases, short_name, unit_kinds, unit_name
from pipeline.corpus.synth.builder import Piece
from pipeline.corpus.synth.facts import (
    BUDGET_FIELDS, GRADE_SCALES, Facts, finish_scores, make_assets, make_budget, make_goals, make_projects,
    make_staff, output_indicators, overall_indicators, plant, wan,
)
from pipeline.corpus.synth.layouts import LAYOUTS
from pipeline.corpus.synth.noise import Noise
from pipeline.corpus.synth.render import CauseItem, Doc, MeasureItem, ProblemItem
from pipeline.lexicon import first_clause

PROJECT_LAYOUTS = ("ocr_project_form", "project_forms")


@dataclass
class SynthDoc:
    example: Example
    facts: dict


def _workloads(rng: random.Random, noise: Noise, kind, n: int, pool: tuple[WorkloadItem, ...],
               pool_rng: random.Random) -> list[compose.Workload]:
    out = []
    siblings = tuple(kind.workloads) + GENERIC_WORKLOADS
    items = compose.pick_workload_items(rng, kind, n)
    if pool:
        # the work of another bank in place of the unit's (pipeline.tag.unseen_work): drawn with
        # their own random stream, so the document is the one the unit's bank makes but for its work
        items = pool_rng.sample(pool, min(len(items), len(pool)))
        siblings = pool
    for i, item in enumerate(items):
        w = compose.workload(rng, item, key=f"W{i}", siblings=siblings, swap_verbs=not pool)
        w.frag = [Piece(noise.digits_in_span(w.frag[0].text), "WORKLOAD", f"W{i}")]
        out.append(w)
    return out


def _problems(rng: random.Random, facts: Facts, unit: compose.Unit, year: int
              ) -> tuple[list[ProblemItem], list[MeasureItem]]:
    """Problems with their causes and measures: about budget and performance management (the
    phrase bank's topics) or about the unit's own line of work (its kind's bank), mixed."""
    n = rng.randint(1, 5)
    topics = rng.sample(compose.topic_names(), min(n, len(compose.topic_names())))
    problems = []
    for i, topic in enumerate(topics):
        own = rng.random() < 0.45
        if own:
            causes = [CauseItem(f"P{i}C{j}", compose.domain_cause_text(rng, unit, year, False),
                                compose.domain_cause_text(rng, unit, year, True))
                      for j in range(rng.choice((0, 1, 1, 1, 2)))]
        else:
            causes = [CauseItem(f"P{i}C{j}", compose.cause_text(rng, topic, False), compose.cause_text(rng, topic, True))
                      for j in range(rng.choice((0, 1, 1, 1, 2)))]
        measure = None
        if rng.random() < 0.9:
            if own:
                actions = compose.domain_actions(rng, unit, year, rng.randint(0, 3))
                title = compose.domain_measure_title(rng, unit, year)
            else:
                actions = rng.sample(compose.phrases()["topics"][topic]["actions"], rng.randint(0, 3))
                title = compose.measure_title(rng, topic)
            measure = MeasureItem(f"P{i}M", title, [(f"P{i}M{j}", a) for j, a in enumerate(actions)])
        # a report states each problem once: a shortfall drawn again (with or without its figure)
        # is drawn anew, a few times at most
        stated = {first_clause(p.text) for p in problems}
        for _ in range(5):
            text = compose.domain_problem_text(rng, unit, year) if own else compose.problem_text(rng, topic)
            if first_clause(text) not in stated:
                break
        problems.append(ProblemItem(f"P{i}", text, topic, causes, measure))
    missed = [ind for ind in facts.indicators if ind.missed and "执行" not in ind.level2]
    if missed and rng.random() < 0.6:  # a deviation explained in the problems section
        ind, topic, i = rng.choice(missed), rng.choice(compose.topic_names()), len(problems)
        problems.append(ProblemItem(f"P{i}", compose.missed_indicator_problem(rng, ind.name), topic,
                                    [CauseItem(f"P{i}C0", compose.domain_cause_text(rng, unit, year, False),
                                               compose.domain_cause_text(rng, unit, year, True))], None))
    extra = [MeasureItem(f"X{k}", compose.measure_title(rng, t), [])
             for k, t in enumerate(rng.sample(compose.topic_names(), rng.choice((0, 0, 1, 2))))]
    return problems, extra


def _build(base: str, plant_kind: str | None, noise_level: float, pool: tuple[WorkloadItem, ...] = ()) -> Doc:
    rng = random.Random(base)
    noise = Noise.draw(random.Random(base + ":noise"), noise_level)
    layout = rng.choice(sorted(LAYOUTS))
    kind = rng.choice(unit_kinds())
    place = compose_place(rng)
    name = unit_name(kind, place, rng)
    unit = compose.Unit(kind, place, name, short_name(name))
    year = rng.randint(2018, 2025)
    filled_on = f"{year + 1}-{rng.randint(1, 4):02d}-{rng.randint(1, 28):02d}"

    budget = make_budget(rng, kind)
    workloads = _workloads(rng, noise, kind, rng.randint(4, 12), pool, random.Random(base + ":pool"))
    projects = make_projects(rng, kind, int(budget["project_expenditure"]))
    if layout in PROJECT_LAYOUTS or rng.random() < 0.4:
        indicators = output_indicators(rng, workloads, budget["execution_rate"])
    else:
        indicators = overall_indicators(rng, workloads, budget["execution_rate"])
    for p in projects:
        if layout in PROJECT_LAYOUTS:
            p.indicators = output_indicators(rng, rng.sample(workloads, min(len(workloads), 2)), p.execution_rate, p.name)
            p.score = round(sum(i.score for i in p.indicators), 2)
        else:
            p.score = round(rng.uniform(80, 100), 1)
    scale = rng.choice(GRADE_SCALES)
    total, grade = finish_scores(indicators, scale)
    facts = Facts(budget, make_assets(rng, budget), make_staff(rng, kind), indicators, projects,
                  make_goals(rng, kind), scale, total, grade)
    problems, extra = _problems(rng, facts, unit, year)
    if plant_kind:
        plant(random.Random(base + ":plant"), facts, (plant_kind,))

    p_ = phrases()
    doc = Doc(rng=rng, unit=unit, year=year, kind_label=rng.choice(p_["doc_kinds"]), facts=facts, noise=noise,
              functions=compose.function_items(rng, unit, rng.randint(3, 9)), workloads=workloads,
              problems=problems, extra_measures=extra, filled_on=filled_on, leader=compose_person(rng),
              evaluators=[{"name": compose_person(rng), "title": rng.choice(p_["titles"]),
                           "department": rng.choice(p_["departments"])} for _ in range(rng.randint(2, 5))],
              fin_bureau=(place.county if rng.random() < 0.6 else place.city) + "财政局")
    doc.measures = [p.measure for p in problems if p.measure] + extra
    for p in problems:
        for c in p.causes:
            doc.b.relate(p.key, c.key, "caused_by")
        if p.measure:
            doc.b.relate(p.key, p.measure.key, "addressed_by")
            for key, _ in p.measure.actions:
                doc.b.relate(p.key, key, "addressed_by")
    doc.layout = layout
    LAYOUTS[layout](doc)
    return doc


def _showable(doc: Doc) -> tuple[str, ...]:
    """Planted kinds this document would actually show, given what its layout states."""
    s = doc.stated
    kinds = []
    if {"budgeted", "carryover", "initial", "adjustment", "other_adjustment"} <= s or \
            {"executed", "basic_expenditure", "project_expenditure"} <= s:
        kinds.append("sum_mismatch")
    if {"execution_rate", "executed", "budgeted"} <= s:
        kinds.append("rate_mismatch")
    if {"balance", "executed", "budgeted"} <= s:
        kinds.append("balance_mismatch")
    if doc.stated_indicators:
        kinds.append("score_mismatch")
        if "total_score" in s:
            kinds += ["total_mismatch", "grade_mismatch"] if "grade" in s else ["total_mismatch"]
    if {"table.executed", "narrative.executed"} <= s:
        kinds.append("narrative_table_mismatch")
    return tuple(kinds)


def _still_shown(doc: Doc, planted: dict) -> bool:
    kind, detail = planted["kind"], planted["detail"]
    if kind == "sum_mismatch":
        need = {"budgeted", "carryover", "initial", "adjustment", "other_adjustment"} \
            if detail["field"] == "budgeted" else {"executed", "basic_expenditure", "project_expenditure"}
        return need <= doc.stated
    return kind in _showable(doc)


def generate_doc(seed: int, index: int, inconsistent_rate: float = 0.0, noise_level: float = 1.0,
                 workload_pool: tuple[WorkloadItem, ...] = ()) -> SynthDoc:
    """One synthetic report. workload_pool: counted work drawn from these items instead of the
    unit's bank (the held-out work of pipeline.tag.unseen_work); the rest of the document is the
    one the bank makes."""
    base = f"{seed}:{index}"
    plant_kind = None
    if inconsistent_rate > 0 and random.Random(base + ":plan").random() < inconsistent_rate:
        kinds = _showable(_build(base, None, noise_level, workload_pool))
        if kinds:
            plant_kind = random.Random(base + ":plan-kind").choice(kinds)
    doc = _build(base, plant_kind, noise_level, workload_pool)
    if plant_kind and not _still_shown(doc, doc.facts.planted[0]):
        # sum_mismatch of a field the layout does not state: keep the document consistent
        doc = _build(base, None, noise_level, workload_pool)
    return SynthDoc(_example(doc), _facts(doc))


def _example(doc: Doc) -> Example:
    text = doc.b.text
    data = {"doc_id": hashlib.sha256(text.encode("utf-8")).hexdigest(), "unit": doc.unit.name, "year": doc.year,
            "kind": doc.kind_label, "region": doc.unit.place.region, "layout": doc.layout}
    return doc.b.example(data)


def _facts(doc: Doc) -> dict:
    f, s = doc.facts, doc.stated
    budget = {}
    for field_ in BUDGET_FIELDS:
        if field_ in s:
            budget[field_] = f.budget[field_] if field_ == "execution_rate" else wan(int(f.budget[field_]))
    assets = {k: wan(v) for k, v in f.assets.items() if k in s}
    spans = {sp.id: sp for sp in doc.b.spans}
    workloads = []
    for w in doc.workload_rendered:
        sid = doc.b.key_to_id.get(w.frag[0].key or "")
        # not the first piece of a line-broken span; a wrapped cell's tabs (Noise.wrap_cell) are in the span
        if sid and spans[sid].text.replace("\t", "").endswith(w.frag[0].text):
            sp = spans[sid]
            workloads.append({"span_id": sid, "start": sp.start, "end": sp.end, "text": sp.text,
                              "activity": w.activity, "count": w.count, "unit": w.unit, "approximate": w.approximate})
    return {
        "doc_id": hashlib.sha256(doc.b.text.encode("utf-8")).hexdigest(),
        "unit": doc.unit.name, "unit_kind": doc.unit.kind.kind, "year": doc.year, "kind": doc.kind_label,
        "region": doc.unit.place.region, "filled_on": doc.filled_on if "filled_on" in s else None,
        "layout": doc.layout,
        "budget": budget, "assets": assets,
        "staff": dict(f.staff) if "staff" in s else None,
        "indicators": [i.as_fact() for i in doc.stated_indicators],
        "projects": [p.as_fact() for p in f.projects] if doc.stated_projects else [],
        "goals": list(f.goals) if doc.stated_goals else [],
        "total_score": f.total_score if "total_score" in s else None,
        "grade": f.grade if "grade" in s else None,
        "grade_scale": [[g, low] for g, low in f.grade_scale],
        "evaluators": list(doc.evaluators) if doc.stated_evaluators else [],
        "workloads": workloads,
        "noise": doc.noise.active() + (["amounts_in_yuan"] if doc.noise.yuan_tables else []) + doc.shapes,
        "planted": list(f.planted),
    }


def generate_corpus(n: int, seed: int, inconsistent_rate: float = 0.0, noise_level: float = 1.0):
    for i in range(n):
        yield generate_doc(seed, i, inconsistent_rate, noise_level)


def write_corpus(out: Path, n: int, seed: int, inconsistent_rate: float = 0.0, write_docs: bool = False,
                 noise_level: float = 1.0) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks, lines = [], []
    if write_docs:
        (out / "docs").mkdir(exist_ok=True)
    for i, doc in enumerate(generate_corpus(n, seed, inconsistent_rate, noise_level)):
        tasks.append(example_to_task(doc.example, task_id=i + 1))
        lines.append(json.dumps(doc.facts, ensure_ascii=False))
        if write_docs:
            (out / "docs" / f"{doc.facts['doc_id']}.txt").write_text(doc.example.text, encoding="utf-8")
    write_tasks(tasks, out / "tasks.json")
    (out / "facts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"docs": n, "out": str(out), "spans": sum(len(t["annotations"][0]["result"]) for t in tasks)}
