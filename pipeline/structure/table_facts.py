"""Typed facts from table rows: indicators, projects, fund use, evaluators, budget execution rows.

Rows of every table are read in document order by one small state machine, because
real forms put several logical tables into one grid (seed-style forms mix key–value
rows, an indicator table and the evaluator list) and split one logical table over
several grids (a header, a blank line, then the body). A header row sets what the
following rows mean; the state carries over to the next table only when nothing but
blank lines separates them.

Columns are found from header words, which OCR often breaks (「指标名」「称」), so a
header cell with no role of its own right after the name column continues the name.
Blank cells in grouping columns (一级/二级指标) inherit the value above.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from pipeline.lexicon import ENUMERATOR_RE, serial_level
from pipeline.record import Cell, Evaluator, FundUseRow, Indicator, Project, Quantity, Row, ScoreGroup, Table
from pipeline.structure.lexicon import load_lexicon, money_scale_before, top_level_alternatives
from pipeline.structure.numbers import NUMBER, NUMBER_RE, PLAIN_NUMBER, THOUSANDS_NUMBER, parse_quantity, to_float

PLACEHOLDER = {"", "_", "-", "—", "——", "–", "/", "无", "\\"}


def norm(s: str) -> str:
    """s without whitespace. str.split() drops exactly the characters re's \\s matches
    (both use str.isspace), and is about 3x faster than re.sub on short cells."""
    return "".join(s.split())


# ---------------------------------------------------------------- header roles
_INDICATOR_ROLES: list[tuple[str, re.Pattern]] = [
    ("level1", re.compile(r"一级指标")),
    ("level2", re.compile(r"二级指标")),
    ("level3", re.compile(r"三级指标")),
    ("name", re.compile(r"指标名|指标内容|^绩效指标$|^指标$")),
    ("actual", re.compile(r"实际完成|完成值|实际值|业绩值|实际达到|实现值|全年实际|^完成情况$")),
    ("target", re.compile(r"目标值|指标值|预期值|计划值|年初目标|年度目标值|^目标")),
    ("score", re.compile(r"得分|评分(?!标准|依据|方法|细则|办法)|自评分")),
    ("weight", re.compile(r"权重|分值|标准分|满分")),
    ("deviation", re.compile(r"偏差|原因分析")),
    ("measure", re.compile(r"改进措施")),
]




def _line_anchored(alternative: str) -> Optional[str]:
    """A role word for a search of cells joined by line breaks, written to start with its first
    character: 「^指标$」 → 「指标(?![^\\n])(?<![^\\n]指标)」 (a cell's ends are line ends). None
    when the alternative is not a word with anchors (the patterns are then joined as they are)."""
    head, tail = alternative.startswith("^"), alternative.endswith("$")
    word = alternative[head:len(alternative) - tail]
    if not word or word[0] in "()[]{}*+?.^$\\|" or "^" in word or "$" in word or ((head or tail) and re.escape(word) != word):
        return None
    return word + (r"(?![^\n])" if tail else "") + (rf"(?<![^\n]{word})" if head else "")


def _any_role_pattern() -> re.Pattern:
    words = [_line_anchored(a) for _, p in _INDICATOR_ROLES for a in top_level_alternatives(p.pattern)]
    if all(w is not None for w in words):
        return re.compile("|".join(words))
    return re.compile("|".join(p.pattern for _, p in _INDICATOR_ROLES), re.M)


# whether any role's word occurs in a row's cells joined by line breaks. Most rows asked have none:
# their cells are not looked at one by one. Every alternative starts with a character (the
# anchors checked after the word), so re skips to them instead of trying all at every character.
_ANY_INDICATOR_ROLE = _any_role_pattern()


def indicator_roles(cells: list[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    if not _ANY_INDICATOR_ROLE.search("\n".join(cells)):
        return roles
    for i, c in enumerate(cells):
        t = c
        if not t or len(t) > 20 or not _ANY_INDICATOR_ROLE.search(t):
            continue   # (a cell without any role's word: most cells of a row that has one)
        for role, pattern in _INDICATOR_ROLES:
            if pattern.search(t):
                if role not in roles.values() or role in ("weight",):
                    roles[i] = role
                break
    # 「绩效指标 | 一级指标 | 二级指标 | 三级指标 | …」: the first cell labels the block of rows
    # (its body cells are empty or a merged label), the level columns after it hold the names
    name_cols = [i for i, r in roles.items() if r == "name"]
    if name_cols and any(r.startswith("level") and i > name_cols[0] for i, r in roles.items()) \
            and _ROW_LABEL_HEADER.match(cells[name_cols[0]]):
        del roles[name_cols[0]]
    return roles


def is_indicator_header(roles: dict[int, str]) -> bool:
    if not roles:
        return False   # (most rows asked)
    named = {"name", "level3", "level2"} & set(roles.values())
    valued = {"weight", "target", "actual", "score"} & set(roles.values())
    return bool(named) and len(valued) >= 2


def _column_plan(cells: list[str], roles: dict[int, str]) -> dict[str, list[int]]:
    """role → column indices, resolving 二级/三级-only headers and broken name headers."""
    plan: dict[str, list[int]] = {}
    for i, r in sorted(roles.items()):
        plan.setdefault(r, []).append(i)
    if "name" not in plan:
        # 「二级指标 三级指标」 forms: the deepest level column holds the indicator name
        for deeper, shallower in (("level3", "level2"), ("level2", "level1")):
            if deeper in plan:
                plan["name"] = plan.pop(deeper)
                if deeper == "level2" and "level1" in plan:
                    plan["level2"] = plan.pop("level1")
                break
    elif "level3" in plan:
        # 一级/二级/三级 plus 指标名称: keep the two outer levels
        plan.setdefault("level2", plan.pop("level3"))
    # 「一级指标 | 分值 | 二级指标 | 分值 | 得分」: the weight after the name column is the row's,
    # the one before it the group's
    if "name" in plan and len(plan.get("weight", [])) > 1:
        name_col = plan["name"][0]
        plan["weight"] = [w for w in plan["weight"] if w > name_col] + [w for w in plan["weight"] if w < name_col]
    # OCR-split header: an unassigned short cell right after the name column continues it
    if "name" in plan:
        nxt = plan["name"][-1] + 1
        if nxt < len(cells) and nxt not in roles and len(norm(cells[nxt])) <= 2:
            plan["name"].append(nxt)
    return plan


_ROW_LABEL_HEADER = re.compile(r"^(?:绩效指标|指标)$")
_HEADER_HINT = re.compile(r"指标|姓名|预算|执行|决算|支出|项目名称|得分|评分|职能名称|重点任务|目标值|完成值|业绩值|权重|分值")
_SUBHEADER = re.compile(r"^(参考分值|设定分值|分值|\(A\)|\(B\)|（A）|（B）)$")

_LEVEL_STEM = re.compile(r"指标|决策|投入|过程|产出|效果|效益|满意|数量|质量|时效|成本|预算|管理|履职|职责|资产|社会|经济|生态|可持续")
_TOTAL_ROW = re.compile(r"综合得分|总得分|^总分|总分$|^合计|总计|得分合计")
_TOTAL_ROW_CHARS = "总合"   # each word of _TOTAL_ROW has one of them
_TOTAL_ROW_CHAR = re.compile(f"[{_TOTAL_ROW_CHARS}]")   # one search for them, not a generator per row
_SUBTOTAL_ROW = re.compile(r"小计")   # the whole name cell: a group's subtotal
_LEADING_LEVEL2 = re.compile(r"^(\S*(?:指标|效益|满意度))[ \u3000]+(\S.*)$")
_PAGE_HEADER = re.compile(r"日期|20\d{2}\.\d{1,2}\.\d{1,2}|填报单位|单位名称")
KV_KEYS = {"单位名称", "部门名称", "预算单位", "填报单位", "评价单位", "单位负责人", "主管部门", "项目实施单位",
           "填报日期", "填表日期"}
# a cell that labels the next value rather than being one (「填报日期」「联系电话」「财务负责人：」)
_KV_LABEL = re.compile(r"(?:日期|时间|电话|负责人|填表人|联系人)[:：]?$")


def _cells_at(cells: list[Cell], idxs: list[int] | None) -> list[Cell]:
    if not idxs:
        return []
    return [cells[i] for i in idxs if i < len(cells)]


def _joined(cells: list[Cell]) -> str:
    parts = [t for c in cells if (t := c.text.strip()) not in PLACEHOLDER]
    return join_fragments(parts)


def _texts_at(cells: list[Cell], idxs: list[int] | None) -> list[str]:
    """The stripped texts, placeholders left out, of the cells at idxs that the row has: what
    _joined(_cells_at(cells, idxs)) joins, without the list of cells between (an indicator row
    asks for up to nine columns)."""
    if not idxs:
        return []
    n = len(cells)
    return [t for i in idxs if i < n and (t := cells[i].text.strip()) not in PLACEHOLDER]


def join_fragments(parts: list[str]) -> str:
    """Join OCR fragments of one cell; drops a closing bracket a fragment closed too early.
    A fragment equal to the one before is a merged cell that the converter repeated across
    the grid columns it covers (python-docx does): it is kept once."""
    if len(parts) < 2:
        return parts[0] if parts else ""   # one cell (most columns of most rows): nothing to join
    out = ""
    for i, p in enumerate(parts):
        if i and p == parts[i - 1]:
            continue
        if out:
            opened = out.count("《") - out.count("》")
            if opened > 0 and out[-1] in ")）" and out.count("(") + out.count("（") <= out.count(")") + out.count("）"):
                out = out[:-1]
        out += p
    return out


def _num(cells: list[Cell]) -> Optional[float]:
    for c in cells:
        m = NUMBER_RE.search(c.text.replace(" ", ""))
        if m:
            return to_float(m.group(0))
    return None


def quantity(text: str) -> Optional[Quantity]:
    """A target or actual as the record keeps it (None for an empty or placeholder text)."""
    if not text or text.strip() in PLACEHOLDER:
        return None
    q = parse_quantity(text)
    return Quantity(text=q.text, op=q.op, value=q.value, unit=q.unit)


def _qty(texts: list[str]) -> Optional[Quantity]:
    """The quantity of a column's texts (_texts_at)."""
    return quantity(" ".join(texts))


# ---------------------------------------------------------------- other headers
# compiled once: these run on every cell of every candidate header row
_EVAL_TITLE = re.compile(r"职称|职务")
_EVAL_DEPT = re.compile(r"科室|部门|工作单位|^单位$|处室")
_FUND_USE_HEADER = re.compile(r"政策或重点任务|职能名称|重点任务")
_FUND_USE_NAME = re.compile(r"政策或重点任务|重点任务")
_SCORE_WORD = re.compile(r"得分|评分")
_GRADE_WORD = re.compile(r"等级|等次")
_SCORE_OR_GRADE = re.compile(r"得分|等级")
_YUAN_UNIT = re.compile(r"[（(]元[）)]")
_TOTAL_WORD = re.compile(r"合计|总计")
# the anchor binds to the plain form only (as it always has): a number with thousands commas
# anywhere counts
_NUMBER_AT_END = re.compile(rf"{THOUSANDS_NUMBER}|{PLAIN_NUMBER}\s*%?$")
# whether _NUMBER_AT_END.search finds something (a number with thousands commas anywhere, a plain one
# at the end), asked of a long cell: each form has a match that starts at a digit (「1,234」 has 「1,234」,
# 「-5%」 at its end has 「5%」), and a pattern that starts with a digit lets re skip to the digits where
# _NUMBER_AT_END, whose sign is optional, was tried at every character of the cell (6x faster)
_HAS_NUMBER_AT_END = re.compile(r"\d(?:,\d{3}|(?:\.\d+)?\s*%?$)")


def evaluator_plan(cells: list[str]) -> Optional[dict[str, int]]:
    if "姓名" not in cells:
        return None   # the plan needs the name column
    plan: dict[str, int] = {}
    for i, t in enumerate(cells):
        if t == "姓名":
            plan["name"] = i
        elif _EVAL_TITLE.search(t) and "title" not in plan:
            plan["title"] = i
        elif _EVAL_DEPT.search(t) and "department" not in plan:
            plan["department"] = i
    return plan if "name" in plan and len(plan) >= 2 else None


def fund_use_plan(cells: list[str]) -> Optional[dict[str, int]]:
    ts = cells
    if not _FUND_USE_HEADER.search("\n".join(ts)):   # no term holds a line break: none spans two cells
        return None
    if not any("预算数" in t for t in ts):
        return None
    plan: dict[str, int] = {}
    last_money = None
    for i, t in enumerate(ts):
        if _FUND_USE_NAME.search(t):
            plan["name"] = i
        elif "职能名称" in t:
            plan["function"] = i
        elif "完成情况" in t:
            plan["status"] = i
        elif "预算数" in t:
            plan["budgeted"] = i
            last_money = "budgeted"
        elif "执行数" in t:
            plan["executed"] = i
            last_money = "executed"
        elif "其中" in t and last_money:
            plan[f"{last_money}_fiscal"] = i
    return plan


def project_score_plan(cells: list[str]) -> Optional[dict[str, int]]:
    if "项目名称" not in cells:
        return None   # the plan needs the name column
    ts = cells
    plan: dict[str, int] = {}
    for i, t in enumerate(ts):
        if t == "项目名称":
            plan["name"] = i
        elif _SCORE_WORD.search(t):
            plan["score"] = i
        elif _GRADE_WORD.search(t):
            plan["grade"] = i
    return plan if "name" in plan and ("score" in plan or "grade" in plan) else None


# (reading mode, table kind, the header's plan) of the other tables' headers, tried in this order
_OTHER_HEADERS = (("evaluators", "evaluators", evaluator_plan), ("fund_use", "fund_use", fund_use_plan),
                  ("project_scores", "scores", project_score_plan))


@dataclass
class BudgetRow:
    """A row of a budget table (年初预算数/全年预算数/全年执行数/执行率/得分 columns): the
    figures of the whole unit (a 合计/资金总额 row), of one budget field (「上年结转资金」 →
    carryover, read in the full-year column) or of a project."""
    project: Optional[str]
    values: dict[str, float]           # role → value (万元 for amounts, percent for the rate)
    row: str
    cells: dict[str, Cell] = field(default_factory=dict)
    field_name: Optional[str] = None   # the budget field the row's label names, if any
    # the total row of a project list (项目名称 | 预算数 | 执行数): the listed projects' total, which
    # is the unit's only where the list also names the unit's other spending (基本支出)
    of_project_list: bool = False
    # whether the table states its money unit (a header's （元）, 「单位：元」 above it); amounts of a
    # table that does not are read as 万元 until the prose shows otherwise (pipeline.structure._budget)
    unit_stated: bool = True

    @property
    def budgeted(self) -> Optional[float]:
        return self.values.get("budgeted")

    @property
    def executed(self) -> Optional[float]:
        return self.values.get("executed")

    @property
    def execution_rate(self) -> Optional[float]:
        return self.values.get("execution_rate")


MONEY_ROLES = ("initial", "budgeted", "executed", "balance")   # roles whose values are amounts (万元)
_DEFAULT_BUDGET_COLS = ["budgeted", "executed", "execution_rate", "execution_score"]
_YEAR_COLUMN = re.compile(r"(20\d{2})年")
_WAN_UNIT = re.compile(r"[（(]万元[）)]")


@dataclass
class NarrativeCell:
    """A key cell naming a topic (单位职能概况, 偏差原因…) and the long text beside it."""
    key: Cell
    value: Cell
    row: str


@dataclass
class TableFacts:
    indicators: list[Indicator] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    fund_use: list[FundUseRow] = field(default_factory=list)
    evaluators: list[Evaluator] = field(default_factory=list)
    score_groups: list[ScoreGroup] = field(default_factory=list)
    budget_rows: list[BudgetRow] = field(default_factory=list)
    narrative_cells: list[NarrativeCell] = field(default_factory=list)
    total_scores: list[tuple[float, Cell, Optional[str], str]] = field(default_factory=list)  # (score, cell, project id, cell id)
    kv: dict[str, str] = field(default_factory=dict)
    table_kinds: dict[str, str] = field(default_factory=dict)


_PROJECT_KEY = re.compile(r"^项目名.?$")
_SUBTOTAL = re.compile(r"^小计")
_BUDGET_ROW_LABEL = re.compile(r"总额|合计|资金总额|部门整体支出|年度资金")
_PERCENT = re.compile(rf"({NUMBER})\s*%")
_NARRATIVE_MIN = 25
_EVALUATOR_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.facts = TableFacts()
        self.mode: Optional[str] = None
        self.plan: dict = {}
        self.header_width: Optional[int] = None   # cells of the indicator header row
        self.level1: Optional[str] = None
        self.level2: Optional[str] = None
        self.project: Optional[Project] = None
        self.kind_votes: dict[str, dict[str, int]] = {}
        self.budget_cols: list[str] = []
        self.budget_header: list[Optional[str]] = []
        self.budget_scale: Optional[float] = None   # None: the table states no money unit (read as 万元)
        self.region_scale: Optional[float] = None   # the money unit stated above the current table
        # the lexicon and the executed column's header words, looked up once (every row may be a header)
        self.lex = load_lexicon()
        self.executed_words = self.lex.role_words("executed")
        self.row_ids: tuple[Optional[Table], set[str]] = (None, set())

    def _row_ids(self, table: Table) -> set[str]:
        """The ids of table's rows, collected once per table (a wrapped fixed-width table asks on
        each of its lines)."""
        if self.row_ids[0] is not table:
            self.row_ids = (table, {r.id for r in table.rows})
        return self.row_ids[1]

    def vote(self, table: Table, kind: str) -> None:
        votes = self.kind_votes.setdefault(table.id, {})
        votes[kind] = votes.get(kind, 0) + 1

    def reset_mode(self) -> None:
        self.mode, self.plan, self.level1, self.level2 = None, {}, None, None
        self.header_width = None
        self.budget_cols, self.budget_header, self.budget_scale = [], [], self.region_scale

    def row(self, table: Table, row: Row) -> None:
        cells = row.cells
        # each cell's text without whitespace, computed once: every reading below looks at it
        ntexts = ["".join(c.text.split()) for c in cells]   # (norm(), inline: a call a cell cost more than the work)
        nonempty = [c for c, n in zip(cells, ntexts) if n not in PLACEHOLDER]
        if not nonempty:
            return
        nn = [n for n in ntexts if n not in PLACEHOLDER]  # ntexts of nonempty
        first = nn[0]

        # a project block begins (「项目名称 | X」), unless the row is a project list's header
        # (「项目名称 | 全年预算（万元） | 执行数（万元）」)
        if first.startswith("项目名") and _PROJECT_KEY.match(first) and len(nonempty) >= 2 and \
                sum(self.lex.column_role(n) is not None for n in nn[1:]) < 2:
            value_cells = [c for c, n in zip(nonempty[1:], nn[1:]) if not (len(n) == 1 and len(nonempty) > 2)]
            name = _joined(value_cells)
            if name and norm(name) != "自评得分":
                if not _SCORE_OR_GRADE.search(" ".join([c.text for c in cells])):
                    self.project = Project(id=f"p{len(self.facts.projects) + 1}", name=name, row=row.id,
                                           start=nonempty[0].start, end=nonempty[-1].end)
                    self.facts.projects.append(self.project)
                    self.reset_mode()
                    self.vote(table, "projects")
                    return

        # headers (the hint regex keeps the per-row cost low: most rows are not headers)
        joined = "".join(ntexts)
        if _HEADER_HINT.search(joined) and self._header(table, cells, ntexts, joined):
            return
        if self.mode == "indicators" and _SUBHEADER.match(first) and all(_SUBHEADER.match(n) for n in nn):
            return
        self._body_row(table, row, ntexts, nonempty, nn, joined)

    def _header(self, table: Table, cells: list[Cell], ntexts: list[str], joined: str) -> bool:
        """ntexts: norm() of each of the row's cells; joined: ntexts joined. The column roles are asked for only when joined has the
        words the readings need (a year; an executed column's words): most rows asked are not headers."""
        lex = self.lex
        header = None
        if joined.count("年") >= 2:   # (two years need two 「年」: most rows have none or one)
            years = [int(m.group(1)) if (m := _YEAR_COLUMN.search(t)) else None for t in ntexts]
            if len({y for y in years if y}) >= 2:
                header = [lex.column_role(t) if len(t) <= 16 else None for t in ntexts]
        if header is not None and any(r in MONEY_ROLES for r in header):
            # 「项目 | 2019年决算数 | 2020年决算数 | 增减额」: a comparison of years; only the latest
            # year's column is the report's own, its rows are read by their field labels
            latest = max(y for y in years if y)
            self.budget_header = [r if y == latest else None for r, y in zip(header, years)]
            self.budget_cols = [r for r in self.budget_header if r]
            self.budget_scale = self.region_scale
            self.mode, self.plan = "budget_table", {}
            self.vote(table, "budget")
            return True
        if header is None and self.executed_words.search(joined):
            header = [lex.column_role(t) if len(t) <= 16 else None for t in ntexts]
        if header is not None and ({"budgeted", "initial"} & set(header)) and "executed" in header \
                and not fund_use_plan(ntexts) \
                and not any(_NUMBER_AT_END.match(t) for t in ntexts if t) \
                and not is_indicator_header(indicator_roles(ntexts)):
            # the header of budget-execution rows, or of a project list: column roles from the lexicon
            self.budget_header = header
            self.budget_cols = [r for r in header if r]
            # a header that prints (元) states amounts in yuan: the record keeps 万元
            if any(_YUAN_UNIT.search(t) for t in ntexts):
                self.budget_scale = 0.0001
            elif any(_WAN_UNIT.search(t) for t in ntexts):
                self.budget_scale = 1.0
            else:
                self.budget_scale = self.region_scale
            if any(t.startswith(("项目名称", "任务名称")) or t == "项目" for t in ntexts[:3] if t):
                self.mode, self.plan = "project_budget", {"cols": list(self.budget_cols)}
                self.vote(table, "projects")
            else:
                self.mode, self.plan = "budget_table", {}
            return True
        roles = indicator_roles(ntexts)
        if is_indicator_header(roles):
            self.mode, self.plan = "indicators", _column_plan([c.text for c in cells], roles)
            self.header_width = len(cells)
            self.level1 = self.level2 = None
            self.vote(table, "indicators")
            return True
        for mode, kind, make_plan in _OTHER_HEADERS:
            plan = make_plan(ntexts)
            if plan:
                self.mode, self.plan = mode, plan
                self.vote(table, kind)
                return True
        return False

    def _body_row(self, table: Table, row: Row, ntexts: list[str], nonempty: list[Cell], nn: list[str],
                  joined: str) -> None:
        """ntexts: norm() of every cell of row; nn: norm() of the nonempty cells; joined: ntexts joined."""

        # budget execution rows: label, then amounts and a percent
        if self._budget_row(table, row, nonempty, nn):
            return

        if self.mode == "indicators" and self._indicator_row(table, row, ntexts, joined):
            self.vote(table, "indicators")
            return
        if self.mode == "project_budget":
            # a project list may describe each project in a long cell: it is still a project row
            self._project_budget_row(row, nonempty)
            return
        # long narrative beside a key cell
        if len(nonempty) >= 2 and len(nn[0]) <= 16:
            longest = max(nonempty[1:], key=lambda c: len(c.text))
            if len(norm(longest.text)) >= _NARRATIVE_MIN and not _HAS_NUMBER_AT_END.search(longest.text.strip()):
                self.facts.narrative_cells.append(NarrativeCell(nonempty[0], longest, row.id))
                self.vote(table, "key_value")
                return
        # key–value pairs: a row may hold several (「部门名称 | X | 填报日期 | Y」); a value runs
        # from its key to the next key
        for k, key in enumerate(nn[:-1]):
            # a key opens the row or follows a key–value pair; elsewhere it is a column header
            if key not in KV_KEYS or key in self.facts.kv or (k and (k < 2 or nn[k - 2] not in KV_KEYS)):
                continue
            value_cells = []
            for c, n in zip(nonempty[k + 1:], nn[k + 1:]):
                if n in KV_KEYS or _KV_LABEL.search(n):
                    break
                if not (len(n) == 1 and len(nonempty) > 2):
                    value_cells.append(c)
            if value_cells:
                self.facts.kv[key] = _joined(value_cells)
        if self.mode == "indicators":
            pass
        elif self.mode == "evaluators":
            self._evaluator_row(row)
        elif self.mode == "fund_use":
            self._fund_use_row(row)
        elif self.mode == "project_scores":
            self._project_score_row(row)
        elif self.mode == "project_budget":
            self._project_budget_row(row, nonempty)
        else:
            if len(nonempty) >= 2:
                self.vote(table, "key_value")

    def _row_values(self, cells: list[Cell], first: int) -> dict[str, tuple[float, Cell]]:
        """role → (value, cell) for the figures of a budget row after its label (cell index first).

        Cells sit under their header when the row has the header's width (tabs, html and docx
        grids); otherwise the figures are taken in order, the percent cell marking the rate."""
        out: dict[str, tuple[float, Cell]] = {}
        header = self.budget_header
        if header and len(cells) == len(header):
            for i in range(first, len(cells)):
                role = header[i]
                t = cells[i].text.replace(" ", "")
                pm = _PERCENT.search(t)
                v = to_float(pm.group(1)) if pm else to_float(t)
                if role is None or v is None or role in out:
                    continue
                out[role] = (round(v * (self.budget_scale or 1.0), 6) if role in MONEY_ROLES else v, cells[i])
            return out
        cols = list(self.budget_cols or _DEFAULT_BUDGET_COLS)
        for c in cells[first:]:
            t = c.text.replace(" ", "")
            pm = _PERCENT.search(t)
            v = to_float(pm.group(1)) if pm else to_float(t)
            if v is None or not cols:
                continue
            if pm and "execution_rate" in cols:
                while cols and cols[0] != "execution_rate":
                    cols.pop(0)
            elif not pm and cols[0] == "execution_rate":
                cols.pop(0)
                if not cols:
                    break
            role = cols.pop(0)
            out[role] = (round(v * (self.budget_scale or 1.0), 6) if role in MONEY_ROLES else v, c)
        return out

    def _budget_row(self, table: Table, row: Row, nonempty: list[Cell], nn: list[str]) -> bool:
        if self.mode in ("fund_use", "project_scores", "project_budget"):
            return False
        field_name = self.lex.label_field(nn[0]) if self.mode == "budget_table" else None
        if field_name:
            label_idx = 0
        elif _BUDGET_ROW_LABEL.search("\n".join(nn)):   # one search first: most rows have none of the words
            label_idx = next(i for i, n in enumerate(nn) if _BUDGET_ROW_LABEL.search(n))
        else:
            return False
        rest = nonempty[label_idx + 1:]
        if self.mode != "budget_table" and (not rest or not _PERCENT.search(" ".join(c.text for c in rest))):
            return False
        cells = row.cells
        first = cells.index(nonempty[label_idx]) + 1
        values = self._row_values(cells, first)
        amounts = [r for r in values if r in MONEY_ROLES]
        if field_name is None and len(amounts) < 2:
            return False
        if field_name is not None and not amounts:
            return False
        pid = self.project.id if self.project else None
        br = BudgetRow(pid, {k: v for k, (v, _) in values.items()}, row.id, {k: c for k, (_, c) in values.items()},
                       field_name, unit_stated=self.budget_scale is not None)
        self.facts.budget_rows.append(br)
        if field_name is None and self.project is not None and self.project.budgeted is None:
            self.project.budgeted, self.project.executed = br.budgeted, br.executed
            self.project.execution_rate, self.project.score = br.execution_rate, None
            self.project.execution_weight = br.values.get("weight")
            self.project.execution_score = br.values.get("execution_score")
        self.vote(table, "budget")
        return True

    def _indicator_row(self, table: Table, row: Row, ntexts: list[str], joined: str) -> bool:
        """Read one indicator-table row; False when the row is not one (so other readings may try).
        ntexts: norm() of each cell; joined: ntexts joined, the norm() of the joined row."""
        cells, plan = row.cells, self.plan
        name = join_fragments(_texts_at(cells, plan.get("name")))
        lvl1 = join_fragments(_texts_at(cells, plan.get("level1")))
        lvl2 = join_fragments(_texts_at(cells, plan.get("level2")))
        weight = _num(_cells_at(cells, plan.get("weight")[:1] if plan.get("weight") else None))
        score = _num(_cells_at(cells, plan.get("score")))
        # target and actual are parsed only for the rows that keep them (most rows; not a total,
        # a page header or a group)
        target = lambda: _qty(_texts_at(cells, plan.get("target")))  # noqa: E731
        actual = lambda: _qty(_texts_at(cells, plan.get("actual")))  # noqa: E731
        # 总分 under any of the name columns (a short total row 「总分 | 100 | 98」 puts it in the first);
        # looked for only in a row that has a character every total word has (the name columns'
        # texts are the row's cells)
        if _TOTAL_ROW_CHAR.search(joined) and (
                _TOTAL_ROW.search(norm(lvl2 or "") or "") or _TOTAL_ROW.search(norm(name)) or (
                not name and _TOTAL_ROW.search(joined)) or (
                _TOTAL_ROW.search(norm(lvl1 or "")) and len(cells) < (self.header_width or 0))):
            numbers = [to_float(m.group(0)) for c in cells for m in NUMBER_RE.finditer(c.text.replace(" ", ""))]
            numbers = [n for n in numbers if n is not None]
            # the whole scheme's total: its weight cell (when printed) is the full 100 points;
            # a 合计 over 90 points is the indicators' subtotal beside a separate execution score
            whole = weight is None or abs(weight - 100) <= 0.5 or len(numbers) < 2
            if numbers and whole:
                total = numbers[-1]
                cell = next(c for c in reversed(cells) if NUMBER_RE.search(c.text))
                self.facts.total_scores.append((total, cell, self.project.id if self.project else None,
                                                f"{row.id}#c{cells.index(cell)}"))
            return True
        if _SUBTOTAL_ROW.fullmatch(norm(name)):
            # 「 | 小计 | 20 | 18.6」: the subtotal of the group above, not an indicator
            group = lvl2 or lvl1 or self.level2 or self.level1
            if group and (weight is not None or score is not None) and \
                    not any(g.name == group for g in self.facts.score_groups):
                self.facts.score_groups.append(ScoreGroup(name=group, weight=weight, score=score, row=row.id))
            return True
        if _PAGE_HEADER.search(joined):
            return True
        # 「成本指标    经费支出是否…」: a level word and the name run together in one cell
        if not name and lvl2:
            m = _LEADING_LEVEL2.match(lvl2)
            if m:
                lvl2, name = m.group(1), m.group(2).strip()
        scored = weight is not None or score is not None
        if table.layout == "fixed" and not scored and not lvl1 and not lvl2 and self.facts.indicators \
                and self.facts.indicators[-1].row in self._row_ids(table):
            # a fixed-width cell wrapped onto this line: it continues the indicator above
            prev = self.facts.indicators[-1]
            prev.name += name
            for side in ("target", "actual"):
                more = join_fragments(_texts_at(cells, plan.get(side)))
                if more and getattr(prev, side) is not None:
                    q = parse_quantity(getattr(prev, side).text + more)
                    setattr(prev, side, Quantity(text=q.text, op=q.op, value=q.value, unit=q.unit))
            return True
        if not name:
            # a group row: 「投入 … 16 … 16.00」 opens a level-1 group with its subtotal
            group = lvl2 or lvl1
            if group and scored and target() is None and actual() is None:
                self.level1, self.level2 = group, None
                self.facts.score_groups.append(ScoreGroup(name=group, weight=weight, score=score, row=row.id))
                return True
            self._inherit(lvl1, lvl2)
            return not any(len(n) >= _NARRATIVE_MIN for n in ntexts)
        self._inherit(lvl1, lvl2)
        if not scored:
            # placeholders (「经济效益指标 _」) are rows of the table; long text without a score is not
            return not any(len(n) >= _NARRATIVE_MIN for n in ntexts)
        # more filled cells than the header has columns: a cell broken in two by the reader
        # (「≥11 | 18件」) shifted the columns after it, so which figure is the score, the target
        # or the actual cannot be told. The row stays an indicator; its shifted figures are not
        # read, and no check judges them (a finding must rest on unambiguous evidence).
        shifted = bool(self.header_width) and table.layout in ("tabs", "pipes") and \
            any(n not in PLACEHOLDER for n in ntexts[self.header_width:])
        ind = Indicator(id=f"i{len(self.facts.indicators) + 1}",
                        project=self.project.id if self.project else None,
                        level1=self.level1, level2=self.level2, name=name, weight=weight,
                        target=None if shifted else target(), actual=None if shifted else actual(),
                        score=None if shifted else score, row=row.id)
        dev = "" if shifted else join_fragments(_texts_at(cells, plan.get("deviation")))
        if dev:
            ind.deviation = dev
        mea = "" if shifted else join_fragments(_texts_at(cells, plan.get("measure")))
        if mea:
            ind.measure = mea
        self.facts.indicators.append(ind)
        return True

    def _inherit(self, lvl1: str, lvl2: str) -> None:
        # OCR fragments (「标」「效」) are not level names: keep the value above
        if lvl1 and (len(norm(lvl1)) > 2 or _LEVEL_STEM.search(lvl1)):
            if lvl1 != self.level1:
                self.level2 = None
            self.level1 = lvl1
        if lvl2 and (len(norm(lvl2)) > 2 or _LEVEL_STEM.search(lvl2)):
            self.level2 = lvl2

    def _evaluator_row(self, row: Row) -> None:
        cells, plan = row.cells, self.plan
        get = lambda k: norm(cells[plan[k]].text) if k in plan and plan[k] < len(cells) else None  # noqa: E731
        name = get("name")
        if not name or not _EVALUATOR_NAME.match(name):
            self.mode = None
            return
        self.facts.evaluators.append(Evaluator(name=name, title=get("title") or None,
                                               department=get("department") or None))

    def _fund_use_row(self, row: Row) -> None:
        cells, plan = row.cells, self.plan
        get = lambda k: cells[plan[k]].text.strip() if k in plan and plan[k] < len(cells) else ""  # noqa: E731
        name = get("name") or get("function")
        joined = norm("".join(c.text for c in cells))
        is_total = bool(_TOTAL_WORD.search(joined))
        money = {k: to_float(get(k).replace(" ", "")) for k in ("budgeted", "budgeted_fiscal", "executed", "executed_fiscal")}
        if all(v is None for v in money.values()):
            self.mode = None
            return
        fu = FundUseRow(id=f"f{len(self.facts.fund_use) + 1}", name=name if not is_total else "合计",
                     function=get("function") or None, status=get("status") or None, row=row.id,
                     is_total=is_total, **money)
        self.facts.fund_use.append(fu)

    def _project_budget_row(self, row: Row, nonempty: list[Cell]) -> None:
        """A row of a 项目名称/预算数/执行数/执行率/得分 list: one project each. Rows naming a budget
        field (基本支出, 项目支出) or a total belong to the unit, not to a project."""
        # a serial column before the name (序号 | 项目名称): 「1」, 「一」, 「（一）」
        serial = serial_level(nonempty[0].text) if len(nonempty) > 1 else None
        name_cell = nonempty[1] if serial else nonempty[0]
        label = name_cell.text.strip()
        name = re.sub(r"^(?:其中)[:：]\s*", "", label)
        numbered = ENUMERATOR_RE.match(name)   # 「1.学生资助项目」: the number is no part of the name
        name = name[numbered.end():].strip() if numbered and name[numbered.end():].strip() else name
        if to_float(name.replace(" ", "")) is not None:
            return
        if load_lexicon().spending_kinds.match(norm(name)):
            return   # 「2.公务接待费」 in a 三公经费 table: a kind of spending, not a project
        read = self._row_values(row.cells, row.cells.index(name_cell) + 1)
        values = {k: v for k, (v, _) in read.items()}
        if not values:
            self.mode = None
            return
        if _SUBTOTAL.match(norm(name)):
            return   # a group's subtotal (小计): neither a project nor the list's total
        by_word = serial == "word"
        if serial == "digit" and self.plan.get("groups"):
            # 「一 | 教育教学类项目」 above 「1 | 学生资助项目」: rows numbered by word are groups of the
            # projects numbered under them (their sums), not projects
            for group in self.plan.pop("groups"):
                self.facts.projects.remove(group)
            self.plan["grouped"] = True
        if by_word and self.plan.get("grouped"):
            return
        field_name = load_lexicon().label_field(name)
        if _TOTAL_WORD.search(norm(name)) or _BUDGET_ROW_LABEL.search(norm(name)) or field_name:
            pid = self.project.id if self.project else None
            self.facts.budget_rows.append(BudgetRow(pid, values, row.id, {k: c for k, (_, c) in read.items()}, field_name,
                                                    of_project_list=field_name is None,
                                                    unit_stated=self.budget_scale is not None))
            return
        existing = next((p for p in self.facts.projects if norm(p.name) == norm(name)), None)
        p = existing or Project(id=f"p{len(self.facts.projects) + 1}", name=name, row=row.id)
        p.budgeted, p.executed = values.get("budgeted", p.budgeted), values.get("executed", p.executed)
        p.execution_rate = values.get("execution_rate", p.execution_rate)
        p.score = values.get("execution_score", p.score)
        if existing is None:
            self.facts.projects.append(p)
            if by_word:
                self.plan.setdefault("groups", []).append(p)

    def _project_score_row(self, row: Row) -> None:
        cells, plan = row.cells, self.plan
        get = lambda k: cells[plan[k]].text.strip() if k in plan and plan[k] < len(cells) else ""  # noqa: E731
        name = get("name")
        if not name:
            return
        score = to_float(get("score")) if "score" in plan else None
        grade = norm(get("grade")) or None if "grade" in plan else None
        existing = next((p for p in self.facts.projects if norm(p.name) == norm(name)), None)
        if existing:
            existing.score, existing.grade = score, grade
        else:
            self.facts.projects.append(Project(id=f"p{len(self.facts.projects) + 1}", name=name, score=score,
                                               grade=grade, row=row.id))


def read_table_facts(text: str, tables: list[Table]) -> TableFacts:
    if not tables:
        return TableFacts()   # (the reader looks up the lexicon, which a text without tables never asked for)
    reader = _Reader(text)
    prev_end = None
    for table in tables:
        reader.region_scale = money_scale_before(text, table.start)
        # the reading state survives only a gap of blank lines between two grids
        if prev_end is not None and text[prev_end:table.start].strip():
            reader.reset_mode()
        for row in table.rows:
            reader.row(table, row)
        prev_end = table.end
    for table in tables:
        votes = reader.kind_votes.get(table.id)
        if votes:
            table.kind = max(votes.items(), key=lambda kv: kv[1])[0]  # type: ignore[assignment]
    return reader.facts
