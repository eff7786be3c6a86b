"""Things that should add up (sum_mismatch).

- A table column above a total row (合计/总计/小计) against the total row's cell.
- A breakdown in prose: 「项目支出418.6万元(其中: a万元, b万元 …)」, 「总收入X万元。其中：…」,
  「…万元。主要用于…」: the parts against the figure they break down. A listing that
  falls short may be partial (「其中」 sometimes names only some items), so a shortfall
  is a warning and an excess an error. One part alone is not a breakdown.
- Project budgets (or executions) adding up to more than the stated 项目支出.
Only stated figures are compared; an empty cell is never read as zero.
"""
from __future__ import annotations

import re
from typing import Iterator

from pipeline.check.base import Tolerance, finding, is_percent, number
from pipeline.lexicon import continues_broken_line, number_style
from pipeline.link.ends import cell_id, text_id
from pipeline.record import Finding, Record, Table
from pipeline.structure.lexicon import load_lexicon

KIND = "sum_mismatch"
_TOTAL_WORDS = ("合计", "总计", "小计", "总额")
_NUMBER = r"[-−－]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−－]?\d+(?:\.\d+)?"
# a PDF's extraction may break the line inside the unit too (「113.61万\n元」)
_MONEY = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>(?:亿|万|千)\s*元|元)")
_TO_WAN = {"亿元": 10000.0, "万元": 1.0, "千元": 0.1, "元": 0.0001}


def _unit(m: re.Match) -> str:
    return "".join(m.group("unit").split())


def _wan(m: re.Match) -> float:
    """The value of a _MONEY match in 万元, its sign as printed."""
    return float(m.group("num").replace(",", "").replace("−", "-").replace("－", "-")) * _TO_WAN[_unit(m)]


_BREAKDOWN = re.compile(r"[(（]?\s*(?:其中|主要用于|主要包括|包括)\s*[:：]?")
_OPEN, _CLOSE = "(（", ")）"


def _is_total_row(cells) -> bool:
    return any(c.text.replace(" ", "").strip() in _TOTAL_WORDS or
               c.text.replace(" ", "").strip().endswith(("合计", "总计")) for c in cells if c.text.strip())


_SUB_ITEM = re.compile(r"^\s*(?:其中|含)\s*[:：]")


def _top_level(rows):
    """The rows a total adds up: from a 「其中：」 row on, rows break down the row above them
    (项目支出 → 其中：A项目, B项目 …) and are not added again."""
    for j, r in enumerate(rows):
        label = next((c.text for c in r.cells if c.text.strip()), "")
        if _SUB_ITEM.match(label):
            return rows[:j]
    return rows


def _without_breakdowns(values, k: int, tol: Tolerance):
    """The column's values with every run of two or more rows that adds up to the row right
    above it left out: such rows break that row down (基本支出 → 人员经费, 公用经费) where a
    converter dropped the indentation or the 「其中」 that said so."""
    out, i = [], 0
    while i < len(values):
        out.append(values[i])
        head_row, head = values[i]
        run_end = None
        acc = 0.0
        for j in range(i + 1, len(values)):
            acc += values[j][1]
            if j - i >= 2 and tol.printed_ok(head, acc, [head_row.cells[k].text] +
                                             [r.cells[k].text for r, _ in values[i + 1:j + 1]]):
                run_end = j
                break
            if acc > head + 1e-9 and head >= 0:
                break
        i = (run_end + 1) if run_end is not None else i + 1
    return out


def _top_numbered_rows(rows):
    """The rows numbered in the style of the first numbered row, where rows numbered otherwise or
    unnumbered stand among them: a list's groups (一 | 民生保障类项目 over 1 | …, 2 | …) or a form's
    top-level items with sub-rows between them (1.因公出国费, 2.公务用车费 and its 其中 rows,
    3.公务接待费), which the list's total adds up. None when no such rows stand out."""
    numbered = [(r, style) for r in rows
                if (style := number_style(next((c.text for c in r.cells if c.text.strip()), "")))]
    top = [r for r, style in numbered if style == numbered[0][1]] if numbered else []
    return top if top and len(top) < len(rows) else None


