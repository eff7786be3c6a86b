"""Sentence composition: labelled statements and the plain narrative around them.

Every statement is assembled from parts (phrases.yaml, units.yaml) with random
choices at several points, so each label has hundreds of distinct phrasings and
no sentence template dominates. Span pieces carry exactly what labels.md puts
inside a span: never list numbering, a leading connective or the final
punctuation; those are written as plain pieces around the span.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional

from pipeline.corpus.synth.banks import GENERIC_FUNCTIONS, GENERIC_WORKLOADS, MANAGEMENT_WORKLOADS, Place, UnitKind, WorkloadItem, phrases, two_chars
from pipeline.corpus.synth.builder import Fragment, Piece

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for 1..9999 (二十, 三百零五, 一千二百)."""
    if n <= 0 or n >= 10000:
        raise ValueError(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += ("" if (unit == "十" and digit == 1 and not out) else CN_DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


def scope_words(kind: UnitKind, place: Place, unit: str = "") -> list[str]:
    """Words for the unit's area of responsibility (全县, 本校, 辖区内 …)."""
    if kind.level == "school":
        return ["全校", "本校", "学校"]
    if kind.level == "hospital":
        return ["全院", "本院", "医院"]
    if kind.level == "town" and unit.endswith("街道办事处"):
        return ["全街道", "本街道", "辖区内"]
    if kind.level == "town":
        suffix = place.town[-1]
        return [f"全{suffix}", f"本{suffix}", "辖区内"]
    if place.county in unit:
        county = place.county[-1]
        return [f"全{county}", f"本{county}", "辖区内"]
    return ["全市", "本市", "市本级", "全市范围内"]


@dataclass(frozen=True)
class Unit:
    """The reporting unit as the composers need it."""
    kind: UnitKind
    place: Place
    name: str
    short: str  # how the report refers to itself (我局, 本单位 …)

    @property
    def scopes(self) -> list[str]:
        return scope_words(self.kind, self.place, self.name)


# ---------------------------------------------------------------- FUNCTION
FUNCTION_PATTERNS = (
    "负责{scope}{obj}工作", "负责{scope}{obj}", "拟订{scope}{obj}的政策措施并组织实施", "统筹协调{scope}{obj}",
    "指导和监督{scope}{obj}", "承担{scope}{obj}的组织实施工作", "组织开展{scope}{obj}", "负责{obj}的监督管理",
    "参与拟订{scope}{obj}发展规划", "贯彻执行国家和省关于{obj}的方针政策", "组织推进{scope}{obj}",
    "负责{obj}相关工作的统筹和督促落实", "承担{obj}的日常管理工作", "牵头做好{scope}{obj}",
    "领导和组织{scope}{obj}", "依法监督{scope}{obj}的实施", "审查和决定{obj}有关重大事项",
    "受理{obj}方面的投诉和意见建议", "根据有关规定，组织做好{scope}{obj}", "研究提出{scope}{obj}的意见建议",
    "负责{obj}的服务和组织工作",
    # duties worded like improvement measures (做好…, 加强…, 推动…): in a list of duties the
    # list, not the verb, makes them FUNCTION (labels.md: role in context)
    "做好{scope}{obj}工作", "抓好{scope}{obj}", "开展{scope}{obj}工作", "推动{scope}{obj}", "加强{scope}{obj}",
    "指导{scope}{obj}", "组织实施{scope}{obj}",
)
FUNCTION_TAILS = ("", "", "", "，并组织检查落实", "，协调解决有关重大问题", "，指导基层开展相关工作")
# a second duty joined to the first by a comma, with another of the unit's objects (…，推动…)
FUNCTION_SECOND_VERBS = ("推动", "促进", "组织开展", "加强", "做好", "参与", "指导")


def function_items(rng: random.Random, u: Unit, n: int) -> list[str]:
    kind, scopes = u.kind, u.scopes
    objs = rng.sample(kind.objects, min(n, len(kind.objects)))
    if len(objs) < n or rng.random() < 0.6:  # most units also list an in-house duty
        objs = objs[: n - 1] + [rng.choice(GENERIC_FUNCTIONS)]
    items, used = [], set()
    for obj in objs:
        for _ in range(4):
            text = rng.choice(FUNCTION_PATTERNS).format(scope=rng.choice(scopes), obj=obj)
            others = [o for o in kind.objects if o != obj]
            if others and rng.random() < 0.25:
                text += f"，{rng.choice(FUNCTION_SECOND_VERBS)}{rng.choice(others)}"
            else:
                text += rng.choice(FUNCTION_TAILS)
            if text not in used:
                break
        used.add(text)
        items.append(text)
    if rng.random() < 0.5:
        items.append(rng.choice(("承办上级交办的其他事项", "完成上级机关交办的其他任务", "承办党委、政府交办的其他工作",
                                 "承担上级部门交办的其他工作任务")))
    return items


def unit_circumstances(rng: random.Random, u: Unit) -> str:
    """A sentence on where the unit works and what it has (O text that opens a 基本情况 paragraph)."""
    a, b = distractor(rng, u.kind, "circumstance"), distractor(rng, u.kind, rng.choice(("circumstance", "org", "staff")))
    return f"{u.short}{a}，{b}。"


def function_title_paragraph(rng: random.Random, u: Unit, title: str) -> str:
    """The explanatory paragraph under a title-only function (plain text). Often it is worded
    as a duty itself (负责…，承担…): under a title line the title is the span (labels.md), so the
    layout, not the wording, tells the two apart."""
    if rng.random() < 0.5:
        duties = function_items(rng, u, rng.randint(1, 2))
        own = [d for d in duties if not d.startswith(("承办", "完成", "承担上级"))] or duties[:1]
        return "，".join(own) + "。"
    scope = rng.choice(u.scopes)
    obj = rng.choice(u.kind.objects)
    a = rng.choice(("围绕", "聚焦", "立足", "紧扣"))
    b = rng.choice(("建立健全工作机制", "完善相关制度规范", "加强统筹协调", "细化工作任务和责任分工"))
    c = rng.choice(("推动各项政策落地见效", "提升服务质量和水平", "切实履行法定职责", "确保工作规范有序开展"))
    return f"{a}{scope}{obj}，{b}，{c}。{title}工作坚持{rng.choice(('依法依规', '统筹兼顾', '问题导向', '服务大局'))}，" \
           f"{rng.choice(('注重实效', '突出重点', '上下联动', '分类施策'))}。"


# ---------------------------------------------------------------- WORKLOAD
@dataclass
class Workload:
    frag: Fragment
    activity: str
    count: float
    unit: str
    approximate: bool
    item: WorkloadItem


def _count_text(rng: random.Random, count: int) -> tuple[str, float, bool, str]:
    """(numeral as written, its value, approximate?, suffix after the measure word)."""
    r = rng.random()
    if count >= 10000 and r < 0.5:
        value = round(count / 10000, 1)
        text = f"{value:g}万"
        if rng.random() < 0.3:
            return text + rng.choice(("余", "多")), value * 10000, True, ""
        return text, value * 10000, False, ""
    if count >= 20 and r < 0.3:
        base = count // 10 * 10 if count < 1000 else count // 100 * 100
        style = rng.random()
        if style < 0.35:
            return f"{base}余", base, True, ""
        if style < 0.6:
            return f"{base}多", base, True, ""
        if style < 0.75:
            return f"近{base + (10 if count < 1000 else 100)}", base + (10 if count < 1000 else 100), True, ""
        if style < 0.9 and base < 10000:
            return cn_number(base) + rng.choice(("余", "多")), base, True, ""
        return str(base), base, True, "以上"
    if count <= 10 and r < 0.45:
        return cn_number(count), count, False, ""
    if 10 < count < 100 and r < 0.12:  # some reports write every count in words (二十四次)
        return cn_number(count), count, False, ""
    if count >= 1000 and r < 0.45:
        return f"{count:,}", count, False, ""
    return str(count), count, False, ""


def _place_list(rng: random.Random, kind: str) -> tuple[str, int]:
    names, n = [], rng.randint(2, 3)
    while len(names) < n:
        name = two_chars(rng) + kind
        if name not in names:
            names.append(name)
    return "、".join(names), len(names)


def workload_object(rng: random.Random, item: WorkloadItem, siblings: tuple[WorkloadItem, ...] = ()) -> str:
    """The object of a counted piece of work as reports write it: mostly the bank's noun, else a
    list of its kinds closed by 等, a campaign's quoted name, the places it was done in, a
    qualifier no bank lists, or whose or where the object is (辖区重点企业…). The model has to learn a workload's shape (verb … count, measure
    word) rather than the bank's nouns (issue 14: spans cut inside a list of places, inside a
    quoted name, inside an unfamiliar object)."""
    w = phrases()["workload_objects"]
    obj, r = item.obj, rng.random()
    if not obj:
        return obj
    # only objects of the same verb and measure word make a list that reads (开展A、B等活动)
    peers = [s.obj for s in siblings if s.verb == item.verb and s.obj and s.obj != obj
             and set(s.measure_words) & set(item.measure_words)]
    if r < 0.08 and peers:
        other = rng.choice(peers)
        first, second = (other, obj) if rng.random() < 0.5 else (obj, other)
        categories = w["list_categories"].get(item.verb, w["list_categories"]["其他"])
        return f"{first}、{second}等{rng.choice(w['list_quantifiers'])}{rng.choice(categories)}"
    if r < 0.16:
        return rng.choice(w["campaign_shapes"]).format(name=rng.choice(w["campaigns"]), obj=obj)
    if r < 0.22:
        kind = rng.choice(w["place_kinds"])
        places, n = _place_list(rng, kind)
        return rng.choice(w["place_shapes"]).format(places=places, n="两" if n == 2 else cn_number(n), kind=kind, obj=obj)
    if r < 0.30:
        return rng.choice(w["modifiers"]) + obj
    if r < 0.30 + w["owner_share"]:
        return rng.choice(w["owners"]) + obj
    return obj


def counted_first(rng: random.Random, item: WorkloadItem, key: str | None = None) -> Workload:
    """Work counted by who took part or where it was done, the count inside the activity
    (phrases.yaml counted_first): 「组织12名业务骨干参加技能比武」, 「完成23个自然村户厕改造」."""
    cf = phrases()["counted_first"]
    if rng.random() < 0.5:
        verb, whom, mw, tail = (rng.choice(cf["people_verbs"]), rng.choice(cf["people"]), "名",
                                rng.choice(cf["events"]))
        low, high = cf["people_range"]
    else:
        verb, whom, mw, tail = (rng.choice(cf["place_verbs"]), rng.choice(cf["places"]), "个",
                                rng.choice(cf["place_works"]))
        low, high = cf["place_range"]
    numeral, value, approx, suffix = _count_text(rng, max(int(low + (high - low) * rng.random() ** 2.2), 1))
    text = f"{verb}{numeral}{mw}{suffix}{whom}{tail}"
    return Workload([Piece(text, "WORKLOAD", key)], f"{verb}{whom}{tail}", value, mw, approx, item)


def workload(rng: random.Random, item: WorkloadItem, key: str | None = None,
             siblings: tuple[WorkloadItem, ...] = (), swap_verbs: bool = True) -> Workload:
    """One counted piece of work from a bank item. swap_verbs=False keeps the item's own verb where
    the generator would put another action verb in its place (workload_coverbs.swap): held-out work
    (pipeline.tag.unseen_work) must open with its held-out verb."""
    mw = rng.choice(item.measure_words)
    low, high = item.low, item.high
    if mw.startswith("万"):  # "万人次": a 万-count of the base measure word
        mw, low = mw[1:], max(low, 10000)
        high = max(high, low * 3)
    # counts cluster low, as real annual counts do
    count = int(low + (high - low) * rng.random() ** 2.2)
    numeral, value, approx, suffix = _count_text(rng, max(count, 1))
    if rng.random() < 0.06:  # put in the passive: the object, who used it, the count
        obj, pverb, mws, low_, high_ = rng.choice(phrases()["passive_workloads"]).split("|")
        n = int(int(low_) + (int(high_) - int(low_)) * rng.random() ** 2.2)
        numeral, value, approx, suffix = _count_text(rng, max(n, 1))
        activity = f"{obj}被{rng.choice(phrases()['passive_agents'])}{pverb}"
        mw = rng.choice(mws.split(","))
        return Workload([Piece(f"{activity}{numeral}{mw}{suffix}", "WORKLOAD", key)], activity, value, mw, approx, item)
    if rng.random() < phrases()["counted_first"]["share"]:
        return counted_first(rng, item, key)
    coverbs = phrases()["workload_coverbs"]
    # any action verb in the item's place (phrases.yaml workload_coverbs.swap)
    base = item.verb
    if len(base) == 2 and item.obj and rng.random() < coverbs["swap"]["share"]:
        swapped = rng.choice(coverbs["swap"]["verbs"])   # drawn either way: the same random stream after it
        base = swapped if swap_verbs else base
    # the perfective 了 after a two-character verb (召开了…, 组织了…), as reports often write it
    verb = base + "了" if len(base) == 2 and rng.random() < 0.12 else base
    if base in coverbs["before"] and rng.random() < coverbs["share"]:
        verb = rng.choice(coverbs["before"][base]) + base
    elif len(base) == 2 and rng.random() < coverbs["manner_share"]:
        verb = rng.choice(coverbs["manner"]) + verb
    obj = workload_object(rng, item, siblings)
    vo, nominal = coverbs["verbal_object"], coverbs["nominal"]
    if base in nominal["verbs"] and obj and rng.random() < nominal["share"]:
        # the work as a noun after a general verb: 完成…审批27件
        activity = verb = rng.choice(nominal["heads"]) + obj + base
        obj = ""
    else:
        if obj and rng.random() < vo["share"]:   # …河道整治项目: the object named by a verbal noun
            obj += rng.choice(vo["heads"]) + rng.choice(vo["tails"])
        activity = verb + obj
    if item.object_after and suffix == "" and obj == item.obj and rng.random() < 0.4:
        text = f"{verb}{numeral}{mw}{obj}"
    else:
        text = f"{activity}{numeral}{mw}{suffix}"
    return Workload([Piece(text, "WORKLOAD", key)], activity, value, mw, approx, item)


def pick_workload_items(rng: random.Random, kind: UnitKind, n: int) -> list[WorkloadItem]:
    own = list(kind.workloads)
    rng.shuffle(own)
    generic = list(GENERIC_WORKLOADS)
    rng.shuffle(generic)
    out = []
    while len(out) < n and (own or generic):
        source = own if own and (rng.random() < 0.7 or not generic) else generic
        out.append(source.pop())
    return out


# ---------------------------------------------------------------- distractor numbers (never spans)
def money(rng: random.Random, low: float = 1, high: float = 900) -> str:
    return f"{rng.uniform(low, high):.2f}"


def distractor(rng: random.Random, kind: UnitKind, group: Optional[str] = None) -> str:
    d = phrases()["distractors"]
    group = group or rng.choice(phrases()["distractor_draw"])
    pattern = rng.choice(d[group])
    topic = rng.choice(kind.themes)
    # drawn only where the pattern names them, so that the other groups' draws stay as they were
    about = ({"obj": rng.choice(kind.workloads).obj, "rate": rng.choice(phrases()["rate_nouns"]),
              "small": f"{rng.uniform(0.5, 15):.1f}"} if "{obj}" in pattern else {})
    return pattern.format(topic=topic, money=money(rng), pct=rng.choice(("95", "98", "100", "96.5", "99.2", "97")), **about,
                          n=rng.randint(3, 60), x=f"{rng.uniform(0.5, 90):.1f}", month=rng.randint(1, 12),
                          day=rng.randint(1, 28),
                          cn=cn_number(rng.randint(2, 20)), cn2=cn_number(rng.randint(1, 9)))


# ---------------------------------------------------------------- PROBLEM / CAUSE / MEASURE
def topic_names() -> list[str]:
    return list(phrases()["topics"])


def problem_text(rng: random.Random, topic: str) -> str:
    t = phrases()["topics"][topic]
    subject = rng.choice(t["subjects"])
    # avoid "及时性不够及时": a predicate that repeats a word of its subject
    predicates = [p for p in t["predicates"] if not any(p[k:k + 2] in subject for k in range(len(p) - 1))]
    text = subject + rng.choice(predicates or t["predicates"])
    if rng.random() < 0.15:
        # 「存在…的问题」: the whole clause is the PROBLEM (labels.md)
        text = rng.choice(("存在", "仍存在", "一定程度上存在", "还存在", "往往存在")) + text + \
            rng.choice(("的问题", "的情况", "的现象"))
    r = rng.random()
    if r < 0.3:
        text += "，" + rng.choice(t["consequences"])
    elif r < 0.5:
        text += "，" + rng.choice(phrases()["problem_tails"])
    elif r < 0.65:
        text += "，" + _evidence(rng, phrases()["problem_evidence"], draw_money=True)
    return _more_clauses(rng, text, lambda: _second_shortfall(rng, t, subject))


def _evidence(rng: random.Random, patterns: list[str], draw_money: bool = False) -> str:
    """A figure a problem cites (phrases.yaml problem_evidence, problem_more.more_evidence).
    draw_money: draw a sum no pattern uses, after the share, as problem_evidence always has: the
    draws, and so the shipped model's documents, stay as they were."""
    pattern, pct = rng.choice(patterns), f"{rng.uniform(55, 96):.2f}"
    if draw_money:
        money(rng, 5, 300)
    return pattern.format(pct=pct, x=f"{rng.uniform(0.5, 9):.1f}", n=rng.randint(2, 9))


def _second_shortfall(rng: random.Random, t: dict, subject: str) -> str:
    """Another shortfall of the same topic, with a subject other than the first one's."""
    others = [s for s in t["subjects"] if s != subject] or t["subjects"]
    return rng.choice(others) + rng.choice(t["predicates"])


def _more_clauses(rng: random.Random, text: str, second_shortfall) -> str:
    """Problems of more than one clause (phrases.yaml problem_more): a second shortfall, or one or
    two more figures, joined by a comma; the whole stays one PROBLEM span."""
    more = phrases()["problem_more"]
    if more["share"] <= 0:
        return text  # draws nothing: the documents are those of a generator without problem_more
    if rng.random() >= more["share"] or text.endswith(tuple(phrases()["problem_tails"])):
        return text  # a tail (需进一步加强) closes a problem: nothing follows it
    if rng.random() < more["second_shortfall"]:
        return text + rng.choice(more["joiners"]) + second_shortfall()
    for _ in range(rng.choice((1, 1, 2))):
        text += "，" + _evidence(rng, more["more_evidence"])
    return text


MISSED_ENDINGS = ("未达到年初目标值", "未完成年初设定目标", "完成情况低于预期", "与年初目标存在差距", "实际完成值低于目标值")


def missed_indicator_problem(rng: random.Random, name: str, stated: frozenset[str] | set[str] = frozenset()) -> str:
    """An indicator's shortfall; worded unlike the problems in ``stated`` (a deviation cell and the
    problems section may both explain the same missed indicator: a report words the two apart, and
    two equal problems would make a gold relation ambiguous)."""
    endings = [e for e in MISSED_ENDINGS if name + e not in stated] or list(MISSED_ENDINGS)
    return name + rng.choice(endings)


CAUSE_QUALIFIERS = ("", "", "", "客观上", "一定程度上", "主观上", "部分原因是")
CAUSE_LINKS = ("导致", "造成", "使得")
VERB_OPENINGS = ("影响", "导致", "不利于", "难以", "未能", "形成", "存在")


def cause_text(rng: random.Random, topic: str, inline: bool) -> str:
    """A cause clause. inline=True: a self-contained clause that keeps its 由于/因 head
    (labels.md: 「由于临时性…导致…」 is one CAUSE span); otherwise the clause that follows
    a marker such as 究其原因： (the marker stays outside)."""
    t = phrases()["topics"][topic]
    base = rng.choice(t["causes"])
    if not inline and rng.random() < 0.25:
        sf = phrases()["cause_shortfalls"]
        base = rng.choice(sf["subjects"]) + rng.choice(sf["predicates"])
    if inline:
        text = rng.choice(phrases()["cause_inline_heads"]) + base
    else:
        qual = rng.choice(CAUSE_QUALIFIERS)
        text = (qual + base) if qual != "部分原因是" else base
    if rng.random() < 0.45:
        consequence = rng.choice(t["consequences"])
        # consequences that open with a verb (影响了…) read badly after 导致
        link = "" if consequence.startswith(VERB_OPENINGS) else rng.choice(CAUSE_LINKS)
        text += rng.choice(("", "，") if link else ("，",)) + link + consequence
    return text


MEASURE_ADVERBS = ("", "", "进一步", "切实", "持续", "着力", "全面")


def measure_title(rng: random.Random, topic: str) -> str:
    t = phrases()["topics"][topic]
    first, second = rng.sample(t["measures"], 2)
    text = rng.choice(MEASURE_ADVERBS) + first
    r = rng.random()
    if r < 0.25:
        # a long compound measure, one span: 「今后在…时，…，…，…」 or 「依据…，…，…」
        head = rng.choice(phrases()["measure_timings"] if r < 0.13 else phrases()["measure_bases"])
        sep = "" if r < 0.13 and rng.random() < 0.5 else "，"
        text = head + sep + first + "，" + rng.choice(t["actions"]) + "，" + second
        if rng.random() < 0.5:
            text += "，" + rng.choice(phrases()["measure_purposes"])
    elif r < 0.45:
        text += "，" + second
    elif r < 0.65:
        text += "，" + rng.choice(phrases()["measure_purposes"])
    return text


def measure_action(rng: random.Random, topic: str) -> str:
    return rng.choice(phrases()["topics"][topic]["actions"])


# ---------------------------------------------------------------- the unit's own line of work
# Problems, causes and measures about what the unit does (its objects and workloads, and the
# shortfalls, causes and actions units.yaml lists for its kind), not only about budget
# management: the label has to come from the sentence's role, not from a closed vocabulary.
def _activity(rng: random.Random, u: Unit) -> tuple[str, str]:
    item = rng.choice(u.kind.workloads)
    return item.verb + item.obj, rng.choice(item.measure_words).lstrip("万")


def _fill(rng: random.Random, pattern: str, u: Unit, year: int) -> str:
    dom = phrases()["domain"]
    activity, mw = _activity(rng, u)
    return pattern.format(activity=activity, mw=mw, object=rng.choice(u.kind.objects),
                          external=rng.choice(dom["externals"]), verb=rng.choice(dom["measure_verbs"]),
                          adverb=rng.choice(dom["measure_adverbs"]), next_year=year + 1,
                          done=rng.randint(3, 900), target=rng.randint(5, 2000),
                          partner=rng.choice(phrases()["workload_frames"]["partner"]),
                          campaign=rng.choice(phrases()["workload_objects"]["campaigns"]),
                          scope=rng.choice(dom["problem_scopes"]), n=rng.randint(2, 30), few=rng.randint(1, 9),
                          year=year, month=(m := rng.randint(1, 10)), month2=m + rng.randint(1, 2),
                          amount=money(rng, 5, 300))


def domain_problem_text(rng: random.Random, u: Unit, year: int) -> str:
    dom, own = phrases()["domain"], getattr(u.kind, "shortfalls", ())
    r = rng.random()
    if own and r < 0.5:
        text = rng.choice(own)
    elif r < 0.75:
        text = _domain_shortfall(rng, u)
    else:
        text = _fill(rng, rng.choice(dom["count_problems"]), u, year)
    if rng.random() < 0.25:
        text += "，" + rng.choice(phrases()["topics"]["project_management"]["consequences"] +
                                 phrases()["topics"]["budget_execution"]["consequences"])
    return _more_clauses(rng, text, lambda: _domain_shortfall(rng, u))


def _domain_shortfall(rng: random.Random, u: Unit) -> str:
    """A shortcoming of the unit's line of work: scope + one of its objects + a predicate."""
    dom = phrases()["domain"]
    return rng.choice(dom["problem_scopes"]) + rng.choice(u.kind.objects) + rng.choice(dom["problem_predicates"])


def domain_cause_text(rng: random.Random, u: Unit, year: int, inline: bool) -> str:
    own = getattr(u.kind, "causes", ())
    text = rng.choice(own) if own and rng.random() < 0.5 else _fill(rng, rng.choice(phrases()["domain"]["causes"]), u, year)
    if inline and not text.startswith("受"):
        text = rng.choice(phrases()["cause_inline_heads"]) + text
    return text


def domain_measure_title(rng: random.Random, u: Unit, year: int) -> str:
    own = getattr(u.kind, "actions", ())
    if own and rng.random() < 0.5:
        text = rng.choice(own)
    else:
        text = _fill(rng, rng.choice(phrases()["domain"]["measure_patterns"]), u, year)
    if rng.random() < 0.3:
        text += "，" + (rng.choice(own) if own and rng.random() < 0.5 else rng.choice(phrases()["measure_purposes"]))
    return text


def domain_actions(rng: random.Random, u: Unit, year: int, n: int) -> list[str]:
    own = list(getattr(u.kind, "actions", ()))
    rng.shuffle(own)
    out = []
    for _ in range(n):
        out.append(own.pop() if own and rng.random() < 0.6 else
                   _fill(rng, rng.choice(phrases()["domain"]["measure_patterns"]), u, year))
    return out


# ---------------------------------------------------------------- plain narrative
def intro_paragraph(rng: random.Random, year: int, unit: str, fin: str) -> str:
    i = phrases()["intro"]
    fmt = dict(year=year, next=year + 1, fin=fin, short=unit)
    parts = [rng.choice(i["basis"]), rng.choice(i["action"]), rng.choice(i["method"])]
    if rng.random() < 0.5:
        parts.insert(2, rng.choice(phrases()["method_sentences"]))
    return "，".join(p.format(**fmt) for p in parts) + "，" + rng.choice(i["close"]).format(**fmt) + \
        rng.choice(("：", "。"))


def method_paragraph(rng: random.Random) -> str:
    sentences = rng.sample(phrases()["method_sentences"], rng.randint(2, 4))
    return "。".join(sentences) + "。"


def management_paragraph(rng: random.Random, workloads: tuple[Workload, ...] | list[Workload] = ()) -> Fragment:
    """Controls already in place, described: O text whose verbs (执行, 实行, 健全 …) look like
    a MEASURE's, so the model must read the section and tense, not the verb alone; the
    housekeeping counted in the year (实施政府采购项目14个) is WORKLOAD there too."""
    ph = phrases()
    items = rng.sample(ph["management_practices"], rng.randint(2, 4))
    sep = rng.choice(("；", "，", "。"))
    frag: Fragment = [Piece(rng.choice(ph["management_leads"]) + sep.join(items))]
    for w in workloads:
        frag += [Piece(sep + rng.choice(("全年", "全年共", "", "年内"))), *w.frag]
    return frag + [Piece("。")]


def management_workloads(rng: random.Random, n: int) -> list[Workload]:
    return [workload(rng, item, key=f"MW{i}") for i, item in enumerate(rng.sample(MANAGEMENT_WORKLOADS, n))]


def achievement_heading(rng: random.Random, theme: str) -> str:
    return rng.choice(phrases()["achievement"]["headings"]).format(theme=theme)


MEDIA_VERBS = frozenset({"刊发", "制作播出"})
# cases, complaints and disputes are counted twice: received, then closed
CLOSABLE_UNITS = frozenset({"件", "起", "宗", "件次"})
CLOSING_VERBS = ("办结", "结案", "办理完毕", "化解", "调处成功", "按期办结", "答复")


def media_outlet(rng: random.Random, u: Unit) -> str:
    city = u.place.city[:-1] if u.place.city.endswith("市") else u.place.city
    return rng.choice((f"《{city}日报》", f"《{city}晚报》", f"{city}电视台", f"《{u.place.province[:-1]}日报》",
                       "单位门户网站", "政务微信公众号", "学习强国平台", f"{city}广播电视台"))


def workload_frame(rng: random.Random, frames: dict) -> str:
    """Who, where, how or for whom the work was done, written before its verb (为困难群众…,
    依托…平台, 会同…部门, 汛期期间): outside the WORKLOAD span, which starts at the activity.
    Without it the model learned that a span starts wherever a clause does, and took such
    phrases in (issue 14)."""
    shape = rng.choice(frames["shapes"])
    return shape.format(**{k: rng.choice(frames[k]) for k in ("beneficiary", "platform", "fund", "partner", "period", "subunit")})


def uncounted_work(rng: random.Random, kind: UnitKind, counted: list[Workload]) -> str:
    """Work the unit names without its count (phrases.yaml uncounted_work): 「常态化开展…检查」,
    「查办…、处置…等工作」; never a WORKLOAD. Drawn from the kind's items that the batch beside it
    does not count."""
    uw = phrases()["uncounted_work"]
    taken = {w.item for w in counted}
    items = [i for i in kind.workloads if i not in taken and i.obj] or [i for i in kind.workloads if i.obj]
    picked = rng.sample(items, 2 if len(items) >= 2 and rng.random() < uw["list_share"] else 1)
    text = "、".join(i.verb + i.obj for i in picked)
    return rng.choice(uw["manners"]) + text + rng.choice(uw["tails"])


def achievement_paragraph(rng: random.Random, u: Unit, year: int, workloads: list[Workload]) -> Fragment:
    """Plain narrative about the year's work, carrying the given WORKLOAD spans and
    distractor numbers (money, rates, staff, dates) that are not WORKLOAD."""
    a, frames = phrases()["achievement"], phrases()["workload_frames"]
    kind, short, scope = u.kind, u.short, rng.choice(u.scopes)
    frag: Fragment = []
    if rng.random() < 0.65:  # reports as often open straight with the work under a theme's heading
        opener = rng.choice(a["openers"]).format(year=year)
        frag.append(Piece(f"{opener}，{short}{rng.choice(a['means'])}，{rng.choice(a['verbs'])}{scope}"
                          f"{rng.choice(kind.objects)}工作。"))
    pending = list(workloads)
    while pending:
        take = pending[: rng.randint(1, 3)]
        pending = pending[len(take):]
        # who and when stay outside the span: it starts at the activity (labels.md)
        lead = rng.choice(("全年共", "全年", "累计", "共", "", "其中", "一年来共", "先后", f"{short}共", f"{short}",
                           "截至年底共", f"{rng.randint(2, 12)}月底前共", "全年累计"))
        uncounted = uncounted_work(rng, kind, take) if rng.random() < phrases()["uncounted_work"]["share"] else ""
        after = bool(uncounted) and rng.random() < phrases()["uncounted_work"]["after_share"]
        if uncounted and not after:
            frag.append(Piece(uncounted + "，"))
        frag.append(Piece(lead))
        for j, w in enumerate(take):
            if j:
                frag.append(Piece(rng.choice(("，", "，", "；", "，共", "、", "、"))))
            if frag[-1].text != "、" and "被" not in w.activity and rng.random() < frames["share"]:
                frag.append(Piece(workload_frame(rng, frames)))
            text = w.frag[0].text
            if (j and (take[j - 1].item.verb == w.item.verb or rng.random() < 0.15) and w.item.obj
                    and w.activity == w.item.verb + w.item.obj and text.startswith(w.activity)
                    and frag[-1].text in ("，", "、")):
                # the verb of an item in a list is often left out (撰写…5篇、观后感1篇): the span is
                # the object and its count
                w.frag, w.activity = [Piece(text[len(w.item.verb):], "WORKLOAD", w.frag[0].key)], w.item.obj
            if w.item.verb in MEDIA_VERBS and w.activity.startswith(w.item.verb) and rng.random() < 0.5:
                # where it was published belongs to the activity (labels.md): 在《…》刊发稿件20篇
                frag.append(Piece(f"在{media_outlet(rng, u)}{w.frag[0].text}", "WORKLOAD", w.frag[0].key))
            else:
                frag.extend(w.frag)
            if w.unit in CLOSABLE_UNITS and w.count >= 4 and rng.random() < 0.35:
                # intake, then how many were closed: 受理…612件，办结598件 (a span of its own)
                done, verb = int(w.count * rng.uniform(0.85, 1.0)), rng.choice(CLOSING_VERBS)
                closed = Workload([Piece(f"{verb}{done:,}{w.unit}" if done >= 1000 and rng.random() < 0.4
                                         else f"{verb}{done}{w.unit}", "WORKLOAD", f"{w.frag[0].key}-closed")],
                                  verb, done, w.unit, False, w.item)
                frag += [Piece(rng.choice(("，", "，", "，其中", "；"))), *closed.frag]
                workloads.append(closed)  # the caller records it with the others
        if after:
            frag.append(Piece(rng.choice(("，", "，同时", "，并", "；")) + uncounted))
        if rng.random() < 0.5:
            frag.append(Piece("，" + distractor(rng, kind)))
        frag.append(Piece("，" + rng.choice(a["results"]) + "。"))
    if rng.random() < 0.6:
        frag.append(Piece(f"{rng.choice(('通过', '通过', '坚持'))}{rng.choice(a['means'])}，"
                          f"{distractor(rng, kind)}，{rng.choice(a['results'])}。"))
    return frag
