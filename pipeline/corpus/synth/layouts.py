"""Document layouts: the ways real archives lay a self-evaluation out.

a kv_form            key-value + tab table form, narrative in cells with <p> markup
b ocr_project_form   OCR'd overall form plus one form per project, broken cells, page headers
c prose_cells        prose report, tables written one cell per line (tab-indented, blank line between rows)
d prose_only         prose report without tables
e markdown           prose report with markdown pipe tables
f spaced_cells       prose report, table cells separated by runs of spaces
g run_together       prose report, table cells run together (PDF text extraction)
h project_forms      clean tab-separated multi-project forms
i conclusion_first   report that opens with the conclusion, then problems, then the rest

Each layout draws its own section order, heading wording and numbering.
"""
from __future__ import annotations

from pipeline.corpus.synth import compose
from pipeline.corpus.synth.builder import Piece
from pipeline.corpus.synth.render import (
    Doc, achievements, all_measures, assets_sentence, blank, budget_column_rows, budget_kv_rows, budget_narrative,
    conclusion_text, evaluator_rows, function_block, goal_rows, goals_lines, heading, income_rows, indicator_rows, line,
    measure_block, measure_cell, number, org_sentence, paragraph, problem_block, problem_cell, project_rows, score_rows,
    staff_sentence, table,
)


def _h(d: Doc, section: str) -> str:
    return d.rng.choice(compose.phrases()["headings"][section])


def _title(d: Doc) -> list[str]:
    rng = d.rng
    if rng.random() < 0.5:
        return [f"{d.year}年度{d.unit.name}{d.kind_label}"]
    return [d.unit.name, f"{d.year}年度{d.kind_label}"] if rng.random() < 0.5 else \
        [f"{d.unit.name}{d.kind_label}", f"（{d.year}年度）"]


# ---------------------------------------------------------------- (a) key-value form
def kv_form(d: Doc) -> None:
    rng = d.rng
    blank(d)
    line(d, f"{d.unit.place.city}{d.kind_label}" if rng.random() < 0.5 else d.kind_label)
    blank(d)
    line(d, f"({d.year} 年度)")
    blank(d)
    line(d, "填报单位（公章）：" + (d.unit.name if rng.random() < 0.5 else ""))
    blank(d)
    table(d, [["单位负责人", d.leader, "单位联系电话", str(rng.randint(2000000, 8999999))]], "tab")
    table(d, budget_kv_rows(d), "tab")
    p, q = ("<p>", "</p>") if d.noise.html else ("", "")
    d.b.write(_h(d, "functions") + "\t")
    function_block(d, "inline")  # one paragraph: the cell ends with its line
    table(d, [["单位人员情况", p + org_sentence(d) + staff_sentence(d) + q]], "tab")
    d.b.write("预算执行情况\t" + p)
    d.b.frag(budget_narrative(d))
    d.b.write(q + "\n")
    blank(d)
    d.b.write(rng.choice(("部门整体支出绩效评价分析", "绩效目标完成情况", "履职情况分析")) + "\t" + p)
    for frag in achievements(d, rng.randint(1, 3)):
        d.b.frag(frag)
    d.b.write(q + "\n")
    cells = [["存在问题" if rng.random() < 0.5 else "问题及原因", [Piece(p)] + problem_cell(d, d.problems) + [Piece(q)]],
             [_h(d, "measures"), [Piece(p)] + measure_cell(d, all_measures(d)) + [Piece(q)]]]
    if rng.random() < 0.3:  # some forms put problems and suggestions together under 其他
        cells = [["其他", [Piece(p)] + problem_cell(d, d.problems) + measure_cell(d, all_measures(d)) + [Piece(q)]]]
    table(d, cells, "tab")
    table(d, indicator_rows(d, d.facts.indicators), "tab")
    table(d, score_rows(d), "tab")
    table(d, [["评价人员" if k == 0 else ""] + r for k, r in enumerate(evaluator_rows(d))], "tab")
    line(d, "填表人：______    审核人：______    " + d.rng.choice(("（盖章）", "")))


