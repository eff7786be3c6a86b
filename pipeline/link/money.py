"""Money in the narrative → the budget field or table row it states (states, agree/disagree).

An amount 「预算执行金额为2046.18万元」 is linked by the words just before it: a
keyword table (configs/linking.yaml, most specific first) names candidate budget
fields, and the first candidate the record states is the target. The link says
whether the two amounts agree. An amount without a budget keyword may state a
fund-use or project row: it links when the row holds the same amount and shares a
rare word with it (妇女儿童维权经费36.40万元 ↔ the 维权 row with 36.40), or when the
row's name matches the words before the amount closely (then agree may be False).

The amount is not a span, so the link starts at ``text:START-END``. An amount that
is itself where a budget field was read from is not linked to that field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from pipeline.lexicon import is_approximate, sentence_around
from pipeline.link.config import load_linking_config, require_relation
from pipeline.link.ends import RecordIndex, text_id
from pipeline.link.similarity import KeywordWeights, phrase_similarity
from pipeline.record import Link, Record
from pipeline.structure.lexicon import load_lexicon
from pipeline.structure.prose_facts import YEAR_MENTION

RELATION = require_relation("states")
RELATIONS = (RELATION,)   # what predict emits (Linker: its links are deduplicated per component)

_NUMBER = r"[-−－]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−－]?\d+(?:\.\d+)?"
_MONEY = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>亿元|万元|千元|元)")
_TO_WAN = {"亿元": 10000.0, "万元": 1.0, "千元": 0.1, "元": 0.0001}
_STOP = re.compile(r"[。；;\n]")
_NUMERIC_CELL = re.compile(rf"^\s*(?:{_NUMBER})\s*(?:%|万元|元)?\s*$")


def _float(num: str) -> float:
    return float(num.replace(",", "").replace("−", "-").replace("－", "-"))


def parse_money(text: str) -> Optional[float]:
    """The first amount in text, in 万元."""
    m = _MONEY.search(text)
    return round(_float(m.group("num")) * _TO_WAN[m.group("unit")], 6) if m else None


def cell_number(text: str) -> Optional[float]:
    """A cell that holds only a number (「1,031.73」, 「98.20%」): its value; else None."""
    if not _NUMERIC_CELL.match(text):
        return None
    return _float(re.search(_NUMBER, text).group(0))


@dataclass
class Mention:
    start: int
    end: int
    value: float  # 万元
    context: str  # the words before the amount, back to the previous amount or sentence break


def find_mentions(record: Record, index: RecordIndex) -> Iterator[Mention]:
    """Amounts written in running text (including long narrative inside a table cell)."""
    window = load_linking_config()["states"]["window"]
    text, prev_end = record.text, 0
    for m in _MONEY.finditer(text):
        hit = index.cell_containing(m.start(), m.end())
        cell_start = hit[3].start if hit else 0
        if hit and len(hit[3].text.strip()) - (m.end() - m.start()) < 4:
            prev_end = m.end()
            continue  # the cell is just this amount: table data, not narrative
        lo = max(prev_end, cell_start, m.start() - window)
        ctx = text[lo:m.start()]
        breaks = list(_STOP.finditer(ctx))
        if breaks:
            ctx = ctx[breaks[-1].end():]
        prev_end = m.end()
        yield Mention(m.start(), m.end(), round(_float(m.group("num")) * _TO_WAN[m.group("unit")], 6), ctx)


def _verdict(record: Record, m: Mention, value: float, cfg: dict) -> Optional[bool]:
    """Whether the amount agrees with a table's figure: within the tolerance or the rounding of the
    amount's printed decimals; an approximate amount (约…, 近…, …左右) within approximate_share of
    it, and otherwise not compared (None)."""
    printed = _MONEY.match(record.text, m.start)
    decimals = len(printed.group("num").partition(".")[2]) if printed else 2
    slack = max(cfg["tolerance"], 0.5 * 10 ** -decimals * _TO_WAN[printed.group("unit")] if printed else 0.0)
    if abs(value - m.value) <= slack + 1e-9:
        return True
    if is_approximate(record.text, m.start, m.end):
        return True if abs(value - m.value) <= cfg["approximate_share"] * abs(value) else None
    return False


def _another_year(record: Record, m: Mention) -> bool:
    """Whether the amount's sentence, up to it, speaks of another year than the report's
    (「与2022年相比，全年支出…」, 「比上年…」): that year's figure, not one of this record's fields."""
    sentence = sentence_around(record.text, m.start, m.end)
    upto = sentence[:sentence.find(record.text[m.start:m.end])] if record.text[m.start:m.end] in sentence else sentence
    year = record.meta.year
    if year is not None and any(int(y) != year for y in YEAR_MENTION.findall(upto)):
        return True
    # 「上年度结转资金…」 is this year's carryover, not last year's figure
    return any(not re.match(r"\s*(?:结转|结余)", upto[w.end():]) for w in load_lexicon().previous_year.finditer(upto))


def _keyword_fields(context: str, keywords: list) -> tuple[Optional[str], list[str]]:
    """The keyword ending nearest the amount (longest on ties) and its candidate fields."""
    best = None
    for kw, fields in keywords:
        at = context.rfind(kw)
        if at >= 0:
            key = (at + len(kw), len(kw))
            if best is None or key > best[0]:
                best = (key, kw, fields)
    return (best[1], list(best[2])) if best else (None, [])


def _row_candidates(record: Record, index: RecordIndex) -> list[tuple[str, str, list[float]]]:
    """(id, name, amounts) of fund-use / project / budget rows and of parsed projects."""
    out = []
    project_rows = set()
    for p in record.projects:
        amounts = [v for v in (p.budgeted, p.executed) if v is not None]
        if amounts:
            out.append((p.id, p.name, amounts))
            if p.row:
                project_rows.add(p.row)
    for t in record.tables:
        if t.kind not in ("fund_use", "projects", "budget"):
            continue
        for r in t.rows:
            if r.id in project_rows:
                continue
            nums = [v for c in r.cells if (v := cell_number(c.text)) is not None]
            name = "".join(c.text for c in r.cells if cell_number(c.text) is None)
            if nums and name.strip():
                out.append((r.id, name, nums))
    return out


_SPEND = ("支出", "执行", "用于", "使用")
_BUDGET = ("预算数", "预算安排", "安排预算")
_INCOME = ("收入",)
_TOTAL = ("总", "合计", "全部", "全年")
_TOTAL_ROW = ("合计", "总计", "小计", "总额", "整体支出")


def _amount_class(sentence: str) -> Optional[str]:
    """spend | budget | income: the last such word before the amount decides (财政拨款支出 → spend)."""
    best = (-1, None)
    for cls, words in (("spend", _SPEND), ("budget", _BUDGET), ("income", _INCOME)):
        for w in words:
            at = sentence.rfind(w)
            if at > best[0]:
                best = (at, cls)
    return best[1]


@dataclass
class MoneyCell:
    id: str
    value: float
    cls: Optional[str]   # the column's class (spend/budget) from the header row
    header: str          # the column's own header (其中：财政拨款 …)
    row_name: str
    total_row: bool
    field: Optional[str] = None  # the budget field read from this cell, if any


def _money_cells(record: Record) -> list[MoneyCell]:
    """Numeric cells of fund-use / project / budget tables, with their column's meaning.

    A column's class comes from the nearest header cell at or left of it naming 执行/支出
    (spend) or 预算 (budget), so 「其中：财政拨款」 after 「执行数」 is a spend column.
    A cell a budget field was read from carries the field's name (the field is the target then)."""
    sources = [(f, sv.start, sv.end) for f, sv in record.budget.items()]
    out = []
    for t in record.tables:
        if t.kind not in ("fund_use", "projects", "budget", "key_value"):
            continue
        header = next((r for r in t.rows if len(r.cells) >= 2 and all(cell_number(c.text) is None for c in r.cells)), None)
        classes, heads = [], []
        cls = None
        for c in (header.cells if header else []):
            if "率" in c.text:  # 执行率: a rate column, not an amount
                cls = None
            elif any(w in c.text for w in ("执行", "支出", "实际")):
                cls = "spend"
            elif "预算" in c.text:
                cls = "budget"
            elif not c.text.strip().startswith("其中"):
                cls = None  # only 「其中：…」 sub-columns inherit the class on their left
            classes.append(cls)
            heads.append(c.text)
        for r in t.rows:
            name = "".join(c.text for c in r.cells if cell_number(c.text) is None)
            total = any(w in name.replace(" ", "") for w in _TOTAL_ROW)
            for k, c in enumerate(r.cells):
                v = cell_number(c.text)
                if v is None or "%" in c.text:
                    continue
                field = next((f for f, a, b in sources if a < c.end and c.start < b), None)
                head = heads[k] if k < len(heads) else ""
                if re.search(r"[(（]元[)）]", head):  # a column in 元: compare in 万元
                    v = round(v / 10000, 6)
                out.append(MoneyCell(f"{r.id}#c{k}", v, classes[k] if k < len(classes) else None,
                                     heads[k] if k < len(heads) else "", name, total, field))
    return out


