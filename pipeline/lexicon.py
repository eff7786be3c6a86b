"""The small lexicon of Chinese report prose that several stages read: sentences, clauses, list
numbering, counts, imperative openings and negative states. One home for each, so that the
tagger's rules, its span shaping and the linker agree on what a sentence or a count is.

Offsets are Python string indices; every pattern here is meant for ``finditer(text, a, b)`` /
``match(text, pos)`` over the record's text.
"""
from __future__ import annotations

import re

# ---------------------------------------------------------------- sentences and clauses

SENTENCE_END_CHARS = "。；;！!？?"
# a sentence: the text between sentence ends or line breaks (a list item ended by ； is one)
SENTENCE = re.compile(rf"[^{SENTENCE_END_CHARS}\n]+")
SENTENCE_END = re.compile(rf"[{SENTENCE_END_CHARS}\n]")
# where no span may reach across: a sentence end, a line break or a table cell's tab
BREAK = re.compile(rf"[\n\t{SENTENCE_END_CHARS}]")
# the edge of a sentence seen from inside it (a lead-in's colon and a tab count too)
SENTENCE_EDGE_CHARS = frozenset(SENTENCE_END_CHARS + "：:\n\t")
# where a list item (a duty, a measure) ends: 。 ； or a line or cell break
ITEM_END_CHARS = frozenset("。；;\n\t")
ITEM_END = re.compile(r"[。；;\n\t]")
# where a clause ends; 、 is not one: it joins list items inside a clause
CLAUSE_END_CHARS = frozenset("，,；;。：:！!？?\n\t")
# what may stand between a clause edge and its first word and is never part of a span:
# blanks, a list's 、, markdown emphasis and headings, bullets
LEFT_EDGE_JUNK = frozenset(" \t\u3000、*#•·▪◆■□●○")
# a comma clause of a sentence (a colon does not end one: 「其中：…」 stays in its clause)
CLAUSE = re.compile(r"[^，,；;。！!？?\n\t]+")