# ---------------------------------------------------------------- (b)/(h) multi-project forms
def _project_form(d: Doc, project, problems, measures, fmt: str, ocr: bool,
                  goal_workloads: list | None = None) -> None:
    rng, u = d.rng, d.money_unit
    if ocr and rng.random() < 0.6:  # a garbled running page header
        line(d, "\t".join(("<u> </u>" if d.noise.html else "_", d.unit.name[: rng.randint(2, 6)], "填报日期:",
                           d.noise.number(d.filled_on.replace("-", ".")), "自评得分:", f"{project.score:g}")))
    table(d, [["项目名称", project.name], ["主管部门", d.unit.name, "项目实施单位", d.unit.name]], fmt)
    table(d, [["预算执行情况", "", f"预算数({u})", f"执行数({u})", "执行率", "得分"],
              ["", "年度财政资金总额", d.amount("", True, project.budgeted), d.amount("", True, project.executed),
               d.noise.number(f"{project.execution_rate:.2f}%"), f"{project.indicators[0].score:g}"]], fmt)
    d.stated_indicators.append(project.indicators[0])
    if goal_workloads:
        table(d, goal_rows(d, goal_workloads), fmt)
    table(d, indicator_rows(d, project.indicators[1:]), fmt)
    label_p = rng.choice(("偏差大或目标未完成原因分析", "偏差原因分析", "未完成原因分析"))
    label_m = rng.choice(("改进措施及结果应用方案", "改进措施", "整改措施"))
    rows = []
    if problems:
        rows.append([label_p, problem_cell(d, problems)])
    if measures:
        rows.append([label_m, measure_cell(d, measures)])
    if rows:
        table(d, rows, fmt)
    blank(d)


def _multi_project(d: Doc, ocr: bool) -> None:
    rng = d.rng
    fmt = "tab"
    prefix = "#### " if ocr and rng.random() < 0.5 else ""
    line(d, prefix + f"{d.year} 年度{d.unit.name}{d.kind_label}")
    blank(d)
    line(d, f"填报日期: {d.noise.number(d.filled_on.replace('-', '.'))} 总分:{d.facts.total_score:g}")
    d.stated.update({"total_score", "filled_on"})
    blank(d)
    table(d, [["单位名称", d.unit.name],
              ["基本支出总额", d.amount("basic_expenditure", True), "项目支出总额", d.amount("project_expenditure", True)]],
          fmt)
    table(d, [["预算执行情况", "预算数 (A)", "执行数 (B)", "执行率 (B/A)", "得分"],
              ["部门整体支出总额", d.amount("budgeted", True), d.amount("executed", True), d.rate(),
               f"{d.facts.indicators[0].score:g}"]], fmt)
    blank(d)
    goals = goals_lines(d, rng.choice(("1、", "1.", "（1）")))
    line(d, "年度目标:" + goals[0])
    for g in goals[1:]:
        line(d, ("- " if ocr and rng.random() < 0.5 else "") + g)
    blank(d)
    d.stated_indicators.append(d.facts.indicators[0])
    table(d, indicator_rows(d, d.facts.indicators[1:]), fmt)
    table(d, score_rows(d), fmt)
    # problems and measures are spread over the overall form and the project forms
    projects = d.facts.projects
    slots = len(projects) + 1
    per_slot_p = [[] for _ in range(slots)]
    per_slot_m = [[] for _ in range(slots)]
    for i, p in enumerate(d.problems):
        per_slot_p[i % slots].append(p)
        if p.measure:
            per_slot_m[i % slots].append(p.measure)
    per_slot_m[0] += d.extra_measures
    rows = []
    if per_slot_p[0]:
        rows.append([rng.choice(("偏差大或目标未完成原因分析", "存在问题")), problem_cell(d, per_slot_p[0])])
    if per_slot_m[0]:
        rows.append([rng.choice(("改进措施及结果应用方案", "改进措施")), measure_cell(d, per_slot_m[0])])
    table(d, rows, fmt)
    goal_workloads = _goal_workloads(d, len(projects))
    if rng.random() < 0.7:
        blank(d)
        for frag in achievements(d, rng.randint(1, 2)):
            paragraph(d, frag)
    blank(d)
    for k, project in enumerate(projects):
        _project_form(d, project, per_slot_p[k + 1], per_slot_m[k + 1], fmt, ocr, goal_workloads[k])
    d.stated_projects = True


