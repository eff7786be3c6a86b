"""Rendering blocks shared by the layouts: headings, numbering, tables in several
text forms, and the labelled blocks (functions, problems, causes, measures).

Every writer appends to the document's DocBuilder in reading order; a table cell
may hold a Fragment so narrative spans inside cells keep exact offsets.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from pipeline.corpus.synth import compose
from pipeline.corpus.synth.builder import DocBuilder, Fragment, Piece
from pipeline.corpus.synth.compose import Unit, Workload
from pipeline.corpus.synth.facts import Facts, wan
from pipeline.corpus.synth.noise import Noise, break_lines
from pipeline.lexicon import first_clause

CN = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def number(style: str, i: int) -> str:
    """List/heading numbering for item i (0-based)."""
    n = i + 1
    cn = CN[i] if i < 10 else compose.cn_number(n)
    return {"一、": f"{cn}、", "（一）": f"（{cn}）", "1.": f"{n}.", "1、": f"{n}、", "（1）": f"（{n}）",
            "(1)": f"({n})", "①": CIRCLED[i % 10], "1．": f"{n}．", "一是": f"{cn}是", "1)": f"{n})", "": ""}[style]


@dataclass
class MeasureItem:
    key: str
    title: str
    actions: list[tuple[str, str]]  # (key, text) concrete actions for an elaboration


@dataclass
class CauseItem:
    key: str
    text: str      # after a marker (究其原因：…)
    inline: str    # self-contained form (由于…)


@dataclass
class ProblemItem:
    key: str
    text: str
    topic: str
    causes: list[CauseItem]
    measure: MeasureItem | None


@dataclass
class Doc:
    """Everything a layout renders, plus the builder it renders into."""
    rng: random.Random
    unit: Unit
    year: int
    kind_label: str
    facts: Facts
    noise: Noise
    functions: list[str]
    workloads: list[Workload]
    problems: list[ProblemItem]
    extra_measures: list[MeasureItem]
    filled_on: str
    leader: str
    evaluators: list[dict]
    fin_bureau: str
    b: DocBuilder = field(default_factory=DocBuilder)
    stated: set[str] = field(default_factory=set)
    stated_projects: bool = False
    stated_indicators: list = field(default_factory=list)
    stated_goals: bool = False
    stated_evaluators: bool = False
    causes_headed: bool = False   # the problems' heading names causes (问题及原因): a cause may go unmarked
    workload_rendered: list[Workload] = field(default_factory=list)
    measures: list[MeasureItem] = field(default_factory=list)  # all measures, fixed before rendering
    shapes: list[str] = field(default_factory=list)  # how the page came to us: web_page, excerpt
    layout: str = ""

    # -- amounts
    def amount(self, field_: str, table: bool = False, cents: int | None = None) -> str:
        """A budget/asset amount as text; records that the document states it."""
        if cents is None:
            self.stated.update({field_, ("table." if table else "narrative.") + field_})
            cents = int(self.facts.budget[field_] if field_ in self.facts.budget else self.facts.assets[field_])
        # draw unconditionally: the layout's random stream must not depend on the values
        thousands = self.rng.random() < 0.3
        if table and self.noise.yuan_tables:
            text = f"{cents * 100:.2f}"
        else:
            text = f"{wan(cents):,.2f}" if thousands and abs(cents) >= 100000 else f"{wan(cents):.2f}"
        return self.noise.number(text)

    def rate(self) -> str:
        self.stated.add("execution_rate")
        return self.noise.number(f"{self.facts.budget['execution_rate']:.2f}") + "%"

    @property
    def money_unit(self) -> str:
        return "元" if self.noise.yuan_tables else "万元"


# ---------------------------------------------------------------- plain writers
def line(d: Doc, text: str) -> None:
    d.b.line(d.noise.line_prefix() + text)
    junk = d.noise.garbage_line()
    if junk:
        d.b.line(junk)


def heading(d: Doc, style: str, i: int, text: str, indent: str = "") -> None:
    line(d, indent + number(style, i) + d.noise.heading(text))


def paragraph(d: Doc, frag: Fragment, indent: str = "") -> None:
    pre, post = d.noise.paragraph_wrap()
    frag = d.noise.punctuation(frag)
    if d.noise.pdf_lines:  # a PDF's text: a full-width first-line indent, lines cut at the page width
        indent = "\u3000\u3000" if d.rng.random() < 0.7 else ""
        frag = break_lines(frag, d.noise.pdf_lines, len(indent))
    d.b.write(d.noise.line_prefix() + indent + pre)
    d.b.frag(frag)
    d.b.line(post)
    junk = d.noise.garbage_line()
    if junk:
        d.b.line(junk)


def blank(d: Doc) -> None:
    d.b.line("")


# ---------------------------------------------------------------- tables
def table(d: Doc, rows: list[list], fmt: str, header: bool = True) -> None:
    """Write rows in one of the text forms readers produce:
    tab: cells joined by tabs; cells: one cell per line, tab-indented, blank line between rows;
    pipe: markdown pipe table; spaces: cells separated by runs of spaces; run: cells run together."""
    rng = d.rng
    for r, row in enumerate(rows):
        cells: list = []
        for cell in row:
            if isinstance(cell, str):
                cells.extend(d.noise.split_cell(cell) if fmt in ("tab", "cells") else [cell])
            else:
                cell = d.noise.punctuation(cell)
                cells.append(d.noise.wrap_cell(cell) if fmt == "tab" else cell)
        if fmt == "cells":
            for cell in cells:
                d.b.write("\t")
                _cell(d, cell)
                d.b.write("\n")
            d.b.write("\n")
            continue
        if fmt == "pipe":
            d.b.write("| ")
        for c, cell in enumerate(cells):
            if c:
                d.b.write({"tab": "\t", "pipe": " | ", "spaces": " " * rng.randint(2, 6),
                           "run": rng.choice(("", "", " "))}[fmt])
            _cell(d, cell)
        if fmt == "pipe":
            d.b.write(" |")
        d.b.write("\n")
        if fmt == "pipe" and r == 0 and header:
            d.b.write("|" + "|".join(rng.choice(("---", " --- ", ":---")) for _ in cells) + "|\n")


def _cell(d: Doc, cell) -> None:
    if isinstance(cell, str):
        d.b.write(cell)
    else:
        d.b.frag(cell)


def budget_kv_rows(d: Doc) -> list[list]:
    u = d.money_unit
    fields = [("上年结转金额", "carryover"), ("年初预算金额", "initial"), ("预算调整金额", "adjustment"),
              ("其他调整资金", "other_adjustment"), ("全年预算数", "budgeted"), ("预算执行金额", "executed"),
              ("年末结余金额", "balance")]
    if d.rng.random() < 0.4:
        fields = [f for f in fields if f[1] != "budgeted"]
    cells = [[f"{label}({u})" if d.rng.random() < 0.5 else f"{label} ({u})", d.amount(key, table=True)]
             for label, key in fields]
    if d.rng.random() < 0.5:
        cells.append(["预算执行率", d.rate()])
    return [sum(cells[i:i + 2], []) for i in range(0, len(cells), 2)]


def budget_column_rows(d: Doc) -> list[list]:
    u = d.money_unit
    head = ["项目", f"预算数({u})", f"执行数({u})", "执行率", "结余"]
    return [head, ["部门整体支出", d.amount("budgeted", True), d.amount("executed", True), d.rate(),
                   d.amount("balance", True)],
            ["其中：基本支出", "—", d.amount("basic_expenditure", True), "", ""],
            ["项目支出", "—", d.amount("project_expenditure", True), "", ""]]


def income_rows(d: Doc) -> list[list]:
    u = d.money_unit
    return [["收入合计", "财政拨款收入", "其他收入", "支出合计", "基本支出", "项目支出"],
            [d.amount("income", True), d.amount("fiscal_appropriation_income", True), d.amount("other_income", True),
             d.amount("expenditure", True), d.amount("basic_expenditure", True), d.amount("project_expenditure", True)]] \
        if d.rng.random() < 0.5 else \
        [["收入类别", f"金额({u})"], ["收入合计", d.amount("income", True)],
         ["财政拨款收入", d.amount("fiscal_appropriation_income", True)], ["其他收入", d.amount("other_income", True)],
         ["支出合计", d.amount("expenditure", True)], ["基本支出", d.amount("basic_expenditure", True)],
         ["项目支出", d.amount("project_expenditure", True)]]


def indicator_rows(d: Doc, indicators: list, with_project: bool = False) -> list[list]:
    """Indicator table; repeated level1/level2 are left blank as merged cells read."""
    rng = d.rng
    head = ["一级指标", "二级指标", rng.choice(("三级指标", "指标名称")), rng.choice(("分值", "权重", "指标分值")),
            rng.choice(("目标值", "年初目标值", "年度指标值")), rng.choice(("实际完成值", "业绩值", "全年实际值")),
            rng.choice(("得分", "评价得分", "自评得分"))]
    integer_scores = rng.random() < 0.3 and all(i.score == int(i.score) for i in indicators)
    rows, prev1, prev2 = [head], None, None
    for ind in indicators:
        l1 = ind.level1 if ind.level1 != prev1 else ""
        l2 = ind.level2 if (ind.level2, ind.level1) != prev2 else ""
        prev1, prev2 = ind.level1, (ind.level2, ind.level1)
        score = str(int(ind.score)) if integer_scores else f"{ind.score:.2f}"
        weight = f"{ind.weight:g}"
        rows.append([l1, l2, ind.name, weight, d.noise.number(ind.target), d.noise.number(ind.actual),
                     d.noise.number(score)])
        d.stated_indicators.append(ind)
    if rng.random() < 0.25:  # a last column that explains each deviation
        dom = compose.phrases()["domain"]
        head.append(rng.choice(dom["deviation_heads"]))
        for k, (row, ind) in enumerate(zip(rows[1:], indicators)):
            row.append(deviation_cell(d, ind.name, f"D{k}") if ind.missed else rng.choice(dom["no_deviation"]))
    return rows


def deviation_cell(d: Doc, name: str, key: str) -> Fragment:
    """Why an indicator missed its target, in its row's last cell: the shortfall (PROBLEM),
    主要原因是 + the cause (CAUSE), 下一步将 + the measure (MEASURE), each part optional, the
    cause's and the measure's lead words too (domain.deviation_cause_leads)."""
    rng, dom = d.rng, compose.phrases()["domain"]
    stated = {first_clause(p.text) for p in d.problems}
    frag: Fragment = [Piece(compose.missed_indicator_problem(rng, name, stated), "PROBLEM", key), Piece("。")]
    if rng.random() < 0.85:
        frag += [Piece(rng.choice(dom["deviation_cause_leads"])),
                 Piece(compose.domain_cause_text(rng, d.unit, d.year, False), "CAUSE", key + "C"), Piece("。")]
        d.b.relate(key, key + "C", "caused_by")
    if rng.random() < 0.7:
        frag += [Piece(rng.choice(dom["deviation_measure_leads"])),
                 Piece(compose.domain_measure_title(rng, d.unit, d.year), "MEASURE", key + "M"), Piece("。")]
        d.b.relate(key, key + "M", "addressed_by")
    return frag


def score_rows(d: Doc) -> list[list]:
    d.stated.update({"total_score", "grade"})
    return [[d.rng.choice(("综合得分", "总分", "自评总分", "合计")), "", "", "100", "", "", f"{d.facts.total_score:.2f}"],
            [d.rng.choice(("评价结果等次", "评价等级", "自评等级")), d.facts.grade]]


def project_rows(d: Doc) -> list[list]:
    u = d.money_unit
    d.stated_projects = True
    rows = [["项目名称", f"预算数({u})", f"执行数({u})", "执行率", "自评得分"]]
    for p in d.facts.projects:
        rows.append([p.name, d.amount("", True, p.budgeted), d.amount("", True, p.executed),
                     d.noise.number(f"{p.execution_rate:.2f}") + "%", f"{p.score:g}"])
    return rows


def evaluator_rows(d: Doc) -> list[list]:
    d.stated_evaluators = True
    rows = [["姓名", "职务", "科室"]]
    for e in d.evaluators:
        rows.append([e["name"], e["title"], e["department"]])
    return rows


# ---------------------------------------------------------------- labelled blocks
def function_block(d: Doc, style: str, lead: Fragment = ()) -> None:
    """Functions as numbered lines, as title lines with paragraphs (title-only spans),
    or run together in one paragraph (``inline``: after the lead, in the lead's paragraph)."""
    if style == "titles":
        titles = d.rng.sample(d.unit.kind.titles, min(len(d.unit.kind.titles), d.rng.randint(3, 5)))
        numbering = d.rng.choice(("1、", "1.", "（1）", ""))
        for i, title in enumerate(titles):
            line_frag = [Piece(number(numbering, i)), Piece(title, "FUNCTION")]
            paragraph(d, line_frag)
            paragraph(d, [Piece(compose.function_title_paragraph(d.rng, d.unit, title))])
        return
    numbering = d.rng.choice(("1.", "1、", "（1）", "1．", "(1)", "①", "一是"))
    if style == "inline":
        # 「1.…；2.…；3.…。」 or 「1.…。2.…。」
        semicolons = numbering == "一是" or d.rng.random() < 0.5
        frag: Fragment = list(lead)
        for i, f in enumerate(d.functions):
            if i:
                frag.append(Piece("；" if semicolons else d.rng.choice((" ", ""))))
            frag += [Piece(number(numbering, i)), Piece(f, "FUNCTION")]
            if not semicolons:
                frag.append(Piece("。"))
        if semicolons:
            frag.append(Piece("。"))
        paragraph(d, frag)
        return
    # a Markdown ordered list puts a space after the number (「1. 负责…」)
    space = " " if d.layout == "markdown" and numbering in ("1.", "1．") and d.rng.random() < 0.6 else ""
    for i, f in enumerate(d.functions):
        paragraph(d, [Piece(number(numbering, i) + space), Piece(f, "FUNCTION"), Piece(d.rng.choice(("。", "。", "；", "")))],
                  indent=d.rng.choice(("", "", " ")))


def _cause_frags(d: Doc, p: ProblemItem) -> Fragment:
    if not p.causes:
        return []
    rng = d.rng
    if len(p.causes) == 1 and d.causes_headed and rng.random() < compose.phrases()["unmarked_causes"]["share"]:
        # under a heading that names causes, the sentence after a problem is its cause as it stands
        return [Piece(p.causes[0].text, "CAUSE", p.causes[0].key), Piece("。")]
    if len(p.causes) == 1 and rng.random() < 0.5:
        c = p.causes[0]
        return [Piece(c.inline, "CAUSE", c.key), Piece("。")]
    marker = rng.choice(compose.phrases()["cause_markers"])
    yishi = len(p.causes) > 1 and rng.random() < 0.6
    frag: Fragment = [Piece(marker + ("：" if yishi and marker[-1] not in "：，" else ""))]
    for i, c in enumerate(p.causes):
        if i:
            frag.append(Piece("；"))
        if yishi:
            frag.append(Piece(number("一是", i)))
        frag.append(Piece(c.text, "CAUSE", c.key))
    frag.append(Piece("。"))
    return frag


def _bridged_measure(d: Doc, m: MeasureItem, bridge: bool = True) -> Fragment:
    """A measure written after its problem in the same paragraph: 「下一步将…。」, the lead
    outside the span; an elaboration's actions follow as sentences of their own. bridge=False:
    the measure follows a 「针对…的问题，」 frame, which is its lead (the bridge is drawn all the
    same, so that a document's random stream does not depend on the frame)."""
    rng = d.rng
    lead = rng.choice(compose.phrases()["domain"]["measure_bridges"])
    frag: Fragment = [Piece(lead if bridge else ""), Piece(_advice(rng)), Piece(m.title, "MEASURE", m.key), Piece("。")]
    for key, action in m.actions[:rng.choice((0, 0, 1, 2))]:
        frag += [Piece(rng.choice(("", "同时", "并"))), Piece(action, "MEASURE", key), Piece("。")]
    return frag


SAME_SENTENCE_CAUSE_MARKERS = ("主要是", "主要是", "原因是", "主要原因是", "原因在于")


def _cause_first(d: Doc, p: ProblemItem) -> Fragment:
    """The cause before its problem in one sentence (phrases.yaml cause_first): 「由于…，…」 or
    「因…，导致…」. annotations/guidelines.md §4: the 由于/因 clause is the CAUSE with its head, the
    effect after the comma and its connective is the PROBLEM (the connective in neither). Only a
    cause with no consequence of its own (no 导致/造成/使得 in it): a second connective would make
    the effect a cause's consequence. [] where not drawn."""
    ph = compose.phrases()["cause_first"]
    if len(p.causes) != 1 or d.rng.random() >= ph["share"]:
        return []
    c = p.causes[0]
    if any(link in c.inline for link in compose.CAUSE_LINKS) or p.text.startswith(compose.VERB_OPENINGS):
        return []
    return [Piece(c.inline, "CAUSE", c.key), Piece("，" + d.rng.choice(ph["links"])),
            Piece(p.text, "PROBLEM", p.key), Piece("。")]


def _problem_and_causes(d: Doc, p: ProblemItem) -> Fragment:
    """A problem and its causes: the causes in sentences of their own, or in the problem's
    sentence after a comma (「…偏低，主要是…」), or the cause first (「由于…，导致…」)."""
    if len(p.causes) == 1 and d.rng.random() < 0.35:
        c = p.causes[0]
        return [Piece(p.text, "PROBLEM", p.key), Piece("，" + d.rng.choice(SAME_SENTENCE_CAUSE_MARKERS)),
                Piece(c.text, "CAUSE", c.key), Piece("。")]
    first = _cause_first(d, p)
    if first:
        return first
    return [Piece(p.text, "PROBLEM", p.key), Piece("。")] + _cause_frags(d, p)


def problem_block(d: Doc, style: str, numbering: str = "1、") -> None:
    """Problems (with their causes) as a numbered list, one paragraph, or 一是…二是…; or
    ``pcm``: one numbered paragraph per problem holding its cause and its measure, the way
    many reports write 存在的问题及改进措施 (the measures then are not repeated after)."""
    rng, ph = d.rng, compose.phrases()
    if style in ("list", "yishi", "paragraph") and any(p.causes for p in d.problems) \
            and rng.random() < ph["named_causes"]["share"]:
        _problems_then_named_causes(d, style, numbering)
        return
    if style == "pcm":
        used = set()
        for i, p in enumerate(d.problems):
            frag: Fragment = [Piece(number(numbering, i))]
            if p.measure and not p.causes and rng.random() < 0.4:
                pre, post = rng.choice(ph["domain"]["problem_frames"]).split("{problem}")
                frag += [Piece(pre), Piece(p.text, "PROBLEM", p.key), Piece(post)]
                frag += _bridged_measure(d, p.measure, bridge=False)
                used.add(p.measure.key)
                paragraph(d, frag)
                continue
            frag += _problem_and_causes(d, p)
            if p.measure:
                frag += _bridged_measure(d, p.measure)
                used.add(p.measure.key)
            paragraph(d, frag)
        d.measures = [m for m in all_measures(d) if m.key not in used]
        return
    if style == "list":
        for i, p in enumerate(d.problems):
            paragraph(d, [Piece(number(numbering, i))] + _problem_and_causes(d, p))
        return
    if style == "inline":  # 「1.…，主要是…；2.…。」: numbered items in one paragraph, a new item after ；
        frag = [Piece(rng.choice(ph["problem_intros"]))] if rng.random() < 0.4 else []
        for i, p in enumerate(d.problems):
            item = _problem_and_causes(d, p)
            if i + 1 < len(d.problems) and item[-1].text == "。" and item[-1].label is None:
                item[-1] = Piece("；")
            frag += [Piece(number(numbering, i))] + item
        paragraph(d, frag)
        return
    frag = [Piece(rng.choice(ph["problem_intros"]))] if rng.random() < 0.6 else []
    if rng.random() < 0.2:
        frag.append(Piece(rng.choice(ph["problem_leads"])))
    collect_causes = style == "paragraph" and rng.random() < 0.6
    for i, p in enumerate(d.problems):
        if style == "yishi":
            frag.append(Piece(number("一是", i)))
        elif i and rng.random() < 0.3:
            frag.append(Piece(rng.choice(ph["connectives"])))
        frag.append(Piece(p.text, "PROBLEM", p.key))
        if collect_causes:
            frag.append(Piece("；" if i < len(d.problems) - 1 else "。"))
        else:
            if style == "paragraph" and (p.causes or (i + 1 < len(d.problems) and rng.random() < 0.35)):
                frag.append(Piece("，"))  # a cause follows, or a second problem in the same sentence
            else:
                frag.append(Piece("。"))
            if p.causes:
                c = p.causes[0]
                if style == "paragraph":
                    frag += [Piece(c.inline, "CAUSE", c.key), Piece("。")]
                else:
                    frag += _cause_frags(d, p)
    if collect_causes:
        causes = [c for p in d.problems for c in p.causes]
        if causes:
            marker = rng.choice(ph["cause_markers"])
            frag.append(Piece(marker + ("：" if len(causes) > 1 and marker[-1] not in "：，" else "")))
            for i, c in enumerate(causes):
                if i:
                    frag.append(Piece("；"))
                if len(causes) > 1:
                    frag.append(Piece(number("一是", i)))
                frag.append(Piece(c.text, "CAUSE", c.key))
            frag.append(Piece("。"))
    paragraph(d, frag)


def _problems_then_named_causes(d: Doc, style: str, numbering: str) -> None:
    """The problems listed alone, then their causes, each led by the problem it explains
    (「关于{the problem's first clause}的问题，主要原因是{cause}。」; phrases.yaml named_causes): the
    name is outside every span (the problem was stated above), the cause after the marker is CAUSE."""
    rng, nc = d.rng, compose.phrases()["named_causes"]
    if style == "list":
        for i, p in enumerate(d.problems):
            paragraph(d, [Piece(number(numbering, i)), Piece(p.text, "PROBLEM", p.key), Piece("。")])
    else:
        frag: Fragment = []
        for i, p in enumerate(d.problems):
            frag += [Piece(number("一是", i) if style == "yishi" else ""), Piece(p.text, "PROBLEM", p.key), Piece("。")]
        paragraph(d, frag)
    lead = rng.choice(nc["leads"])
    one_paragraph = rng.random() < 0.5
    frag = [Piece(lead)] if lead else []
    for p in d.problems:
        if not p.causes:
            continue
        name = first_clause(p.text)
        frag.append(Piece(rng.choice(nc["openers"]) + name + rng.choice(nc["tails"]) + rng.choice(nc["markers"])))
        for j, c in enumerate(p.causes):
            if j:
                frag.append(Piece("；"))
            frag.append(Piece(c.text, "CAUSE", c.key))
        frag.append(Piece("。"))
        if not one_paragraph:
            paragraph(d, frag)
            frag = []
    if frag:
        paragraph(d, frag)


def all_measures(d: Doc) -> list[MeasureItem]:
    """The measures still to render (a ``pcm`` problem block writes its own in place)."""
    return d.measures


def _advice(rng) -> str:
    """Sometimes a measure is put as advice: 「建议今后……」; 建议 is outside the span (labels.md)."""
    return "建议" if rng.random() < 0.12 else ""


def _elaboration(d: Doc, m: MeasureItem) -> Fragment:
    """A measure's elaboration: sentences of one or two comma-joined actions, one MEASURE span
    per sentence, not per comma clause (annotations/guidelines.md §5, as the seeds' gold has it).
    The purpose clause closes the last sentence and belongs to its span."""
    rng, ph = d.rng, compose.phrases()
    frag: Fragment = [Piece(rng.choice(ph["measure_leads"]))]
    actions = list(m.actions)
    groups: list[list[tuple[str, str]]] = []
    while actions:
        n = 1 if len(actions) == 1 or rng.random() < 0.5 else 2
        groups.append(actions[:n])
        actions = actions[n:]
    for j, group in enumerate(groups):
        if j:
            frag.append(Piece(rng.choice(("。", "。", "；"))))
        text = "，".join(a for _, a in group)
        if j == len(groups) - 1 and rng.random() < 0.7:
            text += "，" + rng.choice(ph["measure_purposes"])
        frag.append(Piece(text, "MEASURE", group[0][0]))
    frag.append(Piece("。"))
    return frag


def measure_block(d: Doc, style: str, numbering: str = "1、") -> None:
    """Measures as titled items with elaborations, plain numbered titles, 一是…二是… in one
    paragraph, or unnumbered paragraphs of one (often long, multi-clause) measure each."""
    rng, ph = d.rng, compose.phrases()
    measures = all_measures(d)
    if rng.random() < 0.5:
        paragraph(d, [Piece(rng.choice(ph["measure_intros"]))])
    if style == "yishi":  # 「一是…；二是…。」, or the list's own numbers in one paragraph (「1.…；2.…。」)
        frag: Fragment = [Piece(rng.choice(ph["measure_leads"]))] if rng.random() < 0.4 else []
        inline_numbers = "一是" if rng.random() < 0.6 else numbering
        for i, m in enumerate(measures):
            if i:
                frag.append(Piece("；"))
            frag += [Piece(number(inline_numbers, i)), Piece(_advice(rng)), Piece(m.title, "MEASURE", m.key)]
        frag.append(Piece("。"))
        paragraph(d, frag)
        return
    if style == "paragraphs":
        for m in measures:
            lead = rng.choice(ph["measure_leads"]) if rng.random() < 0.35 else ""
            text = m.title
            if m.actions and rng.random() < 0.5:  # one sentence of several clauses: one span
                text += "，" + "，".join(a for _, a in m.actions[:2])
            paragraph(d, [Piece(lead + _advice(rng)), Piece(text, "MEASURE", m.key), Piece("。")],
                      indent=rng.choice(("", "", "  ")))
        return
    if style == "titled_inline":  # 「1．标题。行动…；行动…。」 in one paragraph, the title sometimes bold
        bold = d.layout == "markdown" or rng.random() < 0.1
        for i, m in enumerate(measures):
            lead, close = ("**", "。**") if bold else ("", "。")
            frag = [Piece(number(numbering, i) + (" " if bold and rng.random() < 0.5 else "") + lead),
                    Piece(m.title, "MEASURE", m.key), Piece(close + (" " if bold else ""))]
            actions = list(m.actions)
            for j, (key, action) in enumerate(actions):
                frag += [Piece(action, "MEASURE", key), Piece(rng.choice(("；", "。")) if j + 1 < len(actions) else "。")]
            paragraph(d, frag)
        return
    for i, m in enumerate(measures):
        paragraph(d, [Piece(number(numbering, i)), Piece(_advice(rng)), Piece(m.title, "MEASURE", m.key), Piece("。")])
        if style == "titled" and m.actions:
            paragraph(d, _elaboration(d, m), indent=rng.choice(("", "", "    ")))


def problem_cell(d: Doc, problems: list[ProblemItem]) -> Fragment:
    """Problems and causes written into one table cell."""
    frag: Fragment = []
    for i, p in enumerate(problems):
        if len(problems) > 1 and d.rng.random() < 0.5:
            frag.append(Piece(number("1.", i)))
        frag += _problem_and_causes(d, p)
    return frag


def measure_cell(d: Doc, measures: list[MeasureItem]) -> Fragment:
    """Measures written into one table cell: titles with numbered actions, 一是…；二是…
    without titles, or plain sentences; one MEASURE span per sentence or 一是 item."""
    rng = d.rng
    style = rng.choice(("titled", "titled", "yishi", "plain"))
    frag: Fragment = []
    if style == "yishi":
        items = [(m.key, m.title) for m in measures]
        items += [a for m in measures for a in m.actions[:1]] if len(items) < 2 else []
        for i, (key, text) in enumerate(items):
            if i:
                frag.append(Piece(rng.choice(("；", "。", "，"))))
            frag += [Piece(number("一是", i)), Piece(text, "MEASURE", key)]
        return frag + [Piece("。")]
    for m in measures:
        frag += [Piece(m.title, "MEASURE", m.key), Piece("。")]
        if style == "titled":
            for j, (key, action) in enumerate(m.actions[:2]):
                frag += [Piece(number("一是", j)), Piece(action, "MEASURE", key), Piece("。")]
    return frag


def achievements(d: Doc, n_paragraphs: int) -> list[Fragment]:
    """Narrative paragraphs that carry all of the document's workloads."""
    chunks = [[] for _ in range(n_paragraphs)]
    for i, w in enumerate(d.workloads):
        chunks[i % n_paragraphs].append(w)
    out = []
    for chunk in chunks:
        out.append(compose.achievement_paragraph(d.rng, d.unit, d.year, chunk))
        d.workload_rendered += chunk
    return out


def budget_narrative(d: Doc) -> Fragment:
    """Money stated in prose (not spans). Uses the narrative's executed amount, which
    differs from the table's when a narrative_table_mismatch was planted."""
    rng, y = d.rng, d.year
    executed = d.facts.narrative_executed if d.facts.narrative_executed is not None else None
    exe = d.amount("executed") if executed is None else d.amount("", cents=executed)
    d.stated.add("narrative.executed")
    parts = [f"{y}年{rng.choice(('收入预算', '预算收入', '全年收入'))}{d.amount('income')}万元，其中：财政拨款收入"
             f"{d.amount('fiscal_appropriation_income')}万元，其他收入{d.amount('other_income')}万元",
             f"全年{rng.choice(('预算执行金额为', '实际支出', '支出合计'))}{exe}万元",
             f"其中基本支出{d.amount('basic_expenditure')}万元，项目支出{d.amount('project_expenditure')}万元"]
    if rng.random() < 0.6:
        parts.append(f"预算执行率为{d.rate()}")
    if rng.random() < 0.4 and d.facts.budget["carryover"]:
        parts.insert(1, f"上年结转{d.amount('carryover')}万元")
    return [Piece("。".join(parts[:2]) + "，" + "，".join(parts[2:]) + "。")]


def staff_sentence(d: Doc) -> str:
    d.stated.add("staff")
    s = d.facts.staff
    a, i, r = s["authorized"], s["in_service"], s["retired"]
    return d.rng.choice((f"{d.unit.name}核定编制{a}名，截至年底在职{i}人，离退休{r}人。",
                         f"本单位编制数{a}名，在职人员{i}人，退休人员{r}人。",
                         f"人员编制{a}个，年底在编在岗{i}人；另有离退休人员{r}人。",
                         f"{d.unit.short}共有编制{a}名，实有在职人员{i}人，退休{r}人。"))


def assets_sentence(d: Doc) -> str:
    return (f"资产总额{d.amount('total')}万元，其中：流动资产{d.amount('current')}万元，固定资产净值"
            f"{d.amount('fixed_net')}万元，无形资产净值{d.amount('intangible_net')}万元。")


def org_sentence(d: Doc) -> str:
    n = d.rng.randint(3, 14)
    return f"{d.unit.name}内设机构{n}个，下属单位{d.rng.randint(0, 6)}个，{d.rng.choice(('为正科级', '为行政单位', '为全额拨款事业单位', '经费形式为全额拨款'))}。"


_PERFECTIVE = re.compile(r"^(.{1,4}?[\u4e00-\u9fff])了")


def _planned_count(rng: random.Random, w: Workload) -> str:
    """The year's planned count for a piece of work, near what was done (a plan is rounder)."""
    n = max(1, int(w.count * rng.uniform(0.8, 1.15)))
    if n >= 10000:
        return f"{round(n / 10000, 1):g}万"
    if n >= 100 and rng.random() < 0.6:
        return str(n // 10 * 10)
    return str(n)


def goal_rows(d: Doc, workloads: list[Workload]) -> list[list]:
    """A project form's goal rows (phrases.yaml goal_form): the planned cell (O) states the given
    workloads' counts as a plan, the actual cell reports them as done (WORKLOAD spans)."""
    rng, g = d.rng, compose.phrases()["goal_form"]
    # a plan has no perfective: 召开了… is what was done
    planned = [rng.choice(g["planned"]).format(activity=_PERFECTIVE.sub(r"\1", w.activity, count=1),
                                               n=_planned_count(rng, w), mw=w.unit)
               for w in workloads]
    if d.facts.goals and rng.random() < g["goals_share"]:
        planned.insert(rng.randint(0, len(planned)), rng.choice(d.facts.goals))
    if rng.random() < g["target_share"]:
        planned.append(compose.distractor(rng, d.unit.kind, "target"))
    joiner = rng.choice(g["joiners"])
    actual = compose.achievement_paragraph(rng, d.unit, d.year, workloads)
    d.workload_rendered += workloads
    row_label = rng.choice(g["row_labels"])
    column = rng.choice([c for c in g["planned_columns"] if c != row_label])
    return [[row_label, column, rng.choice(g["actual_columns"])],
            ["", joiner.join(planned) + "。", actual]]


def goals_lines(d: Doc, numbering: str) -> list[str]:
    d.stated_goals = True
    return [number(numbering, i) + g for i, g in enumerate(d.facts.goals)]


def conclusion_text(d: Doc) -> str:
    d.stated.update({"total_score", "grade"})
    scale = "；".join(f"{g}≥{low}分" if low else f"{g}＜{d.facts.grade_scale[-2][1]}分"
                     for g, low in d.facts.grade_scale)
    rng = d.rng
    return (f"{rng.choice(('经综合评价', '根据评分标准', '对照评价指标逐项打分'))}，{d.year}年度部门整体支出绩效自评得分"
            f"{d.facts.total_score:g}分，评价等级为“{d.facts.grade}”。" +
            (f"等级划分为：{scale}。" if rng.random() < 0.5 else ""))