def _column_values(parts, k: int):
    """(row, value) for column k over the rows, or None when a text cell says it is not an amount column."""
    values = []
    for r in parts:
        t = r.cells[k].text.strip()
        v = number(t)
        if v is None and t:
            return None
        if v is not None:
            values.append((r, v))
    return values


def _table_sums(table: Table, tol: Tolerance) -> Iterator[Finding]:
    """A total row sums the rows of its group: the rows before it (back to the previous total)
    or, in tables that print the total first, the rows after it (up to the next total)."""
    if table.kind in ("indicators", "scores", "evaluators"):
        return  # score tables are checked against their scheme in pipeline.check.scores
    rows = [r for r in table.rows if _is_total_row(r.cells) or any(number(c.text) is not None for c in r.cells)]
    totals = [i for i, r in enumerate(rows) if _is_total_row(r.cells)]
    for n, i in enumerate(totals):
        whole_before = rows[(totals[n - 1] + 1 if n else 0):i]
        whole_after = rows[i + 1:(totals[n + 1] if n + 1 < len(totals) else len(rows))]
        before, after = _top_level(whole_before), _top_level(whole_after)
        total_row = rows[i]
        blocks = [b for b in (before, after) if len(b) >= 2 and all(len(r.cells) == len(total_row.cells) for r in b)]
        if not blocks:
            continue  # too few rows, or merged cells: columns cannot be trusted
        for k, cell in enumerate(total_row.cells):
            stated = number(cell.text)
            if stated is None or is_percent(cell.text):
                continue
            candidates = [v for b in blocks if (v := _column_values(b, k)) and len(v) >= 2]
            tops = [v for b in (whole_before, whole_after) if (g := _top_numbered_rows(b))
                    and all(len(r.cells) == len(total_row.cells) for r in g) and (v := _column_values(g, k))]
            # a reading that explains the total is no error: all rows, the rows left when the
            # runs that break a row down are taken out, the groups of a two-level list, or the
            # items numbered alike with sub-rows between them
            readings = candidates + [_without_breakdowns(v, k, tol) for v in candidates] + tops
            if not candidates or any(tol.printed_ok(stated, sum(x for _, x in v), [cell.text] + [r.cells[k].text for r, _ in v])
                                     for v in readings):
                continue
            # stated against the first block read with its breakdowns out: the reading closest
            # to the form's own structure
            values, top = candidates[0], readings[len(candidates)]
            note = f" ({len(values) - len(top)} rows read as the breakdown of a row above them)" if len(top) < len(values) else ""
            values = top
            expected = sum(v for _, v in values)
            yield finding(KIND, f"table {table.id} column {k}: rows add up to {expected:g}{note}, total row states {stated:g}",
                          [cell_id(total_row, k)] + [cell_id(r, k) for r, _ in values], stated, expected, "total_row")


def _parts(text: str, start: int, end: int) -> list[tuple[int, int, float]]:
    """The parts a breakdown lists, signed (调减/压减 are reductions).

    Parts are the first amount of each clause outside parentheses. Where the listing uses
    「；」 between its parts, a part's own detail follows it in the same 「；」 item: from a
    clause that opens a breakdown of its own (「包括…」「全部为…」) to the item's end, amounts
    are detail, not parts. An item that starts a new statement (「加上年结转…」「收入总计…」),
    or a clause on the year-end balance, ends the listing."""
    lex = load_lexicon()
    negative, previous_year = lex.budget_field("adjustment").negative, lex.previous_year
    out: list[tuple[int, int, float]] = []
    for item_start, item_end in _top_level_pieces(text, start, end, "；;"):
        item = text[item_start:item_end]
        if _NEW_STATEMENT.match(item):
            break
        nested = ended = False
        for cs, ce in _top_level_pieces(text, item_start, item_end, _CLAUSE_SEPS):
            clause = text[cs:ce]
            if _YEAR_END.match(clause) or (out and _USE_OF_FUNDS.match(clause)):
                ended = True   # 「…项目支出…，年末结余…」: the listing ended with the clause before
                break
            if _NESTED.match(clause):
                nested = True
            if nested:
                continue
            m = _first_top_level_amount(text, cs, ce)
            if m is None:
                continue
            if _CHANGE.search(text, cs, m.start()) or previous_year.search(text, cs, m.start()):
                continue   # 「比上年增加50.20万元」 between two parts: a change, not a part
            v = _wan(m)
            if negative is not None and negative.search(text[cs:m.start()]):
                v = -v
            out.append((m.start(), m.end(), v))
        if ended:
            break
    return out


