"""Facts stated as key–value pairs or in sentences: rates, staff, metadata, goals, indicator lines.

Money fields are not read here: the amount grammar (amounts.py) reads them in prose and in
key–value cells, with the field names of the lexicon (configs/facts.yaml); rates take their
terms from the same lexicon. The first statement of a field wins; later ones are left to the
checker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from pipeline.lexicon import CLAUSE_END_CHARS
from pipeline.record import Goal, StatedValue
from pipeline.structure.amounts import RangeSet, in_ranges, prose_project_ranges
from pipeline.structure.lexicon import FieldTerms, load_lexicon
from pipeline.structure.numbers import NUMBER, to_float

# 「预算执行率为97.50%」: a rate term of the lexicon, a short gap and a figure with its percent sign
_RATE_GAP = r"[ \u3000:：为是达到了]{0,4}"


_RATE_BOUND_AFTER = re.compile(r"\s*(?:及?以上|及?以下|左右)")

# rate field → its statement pattern (a term, the gap, a figure, %), compiled once per field
_RATE_STATEMENTS: dict[int, tuple[FieldTerms, re.Pattern]] = {}


def _rate_statement(f: FieldTerms) -> re.Pattern:
    cached = _RATE_STATEMENTS.get(id(f))
    if cached is None or cached[0] is not f:
        cached = _RATE_STATEMENTS[id(f)] = (f, re.compile(rf"(?P<key>{f.pattern.pattern}){_RATE_GAP}(?P<num>{NUMBER})\s*%"))
    return cached[1]


def find_rates(text: str) -> dict[str, StatedValue]:
    """Rates stated in prose or table cells: the first statement of each rate field that is the
    unit's own: not a part's or a period's (项目支出执行率, 1-6月预算执行率: the lexicon's
    rate_of_a_part before the term in its clause), not a bound (「达到95%以上」)."""
    lex = load_lexicon()
    out: dict[str, StatedValue] = {}
    projects = prose_project_ranges(text, [])   # 「A项目：全年预算…，实际支出…，执行率95%」: the project's rate
    for f in lex.rates:
        for m in _rate_statement(f).finditer(text):
            if in_ranges(m.start(), projects):
                continue
            clause = text[max(0, m.start() - 20):m.start()]
            cut = max((i + 1 for i, ch in enumerate(clause) if ch in CLAUSE_END_CHARS or ch in "（("), default=0)
            if lex.rate_of_a_part.search(clause[cut:]) or _RATE_BOUND_AFTER.match(text, m.end()):
                continue
            v = to_float(m.group("num"))
            if v is not None:
                out[f.name] = StatedValue(value=v, text=m.group(0), start=m.start(), end=m.end())
                break
    return out


# ---------------------------------------------------------------- staff
# a count of people: 「3,905名」, or a bare number in the next cell of a table row (「编制人数 | 24」)
_HEADCOUNT = r"(?:[:：为共是有]|总数)?\s*(?:(?P<num>\d{1,3}(?:,\d{3})+|\d+)\s*[名人个]|[|\t]\s*(?P<cell>\d{1,3}(?:,\d{3})+|\d+)\s*(?=[|\t\n]|$))"
# 「(?<![行政事业])(?:编制数|人员编制|核定编制|编制人数|编制)」 (not 行政编制, 事业编制, nor the verb of
# 预算编制, 计划编制/规划编制, 目标编制: to draw up, as in a score table's 「预算编制 | 10」) with the check
# written after each word's first character: the same matches, and a pattern that starts with
# characters is skipped to, where one that starts with a lookbehind is tried at every character
_AUTHORIZED = "|".join(f"{w[0]}(?<![行政事业算划标]{w[0]}){w[1:]}" for w in ("编制数", "人员编制", "核定编制", "编制人数", "编制"))
_STAFF_RES: dict[str, re.Pattern] = {
    "administrative": re.compile(rf"行政编制(?:数)?{_HEADCOUNT}"),
    "institutional": re.compile(rf"事业编制(?:数)?{_HEADCOUNT}"),
    "authorized": re.compile(rf"(?:{_AUTHORIZED})(?:数)?(?:为|共|是|总数)?{_HEADCOUNT}"),
    "in_service": re.compile(rf"(?:年末实有在职人员|年末实有人数|实有在职人员|实有人数|在职人员|在职职工|在职在编人员|在编在岗|在职)"
                             rf"(?:人数)?(?:为|共|有)?{_HEADCOUNT}"),
    "retired": re.compile(rf"(?:离退休|退休)(?:人员|职工)?(?:人数)?(?:为|共|有)?{_HEADCOUNT}"),
}
# words every statement of a field holds (one of them): a text without any states none, and the field's
# pattern, which starts with a set of characters scanned one by one, is not run on it
_STAFF_WORDS: dict[str, tuple[str, ...]] = {"in_service": ("在职", "实有", "在编"), "retired": ("退休",)}


def find_staff(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for field_name, pattern in _STAFF_RES.items():
        words = _STAFF_WORDS.get(field_name)
        if words is not None and not any(w in text for w in words):
            continue
        m = pattern.search(text)
        if m:
            out[field_name] = int((m.group("num") or m.group("cell")).replace(",", ""))
    # 「核定行政编制27名、事业编制9名」: the authorized total is the sum of its kinds
    if "authorized" not in out and "administrative" in out and "institutional" in out:
        out["authorized"] = out["administrative"] + out["institutional"]
    return out


# ---------------------------------------------------------------- metadata
_YEAR = re.compile(r"(20\d{2}|二[〇零○][一二三四五六七八九〇零○]{2})\s*年度")
YEAR_MENTION = re.compile(r"(20\d{2})\s*年")   # any year named: 「2022年」
# a line that dates the page or the filing, not the year reported on
_DATE_LINE_WORDS = re.compile(r"发布|发文|印发|填报|填表|日期|时间|来源|浏览|点击")
_TITLE_ENDINGS = "自评表|自评报告|评价报告|评价表|自评价报告|绩效报告"
_TITLE = re.compile(rf"(?:部门|单位)?(?:整体|项目)?[\u4e00-\u9fff]{{0,8}}?(?:{_TITLE_ENDINGS})")
# _TITLE's words before the ending are optional: it matches exactly where an ending occurs. The
# endings alone start with one of a few characters, which re skips to; _TITLE starts with no such
# set and is tried at every character of a line
_TITLE_ENDING = re.compile(_TITLE_ENDINGS)


def _title_in(line: str) -> Optional[re.Match]:
    """_TITLE.search(line), searched only in a line that has one of the endings (few lines do)."""
    return _TITLE.search(line) if _TITLE_ENDING.search(line) else None


_KIND = re.compile(r"(?:部门|单位)?(?:整体|项目)[\u4e00-\u9fff]{0,10}?(?:自评表|自评报告|评价报告|评价表|自评价报告)")
UNIT_SUFFIX = (r"(?:街道办事处|人民代表大会常务委员会办公室|人民代表大会常务委员会|人大常委会办公室|人大常委会|委员会办公室|委员会|"
               r"人民政府办公室|人民政府|政府办公室|政协|局|厅|委|办公室|中心|医院|卫生院|中学|小学|学校|学院|幼儿园|"
               r"研究院|研究所|馆|站|队|所|社|院|处|会|镇|乡)")
_PLACE_WORDS = ("省", "自治区", "市", "自治州", "州", "地区", "盟", "区", "县", "旗", "镇", "乡", "街道")
_PLACE = rf"[\u4e00-\u9fff]{{1,6}}?(?:{'|'.join(_PLACE_WORDS)})"
_UNIT_IN_TITLE = re.compile(rf"(?:20\d{{2}}\s*年度?)\s*(?P<unit>[\u4e00-\u9fff（）()]{{2,30}}?{UNIT_SUFFIX})(?:部门)?(?:整体|项目|预算|绩效|支出)")
_UNIT_TITLE_START = re.compile(rf"^(?P<unit>[\u4e00-\u9fff（）()]{{2,30}}?{UNIT_SUFFIX})(?:[（(]?20\d{{2}}\s*年度?[）)]?)?(?:部门|单位)?(?:整体|项目)")
_UNIT_BEFORE_YEAR = re.compile(rf"^(?P<unit>[\u4e00-\u9fff（）()]{{2,30}}?{UNIT_SUFFIX})\s*20\d{{2}}\s*年")
# the reporting unit as a form names it; a supervising body (主管部门) is the last resort, a cited
# notice's issuer (「根据市财政局《…》」) never
_UNIT_KEY_VALUE = r"(?:[（(][^）)\n]{{1,6}}[）)])?[^\S\n]*[:：]?[^\S\n]*(?P<unit>[\u4e00-\u9fff（）()]{{2,30}}?{suffix})"
_UNIT_KV = re.compile(r"(?:填报单位|单位名称|部门名称|预算单位|评价单位|部门（单位）名称|单位\(公章\)|单位（公章）)"
                      + _UNIT_KEY_VALUE.format(suffix=UNIT_SUFFIX))
_UNIT_SUPERVISOR = re.compile(r"主管部门" + _UNIT_KEY_VALUE.format(suffix=UNIT_SUFFIX))
# (every match has the first character of a place word (省, 市, 区 …) among its second to ninth
# characters, with Chinese characters before it: the lookahead rejects most positions of a text
# before the alternatives are tried there. It is written as 「a Chinese character, then at most
# seven that are none of those first characters, taken without giving any back, then one that
# is」: the same positions as 「[\u4e00-\u9fff]{1,8}[省市区…]」, whose greedy run was given back
# character by character at nearly every position of a report, in half the time)
_PLACE_FIRST = "".join(sorted({w[0] for w in _PLACE_WORDS}))


def _hanzi_except(chars: str) -> str:
    """A character class of the Chinese characters (U+4E00 to U+9FFF) other than chars."""
    out, lo = [], 0x4E00
    for c in sorted(map(ord, chars)):
        if c > lo:
            out.append(f"\\u{lo:04x}-\\u{c - 1:04x}")
        lo = c + 1
    out.append(f"\\u{lo:04x}-\\u9fff")
    return "[" + "".join(out) + "]"


_UNIT_ANY = re.compile(rf"(?=[\u4e00-\u9fff]{_hanzi_except(_PLACE_FIRST)}{{0,7}}+[{_PLACE_FIRST}])"
                       rf"(?P<unit>政协{_PLACE}委员会(?:办公室)?|{_PLACE}(?:人民代表大会常务委员会办公室|人大常委会办公室|政协|人大常委会|"
                       rf"[\u4e00-\u9fff]{{1,10}}?(?:局|委员会|委|中心|医院|卫生院|保健院|中学|小学|学校|人民政府|镇|乡)))")
_PLACE_RE = re.compile(r"(?P<place>[\u4e00-\u9fff]{2,4}?(?:省|自治区|市|自治州|州|盟|区|县|旗))")
_TITLE_YEAR = r"(?:20\d{2}|二[〇零○][一二三四五六七八九〇零○]{2})\s*年度?"   # 「2023年度」, 「二〇二一年」 in a title
_YEAR_OPENING = re.compile(r"^[\s\u3000]*" + _TITLE_YEAR)
# 「日期」 alone is left out: on a web page it is the publication date (发布日期), not the filing
_FILLED = re.compile(r"(?:填报日期|填表日期|报送日期|填报时间|编制日期)\s*[:：]?\s*(20\d{2})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})")
_FILLED_WORDS = ("日期", "填报时间")   # one is in every key of _FILLED: a text without them has none (most texts)
# the signature date: a line holding nothing but a date, in Arabic or Chinese numerals (二〇二一年三月二十二日)
_CN_NUM = "〇零一二三四五六七八九十"
_DATE_LINE = re.compile(rf"^[ \t\u3000]*(?P<y>20\d{{2}}|二[〇零][{_CN_NUM}]{{2}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,2}})\s*月"
                        rf"\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*日[ \t\u3000]*$", re.M)
_SIGNATURE_TAIL = 1500   # the signature block closes the report
_FIGURES = re.compile(r"[\s\d.．%分]*")  # the figures that follow in a table row, up to the first word


def _wrappable(*words: str) -> str:
    """Words as PDF text extraction may leave them: a line break between any two characters."""
    return "|".join("\n?".join(map(re.escape, w)) for w in words)


# (the subject words are each written out with their 得分, as 「我局(?:自评)?得分|我单位(?:自评)?得分|…」
# rather than 「(?:我局|我单位|…)(?:自评)?得分」: every alternative then starts with a character, so
# re skips to those characters instead of trying the pattern at every character of the text)
_SUBJECT_SCORED = "|".join(f"{w}(?:自评)?得分" for w in ("我局", "我单位", "本单位", "本部门", "我委", "我办", "我院", "我中心",
                                                         "部门整体", "单位整体"))
_TOTAL_SCORE = re.compile(rf"(?:{_wrappable('总分', '综合得分', '总得分', '自评得分', '自评总分', '评价得分', '综合评分', '整体支出绩效得分', '自评结果')}"
                          rf"|{_SUBJECT_SCORED})"
                          rf"\s*(?:为|是)?[:：]?\s*(?P<num>{NUMBER})\s*分?")
# a total statement about one project (「项目A自评得分95分」), in its clause before the score word
_OF_A_PROJECT = re.compile(r"项目[^，,。；;：:\n]{0,6}$")
_SCALE_BOUND = re.compile(r"\s*(?:[（(]含[）)])?\s*(?:以上|以下|及以上|及以下|至|到|[~～\-－—]|的为|为[\"“「]?(?:优|良|中|合格|差|不合格))")
# 「总分100分，实际得分98.08分」: after a bound of 100, the score the same sentence goes on to state
_SCORE_AFTER_BOUND = re.compile(rf"[^。；;\n]{{0,20}}?(?:得分|得|计)\s*(?:为|是)?[:：]?\s*(?P<num>{NUMBER})\s*分")
GRADES = "优秀|良好|合格|中等|一般|较差|不合格|优|良|中|差"
_GRADE = re.compile(rf"(?:评价结果等次|评价等次|评价等级|绩效等级|自评等级|等次|等级|评价结果|属于|评为|自评为|定为|结果为)[\s|,，]*[:：为]?[\s|,\"“”'「」]*(?P<grade>{GRADES})(?![\u4e00-\u9fff]{{0,1}}[≥≤<>＜＞])")
_SCALE_ITEM = re.compile(rf"(?P<cond>[^；;。，,]{{0,30}}?)分?(?:为|的为|属于|评为)[\"“]?(?P<grade>{GRADES})")


@dataclass
class MetaFacts:
    unit: Optional[str] = None
    year: Optional[int] = None
    kind: Optional[str] = None
    region: Optional[str] = None
    filled_on: Optional[str] = None
    total_score: Optional[float] = None
    grade: Optional[str] = None
    grade_scale: dict[str, str] | None = None


def find_title_lines(text: str, limit: int = 600) -> list[tuple[int, int]]:
    """Lines near the top that name the report (…自评报告/自评表)."""
    out, pos = [], 0
    for line in text[:limit].split("\n"):
        if _title_in(line) and len(line.strip()) <= 60:
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def is_project_report(kind: Optional[str]) -> bool:
    """Whether a report's kind (its title's 「…自评报告」) is about projects, not the whole unit."""
    return bool(kind) and "项目" in kind and "整体" not in kind


# 「2020年度X项目支出绩效自评报告」: a one-project report's title names its project after the year
_PROJECT_IN_TITLE = (r"(?P<name>[^\s，,。；;：:、“”\"《》]{2,40}?)项目(?:支出)?(?:绩效)?"
                     r"(?:自评表|自评报告|评价报告|评价表|自评价报告)")
_TITLE_PROJECTS = (re.compile(_TITLE_YEAR + r"\s*" + _PROJECT_IN_TITLE),
                   re.compile(r"[ \t\u3000]*" + _PROJECT_IN_TITLE))   # a title without its year (matched at the line start)
# what a title puts before 项目支出 when it names no project: the unit, a level, a kind of money
_NOT_A_PROJECT = re.compile(rf"{UNIT_SUFFIX}(?:部门|单位|本级|整体)?$|"
                            r"^(?:[省市县区镇乡本]级|部门|单位|本单位|本部门|重点|专项|财政|预算|整体|其他)+$")
_MIN_PROJECT_NAME = 4


def find_title_project(text: str, unit: Optional[str] = None) -> Optional[tuple[str, int, int]]:
    """The project a one-project report's title names (name, start, end), without the reporting unit."""
    for ts, te in find_title_lines(text):
        m = _TITLE_PROJECTS[0].search(text, ts, te) or _TITLE_PROJECTS[1].match(text, ts, te)
        if not m:
            continue
        start, name = m.start("name"), m.group("name")
        if unit and name.startswith(unit):
            start, name = start + len(unit), name[len(unit):]
        # the year after the unit is the report's, not the project's (「某中心2023年度项目支出绩效自评表」
        # names no project; 「…2023年度农村公路养护项目…」 names 农村公路养护)
        year = _YEAR_OPENING.match(name)
        if year:
            start, name = start + year.end(), name[year.end():]
        if len(name) >= _MIN_PROJECT_NAME and not _NOT_A_PROJECT.search(name):
            return name, start, start + len(name)
    return None