def first_clause(text: str) -> str:
    """The words of text before its first clause end (CLAUSE); "" when it opens with one."""
    m = CLAUSE.match(text)
    return m.group(0) if m else ""


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence that holds text[start:end]."""
    a = start
    while a > 0 and not SENTENCE_END.match(text[a - 1]):
        a -= 1
    m = SENTENCE_END.search(text, end)
    return text[a:m.start() if m else len(text)]


# ---------------------------------------------------------------- page furniture
# a page-number line: 「－ 3 －」「—2—」「第 3 页 共 5 页」 (fullmatch on one line). A bare number
# line is one only where its place says so (the PDF reader: alone at a page's top or bottom);
# in text it may be a table cell written one per line.
PAGE_NUMBER = re.compile(r"[ \t\u3000]*(?:[-－—–]+[ \u3000]*\d{1,4}[ \u3000]*[-－—–]+|第[ \u3000]*\d{1,4}[ \u3000]*页"
                         r"(?:[ \u3000]*[,，/]?[ \u3000]*共[ \u3000]*\d{1,4}[ \u3000]*页)?)[ \t\u3000]*")
BARE_PAGE_NUMBER = re.compile(r"[-—–\s]*\d{1,4}[-—–\s]*")


_HANZI = re.compile(r"[\u3400-\u9fff]")


def hanzi_count(s: str) -> int:
    """Chinese characters in s (the basic block and extension A)."""
    return len(_HANZI.findall(s))


# ---------------------------------------------------------------- list numbering

# a list's lead: the clause a line ends with when it introduces the lines below (「部门主要职责：」,
# 「…，主要职能包括：」, 「存在的问题主要有：」). What those lines are is said there, not in them.
LEAD_MAX_CHARS = 20
_LEAD = re.compile(r"(?:^|[。；;，,！!？?\n\t])[ \u3000]*([^。；;，,！!？?\n\t]{2,%d}[：:])[ \t\u3000]*$" % LEAD_MAX_CHARS)


def list_lead(line: str) -> str | None:
    """The lead clause a line ends with (its last clause, ending in a colon), or None."""
    m = _LEAD.search(line)
    if not m or hanzi_count(m.group(1)) < 2:
        return None
    return m.group(1).strip()


CN_NUM = "一二三四五六七八九十"
# list numbering by level (一、 > （一） > 1. > （1））, used with .match at an item's start
NUMBERING = [
    (1, re.compile(rf"[{CN_NUM}]{{1,3}}[、.．]")),
    (2, re.compile(rf"[（(][{CN_NUM}]{{1,3}}[）)]")),
    (3, re.compile(r"\d{1,2}[、.．](?!\d)")),
    (4, re.compile(r"[（(]\d{1,2}[）)]")),
]
# every form of an item's number, as a regex alternation: 一是、 第一， （1） (一) 1. 1、 1) 一、 ① ⑴ ⒈ ㈠ Ⅰ,
# and a report's section-numbered items 4.1 / 4.1.2 (a blank before words, or 、 after them: 「4.1 巡查
# 天数…」, where 「96.7万元」 or 「12.5 %」 is a figure)
ENUMERATOR = (
    r"\d{1,2}(?:[.．]\d{1,2}){1,3}(?:[ \u3000]+(?=[\u4e00-\u9fff“‘《（(])|[、.．](?!\d))"
    rf"|[{CN_NUM}]+是[、，,：:]?"
    rf"|第[{CN_NUM}\d]+[、，,：:]"
    rf"|[（(][{CN_NUM}\d]{{1,3}}[）)][、.．，,]?"
    r"|\d{1,2}(?:[、.．](?!\d)|[)）])"
    rf"|[{CN_NUM}]{{1,3}}[、.．]"
    r"|[\u2460-\u2473\u2474-\u2487\u2488-\u249b\u3220-\u3229\u2160-\u216b]"
)

# the number of the item a position opens: the enumerator right before it, by family (二是 / 第二，
# / （二） (2) / 2. 2、 2) / 二、), with its numeral as written. The circled and Roman forms of
# ENUMERATOR carry no numeral to compare and are left out.
_ITEM_NUMBER_BEFORE = re.compile(
    rf"(?:(?P<shi>[{CN_NUM}]{{1,3}})是[、，,：:]?|第(?P<di>[{CN_NUM}\d]{{1,3}})[、，,：:]"
    rf"|[（(](?P<paren>[{CN_NUM}\d]{{1,3}})[）)][、.．，,]?|(?<![\d.．])(?P<digit>\d{{1,2}})(?:[、.．]|[)）])"
    rf"|(?P<cn>[{CN_NUM}]{{1,3}})[、.．])[\s\u3000]*$")


ENUMERATOR_RE = re.compile(ENUMERATOR)
_CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474))
# an unnumbered list's item mark at a line's start (● 加快…): its number is its place in the run
BULLET = re.compile(r"[ \t\u3000]*[●•◆◇■□▪▫◎○·\-－—]+[ \t\u3000]*(?=[\u4e00-\u9fff“《（(])")


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def cn_to_int(text: str) -> int | None:
    """Chinese numerals: '二十' → 20, '一百零三' → 103, '三万' → 30000."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total += (section + digit) * unit
                section, digit = 0, 0
            else:
                section += (digit or 1) * unit
                digit = 0
    return total + section + digit


def enumerator_value(mark: str) -> int | None:
    """The number an item's enumerator (a match of ENUMERATOR) gives its item: 一是 → 1, （3） → 3,
    2) → 2, ② → 2, 第四， → 4; None for a section number (4.1) or a Roman numeral."""
    m = re.search(rf"\d{{1,2}}|[{CN_NUM}]+", mark)
    if m and re.fullmatch(r"\d{1,2}(?:[.．]\d{1,2})+.*", mark.strip()) is None:
        n = m.group(0)
        return int(n) if n.isdigit() else cn_to_int(n)
    c = mark.strip()[:1]
    return _CIRCLED.index(c) + 1 if c and c in _CIRCLED else None


_SECTION_ITEM = re.compile(r"\s*\d{1,2}[.．](\d{1,2})(?![.．]\d)")


def section_item_value(mark: str) -> int | None:
    """The item number of a two-level section number (a match of ENUMERATOR): 4.2 → 2, the second
    item under section 4; None for anything else (4.1.2, 一是, …). Reports that number their
    problems 4.1, 4.2 and their measures 5.1, 5.2 pair them by it."""
    m = _SECTION_ITEM.match(mark)
    return int(m.group(1)) if m else None