def _top_level_pieces(text: str, start: int, end: int, seps: str) -> list[tuple[int, int]]:
    """text[start:end] cut at the separators that stand outside parentheses."""
    pieces, depth, piece_start = [], 0, start
    for i in range(start, end):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif depth == 0 and ch in seps and not (ch == "," and 0 < i < len(text) - 1
                                                 and text[i - 1].isdigit() and text[i + 1].isdigit()):
            pieces.append((piece_start, i))
            piece_start = i + 1
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]


def _first_top_level_amount(text: str, start: int, end: int):
    depth, pos = 0, start
    for m in _MONEY.finditer(text, start, end):
        for ch in text[pos:m.start()]:
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE and depth:
                depth -= 1
        pos = m.start()
        if depth == 0:
            return m
    return None


_CLAUSE_SEPS = "，,、"
_ITEM_END = re.compile(r"[。；;\n]|\.(?!\d)")
_SENTENCE_END = re.compile(r"[。\n]|\.(?!\d)")   # an ASCII full stop too, never a decimal point
_NESTED = re.compile(r"\s*(?:包括|其中|含|主要为|全部为|主要用于|均为)")
_NEW_STATEMENT = re.compile(r"\s*(?:加上?|减去?|扣除|另有?|此外|收入总计|支出总计|总计|合计)")
# the year-end balance ends a listing in any clause (「…项目支出…，年末结余163.15万元」): a stock,
# never a part of the year's income or spending
_YEAR_END = re.compile(r"\s*年末")
# so does a clause on the money's arrival or use (「…区级配套40万元，实际到位资金280万元，支出260万元」):
# another statement about the same money, not one of its parts (使用 is left out: 使用上年结转 and
# 使用非财政拨款结余 are parts of a year's income)
_USE_OF_FUNDS = re.compile(r"\s*(?:实际|累计|已|共|全年)?(?:到位|拨付|下达|执行|支付|支出|用于)")
_CHANGE = re.compile(r"增加|减少|增长|下降|提高|降低|节约|超支")
_OTHER_PART = re.compile(r"其他|其余|剩余")
_NON_EXHAUSTIVE = re.compile(r"等|主要|部分|包括")


_CLAUSE_MARKS = "，,。；;\n"


def _clause_start(text: str, pos: int, window: int = 512) -> int:
    """Just after the last clause mark before pos. Looked for in the window before pos first:
    a mark that a text lacks (「;」) would otherwise be looked for back to the start of the text
    for every amount, quadratic on a giant report. Found there, it is the same answer."""
    lo = max(0, pos - window)
    at = max(text.rfind(c, lo, pos) for c in _CLAUSE_MARKS)
    if at < 0 and lo:
        at = max(text.rfind(c, 0, lo) for c in _CLAUSE_MARKS)
    return at + 1


def _listing_end(text: str, start: int, stop: re.Pattern) -> int:
    """Where a listing that starts at ``start`` ends: at the first stop mark, passing over the
    line breaks a PDF's extraction put inside a sentence (「其中基本支出48,252.31\n万元」)."""
    for m in stop.finditer(text, start):
        if not (m.group() == "\n" and continues_broken_line(text, m.end())):
            return m.start()
    return len(text)


