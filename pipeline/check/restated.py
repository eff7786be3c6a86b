"""A budget figure the report states twice, differently (restated_mismatch).

A table row labelled with a field (表1 项目支出 row, 实际支出 column) and a sentence naming the
same field in the same scope (「项目支出251.73万元」: not last year's, not a budget-of, not a
breakdown) state one quantity. The lexicon (configs/facts.yaml) decides the field and scope of
the prose amount; amounts that differ beyond the rounding of their printed decimals disagree.
Only a table statement is compared with prose: two sentences may describe different moments, and
a sentence that names another year (「2022年全年支出…」) states that year's figure.
"""
from __future__ import annotations

from typing import Iterator

from pipeline.check.base import Tolerance, finding
from pipeline.lexicon import is_approximate, sentence_around
from pipeline.link.ends import text_id
from pipeline.record import Finding, Record
from pipeline.structure.amounts import in_ranges, is_units_figure, read_amounts
from pipeline.structure.prose_facts import YEAR_MENTION
from pipeline.structure.lexicon import load_lexicon

KIND = "restated_mismatch"


def _names_another_year(text: str, start: int, end: int, year: int | None) -> bool:
    """Whether the amount's sentence, up to the amount, names a year other than the report's."""
    if year is None:
        return False
    sentence = sentence_around(text, start, end)
    upto = sentence[:sentence.find(text[start:end])] if text[start:end] in sentence else sentence
    return any(int(y) != year for y in YEAR_MENTION.findall(upto))


def _table_ranges(record: Record) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in record.tables]


def check(record: Record, tol: Tolerance) -> list[Finding]:
    return list(_restated(record, tol))


def _restated(record: Record, tol: Tolerance) -> Iterator[Finding]:
    tables = _table_ranges(record)
    in_table = {f: sv for f, sv in record.budget.items() if in_ranges(sv.start, tables)}
    if not in_table:
        return
    for a in read_amounts(record.text, tables, load_lexicon().budget):
        if a.field not in in_table or not is_units_figure(a):
            continue
        if _names_another_year(record.text, a.start, a.end, record.meta.year):
            continue  # 「2022年全年支出…」 in a 2023 report: that year's figure, not this one's
        table_value = in_table[a.field]
        printed = record.text[a.start:a.end]
        if tol.printed_ok(a.value, table_value.value, [printed, table_value.text]):
            continue
        if (is_approximate(record.text, a.start, a.end)
                and abs(a.value - table_value.value) <= tol.approximate_share * abs(table_value.value)):
            continue   # 「实际支出约1,200万元」 beside the table's 1,198.76: a rounded restatement
        if any(tol.printed_ok(a.value, sv.value, [printed, sv.text]) for sv in in_table.values()):
            continue   # 「年度预算1,380万元」 is the table's 年初预算数: the term's field is the lexicon's guess
        yield finding(KIND, f"「{printed}」 states {a.field} as {a.value:g}万元; the table states {table_value.text} "
                            f"({table_value.value:g}万元)",
                      [text_id(a.start, a.end), f"budget.{a.field}"], a.value, table_value.value, "restated_figure")
