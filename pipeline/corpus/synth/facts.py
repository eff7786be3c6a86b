"""The true structured facts of a synthetic report, consistent by construction.

Amounts are kept as integer hundredths of 万元 (cents of 万元) while generating so
that sums add up exactly; they are written out as 万元 with two decimals. Rates
are percents with two decimals. Indicator scores follow their weights, the total
is the sum of item scores and the grade follows the document's grade scale.
Planted inconsistencies change one stated value and are recorded in ``planted``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipeline.corpus.synth.banks import UnitKind
from pipeline.corpus.synth.compose import Workload

BUDGET_FIELDS = ("carryover", "initial", "adjustment", "other_adjustment", "budgeted", "executed", "execution_rate",
                 "balance", "income", "fiscal_appropriation_income", "other_income", "expenditure",
                 "basic_expenditure", "project_expenditure")

GRADE_SCALES = (
    (("优", 90), ("良", 80), ("中", 60), ("差", 0)),
    (("优秀", 85), ("良好", 75), ("一般", 60), ("较差", 0)),
    (("优", 90), ("良", 75), ("中", 60), ("差", 0)),
    (("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0)),
)

# Whole-unit framework (投入/过程/产出/效果): level1 → level2 → indicator names.
OVERALL_FRAMEWORK = (
    ("投入", (18, 22), (("目标设定", ("绩效目标合理性", "绩效指标明确性", "工作规划合理性")),
                      ("预算配置", ("在职人员控制率", "重点支出安排率", "三公经费变动率")))),
    ("过程", (30, 42), (("预算执行", ("预算完成率", "预算调整率", "支付进度率", "结转结余率", "公用经费控制率",
                                    "政府采购执行率")),
                      ("预算管理", ("管理制度健全性", "资金使用合规性", "预决算信息公开性", "基础信息完善性")),
                      ("资产管理", ("资产管理安全性", "固定资产利用率", "资产管理制度健全性")))),
    ("产出", (20, 30), (("职责履行", ("实际完成率", "质量达标率", "完成及时性", "重点工作办结率")),)),
    ("效果", None, (("履职效益", ("社会效益", "可持续影响", "经济效益", "生态效益", "服务对象满意度")),)),
)
QUALITY_NAMES = ("工作任务完成质量", "按规定程序办理率", "信息报送准确率", "资金使用合规率", "档案资料完整率",
                 "服务规范达标率", "问题整改完成率")
TIMELINESS_NAMES = ("各项任务按计划时限完成", "资金拨付及时率", "任务按期完成率", "报告按时报送率")
COST_NAMES = ("支出控制在批复预算以内", "成本控制在预算范围内", "三公经费控制情况")
EFFECT_NAMES = (("社会效益指标", ("公共服务水平明显提升", "群众获得感持续增强", "社会影响力进一步扩大",
                               "服务对象权益得到保障")),
                ("可持续影响指标", ("长效机制建立健全", "工作制度持续完善", "队伍能力持续提升")),
                ("经济效益指标", ("节约行政成本", "带动相关产业发展")),
                ("生态效益指标", ("生态环境持续改善",)))
SATISFACTION_NAMES = ("服务对象满意度", "群众满意度", "社会公众满意度", "管理对象满意率")


def wan(cents: int) -> float:
    return round(cents / 100, 2)


@dataclass
class Indicator:
    project: str | None
    level1: str
    level2: str
    name: str
    weight: float
    target: str
    actual: str
    score: float
    missed: bool = False

    def as_fact(self) -> dict:
        return {"project": self.project, "level1": self.level1, "level2": self.level2, "name": self.name,
                "weight": self.weight, "target": self.target, "actual": self.actual, "score": self.score}


@dataclass
class Project:
    name: str
    budgeted: int  # cents of 万元
    executed: int
    score: float | None = None
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def execution_rate(self) -> float:
        return round(self.executed / self.budgeted * 100, 2) if self.budgeted else 0.0

    def as_fact(self) -> dict:
        return {"name": self.name, "budgeted": wan(self.budgeted), "executed": wan(self.executed),
                "execution_rate": self.execution_rate, "score": self.score}


@dataclass
class Facts:
    budget: dict[str, int | float]  # cents of 万元; execution_rate in percent
    assets: dict[str, int]
    staff: dict[str, int]
    indicators: list[Indicator]
    projects: list[Project]
    goals: list[str]
    grade_scale: tuple[tuple[str, int], ...]
    total_score: float
    grade: str
    planted: list[dict] = field(default_factory=list)
    narrative_executed: int | None = None  # what the narrative says was executed (differs when planted)

    def grade_for(self, score: float) -> str:
        return next(g for g, low in self.grade_scale if score >= low)


# ---------------------------------------------------------------- budget
def make_budget(rng: random.Random, kind: UnitKind) -> dict[str, int | float]:
    initial = rng.randint(kind.budget[0] * 100, kind.budget[1] * 100)
    carryover = 0 if rng.random() < 0.35 else int(initial * rng.uniform(0.002, 0.06))
    adjustment = 0 if rng.random() < 0.25 else int(initial * rng.uniform(-0.08, 0.15))
    other_adjustment = 0 if rng.random() < 0.8 else int(initial * rng.uniform(0.001, 0.03))
    budgeted = carryover + initial + adjustment + other_adjustment
    executed = budgeted if rng.random() < 0.15 else int(budgeted * rng.uniform(0.86, 0.999))
    other_income = 0 if rng.random() < 0.7 else int((initial + adjustment) * rng.uniform(0.005, 0.08))
    income = initial + adjustment + other_adjustment
    basic = int(executed * rng.uniform(0.55, 0.9))
    return {"carryover": carryover, "initial": initial, "adjustment": adjustment, "other_adjustment": other_adjustment,
            "budgeted": budgeted, "executed": executed,
            "execution_rate": round(executed / budgeted * 100, 2), "balance": budgeted - executed,
            "income": income, "fiscal_appropriation_income": income - other_income, "other_income": other_income,
            "expenditure": executed, "basic_expenditure": basic, "project_expenditure": executed - basic}


def make_assets(rng: random.Random, budget: dict) -> dict[str, int]:
    scale = int(budget["initial"]) or 10000
    current = int(scale * rng.uniform(0.01, 0.3))
    fixed = int(scale * rng.uniform(0.05, 1.2))
    intangible = 0 if rng.random() < 0.5 else int(scale * rng.uniform(0.001, 0.05))
    return {"total": current + fixed + intangible, "current": current, "fixed_net": fixed, "intangible_net": intangible}


def make_staff(rng: random.Random, kind: UnitKind) -> dict[str, int]:
    authorized = rng.randint(*kind.staff)
    return {"authorized": authorized, "in_service": max(1, authorized - rng.randint(-2, max(2, authorized // 6))),
            "retired": rng.randint(0, max(1, authorized // 2))}


# ---------------------------------------------------------------- indicators and scores
def _split_weight(rng: random.Random, total: int, n: int, minimum: int = 2) -> list[int]:
    """n integer weights, each ≥ minimum where total allows it, summing to total."""
    minimum = min(minimum, total // max(n, 1))   # a small level with many rows: the sum, not the minimum, holds
    weights = [minimum] * n
    for _ in range(total - minimum * n):
        weights[rng.randrange(n)] += 1
    return weights


def _score(weight: float, ratio: float) -> float:
    return round(weight * min(ratio, 1.0), 2)


def _rate_indicator(rng: random.Random, project, level1, level2, name, weight) -> Indicator:
    target = rng.choice((95, 98, 100, 90))
    if rng.random() < 0.12:
        actual = round(target - rng.uniform(2, 15), 1)
        return Indicator(project, level1, level2, name, weight, f"≥{target}%", f"{actual:g}%",
                         _score(weight, actual / target), missed=True)
    actual = rng.choice((target, 100, round(rng.uniform(target, 100), 1)))
    op = rng.choice(("≥", "≥", "=", "")) if target != 100 else rng.choice(("=", "", "≥"))
    return Indicator(project, level1, level2, name, weight, f"{op}{target}%", f"{actual:g}%", float(weight))


def _quality_indicator(rng, project, level1, level2, name, weight) -> Indicator:
    if "%" in name or name.endswith(("率", "度")):
        return _rate_indicator(rng, project, level1, level2, name, weight)
    target = rng.choice(("按时完成", "达到预期", "有效提升", "明显改善", "规范", "全部完成", "是"))
    actual = rng.choice(("已完成", "达到预期", "明显提升", "较好", "规范", "全部完成", "是"))
    return Indicator(project, level1, level2, name, weight, target, actual, float(weight))


def _quantity_indicator(rng, project, level1, level2, w: Workload, weight) -> Indicator:
    count = int(w.count)
    name = w.activity + rng.choice(("", "数量", "次数" if w.unit in ("次", "场", "场次", "期", "轮") else "数"))
    if rng.random() < 0.12 and count >= 4:  # target missed
        target = int(count * rng.uniform(1.1, 1.5)) + 1
        return Indicator(project, level1, level2, name, weight, f"≥{target}{w.unit}", f"{count}{w.unit}",
                         _score(weight, count / target), missed=True)
    target = max(1, int(count * rng.uniform(0.6, 1.0)))
    op = rng.choice(("≥", "≥", "", ">="))
    return Indicator(project, level1, level2, name, weight, f"{op}{target}{w.unit}", f"{count}{w.unit}", float(weight))


def budget_rate_indicator(rng, project, level1, rate: float, weight: int) -> Indicator:
    name = rng.choice(("预算执行率", "资金执行率", "预算资金执行率"))
    return Indicator(project, level1, "预算执行", name, weight, "100%", f"{rate:.2f}%", round(weight * rate / 100, 2),
                     missed=rate < 100)


def overall_indicators(rng: random.Random, workloads: list[Workload], rate: float) -> list[Indicator]:
    """投入/过程/产出/效果 table of a whole-unit self-evaluation."""
    out: list[Indicator] = []
    remaining = 100
    for level1, total_range, level2s in OVERALL_FRAMEWORK:
        total = remaining if total_range is None else rng.randint(*total_range)
        remaining -= total
        rows = []
        for level2, names in level2s:
            k = rng.randint(2, min(4, len(names)))
            rows += [(level2, n) for n in rng.sample(names, k)]
        if level1 == "产出" and workloads:
            rows += [("职责履行", w) for w in workloads[: rng.randint(1, 3)]]
        weights = _split_weight(rng, total, len(rows))
        for (level2, item), weight in zip(rows, weights):
            if isinstance(item, Workload):
                out.append(_quantity_indicator(rng, None, level1, level2, item, weight))
            elif item == "预算完成率":
                out.append(Indicator(None, level1, level2, item, weight, "100%", f"{rate:.2f}%",
                                     round(weight * rate / 100, 2), missed=rate < 100))
            else:
                out.append(_quality_indicator(rng, None, level1, level2, item, weight))
    return out


def output_indicators(rng: random.Random, workloads: list[Workload], rate: float, project: str | None = None,
                      total: int = 100) -> list[Indicator]:
    """产出/效益/满意度 table (with a budget-execution row), as project forms use."""
    budget_weight = rng.choice((10, 20)) if total == 100 else max(2, total // 10)
    rows: list[tuple[str, str, object]] = [("产出指标", "数量指标", w) for w in workloads[: rng.randint(1, 4)]]
    rows += [("产出指标", "质量指标", n) for n in rng.sample(QUALITY_NAMES, rng.randint(1, 2))]
    rows += [("产出指标", "时效指标", rng.choice(TIMELINESS_NAMES))]
    if rng.random() < 0.6:
        rows += [("产出指标", "成本指标", rng.choice(COST_NAMES))]
    for level2, names in EFFECT_NAMES[: rng.randint(1, 4)]:
        rows += [("效益指标", level2, rng.choice(names))]
    rows += [("满意度指标", "满意度指标", rng.choice(SATISFACTION_NAMES))]
    weights = _split_weight(rng, total - budget_weight, len(rows), minimum=3)
    out = [budget_rate_indicator(rng, project, "预算执行", rate, budget_weight)]
    for (level1, level2, item), weight in zip(rows, weights):
        if isinstance(item, Workload):
            out.append(_quantity_indicator(rng, project, level1, level2, item, weight))
        elif level2 == "满意度指标":
            out.append(_rate_indicator(rng, project, level1, level2, item, weight))
        else:
            out.append(_quality_indicator(rng, project, level1, level2, item, weight))
    return out


# ---------------------------------------------------------------- projects
GENERIC_PROJECTS = ("办公设备购置经费", "信息化运维经费", "党建工作经费", "购买服务支出", "业务培训经费", "宣传工作经费")


def make_projects(rng: random.Random, kind: UnitKind, project_expenditure: int) -> list[Project]:
    names = list(kind.projects) + list(GENERIC_PROJECTS)
    n = rng.randint(2, 6)
    chosen = rng.sample(names, n)
    # executed amounts partition the project expenditure exactly
    cuts = sorted(rng.randint(1, max(2, project_expenditure - 1)) for _ in range(n - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [project_expenditure])]
    projects = []
    for name, executed in zip(chosen, parts):
        executed = max(executed, 0)
        budgeted = executed if rng.random() < 0.5 else int(executed / rng.uniform(0.85, 0.999)) + 1
        projects.append(Project(name, max(budgeted, 1), executed))
    return projects


def make_goals(rng: random.Random, kind: UnitKind) -> list[str]:
    verbs = ("推进", "完成", "加强", "做好", "提升", "落实", "保障")
    objs = rng.sample(kind.objects, min(len(kind.objects), rng.randint(3, 8)))
    return [rng.choice(verbs) + o + rng.choice(("", "工作", "年度任务", "各项工作")) for o in objs]


# ---------------------------------------------------------------- assembling and planting
def finish_scores(facts_indicators: list[Indicator], scale) -> tuple[float, str]:
    total = round(sum(i.score for i in facts_indicators), 2)
    return total, next(g for g, low in scale if total >= low)


PLANT_KINDS = ("sum_mismatch", "rate_mismatch", "balance_mismatch", "score_mismatch", "total_mismatch",
               "grade_mismatch", "narrative_table_mismatch")


def plant(rng: random.Random, facts: Facts, allowed: tuple[str, ...]) -> None:
    """Change one stated value so that the document contradicts itself; record it."""
    kind = rng.choice(allowed)
    b = facts.budget
    if kind == "sum_mismatch":
        field_ = rng.choice(("budgeted", "project_expenditure"))
        expected = b[field_]
        # at least 1% off: pipeline.check reads up to 0.5% as rounding (configs/checking.yaml)
        low = max(100, int(expected) // 100)
        b[field_] = expected + rng.choice((-1, 1)) * rng.randint(low, max(2 * low, int(expected) // 20))
        detail = {"field": field_, "stated": wan(b[field_]), "expected": wan(expected)}
    elif kind == "rate_mismatch":
        expected = b["execution_rate"]
        b["execution_rate"] = round(min(100.0, expected + rng.choice((-1, 1)) * rng.uniform(1.5, 6)), 2)
        if b["execution_rate"] == expected:
            b["execution_rate"] = round(expected - 2.5, 2)
        detail = {"field": "execution_rate", "stated": b["execution_rate"], "expected": expected}
    elif kind == "balance_mismatch":
        expected = b["balance"]
        # at least 1% off, as for sums: a smaller difference on a large balance reads as rounding
        low = max(100, int(expected) // 100)
        b["balance"] = expected + rng.randint(low, max(5000, 5 * low))
        detail = {"field": "balance", "stated": wan(b["balance"]), "expected": wan(expected)}
    elif kind == "score_mismatch":
        ind = rng.choice(facts.indicators)
        expected = ind.score
        ind.score = round(ind.weight + rng.choice((1, 2, 0.5)), 2)
        facts.total_score = round(facts.total_score - expected + ind.score, 2)  # total still sums the items
        facts.grade = facts.grade_for(facts.total_score)
        detail = {"indicator": ind.name, "weight": ind.weight, "stated": ind.score, "expected_max": ind.weight}
    elif kind == "total_mismatch":
        expected = facts.total_score
        facts.total_score = round(expected + rng.choice((-1, 1)) * rng.choice((1, 2, 3, 5, 0.5)), 2)
        facts.total_score = min(facts.total_score, 100.0) if facts.total_score != 100.0 else 99.0
        if facts.total_score == expected:
            facts.total_score = round(expected - 1.5, 2)
        detail = {"stated": facts.total_score, "expected": expected}
    elif kind == "grade_mismatch":
        expected = facts.grade
        facts.grade = next(g for g, _ in facts.grade_scale if g != expected)
        detail = {"stated": facts.grade, "expected": expected, "total_score": facts.total_score}
    else:  # narrative_table_mismatch: the narrative states another executed amount than the table
        low = max(100, int(b["executed"]) // 100)  # at least 1% off (see sum_mismatch)
        facts.narrative_executed = int(b["executed"]) + rng.choice((-1, 1)) * rng.randint(low, max(30000, 3 * low))
        detail = {"field": "executed", "table": wan(b["executed"]), "narrative": wan(facts.narrative_executed)}
    facts.planted.append({"kind": kind, "detail": detail})