def _best_cell(record: Record, m: Mention, cells: list[MoneyCell], kw: KeywordWeights, cfg: dict) -> Optional[Link]:
    """The table cell an amount states: same amount, a column of the same class (spend/budget),
    and a row the words name (a shared rare word) or a total row for a total or its 其中 part."""
    text = record.text   # the sentence before the amount, found without copying the text before it
    sentence = text[max(text.rfind("。", 0, m.start), text.rfind("\n", 0, m.start)) + 1:m.start]
    cls = _amount_class(sentence)
    if cls not in ("spend", "budget"):
        return None
    prev = record.text[max(0, m.start - 80):m.start]
    in_breakdown = "其中" in sentence or "其中" in prev[-40:]
    best = None
    for c in cells:
        if c.field or c.cls != cls or abs(c.value - m.value) > cfg["tolerance"]:
            continue
        sub = c.header.startswith("其中")
        sub_named = sub and any(w in m.context for w in (c.header.split("：")[-1], c.header.split(":")[-1]) if w)
        if c.total_row:
            ok = any(w in m.context for w in _TOTAL) or (in_breakdown and sub_named)
            why = "total row"
        else:
            ok = kw.coverage(m.context, c.row_name) >= cfg["row_min_overlap"]
            why = f"row shares {'/'.join(kw.shared(m.context, c.row_name)[:3])}"
        if not ok:
            continue
        rank = (sub_named or not sub, -len(c.header))
        if best is None or rank > best[0]:
            best = (rank, c, why)
    if best is None:
        return _same_meaning_cell(record, m, cells, cls, cfg)
    _, c, why = best
    return Link(id="", from_=text_id(m.start, m.end), to=c.id, relation=RELATION, score=cfg["score_cell"], agree=True,
                evidence=f"{m.value:g}万元 = cell {c.value:g} in a {cls} column 「{c.header}」, {why}")