def _goal_workloads(d: Doc, n_projects: int) -> list[list]:
    """Per project, the workloads its form's goal rows report (phrases.yaml goal_form), taken out
    of those the narrative carries; at least one stays for the narrative. Draws nothing when the
    share is 0."""
    share = compose.phrases()["goal_form"]["share"]
    out: list[list] = [[] for _ in range(n_projects)]
    if share <= 0 or not n_projects or d.rng.random() >= share:
        return out
    pool = list(d.workloads)
    for k in range(n_projects):
        take = min(d.rng.randint(1, 3), len(pool) - 1)
        if take <= 0:
            break
        out[k], pool = pool[-take:], pool[:-take]
    d.workloads = pool
    return out


def ocr_project_form(d: Doc) -> None:
    _multi_project(d, ocr=True)


def project_forms(d: Doc) -> None:
    _multi_project(d, ocr=False)


# ---------------------------------------------------------------- prose reports (c d e f g i)
def _prose(d: Doc, table_fmt: str | None, conclusion_first: bool = False) -> None:
    rng = d.rng
    top = rng.choice(("一、", "一、", "1.", "第"))
    sub = rng.choice(("（一）", "（一）", "1、", "（1）", "1."))
    counter = [0]

    skip_heading = [False]

    def section(name: str) -> None:
        i = counter[0]
        counter[0] += 1
        if skip_heading[0]:  # an excerpt that starts inside this section
            skip_heading[0] = False
            return
        if top == "第":
            line(d, f"第{compose.cn_number(i + 1)}部分 " + d.noise.heading(name))
        else:
            heading(d, top, i, name, indent=rng.choice(("", "", "     ")))

    def subsection(i: int, name: str) -> None:
        heading(d, sub, i, name, indent=rng.choice(("", "", "    ")))

    web = rng.random() < 0.12  # the report as a government web page publishes it
    excerpt = rng.random() < 0.1  # a page or a quoted passage: it starts inside the report
    d.shapes += [name for name, on in (("web_page", web), ("excerpt", excerpt)) if on]
    if web:
        for pattern in rng.sample(compose.phrases()["web_boilerplate"]["top"], rng.randint(1, 3)):
            line(d, _web_line(d, pattern))
    if not excerpt:
        if rng.random() < 0.3:
            line(d, rng.choice(("附件", "附件2", "附2", "附件3")))
            blank(d)
        for t in _title(d):
            line(d, t)
        blank(d)
        if rng.random() < 0.8:
            paragraph(d, [Piece(compose.intro_paragraph(rng, d.year, d.unit.short, d.fin_bureau))])

    def basic() -> None:
        section(_h(d, "basic"))
        if rng.random() < 0.3:  # functions as the section's first paragraphs, without a 职能 heading
            lead = rng.choice((f"{d.unit.name}的主要职责是：", "主要职责：", f"{d.unit.short}主要承担以下职责：",
                               f"{d.unit.name}是{d.unit.place.county}人民政府工作部门，主要职能包括：", "主要职能：",
                               "部门主要职责：", "单位职责：", "主要职责如下："))
            r = rng.random()
            if table_fmt and rng.random() < 0.4:  # a table of the unit's particulars comes first (no facts)
                table(d, [["单位名称", d.unit.name, "单位负责人", d.leader],
                          ["内设机构", f"{rng.randint(3, 14)}个", "下属单位", f"{rng.randint(0, 6)}个"]], table_fmt,
                      header=False)
                r = min(r, 0.34)  # then the lead on a line of its own and the numbered items
            if r < 0.35:
                paragraph(d, [Piece(lead)])
                function_block(d, "numbered")
            elif r < 0.7:  # in the paragraph that describes the unit: 「…辖9个村。主要职能：1.…；2.…。」
                function_block(d, "inline", [Piece(compose.unit_circumstances(rng, d.unit) + lead)])
            else:
                function_block(d, "numbered")
            subs = [("organisation", lambda: paragraph(d, [Piece(org_sentence(d))])),
                    ("staffing", lambda: paragraph(d, [Piece(staff_sentence(d))]))]
            for j, (name, fn) in enumerate(subs[:rng.randint(0, 2)]):
                subsection(j, _h(d, name))
                fn()
            return
        subs = [("functions", lambda: function_block(d, rng.choice(("numbered", "numbered", "titles")))),
                ("organisation", lambda: paragraph(d, [Piece(org_sentence(d))])),
                ("staffing", lambda: paragraph(d, [Piece(staff_sentence(d))])),
                ("assets", lambda: paragraph(d, [Piece(assets_sentence(d))]))]
        if rng.random() < 0.3:
            subs[1:3] = [subs[2], subs[1]]
        if rng.random() < 0.3:
            subs = subs[:-1]
        for j, (name, fn) in enumerate(subs):
            subsection(j, _h(d, name))
            fn()

    def budget() -> None:
        section(_h(d, "budget"))
        paragraph(d, budget_narrative(d))
        if table_fmt:
            table(d, income_rows(d) if rng.random() < 0.4 else budget_column_rows(d), table_fmt)
            if rng.random() < 0.5:
                blank(d)
                line(d, rng.choice(("项目支出情况", "资金使用情况", "重点项目支出情况")))
                table(d, project_rows(d), table_fmt)
        else:
            rate_frag = f"{rng.choice(('部门整体支出预算数', '全年预算数'))}{d.amount('budgeted')}万元，" \
                        f"年末结余{d.amount('balance')}万元。"
            paragraph(d, [Piece(rate_frag)])
        if rng.random() < 0.45:
            subsection(0, _h(d, "management"))
            counted = compose.management_workloads(rng, rng.choice((0, 0, 1, 2)))
            d.workload_rendered += counted
            paragraph(d, compose.management_paragraph(rng, counted))

    def method() -> None:
        section(_h(d, "method"))
        paragraph(d, [Piece(compose.method_paragraph(rng))])

    def performance() -> None:
        section(_h(d, "performance"))
        if rng.random() < 0.5:
            subsection(0, _h(d, "goals"))
            for g in goals_lines(d, rng.choice(("1.", "1、", "①"))):
                line(d, g)
        themes = list(d.unit.kind.themes)
        rng.shuffle(themes)
        frags = achievements(d, rng.randint(1, 3))
        numbering = rng.choice(("1.", "1、", "①", "（1）"))
        for j, frag in enumerate(frags):
            if rng.random() < 0.6:
                theme = themes[j % len(themes)]
                title = compose.achievement_heading(rng, theme)
                form = rng.random()
                if form < 0.5:  # the theme's title opens the paragraph: 「（一）…。」「**（一）…。**」「1.…方面，」
                    if form < 0.15:
                        head = f"{number_prefix(numbering, j)}{theme}方面，"
                    elif d.layout == "markdown" or form < 0.2:
                        head = f"**{number_prefix(numbering, j)}{title}。**" + rng.choice(("", " "))
                    else:
                        head = number_prefix(numbering, j) + title + "。"
                    paragraph(d, [Piece(head)] + frag)
                    continue
                line(d, number_prefix(numbering, j) + title)
            paragraph(d, frag)
        if table_fmt:
            line(d, _h(d, "indicators"))
            table(d, indicator_rows(d, d.facts.indicators), table_fmt)
            table(d, score_rows(d), table_fmt, header=False)

    def conclusion() -> None:
        section(_h(d, "conclusion"))
        text = conclusion_text(d)
        if rng.random() < 0.25 and d.problems:  # problems stated without a heading
            frag = [Piece(text + rng.choice(("但", "但同时，", "但也要看到，")))]
            for j, p in enumerate(d.problems[:2]):
                if j:
                    frag.append(Piece("，"))
                frag.append(Piece(p.text, "PROBLEM", p.key))
            frag.append(Piece("。"))
            d.problems = d.problems[2:]
            paragraph(d, frag)
        else:
            paragraph(d, [Piece(text)])

    def problems_measures() -> None:
        p_style = rng.choice(("list", "paragraph", "yishi", "pcm", "pcm", "inline"))
        m_style = rng.choice(("titled", "titled", "plain", "yishi", "paragraphs", "titled_inline", "titled_inline"))
        p_numbering = rng.choice(("1、", "1.", "（一）", "（1）", "1．", "1)"))
        m_numbering = rng.choice(("1、", "1.", "（一）", "（1）", "1．", "1)"))
        if rng.random() < 0.5:
            title = _h(d, "problems_measures")
            section(title)
            if d.problems:
                if p_style != "pcm" or rng.random() < 0.5:
                    sub = _h(d, "problems")
                    subsection(0, sub)
                    title += sub
                d.causes_headed = "原因" in title
                problem_block(d, p_style, p_numbering)
            if all_measures(d):
                subsection(1 if d.problems else 0, _h(d, "measures"))
                measure_block(d, m_style, m_numbering)
        else:
            if d.problems:
                title = _h(d, "problems" if p_style != "pcm" else rng.choice(("problems", "problems_measures")))
                section(title)
                d.causes_headed = "原因" in title
                problem_block(d, p_style, p_numbering)
            if all_measures(d):
                section(_h(d, "measures"))
                measure_block(d, m_style, m_numbering)

    def evaluators() -> None:
        section(_h(d, "evaluators"))
        if table_fmt:
            table(d, evaluator_rows(d), table_fmt)
        else:
            d.stated_evaluators = True
            line(d, "、".join(f"{e['name']}（{e['title']}）" for e in d.evaluators))

    order = [basic, budget, method, performance, conclusion, problems_measures]
    if rng.random() < 0.3:
        order = [basic, method, budget, performance, conclusion, problems_measures]
    if rng.random() < 0.3:
        order.remove(conclusion)
        order.append(conclusion)
    if conclusion_first:
        order = [conclusion, problems_measures, basic, budget, performance] + ([method] if rng.random() < 0.5 else [])
    if excerpt:
        order = order[rng.randrange(1, len(order)):]
        skip_heading[0] = rng.random() < 0.6
    for part in order:
        part()
        if rng.random() < 0.3:
            blank(d)
    if rng.random() < 0.6:
        evaluators()
    if rng.random() < 0.3:
        section(_h(d, "other"))
        line(d, rng.choice(("无", "无其他需要说明的情况。", "自评结果将按要求在门户网站公开。")))
    if rng.random() < 0.5:
        blank(d)
        line(d, d.unit.name)
        y, m, day = d.filled_on.split("-")
        line(d, f"{y}年{int(m)}月{int(day)}日")
        d.stated.add("filled_on")
    if web:
        blank(d)
        for pattern in rng.sample(compose.phrases()["web_boilerplate"]["bottom"], rng.randint(1, 3)):
            line(d, _web_line(d, pattern))


def _web_line(d: Doc, pattern: str) -> str:
    rng = d.rng
    return pattern.format(unit=d.unit.name, n=rng.randint(30, 9000),
                          date=f"{d.year + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                          code=f"{rng.randint(10**9, 10**10 - 1)}")


def number_prefix(style: str, i: int) -> str:
    return number(style, i)


def prose_cells(d: Doc) -> None:
    _prose(d, "cells")


def prose_only(d: Doc) -> None:
    _prose(d, None)


def markdown(d: Doc) -> None:
    _prose(d, "pipe")


def spaced_cells(d: Doc) -> None:
    _prose(d, "spaces")


def run_together(d: Doc) -> None:
    _prose(d, "run")


def conclusion_first(d: Doc) -> None:
    _prose(d, d.rng.choice(("cells", "tab", "pipe", None)), conclusion_first=True)


LAYOUTS = {
    "kv_form": kv_form,
    "ocr_project_form": ocr_project_form,
    "prose_cells": prose_cells,
    "prose_only": prose_only,
    "markdown": markdown,
    "spaced_cells": spaced_cells,
    "run_together": run_together,
    "project_forms": project_forms,
    "conclusion_first": conclusion_first,
}