# a figure written as approximate: 「约1,200万元」, 「近365万元」, 「60余篇」, 「1,200万元左右」
APPROXIMATE_BEFORE = ("将近", "大约", "接近", "近", "约", "逾", "超过", "多达")
APPROXIMATE_AFTER = ("余", "多", "以上", "左右")
_APPROXIMATE_BEFORE_RE = re.compile(r"(?:" + "|".join(APPROXIMATE_BEFORE) + r")\s*$")
_APPROXIMATE_AFTER_RE = re.compile(r"^\s*(?:" + "|".join(APPROXIMATE_AFTER) + r")")
_FIGURE_NUMBER = re.compile(r"\d[\d,，.]*")


def is_approximate(text: str, start: int, end: int) -> bool:
    """Whether the figure text[start:end] (a number and its unit, a term before them allowed) is
    written as approximate: a word of APPROXIMATE_BEFORE right before its number, or one of
    APPROXIMATE_AFTER right after its number or its unit."""
    nums = list(_FIGURE_NUMBER.finditer(text, start, end))
    if not nums:
        return False
    num = nums[-1]
    return bool(_APPROXIMATE_BEFORE_RE.search(text[max(0, num.start() - 3):num.start()])
                or _APPROXIMATE_AFTER_RE.match(text[num.end():num.end() + 3])
                or _APPROXIMATE_AFTER_RE.match(text[end:end + 3]))


# a table's serial cell (序号 column): 「1」, 「一」, 「（一）」, 「2.」
_SERIAL_CELL = re.compile(rf"^(?:(?P<digit>\d{{1,3}})|(?P<word>[{CN_NUM}]{{1,3}})|[（(](?:(?P<pword>[{CN_NUM}]{{1,3}})|\d{{1,3}})[）)])[、.．]?$")


def serial_level(cell: str) -> str | None:
    """Which numbering a table's serial cell uses: "word" (一, （一）) or "digit" (1, （1）); None
    when the cell is no serial. Lists number their groups by word and the items under them by digit."""
    m = _SERIAL_CELL.match("".join(cell.split()))
    if not m:
        return None
    return "word" if (m.group("word") or m.group("pword")) else "digit"


def number_style(label: str) -> str | None:
    """How a label is numbered, its numeral replaced by its kind (d: digits, w: Chinese numerals):
    「2.公务用车费」 → "d.", 「（三）…」 → "（w）", a serial cell 「一」 → "w", 「3」 → "d"; None when the
    label is unnumbered. Items of one list share a style; a list's groups and their items do not."""
    label = label.strip()
    level = serial_level(label)
    if level:
        mark = label
    else:
        m = ENUMERATOR_RE.match(label)
        if not m:
            return None
        mark = m.group()
    return re.sub(rf"[{CN_NUM}]+", "w", re.sub(r"\d+", "d", "".join(mark.split())))


def item_number_before(text: str, pos: int, reach: int = 8) -> tuple[str, str] | None:
    """(family, numeral) of the enumerator that ends right before ``pos``, or None."""
    m = _ITEM_NUMBER_BEFORE.search(text, max(0, pos - reach), pos)
    if not m:
        return None
    family = m.lastgroup
    return (family, m.group(family)) if family else None


# 「1.2023年…」, 「1.80周岁以上…」: an item's number before a figure reads as a decimal (ENUMERATOR
# leaves 1.65 alone). It is a number when it opens a line or a cell and the list goes on in sequence:
# a line or cell within ITEM_SEQUENCE_REACH characters opens with the next number (or the one before).
ITEM_SEQUENCE_REACH = 400
_NUMBER_BEFORE_FIGURE = re.compile(r"[ \u3000]*(\d{1,2})[.．](?=\d)")


def item_number_before_figure(text: str, pos: int) -> int | None:
    """The end of 「N.」 where ``pos`` opens a line or a cell with an item number written before a
    figure, and a neighbouring line or cell of the list opens with N+1 or N-1; else None."""
    if pos > 0 and text[pos - 1] not in "\n\t":
        return None
    m = _NUMBER_BEFORE_FIGURE.match(text, pos)
    if not m:
        return None
    n = int(m.group(1))
    after = re.compile(rf"[\n\t][ \u3000]*{n + 1}[.．、]")
    before = re.compile(rf"(?:^|[\n\t])[ \u3000]*{n - 1}[.．、]") if n > 1 else None
    if after.search(text, m.end(), m.end() + ITEM_SEQUENCE_REACH) or (
            before and before.search(text[max(0, pos - ITEM_SEQUENCE_REACH):pos])):
        return m.end()
    return None