def find_meta(text: str) -> MetaFacts:
    meta = MetaFacts()
    meta.year = find_year(text)
    titles = find_title_lines(text)
    for ts, te in titles:
        km = _KIND.search(text[ts:te])
        if km:
            meta.kind = km.group(0)
            break
    if meta.kind is None and titles:
        km = _title_in(text[titles[0][0]:titles[0][1]])
        meta.kind = km.group(0) if km else None
    meta.unit = _find_unit(text, titles)
    # a title without a unit: its place, after the year that may open it (「2023年度青禾县…」)
    src = meta.unit or (_YEAR_OPENING.sub("", text[titles[0][0]:titles[0][1]]) if titles else "")
    pm = _PLACE_RE.search(src.replace("政协", "", 1) if src.startswith("政协") else src) if src else None
    if pm:
        meta.region = pm.group("place")
    fm = _FILLED.search(text) if any(w in text for w in _FILLED_WORDS) else None
    meta.filled_on = parse_date(fm.group(0)) if fm else _signature_date(text)
    meta.total_score = find_total_score(text)
    meta.grade_scale = find_grade_scale(text)
    # The key words never sit right before a grade in a printed scale (「得分≥85分为优秀」),
    # and the pattern refuses a grade followed by a bound (「优秀≥85」).
    gm = _GRADE.search(text)
    if gm:
        meta.grade = gm.group("grade")
    return meta


