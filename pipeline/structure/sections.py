"""The section tree: headings found by their numbering, nested by the order styles appear.

Chinese official documents number headings 一、 → （一） → 1. / 1、 → （1） → ①, but real
reports skip levels and mix styles, so a fixed style→level table is wrong for
many of them. Instead, as in most outline parsers, the first style met opens
level 1, a new style nests one level deeper, and a style already on the stack
closes everything below it. A heading whose number does not continue its own
style but does continue an ancestor's style of the same family (a 「（2）」 after
「（一）」 and some 「1、」 items) is taken as that ancestor's sibling.

A numbered line is a heading only when it reads like one: short, no sentence
inside it, not ending in 。；. Longer numbered lines are list items or numbered
paragraphs and stay in their section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.record import Section
from pipeline.structure.numbers import cn_to_int

CN_NUM = "一二三四五六七八九十百零〇两"

# (style name, family, regex). The regex's group "n" is the number, group "rest" the title.
_STYLES = [
    ("part", "part", re.compile(rf"^第(?P<n>[{CN_NUM}\d]+)(?:部分|章|节)[、:：\s]*(?P<rest>.*)$")),
    ("cn_dun", "cn", re.compile(rf"^(?P<n>[{CN_NUM}]+)\s*[、.．]\s*(?P<rest>.*)$")),
    ("cn_paren", "paren", re.compile(rf"^[（(]\s*(?P<n>[{CN_NUM}]+)\s*[）)]\s*[、.．]?\s*(?P<rest>.*)$")),
    ("ar_paren", "paren", re.compile(r"^[（(]\s*(?P<n>\d{1,2})\s*[）)]\s*[、.．]?\s*(?P<rest>.*)$")),
    ("ar_dot", "arabic", re.compile(r"^(?P<n>\d{1,2})\s*[.．](?!\d)\s*(?P<rest>.*)$")),
    ("ar_dun", "arabic", re.compile(r"^(?P<n>\d{1,2})\s*[、]\s*(?P<rest>.*)$")),
    ("circled", "circled", re.compile(r"^(?P<n>[①-⑳])\s*(?P<rest>.*)$")),
]

# the characters a numbering of _STYLES starts with: a line starting otherwise (most lines) is
# not matched against each style
_NUMBERING_FIRST = rf"第{CN_NUM}（(\d①-⑳"
_NUMBERING_START = re.compile(f"[{_NUMBERING_FIRST}]")

MAX_HEADING_CHARS = 40

# Headings without a numbering style of their own, taken only when their title names a part of
# the report (classify_title is not "other"): a bare number and a blank (「2 绩效目标实现情况」: a
# PDF's 「2.」 without its dot), and a title in lenticular brackets that its text may follow on
# the same line (「【存在问题】…」, as web pages write them; 【打印】【关闭】 name no part).
_PART_STYLES = [
    ("ar_space", "arabic", re.compile(r"^(?P<n>\d{1,2})[ \u3000]+(?P<rest>[\u4e00-\u9fff][^\n]*)$")),
    ("bracket", "bracket", re.compile(r"^[【〖](?P<rest>[^】〗]{2,20})[】〗]")),
]

_PART_FIRST = r"\d【〖"   # the characters a heading of _PART_STYLES starts with
_PART_START = re.compile(f"[{_PART_FIRST}]")
_HEADING_START = re.compile(f"[{_NUMBERING_FIRST}{_PART_FIRST}]")   # either


@dataclass
class Heading:
    start: int        # line start
    end: int          # line end
    title: str        # the line without its numbering
    title_start: int
    style: str
    family: str
    number: int | None
    md_level: int | None = None


def number_value(n: str) -> int | None:
    if n.isascii() and n.isdigit():
        return int(n)
    if len(n) == 1 and "①" <= n <= "⑳":
        return ord(n) - ord("①") + 1
    return cn_to_int(n)


def match_numbering(line: str) -> tuple[str, str, int | None, int] | None:
    """(style, family, number, offset of the title within line) for a numbered line."""
    stripped = line.lstrip(" \u3000")
    if not _NUMBERING_START.match(stripped):
        return None
    lead = len(line) - len(stripped)
    for style, family, pattern in _STYLES:
        m = pattern.match(stripped)
        if m:
            return style, family, number_value(m.group("n")), lead + m.start("rest")
    return None


_HANZI = re.compile(r"[\u4e00-\u9fff]")


def looks_like_heading(title: str) -> bool:
    t = title.strip()
    if not t or len(t) > MAX_HEADING_CHARS:
        return False
    if t[-1] in "。；;，,":
        return False
    # a heading holds at most one sentence: no full stop inside
    if "。" in t[:-1]:
        return False
    return _HANZI.search(t) is not None


# --- classification of section titles into the contract's kinds. First matching rule wins.
_KIND_RULES: list[tuple[str, re.Pattern]] = [
    ("problems", re.compile(r"存在的?(?:主要)?问题|问题及|主要问题|问题和|偏差.{0,6}原因|未完成原因|不足之处|存在不足")),
    ("measures", re.compile(r"改进|措施|建议|下一步|工作打算|整改|努力方向|改进方向")),
    # 「年度主要任务完成情况」 reports the year's work: tasks followed by 完成情况 are no list of duties
    ("functions", re.compile(r"职能|职责|主要任务(?!.*完成情况)|工作任务$")),
    ("organisation", re.compile(r"机构|组织架构|内设|组织框架")),
    ("staffing", re.compile(r"人员|编制")),
    ("assets", re.compile(r"资产")),
    ("other", re.compile(r"评价工作组|评价人员|人员名单|签字")),
    ("evaluation", re.compile(r"实现情况|目标完成情况|满意度|绩效评价|评价分析|绩效分析|绩效情况|绩效自评|自评工作")),
    ("goals", re.compile(r"目标")),
    ("indicators", re.compile(r"指标")),
    ("conclusion", re.compile(r"结论|等级|等次|总体评价|综合评价|评价结果|自评结果")),
    ("budget", re.compile(r"预算|收支|资金|决算|支出|收入|经费|财务")),
    ("evaluation", re.compile(r"评价|自评|绩效|实现情况|完成情况|履职|工作开展|成效|产出|效益")),
    ("basic_info", re.compile(r"基本情况|概况|单位情况|部门情况|简介")),
]


# Kinds whose headings are noun phrases (「主要职能」); a sentence-like heading
# (「强化监督职能，实效得到新突破」) reports work done, it does not introduce the list.
_NOUN_KINDS = {"functions", "organisation", "staffing", "assets", "basic_info"}


def classify_title(title: str) -> str:
    t = "".join(title.split())   # (re's \s is str.isspace: the same characters dropped, without a regex call)
    sentence_like = "，" in t or "," in t or len(t) > 14
    for kind, pattern in _KIND_RULES:
        if pattern.search(t):
            if kind in _NOUN_KINDS and sentence_like:
                continue
            return kind
    return "other"


def find_headings(text: str, lines: list[tuple[int, int]], skip: list[tuple[int, int]],
                  md_hints: dict[int, int]) -> list[Heading]:
    """Candidate headings among the lines outside skipped (table) ranges."""
    out: list[Heading] = []
    si = 0
    for start, end in lines:
        while si < len(skip) and skip[si][1] <= start:
            si += 1
        if si < len(skip) and skip[si][0] <= start < skip[si][1]:
            continue
        line = text[start:end]
        if not line.strip() or "\t" in line:
            continue
        md = md_hints.get(start)
        if md is None and not _HEADING_START.match(line.lstrip(" \u3000")):
            continue   # neither marked nor numbered (most lines)
        num = match_numbering(line)
        if num:
            style, family, number, off = num
            title = line[off:].strip()
            if looks_like_heading(title):
                ts = start + off + (len(line[off:]) - len(line[off:].lstrip()))
                out.append(Heading(start, end, title, ts, style, family, number, md))
                continue
        if md is not None and looks_like_heading(line):
            ts = start + len(line) - len(line.lstrip())
            out.append(Heading(start, end, line.strip(), ts, f"md{md}", "md", None, md))
            continue
        part = _part_heading(text, start, line)
        if part is not None:
            out.append(part)
    # a bare number is a heading's only in a run of them (1 …, 2 …): a lone 「3 个项目…」 is a count
    numbers = {h.number for h in out if h.style == "ar_space"}
    return [h for h in out if h.style != "ar_space" or {h.number - 1, h.number + 1} & numbers]


def _part_heading(text: str, start: int, line: str) -> Heading | None:
    stripped = line.lstrip(" \u3000")
    if not _PART_START.match(stripped):
        return None
    lead = len(line) - len(stripped)
    for style, family, pattern in _PART_STYLES:
        m = pattern.match(stripped)
        if m is None:
            continue
        title = m.group("rest").strip()
        if not looks_like_heading(title) or classify_title(title) == "other":
            return None
        n = m.groupdict().get("n")
        ts = start + lead + m.start("rest") + (len(m.group("rest")) - len(m.group("rest").lstrip()))
        return Heading(start, start + len(line), title, ts, style, family, number_value(n) if n else None)
    return None


def build_sections(text: str, headings: list[Heading]) -> list[Section]:
    """Nest headings into sections (see module docstring)."""
    sections: list[Section] = []
    # stack entries: (style, family, last number, section index)
    stack: list[tuple[str, str, int | None, int]] = []
    for h in headings:
        style = h.style
        level_idx = None
        for i, (st, fam, last, _) in enumerate(stack):
            if st == style:
                level_idx = i
                break
        if level_idx is not None:
            last = stack[level_idx][2]
            continues = h.number is None or last is None or h.number == last + 1
            if not continues:
                # maybe it continues an outer style of the same family (「（2）」 after 「（一）」)
                for i in range(level_idx - 1, -1, -1):
                    st, fam, lst, _ = stack[i]
                    if fam == h.family and lst is not None and h.number == lst + 1:
                        level_idx = i
                        break
            del stack[level_idx:]
        else:
            # a new style; but if it continues an ancestor of the same family, it is that ancestor's sibling
            for i in range(len(stack) - 1, -1, -1):
                st, fam, lst, _ = stack[i]
                if fam == h.family and lst is not None and h.number is not None and h.number == lst + 1 and h.number > 1:
                    del stack[i:]
                    break
        if h.md_level is not None and h.style.startswith("md"):
            # markdown levels are explicit
            while stack and stack[-1][1] == "md" and sections[stack[-1][3]].level >= h.md_level:
                stack.pop()
        parent = sections[stack[-1][3]].id if stack else None
        level = len(stack) + 1
        sec = Section(id=f"s{len(sections) + 1}", title=h.title, level=level, kind=classify_title(h.title),
                      start=h.start, end=len(text), parent=parent, title_start=h.title_start,
                      title_end=h.title_start + len(h.title))
        sections.append(sec)
        stack.append((style, h.family, h.number, len(sections) - 1))
    # a section ends where the next heading at its level or above begins: the sections still
    # open, innermost last, have rising levels, so a heading closes a run at the top
    open_: list[Section] = []
    for nxt in sections:
        while open_ and open_[-1].level >= nxt.level:
            open_.pop().end = nxt.start
        open_.append(nxt)
    # an untitled child inherits nothing; but a child of kind "other" inside a problems/measures
    # section keeps the parent's reading, which is what the tagger's heading path needs
    by_id = {s.id: s for s in sections}
    for sec in sections:
        if sec.kind == "other" and sec.parent and by_id[sec.parent].kind in ("problems", "measures", "functions"):
            sec.kind = by_id[sec.parent].kind
    return sections