def _same_meaning_cell(record: Record, m: Mention, cells: list[MoneyCell], cls: str, cfg: dict) -> Optional[Link]:
    """A total amount (全年支出…, 预算执行金额…) with no equal cell: the one main cell of a total
    row in a column of the same class states the same figure, so the two disagree."""
    if not any(w in m.context for w in _TOTAL + ("执行金额", "实际支出")):
        return None
    cands = [c for c in cells if c.total_row and c.cls == cls and not c.header.startswith("其中")]
    if len(cands) != 1:
        return None  # ambiguous: say nothing
    c = cands[0]
    agree = _verdict(record, m, c.value, cfg)
    if agree is None:
        return None  # an approximate figure: nothing to say about the cell
    if c.field:
        if agree:
            return None  # the budget-field link says it already
        return Link(id="", from_=text_id(m.start, m.end), to=f"budget.{c.field}", relation=RELATION,
                    score=cfg["score_same_meaning"], agree=False,
                    evidence=f"{m.value:g}万元 vs budget.{c.field} {c.value:g} read from the total row's {cls} cell "
                             f"「{c.header}」 DISAGREES")
    return Link(id="", from_=text_id(m.start, m.end), to=c.id, relation=RELATION, score=cfg["score_same_meaning"],
                agree=agree, evidence=f"{m.value:g}万元 vs the total row's {cls} cell {c.value:g} 「{c.header}」"
                                      + (" agrees" if agree else " DISAGREES"))


def predict(record: Record, index: RecordIndex | None = None) -> list[Link]:
    index = index or RecordIndex(record)
    cfg = load_linking_config()["states"]
    tol = cfg["tolerance"]
    mentions = list(find_mentions(record, index))
    rows = _row_candidates(record, index)
    cells = _money_cells(record)
    kw = KeywordWeights([m.context for m in mentions] + [name for _, name, _ in rows])
    links: list[Link] = []
    for m in mentions:
        if _another_year(record, m):
            continue
        keyword, fields = _keyword_fields(m.context, cfg["keywords"])
        cell = _best_cell(record, m, cells, kw, cfg)
        if cell:
            links.append(cell)
        if keyword:
            # linked even when the field was read from this very amount: the link records its meaning
            present = [f for f in fields if f in record.budget]
            agreeing = [f for f in present if _verdict(record, m, record.budget[f].value, cfg)]
            # a keyword with several possible meanings (收入预算: initial or income) links to the one
            # the amount agrees with; it can only disagree when it has one meaning
            target = agreeing[0] if agreeing else (present[0] if len(fields) == 1 and present else None)
            if target:
                sv = record.budget[target]
                agree = _verdict(record, m, sv.value, cfg)
                links.append(Link(id="", from_=text_id(m.start, m.end), to=f"budget.{target}", relation=RELATION,
                                  score=cfg["score_budget"], agree=agree,
                                  evidence=f"「{keyword}」 {m.value:g}万元 vs budget.{target} {sv.value:g}万元"
                                           + {True: " agrees", False: " DISAGREES", None: " (approximate: not compared)"}[agree]))
            continue
        if cell:
            continue
        best = None
        for rid, name, amounts in rows:
            equal = any(abs(a - m.value) <= tol for a in amounts)
            overlap = kw.coverage(m.context, name)
            sim = phrase_similarity(m.context, name)
            if equal and overlap >= cfg["row_min_overlap"]:
                cand = (0.55 + 0.45 * overlap, rid, True, f"same amount, shared words {'/'.join(kw.shared(m.context, name)[:3])}")
            elif sim >= cfg["row_threshold"]:
                cand = (sim, rid, equal, f"row name 「{name[:20]}」 ~ 「{m.context}」 sim={sim:.2f}")
            else:
                continue
            if best is None or cand[0] > best[0]:
                best = cand
        if best:
            score, rid, agree, why = best
            links.append(Link(id="", from_=text_id(m.start, m.end), to=rid, relation=RELATION, score=round(min(score, 1.0), 4),
                              agree=agree, evidence=f"{m.value:g}万元: {why}" + ("" if agree else " DISAGREES")))
    return links