def find_year(text: str) -> Optional[int]:
    """The year reported on: a 「…年度」 in the title lines, else in the head of the report, never on a
    line that dates the page or the filing (发布时间, 填报日期); 二〇二〇年度 as well as 2020年度."""
    head = text[:800]
    lines = [ln for ln in head.split("\n") if ln]
    titles = [ln for ln in lines if _title_in(ln)]
    usable = [ln for ln in lines if not _DATE_LINE_WORDS.search(ln)]
    for pattern, pool in ((_YEAR, titles), (_YEAR, usable), (YEAR_MENTION, usable)):
        for ln in pool:
            m = pattern.search(ln)
            if m:
                y = m.group(1)
                return int(y) if y.isdigit() else _cn_or_int(y.replace("○", "〇"))
    return None


def find_total_score(text: str, skip: list[tuple[int, int]] = ()) -> Optional[float]:
    """The report's total score: its first statement outside the skipped ranges that is not one
    project's (「项目A自评得分95分」) and not the full marks of the scale (「总分100分，其中…」 when
    a score below 100 is stated later); else the first statement."""
    found = list(_total_scores(text, skip))
    if not found:
        return None
    for total, of_project in found:
        if of_project:
            continue
        if total == 100 and any(t < 100 and not p for t, p in found):
            continue   # the scale's full marks; the score comes later
        return total
    return found[0][0]


