"""The generator's phrase banks (units.yaml, phrases.yaml) and the names composed from them."""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

BANK_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class WorkloadItem:
    verb: str
    obj: str
    measure_words: tuple[str, ...]
    low: int
    high: int
    object_after: bool  # "举办4期培训班": the object may follow the number


@dataclass(frozen=True)
class UnitKind:
    kind: str
    name_patterns: tuple[str, ...]
    level: str
    budget: tuple[int, int]
    staff: tuple[int, int]
    objects: tuple[str, ...]
    titles: tuple[str, ...]
    workloads: tuple[WorkloadItem, ...]
    projects: tuple[str, ...]
    themes: tuple[str, ...]
    shortfalls: tuple[str, ...]  # the unit's own problems (存在的问题)
    causes: tuple[str, ...]      # their causes (主要原因是…)
    actions: tuple[str, ...]     # improvement measures (下一步…)


def workload_item(spec: str) -> WorkloadItem:
    """A bank line 「verb|object|measure words|min|max|flags」 as an item."""
    verb, obj, mws, low, high, flags = spec.split("|")
    return WorkloadItem(verb, obj, tuple(mws.split(",")), int(low), int(high), "a" in flags)


@lru_cache(maxsize=1)
def unit_kinds() -> tuple[UnitKind, ...]:
    data = yaml.safe_load((BANK_DIR / "units.yaml").read_text(encoding="utf-8"))
    return tuple(UnitKind(d["kind"], tuple(d["name"]), d["level"], tuple(d["budget"]), tuple(d["staff"]),
                          tuple(d["objects"]), tuple(d["titles"]), tuple(workload_item(w) for w in d["workloads"]),
                          tuple(d["projects"]), tuple(d["themes"]),
                          tuple(d["shortfalls"]), tuple(d["causes"]), tuple(d["actions"]))
                 for d in data["kinds"])


@lru_cache(maxsize=1)
def phrases() -> dict:
    return yaml.safe_load((BANK_DIR / "phrases.yaml").read_text(encoding="utf-8"))


# Work every unit kind reports besides its own (meetings, training, publicity, letters).
GENERIC_WORKLOADS = tuple(workload_item(s) for s in (
    "召开|党组会议|次|6|40|a", "组织|干部职工集中学习|次,场|6|60|a", "开展|业务培训|期,场,次|2|30|a",
    "编发|工作简报|期|4|60|a", "报送|政务信息|条,篇|10|400|a", "办理|群众来信来访|件,件次|10|900|",
    "公开|政府信息|条|20|900|", "开展|督导检查|次,轮|2|60|a", "完成|各类公文处理|件|100|5000|",
    "刊发|宣传稿件|篇,条|5|150|a", "制作播出|专题节目|期|2|50|a", "撰写|调研报告|篇,份|2|30|a",
    "提出|意见建议|条,件|5|200|a", "印发|工作方案|份,个|2|30|a", "开展|专题调研|次,项|2|30|a",
    "编印|学习资料|册,期|2|40|a", "参加|上级组织的培训|人次|5|300|",
))

# Work of the unit's own housekeeping, reported under 预算管理/财务管理 (WORKLOAD there too).
MANAGEMENT_WORKLOADS = tuple(workload_item(s) for s in (
    "实施|政府采购项目|个,批次|2|60|", "修订完善|内部管理制度|项,个|2|20|", "开展|内部审计|项,次|1|15|",
    "清理|往来款项|笔|5|200|", "组织|财务人员业务培训|次,期|1|12|a", "开展|资产清查盘点|次|1|4|",
    "审核|报销单据|份,张|200|9000|", "签订|经济合同|份|5|150|", "开展|绩效运行监控|次,轮|1|6|",
))

GENERIC_FUNCTIONS = ("机关财务和资产管理", "机关党建和干部人事管理", "机关行政后勤保障", "政务公开和信息宣传",
                     "档案管理和保密", "安全生产和信访稳定", "本系统干部教育培训")


@dataclass(frozen=True)
class Place:
    province: str
    city: str
    county: str
    town: str

    @property
    def region(self) -> str:
        return self.province + self.city + self.county


def two_chars(rng: random.Random) -> str:
    p = phrases()
    while True:
        a, b = rng.choice(p["place_first"]), rng.choice(p["place_second"])
        if a != b:
            return a + b


def compose_place(rng: random.Random) -> Place:
    county_suffix = rng.choice(["县", "县", "区", "市"])
    return Place(two_chars(rng) + "省", two_chars(rng) + "市", two_chars(rng) + county_suffix,
                 two_chars(rng) + rng.choice(phrases()["town_suffix"]))


def compose_person(rng: random.Random) -> str:
    p = phrases()
    given = rng.choice(p["given"]) + (rng.choice(p["given"]) if rng.random() < 0.7 else "")
    return rng.choice(p["surnames"]) + given


def unit_name(kind: UnitKind, place: Place, rng: random.Random) -> str:
    pattern = rng.choice(kind.name_patterns)
    return pattern.format(city=place.city, county=place.county, town=place.town,
                          ordinal=rng.choice(phrases()["ordinals"]), place=two_chars(rng))


def short_name(unit: str) -> str:
    """What a report calls itself after the first mention (我局, 区政协 …)."""
    for suffix, short in (("教育局", "我局"), ("委员会", "本委"), ("政府", "本镇"), ("中学", "我校"),
                          ("小学", "我校"), ("医院", "我院"), ("保健院", "我院"), ("办公室", "本单位"), ("局", "我局")):
        if unit.endswith(suffix):
            return short
    return "本单位"
