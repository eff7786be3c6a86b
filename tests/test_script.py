"""Traditional characters are read through a simplified twin and given back in their own script."""
from hypothesis import given, strategies as st

from pipeline.annotate import structure_text, run_components, Components
from pipeline.script import back_map, to_simplified

TRADITIONAL = ("青嶺縣圖書館\n2021年度部門整體支出績效自評報告\n\n"
               "一、部門基本情況\n年末在職人員12人，退休人員3人。\n"
               "二、預算執行情況\n年初預算120.50萬元，全年支出118.20萬元，預算執行率98.09%。\n")


def test_twin_has_the_same_length_and_simplified_words():
    twin = to_simplified(TRADITIONAL)
    assert twin is not None and len(twin) == len(TRADITIONAL)
    assert "绩效自评报告" in twin and "预算执行率" in twin


def test_simplified_text_has_no_twin():
    assert to_simplified("青岭县图书馆2021年度部门整体支出绩效自评报告") is None


def test_ambiguous_character_is_not_mapped_back():
    # the document prints 发 itself somewhere: 发 must not be turned into 發 in derived strings
    original = "發放補貼，发放物资"
    assert "发" not in back_map(to_simplified(original), original)


def test_traditional_report_is_annotated_in_its_own_script():
    record = run_components(structure_text(TRADITIONAL), Components())
    assert not [e for e in record.errors if "not a budget" in e.message]
    assert record.text.startswith("青嶺縣圖書館")
    assert record.meta.year == 2021
    assert record.meta.unit == "青嶺縣圖書館"
    assert record.meta.staff.in_service == 12
    initial = record.budget["initial"]
    assert initial.value == 120.5 and record.text[initial.start:initial.end] == initial.text
    assert "萬元" in initial.text


def test_table_cells_and_indicators_are_given_back_in_their_own_script():
    text = ("青嶺縣圖書館2021年度部門整體支出績效自評報告\n\n"
            "一級指標\t二級指標\t三級指標\t指標值\t實際完成值\t分值\t得分\n"
            "產出指標\t數量指標\t圖書購置數量\t≥500冊\t520冊\t10\t10\n")
    record = structure_text(text)
    cells = [c for t in record.tables for r in t.rows for c in r.cells]
    assert cells and all(c.text == record.text[c.start:c.end] for c in cells)
    assert "圖書購置數量" in [c.text for c in cells]
    [ind] = record.indicators
    assert ind.name == "圖書購置數量" and ind.level1 == "產出指標"
    assert ind.target.text == "≥500冊" and ind.actual.unit == "冊"


def _back_map_by_zip(simplified, original):
    pairs = {}
    for s, o in zip(simplified, original):
        if s != o:
            pairs.setdefault(s, o)
    printed = set(original)
    return {s: o for s, o in pairs.items() if s not in printed}


@given(st.text(alphabet="发發髮后後a\U00020000\ud800", max_size=20), st.text(alphabet="发發髮后後a\U00020000\ud800", max_size=20))
def test_back_map_pairs_each_changed_character_with_its_first_original(simplified, original):
    assert back_map(simplified, original) == _back_map_by_zip(simplified, original)


def test_twin_of_a_twin_is_none_and_mixed_text_keeps_its_simplified_characters():
    twin = to_simplified("發放補貼，发放物资")
    assert twin == "发放补贴，发放物资"
    assert to_simplified(twin) is None


def _to_simplified_by_table(text):
    from pipeline.script import _is_cjk, _simplified_char
    table = {ch: _simplified_char(ch) for ch in set(text) if _is_cjk(ch)}
    table = {k: v for k, v in table.items() if k != v}
    return text.translate(str.maketrans(table)) if table else None


@given(st.text(alphabet="發发補补貼贴報告績效a1 \n\U00020000\ud800\uf900\u3400龜", max_size=30))
def test_twin_maps_each_character_as_the_character_table_does(text):
    assert to_simplified(text) == _to_simplified_by_table(text)


def test_only_fields_that_can_hold_text_are_restored():
    from typing import Literal, Optional

    from pipeline.record import Cell, Indicator
    from pipeline.script import _fields_to_restore, _may_hold_text
    assert not _may_hold_text(int) and not _may_hold_text(Optional[float]) and not _may_hold_text(bool | None)
    assert _may_hold_text(str) and _may_hold_text(Optional[str]) and _may_hold_text(list[int]) and _may_hold_text(Literal["a"])
    assert _fields_to_restore(Cell(text="甲", start=0, end=1)) == ("text",)
    assert "weight" not in _fields_to_restore(Indicator(id="i1", name="甲"))