def _total_scores(text: str, skip: list[tuple[int, int]] = ()):
    """(total, whether the clause names a project) for each total statement, in text order."""
    skip = RangeSet(skip)   # by bisection: every score word of a long report is asked
    for tm in _TOTAL_SCORE.finditer(text):
        if in_ranges(tm.start(), skip):
            continue
        total = to_float(tm.group("num"))
        if total is None or not 0 < total <= 100 or _SCALE_BOUND.match(text, tm.end()):
            continue   # 「自评得分90分（含）以上为优」 is the grade scale, not a score
        # 「自评总分  100  98.98」: in a table row the first number is the maximum, the last the total.
        # Only figures right after it count: in prose 「得分100分，评价等级为优。等级划分为：
        # 优≥90分……60分」 the numbers later in the line are the grade scale, not the total.
        line_end = text.find("\n", tm.end())
        rest = text[tm.end():len(text) if line_end < 0 else line_end]
        more = [to_float(x) for x in re.findall(NUMBER, _FIGURES.match(rest).group())]
        if total == 100 and more and more[-1] is not None and more[-1] <= 100:
            total = more[-1]
        elif total == 100 and (after := _SCORE_AFTER_BOUND.match(text, tm.end())) \
                and not _SCALE_BOUND.match(text, after.end()):
            # 「总分100分，实际得分98.08分」: the bound, then the score
            stated = to_float(after.group("num"))
            total = stated if stated is not None and stated <= 100 else total
        yield total, bool(_OF_A_PROJECT.search(text, max(0, tm.start() - 12), tm.start()))