def _prose_breakdowns(record: Record, tol: Tolerance) -> Iterator[Finding]:
    """「X万元，其中：A a万元、B b万元、其他 c万元」: the parts against the whole.

    The whole is the amount right before 其中 in the same sentence; an amount that states a
    change (比上年减少…) or another year is no whole. Parts that add up to more than the whole
    contradict it; parts that fall short contradict it only where the listing is complete
    (it ends with 其他/其余, the catch-all part)."""
    text = record.text
    lex = load_lexicon()
    for total in _MONEY.finditer(text):
        after = text[total.end():total.end() + 8]
        lead = re.match(r"\s*[，,;；]?\s*", after)
        m = _BREAKDOWN.match(after, lead.end())
        if not m:
            continue
        clause_start = _clause_start(text, total.start())
        clause = text[clause_start:total.start()]
        if _CHANGE.search(clause) or lex.previous_year.search(clause):
            continue
        start = total.end() + m.end()
        opened = any(ch in _OPEN for ch in after[:m.end()])
        if opened:  # runs to the matching closing parenthesis
            depth, end = 1, start
            while end < len(text) and depth and text[end] != "\n":
                depth += text[end] in _OPEN
                depth -= text[end] in _CLOSE
                end += 1
        else:
            # 「其中：」 opens a list whose items may be separated by 「；」; a plain 「其中」/「包括」
            # is one item's detail and ends with it
            colon = any(ch in "：:" for ch in after[:m.end()])
            end = _listing_end(text, start, _SENTENCE_END if colon else _ITEM_END)
        parts = _parts(text, start, end)
        if len(parts) < 2:
            continue
        stated = _wan(total)
        expected = sum(v for _, _, v in parts)
        if tol.printed_ok(stated, expected, [total.group("num")] + [text[s:e] for s, e, _ in parts]):
            continue
        if _an_earlier_whole(text, total.start(), expected, [text[s:e] for s, e, _ in parts], tol):
            continue   # 「…2,702.15万元，其中本级…600.00万元；其中基本支出…」: the second 其中 is the head's
        last_clause = next(text[cs:ce] for cs, ce in _top_level_pieces(text, start, end, _CLAUSE_SEPS + "；;")
                           if cs <= parts[-1][0] < ce)
        listing = text[start:end]
        if expected > stated:
            relation, note = "breakdown_excess", ""
        elif _OTHER_PART.search(last_clause) or (m.group(0).strip("（(:： ").startswith("其中")
                                                  and len(parts) >= 3 and not _NON_EXHAUSTIVE.search(listing)):
            # the genre marks a listing that names only some parts (「…等」, 「主要用于…」); a 其中 listing
            # of several parts without that mark, or one ending with 其他, names them all
            relation, note = "complete_breakdown", ""
        else:
            relation, note = "partial_breakdown", " (the listing may be partial)"
        yield finding(KIND, f"breakdown of {stated:g}万元 lists {len(parts)} parts adding up to {expected:g}万元{note}",
                      [text_id(total.start(), total.end())] + [text_id(s, e) for s, e, _ in parts],
                      stated, expected, relation)


def _an_earlier_whole(text: str, before: int, expected: float, printed: list[str], tol: Tolerance) -> bool:
    """Whether an amount earlier in the sentence is what the parts add up to: the listing may
    break down that figure rather than the one right before it, and which one is not said."""
    start = max(text.rfind("。", 0, before), text.rfind("\n", 0, before)) + 1
    for m in _MONEY.finditer(text, start, before):
        if tol.printed_ok(_wan(m), expected, [m.group("num")] + printed):
            return True
    return False


def _projects_vs_budget(record: Record, tol: Tolerance) -> Iterator[Finding]:
    """Projects whose amounts exceed 项目支出. A shortfall is not flagged: a report may
    tabulate only its main projects."""
    pe = record.budget.get("project_expenditure")
    projects = record.projects
    if pe is None or len(projects) < 2:
        return
    sums = {}
    for field in ("executed", "budgeted"):
        values = [getattr(p, field) for p in projects]
        if all(v is not None for v in values):
            sums[field] = sum(values)
    if not sums or any(tol.money_ok(pe.value, s) or s < pe.value for s in sums.values()):
        return
    field, expected = next(iter(sums.items()))
    yield finding(KIND, f"{len(projects)} projects' {field} amounts add up to {expected:g}万元, more than 项目支出 {pe.value:g}万元",
                  ["budget.project_expenditure"] + [p.id for p in projects], pe.value, expected, "projects_vs_total")


def check(record: Record, tol: Tolerance) -> list[Finding]:
    out = []
    for t in record.tables:
        out.extend(_table_sums(t, tol))
    out.extend(_prose_breakdowns(record, tol))
    out.extend(_projects_vs_budget(record, tol))
    return out