def test_a_long_text_is_converted_piece_by_piece_as_a_whole():
    import pipeline.script as script
    text = "發放補貼。" * 7 + "发放物资"
    whole = to_simplified(text)
    chunk = script._CHUNK
    try:
        script._CHUNK = 4
        assert to_simplified(text) == whole == _to_simplified_by_table(text)
        assert to_simplified("发放物资" * 3) is None
    finally:
        script._CHUNK = chunk


def test_a_text_at_offsets_is_cut_from_the_original_even_where_the_table_is_ambiguous():
    # the report prints 制 itself (制定) and 製 (製度): the character table leaves 制 out, but a
    # cell's text lies at its offsets, so it comes back exactly as the document wrote it
    text = ("青嶺縣圖書館2021年度部門整體支出績效自評報告\n\n"
            "一級指標\t二級指標\t三級指標\t指標值\t實際完成值\t分值\t得分\n"
            "產出指標\t數量指標\t修訂管理製度數量\t≥5項\t6項\t10\t10\n"
            "產出指標\t數量指標\t制定工作方案數量\t≥2項\t2項\t10\t10\n")
    record = structure_text(text)
    cells = [c for t in record.tables for r in t.rows for c in r.cells]
    assert "修訂管理製度數量" in [c.text for c in cells]
    assert all(c.text == record.text[c.start:c.end] for c in cells)


# full-width digits and letters: the stages read them narrowed (the twin), the record keeps them
FULL_WIDTH = ("青岭县图书馆２０２１年度部门整体支出绩效自评报告\n\n"
              "一、部门基本情况\n年末在职人员１２人，退休人员3人。\n"
              "二、预算执行情况\n年初预算１２０．５０万元，全年支出118.20万元，预算执行率９８．０９％。\n"
              "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\n"
              "产出指标\t数量指标\t图书购置数量\t≥５００册\t５２０册\t10\t10\n")


def test_a_report_in_full_width_digits_keeps_them_in_its_record():
    narrow_text = FULL_WIDTH.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
    record = run_components(structure_text(FULL_WIDTH), Components())
    plain = run_components(structure_text(narrow_text), Components())
    assert record.text == FULL_WIDTH and plain.text == narrow_text
    # every fact read as from the narrow text, each text at its offsets as the report printed it
    assert record.meta.year == plain.meta.year == 2021 and record.meta.staff.in_service == 12
    for field in ("initial", "execution_rate"):
        got, want = record.budget[field], plain.budget[field]
        assert (got.value, got.start, got.end) == (want.value, want.start, want.end)
        assert got.text == record.text[got.start:got.end]
    assert record.budget["initial"].text.endswith("１２０．５０万元")
    [ind], [want] = record.indicators, plain.indicators
    assert (ind.target.value, ind.actual.value, ind.score) == (want.target.value, want.actual.value, want.score) == (500, 520, 10)
    # a text not at offsets (a target's) stays narrow: mapped back character by character, a
    # digit or letter would reach ids and names; the cells, at offsets, are exact
    assert ind.target.text == "≥500册"
    cells = [c for t in record.tables for r in t.rows for c in r.cells]
    assert "≥５００册" in [c.text for c in cells] and all(c.text == record.text[c.start:c.end] for c in cells)


def test_printed_widths_puts_back_what_the_cleaner_narrowed_and_keeps_its_corrections():
    from pipeline.clean import clean_text, narrow, printed_widths
    source = "执行率９８．５％，完成２Ｏ２４年任务ＡＢＣ类（一）"
    cleaned = clean_text(source)
    assert cleaned.text == "执行率98.5%，完成2024年任务ABC类（一）"
    # the letter O read as a zero stays a zero; the rest as printed, at the same offsets
    assert printed_widths(cleaned, source) == "执行率９８．５％，完成２0２４年任务ＡＢＣ类（一）"
    assert narrow(printed_widths(cleaned, source)) == cleaned.text
    assert printed_widths(clean_text("执行率98.5%（一）"), "执行率98.5%（一）") is None