def _cn_or_int(t: str) -> Optional[int]:
    if t.isdigit():
        return int(t)
    if len(t) == 4:  # a year written digit by digit: 二〇二一
        digits = "〇一二三四五六七八九"
        return int("".join(str(digits.index(c if c != "零" else "〇")) for c in t)) if all(
            c in digits or c == "零" for c in t) else None
    from pipeline.structure.numbers import cn_to_int
    return cn_to_int(t)


_DATE = re.compile(rf"(?P<y>20\d{{2}}|二[〇零][{_CN_NUM}]{{2}})\s*[年.\-/]\s*(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,2}})\s*[月.\-/]"
                   rf"\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})")


def parse_date(text: str) -> Optional[str]:
    """「2024年3月8日」, 「2024-03-08」, 「二〇二四年三月八日」 → "2024-03-08"; None when no valid date."""
    m = _DATE.search(text or "")
    if not m:
        return None
    y, mo, d = (_cn_or_int(m.group(k)) for k in ("y", "m", "d"))
    if None in (y, mo, d) or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _signature_date(text: str) -> Optional[str]:
    """The date of the signature block: the last line near the end that is nothing but a date."""
    last = None
    for last in _DATE_LINE.finditer(text, max(0, len(text) - _SIGNATURE_TAIL)):
        pass
    return parse_date(last.group(0)) if last else None