# 「针对…的问题，下一步…」: a frame that names a problem before what is done about it (the generator's
# domain.problem_frames). The problem inside is the span; the frame's words are no part of it.
PROBLEM_FRAME_OPENERS = ("针对", "对于", "关于")
PROBLEM_FRAME = re.compile(rf"(?:{'|'.join(PROBLEM_FRAME_OPENERS)})(?P<inner>[^，,。；;：:]+?)的(?:问题|情况|现象)")


# ---------------------------------------------------------------- lines a PDF broke

BROKEN_LINE_MIN_CHARS = 16  # PDF pages hold 25-40 characters a line; headings are shorter
_BROKEN_LINE_LAST = re.compile(r"[\u4e00-\u9fff\d，,、]")


def continues_broken_line(text: str, start: int) -> bool:
    """Whether ``start`` opens a line that goes on with the sentence of the line before, which
    a PDF's extraction broke at the page width (「…负责全县档案的收集整\n理工作。」, 「…基本支出48,252.31\n
    万元」): the line before ends in a hanzi, a digit, a comma or a 、, not at a sentence's end,
    and is a full line (a heading or a title line ending in a hanzi is short)."""
    ls = text.rfind("\n", 0, start) + 1
    if ls < 2 or text[ls:start].strip(" \u3000"):
        return False
    last = text[ls - 2]
    prev = text[text.rfind("\n", 0, ls - 1) + 1:ls - 1].strip(" \u3000\t")
    return (len(prev) >= BROKEN_LINE_MIN_CHARS and "\t" not in prev  # prose, not a table's row
            and bool(_BROKEN_LINE_LAST.match(last)))


# ---------------------------------------------------------------- the frame before an activity

# for whom, towards whom, how or when the counted work was done, written in front of its verb and
# outside the WORKLOAD span (labels.md, 'from the activity': 「为残疾人提供…咨询415人次」 → 「提供…咨询415人次」): a
# clause head that opens with such a preposition, ends in a time word (汛前, 春节期间, 年底; a doer
# and then 全年: 巡查员全年上报…) or is a season or part of the year (汛期, 暑期, 上半年, 四季度), or
# is the reporting unit itself (我局, 本单位: as 「我市共建成…」 leaves it out; a named doer stays,
# 「市领导批示…」). The reporting unit before a preposition is the frame's subject (我局会同…部门).
# 在 is not one: where a piece was published belongs to the activity (在《…》刊发稿件20篇).
_REPORTING_UNIT = r"[我本](?:局|委|办|厅|院|所|站|队|中心|单位|部门|系统|市|县|区|镇|乡|街道)"
ACTIVITY_FRAME = re.compile(rf"^(?:{_REPORTING_UNIT})?(?:为|向|对|面向|针对|依托|通过|利用|会同|配合|联合|协助)[\u4e00-\u9fff]"
                            r"|[\u4e00-\u9fff](?:期间|(?<!提)前|以来|之际|上旬|中旬|下旬|年底|月底|全年|年内)$"
                            r"|(?:汛期|暑期|寒假|暑假|假期|节假日|[上下]半年|[一二三四]季度|年初|年中|年末)$"
                            rf"|^{_REPORTING_UNIT}$")


# who did the work, written before a time word (档案馆全年…, 服务热线全年…): an organisation, a
# place of service or a role, by its last word. Such a doer and the time word stay outside the
# WORKLOAD (ACTIVITY_FRAME's 'a doer and then 全年'); a verb before 全年 (完成全年…) is no doer
DOER_END = re.compile(r"(?:局|委|办|院|厅|部门|单位|机构|科室|中心|所|站|队|馆|园|会|镇|乡|街道|社区|平台|热线|窗口|员|长)$")