def test_ids_and_names_stay_narrow_in_a_report_that_prints_only_full_width_digits():
    """Every digit of this report is full-width: the ids (i1, t1.r2), link ends and kinds the code
    writes must not be mapped to full-width forms."""
    text = ("青岭县图书馆２０２１年度部门整体支出绩效自评报告\n\n"
            "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\n"
            "产出指标\t数量指标\t图书购置数量\t≥５００册\t５２０册\t１０\t１０\n"
            "全年预算１２０．５０万元。\n")
    record = run_components(structure_text(text), Components())
    assert record.text == text
    [ind] = record.indicators
    assert ind.id == "i1" and ind.row.isascii() and ind.score == 10
    assert all(t.id.isascii() and t.kind.isascii() for t in record.tables)
    assert all(r.id.isascii() for t in record.tables for r in t.rows)
    assert record.budget["budgeted"].text.endswith("１２０．５０万元")


def test_a_table_without_a_changed_character_is_left_as_it_is_and_one_with_it_restored():
    # a simplified report with one traditional character (in the second table): restoration
    # skips the first table and gives the second its character back
    text = ("青岭县图书馆2021年度部门整体支出绩效自评报告\n\n"
            "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\n"
            "产出指标\t数量指标\t图书购置数量\t≥500册\t520册\t10\t10\n\n"
            "预算执行情况说明\n\n"
            "项目名称\t全年预算数\t全年执行数\t执行率\n"
            "圖書購置经费\t50.00\t48.00\t96.00%\n")
    record = structure_text(text)
    assert record.text == text
    cells = [c for t in record.tables for r in t.rows for c in r.cells]
    assert len(record.tables) >= 2 and all(c.text == text[c.start:c.end] for c in cells)
    assert "圖書購置经费" in [c.text for c in cells] and "图书购置数量" in [c.text for c in cells]


def test_the_twin_of_a_records_text_is_the_text_its_stages_read():
    """pipeline.script.reading_twin (what eval-rules and other readers of a finished record give the
    tagger) agrees with the twin structure_text gave the stages: widths, traditional characters and
    an item's full-width numbering dot (「1．」, kept) alike."""
    from pipeline.script import reading_twin
    text = FULL_WIDTH + "三、存在問題\n1．预算编制不够精准，完成率９６．５％。\n"
    stages_read = structure_text(text, keep_twin=True).text
    record = structure_text(text)
    assert record.text == text and stages_read != text
    assert reading_twin(record.text) == stages_read
    assert "1．预算" in stages_read and "96.5%" in stages_read and "存在问题" in stages_read
    assert reading_twin(stages_read) is None


def test_a_full_width_report_is_restored_as_the_whole_walk_restores_it():
    """With no character to map back (the twin only narrowed full-width digits), restoration visits
    only the fields that can hold a text cut at offsets: the record comes out as a walk of every
    field gives it, spans and findings included."""
    import copy
    from pipeline.annotate import restore_twin
    from pipeline.record import Finding, FindingSide, Span
    from pipeline.script import _FIELDS_TO_RESTORE, _Restoring, _back_map_and_changes, _fields_to_restore, _restore
    text = ("青岭县图书馆２０２１年度部门整体支出绩效自评报告\n\n"
            "一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\n"
            "产出指标\t数量指标\t图书购置数量\t≥５００册\t５２０册\t１０\t１０\n"
            "年初预算１２０．５０万元，全年支出１１８．２０万元。\n目标：１．完成购置。\n")
    record = structure_text(text, keep_twin=True)
    at = record.text.index("118")
    record.spans.append(Span(id="m1", label="WORKLOAD", start=at, end=at + 6, text=record.text[at:at + 6],
                             attrs={"unit": "万元"}))
    record.findings.append(Finding(id="f1", kind="sum", message="１", refs=["m1"],
                                   sides=[FindingSide(role="stated", ref="m1", text=record.text[at:at + 6],
                                                      start=at, end=at + 6)]))
    whole = copy.deepcopy(record)
    original = record._original_text
    restore_twin(record)
    pairs, changed = _back_map_and_changes(whole.text, original)
    assert pairs and all("\uff01" <= w <= "\uff5e" for w in pairs.values())   # full-width forms only
    ctx = _Restoring(str.maketrans({}), whole.text, original, changed)
    ctx.fields, ctx.fields_of = _FIELDS_TO_RESTORE, _fields_to_restore   # every field, as before
    whole.text = original
    _restore(whole, ctx)
    assert record.model_dump() == whole.model_dump()
    assert record.spans[0].text == "１１８．２０" and record.findings[0].sides[0].text == "１１８．２０"