def _find_unit(text: str, titles: list[tuple[int, int]]) -> Optional[str]:
    m = _UNIT_KV.search(text[:3000])
    if m:
        return m.group("unit")
    for ts, te in titles:
        line = text[ts:te]
        m = _UNIT_IN_TITLE.search(line) or _UNIT_BEFORE_YEAR.search(line.strip()) or _UNIT_TITLE_START.search(line.strip())
        if m:
            return m.group("unit")
        # the line above the title often names the unit (「鹿泉区政协」 / 「2021年度××办公室」)
        prev_end = ts - 1
        prev_start = text.rfind("\n", 0, max(prev_end, 0)) + 1
        prev = text[prev_start:prev_end].strip() if prev_end > 0 else ""
        if prev and len(prev) <= 40:
            pm = re.fullmatch(rf"(?:20\d{{2}}\s*年度?)?\s*(?P<unit>[\u4e00-\u9fff（）()]{{2,30}}?{UNIT_SUFFIX})", prev)
            if pm:
                return pm.group("unit")
    m = _UNIT_SUPERVISOR.search(text[:3000])
    if m:
        return m.group("unit")
    return _most_likely_unit(text, titles)


_VERB_PREFIX = re.compile(r"^(?:根据|按照|依据|结合|负责|组织|经过|通过|会同|配合|协助|联合|向|由|对|在|经|为|与|和|及|将|把|被|是|了|的)+")


# Characters that occur in running text around a place name but never inside one.
_NOT_IN_PLACE = re.compile(r"[了的在是和与及对为将把被由从向等各全本我该此其之以于到从按据]")


def _most_likely_unit(text: str, titles: list[tuple[int, int]]) -> Optional[str]:
    """The unit name a report keeps coming back to.

    Candidates are place-qualified organisation names. A candidate scores by how often
    its short form (level + organisation, 「区政协」) recurs, plus a bonus when it shares the
    title's place; mentions inside 《》 are titles of other documents and count less.
    """
    title_text = "".join(text[s:e] for s, e in titles)
    title_place = _PLACE_RE.search(title_text)
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    for um in _UNIT_ANY.finditer(text):
        u = _VERB_PREFIX.sub("", um.group("unit"))
        place = _PLACE_RE.match(u.removeprefix("政协"))
        if not place or len(place.group("place")) < 3 or _NOT_IN_PLACE.search(place.group("place")):
            continue
        quoted = text.rfind("《", max(0, um.start() - 30), um.start()) > text.rfind("》", max(0, um.start() - 30), um.start())
        scores[u] = scores.get(u, 0.0) + (0.3 if quoted else 1.0)
        first.setdefault(u, um.start())
    if not scores:
        return None
    for u in scores:
        org = u.removeprefix("政协")[len(_PLACE_RE.match(u.removeprefix("政协")).group("place")):]
        level_char = _PLACE_RE.match(u.removeprefix("政协")).group("place")[-1]
        # 「政协××市委员会」 is the formal name of what the text calls 「市政协」
        short = level_char + ("政协" if u.startswith("政协") else org)
        scores[u] += 0.2 * text.count(short)
        if title_place and title_place.group("place") in u:
            scores[u] += 5
        if u.startswith("政协") and u.endswith(("委员会", "委员会办公室")):
            scores[u] += 1  # the formal name of a CPPCC unit
    return max(scores, key=lambda u: (scores[u], -first[u]))


_GRADE_STATED = re.compile(rf"(?:为|属于)[\"“]?(?:{GRADES})")  # compiled once: it runs on every line
# its matches in a text without 属于 (nearly every text), searched from the literal 为: re searches
# for one literal far faster than for either first character
_GRADE_STATED_WEI = re.compile(rf"为[\"“]?(?:{GRADES})")
# 「优（85分及以上）、良（75-84分）…」: each grade with its condition in brackets after it
_GRADE_BRACKETED = re.compile(rf"(?P<grade>{GRADES})[（(](?P<cond>[^（）()\n]{{1,24}}?)[）)]")
_AT_LEAST = re.compile(r"≥|>=|以上|不低于|大于等于|＞=")
_BELOW = re.compile(r"<|＜|以下|低于|不足")