# a plan, a commitment or a target: what follows it in its clause is still to be done (「确保…前完成…」,
# 「力争…」, 「计划开展…」), never work done in the year (labels.md: WORKLOAD), and no value a row's
# actual value is compared with (pipeline.link.workload_indicator); 计划生育, 计划财务 and 计划单列 are
# names, 模拟 and 虚拟 words, 拟定 and 拟稿 verbs of work done
PLAN_MARKER = re.compile(r"计划(?!生育|财务|单列)|预计|力争|确保|目标为|(?<![模虚])拟(?!定|稿)")


def clause_head(text: str, pos: int, reach: int = 30) -> str:
    """The words of pos's clause before pos (at most ``reach`` characters)."""
    c = pos
    while c > 0 and text[c - 1] not in CLAUSE_END_CHARS and pos - c < reach:
        c -= 1
    return text[c:pos]


# ---------------------------------------------------------------- counts

# a number (digits or Chinese numerals, 余/多 allowed) followed by a hanzi: a measure word may follow
COUNT = re.compile(r"[\d一二两三四五六七八九十百千万]+\s*[余多]?\s*[\u4e00-\u9fff]")


def has_count(text: str, start: int, end: int) -> bool:
    return bool(COUNT.search(text, start, end))


# numbers that name rather than count (labels.md: dates and ordinals are not WORKLOAD):
# 第三十七次, 四届六次全会 (届 then a number), a measure word that begins a word of its own
# (一法一条例, 3项目), 2021年度, a number inside a quoted name (“四个意识”)
_ORDINAL_BEFORE = re.compile(r"[第届]$")
_WORD_AFTER = {"条": "例款件", "项": "目", "期": "间限", "名": "单称", "次": "序", "批": "准示", "类": "别",
               "届": "时", "场": "所地"}  # 条例, 项目, 期间, 名单, 批准, 场所 …
_NUMERAL = re.compile(r"[0-9０-９一二三四五六七八九十两]")
_QUOTES = (("“", "”"), ("《", "》"), ("「", "」"), ("『", "』"))
# a quoted or titled name on one line (“双随机、一公开”, 《……管理办法》, ASCII "……"): no span of the
# development set's or the seeds' gold opens or closes inside one, so the decoder reads it as a word
QUOTED_NAME = re.compile("|".join(f"{o}[^{o}{c}\n]{{1,60}}{c}" for o, c in _QUOTES) + r'|"[^"\n]{1,60}"')


def inside_quotes(text: str, pos: int, reach: int = 30) -> bool:
    """Whether ``pos`` lies inside a quoted or titled name (“四个意识”, 《……两个条例》) opened
    within ``reach`` characters before it on its line."""
    a = max(0, pos - reach, text.rfind("\n", 0, pos) + 1)
    before = text[a:pos]
    return any(before.count(o) > before.count(c) for o, c in _QUOTES)


def is_count(text: str, m: re.Match) -> bool:
    """Whether a quantity match (pipeline.tag.workload.QUANTITY, over ``text``) counts
    something rather than names it."""
    if _ORDINAL_BEFORE.search(text, max(0, m.start() - 1), m.start()) or inside_quotes(text, m.start()):
        return False
    after = text[m.end():m.end() + 1]
    if after and (_NUMERAL.match(after) or after in _WORD_AFTER.get(m.group("unit"), "")):
        return False
    return m.group("unit") not in ("年度", "日", "月")


# ---------------------------------------------------------------- imperative openings, negative states

# A shortcoming is stated as a negative state (没有, 缺乏, 不够, 有待 …); a measure opens with
# what is to be done (加强, 完善, 进一步 …). Every MEASURE of the seeds' gold opens that way.
NEGATIVE_STATE = re.compile(r"没有|缺乏|不够|不足|尚未|未能|有待|难以|不到位|不规范|不完善|不健全|偏差|滞后|薄弱|欠缺|存在")
IMPERATIVE_OPENING = re.compile(
    r"(?:进一步|不断|切实|持续|着力|全面|继续|认真|积极)?"
    r"(?:加强|完善|健全|建立|强化|提高|提升|推进|落实|规范|严格|优化|细化|做好|加快|坚持|科学|合理|提前|"
    r"综合|建章|依据|根据|按照|结合|今后|明确|压实|督促|定期|组织|开展|引导|探索)")