def _bound(cond: str) -> tuple[str, bool] | None:
    """A grade's condition as a bound (">=85", "<60", "75-85") and whether its direction is printed
    (a single number without 以上/以下/≥ is read as a lower bound, not said)."""
    nums = re.findall(r"\d+(?:\.\d+)?", cond)
    if len(nums) >= 2:
        return f"{nums[0]}-{nums[1]}", True
    if not nums:
        return None
    op = ">=" if _AT_LEAST.search(cond) else "<" if _BELOW.search(cond) else ">="
    if re.search(r"[^≥<]>|＞(?!=)", cond):
        op = ">"
    return f"{op}{nums[0]}", bool(_AT_LEAST.search(cond) or _BELOW.search(cond) or re.search(r">|＞", cond))


def find_grade_scale(text: str) -> dict[str, str] | None:
    """「得分≥85分为优秀；75≤得分＜85分为良好；…」 → {"优秀": ">=85", "良好": "75-85", …}; failing
    that, 「优（85分及以上）、良（75-84分）…」 alike. A bracketed condition in percent
    (「优(100%)、良(80%-99%)」) is an indicator's scoring band, not the report's scale."""
    # the lines that state two grades or more, in text order: one scan of the text (most lines state
    # none; a statement holds no line break)
    stated: dict[int, int] = {}
    for gm in (_GRADE_STATED if "属于" in text else _GRADE_STATED_WEI).finditer(text):
        at = text.rfind("\n", 0, gm.start()) + 1
        stated[at] = stated.get(at, 0) + 1
    for at in (at for at, count in stated.items() if count >= 2):
        end = text.find("\n", at)
        line = text[at:len(text) if end < 0 else end]
        scale: dict[str, str] = {}
        bounded = True   # every grade's condition printed as a range or with its bound's words
        for seg in re.split(r"[；;。，,、]", line):
            gm = re.search(rf"(?:为|属于)[\"“]?(?P<grade>{GRADES})", seg)
            b = _bound(re.split(r"[:：]", seg[:gm.start()])[-1]) if gm else None
            if b:
                scale[gm.group("grade")] = b[0]
                bounded = bounded and b[1]
        if _a_scale(scale, bounded):
            return scale
    by_line: dict[int, list[re.Match]] = {}   # one pass over the text, not one per line: most lines hold none
    for gm in _GRADE_BRACKETED.finditer(text):
        by_line.setdefault(text.rfind("\n", 0, gm.start()), []).append(gm)
    for found in by_line.values():
        bounds = [(gm.group("grade"), _bound(gm.group("cond"))) for gm in found if not re.search(r"[%％]", gm.group("cond"))]
        scale = {g: b[0] for g, b in bounds if b}
        if _a_scale(scale, all(b[1] for _, b in bounds if b)):
            return scale
    return None


def _a_scale(scale: dict[str, str], bounded: bool) -> bool:
    """Three grades, or two whose bounds are all printed (「85分以上的为优秀，70-85分为良好」): a
    line that states one score and its grade (「得分92分，等级为优」) is no scale."""
    return len(scale) >= 3 or (len(scale) == 2 and bounded)


# ---------------------------------------------------------------- indicators stated as lines
# 「产出指标—巡查次数：目标值≥240次，完成值252次，分值6，得分6」: a key–value form without a grid
_INDICATOR_LINE = re.compile(r"^[ \t\u3000]*(?:(?P<level>[^—\-–：:\n\t]{2,10}?)[—\-–]+)?(?P<name>[^：:\n\t]{2,40}?)[：:](?P<body>[^\n]+)$",
                             re.M)
_INDICATOR_KEYS = [("target", re.compile(r"^(?:年度)?(?:目标|指标|计划|预期)值")), ("actual", re.compile(r"^(?:实际)?完成值|^实际值")),
                   ("weight", re.compile(r"^(?:分值|权重|标准分)")), ("score", re.compile(r"^(?:得分|评分)"))]


@dataclass
class IndicatorLine:
    level: Optional[str]
    name: str
    values: dict[str, str]       # role → the value's text
    start: int
    end: int


def find_indicator_lines(text: str) -> list[IndicatorLine]:
    """Indicators stated one per line as key–value pairs (a form rendered without its grid)."""
    out = []
    for m in _INDICATOR_LINE.finditer(text):
        values: dict[str, str] = {}
        for piece in re.split(r"[，,；;]", m.group("body")):
            piece = piece.strip()
            for role, key in _INDICATOR_KEYS:
                km = key.match(piece)
                if km and role not in values:
                    values[role] = piece[km.end():].lstrip("：: 为")
                    break
        if len(values) >= 3 and ("weight" in values or "score" in values):
            out.append(IndicatorLine(m.group("level"), m.group("name").strip(), values, m.start("name"), m.end()))
    return out


# ---------------------------------------------------------------- annual goals
_GOAL_HEAD = re.compile(r"(?:年度(?:绩效)?目标|总体目标|年度总目标|绩效目标)\s*(?:[（(]\s*\d+\s*分\s*[）)])?\s*[:：]")
_GOAL_ITEM = re.compile(r"(?:(?<=^)|(?<=[\s\-—:：;；。]))(?P<n>\d{1,2})\s*[、.．]\s*(?!\d)")
_GOAL_LINE = re.compile(r"^[ \t\u3000]*[-•·]?[ \u3000]*\d{1,2}\s*[、.．]")


def find_goals(text: str) -> list[Goal]:
    """Numbered items after a 年度目标/总体目标 label: the label's line and the following item
    lines (blank lines between them allowed), up to the first line that is not an item.
    (Goals numbered by the word 目标 anywhere: goals_numbered_by_word.)"""
    for hm in _GOAL_HEAD.finditer(text):
        line_end = text.find("\n", hm.end())
        end = len(text) if line_end < 0 else line_end
        pos = end + 1
        while 0 < pos < len(text):
            nl = text.find("\n", pos)
            nl = len(text) if nl < 0 else nl
            line = text[pos:nl]
            if line.strip() and ("\t" in line or not _GOAL_LINE.match(line)):
                break
            if line.strip():
                end = nl
            pos = nl + 1
        items = list(_GOAL_ITEM.finditer(text, hm.end(), end))
        kept, expected = [], 1
        for it in items:
            if int(it.group("n")) == expected:
                kept.append(it)
                expected += 1
        if len(kept) < 2:
            continue
        goals: list[Goal] = []
        for i, it in enumerate(kept):
            s = it.end()
            e = kept[i + 1].start() if i + 1 < len(kept) else end
            seg = text[s:e]
            # an item runs to its line end; a following bullet marker belongs to the next item
            seg = seg.split("\n")[0]
            body = seg.rstrip(" \u3000-—;；。,，")
            lead = len(body) - len(body.lstrip())
            if body.strip():
                goals.append(Goal(id=f"g{len(goals) + 1}", text=body.strip(), start=s + lead, end=s + len(body)))
        if goals:
            return goals
    return []


def goals_numbered_by_word(text: str) -> list[Goal]:
    """「目标1：…；目标2：…」 anywhere in the text, each running to the next mark or its line's end."""
    return numbered_goals(text, 0, len(text), GOAL_WORD_MARK)


CELL_OR_LINE_END = re.compile(r"[\n\t]")
# 「目标1：…；目标2：…」: goals numbered by the word 目标 itself, anywhere in the report
GOAL_WORD_MARK = re.compile(r"目标\s*(?P<n>\d{1,2})\s*[：:]")


def numbered_goals(text: str, start: int, end: int, mark: re.Pattern) -> list[Goal]:
    """Goals as the items of the first run of marks numbered 1, 2, 3 … in text[start:end]; an item
    runs to the next mark or its line's end. Fewer than two items are no list of goals."""
    kept, expected = [], 1
    for it in mark.finditer(text, start, end):
        n = int(it.group("n"))
        if n == expected:
            kept.append(it)
            expected += 1
        elif n == 1 and len(kept) < 2:
            kept, expected = [it], 2
    if len(kept) < 2:
        return []
    goals: list[Goal] = []
    for i, it in enumerate(kept):
        s = it.end()
        e = kept[i + 1].start() if i + 1 < len(kept) else end
        if i + 1 == len(kept):
            # the last item ends at its line's end or its table cell's (a form's 预期目标 cell
            # has the 实际完成情况 cell beside it on the same line)
            cut = CELL_OR_LINE_END.search(text, s, e)
            if cut:
                e = cut.start()
        body = text[s:e].rstrip(" \u3000\t\n-—;；。,，")
        lead = len(body) - len(body.lstrip())
        if body.strip():
            goals.append(Goal(id=f"g{len(goals) + 1}", text=body.strip(), start=s + lead, end=s + len(body)))
    return goals
