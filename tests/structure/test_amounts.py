"""The amount grammar of pipeline/structure/amounts.py: key–value cells read with the lexicon
(the same field names as prose), on small forms written for these tests."""
from __future__ import annotations

from pipeline.structure.amounts import read_cell_amounts
from pipeline.structure.lexicon import load_lexicon


def _cells(text: str, family: str = "budget") -> dict[str, float]:
    lex = load_lexicon()
    fields = {"budget": lex.budget, "assets": lex.assets}[family]
    [cells] = read_cell_amounts(text, [(0, len(text))], fields)
    return {k: v.value for k, v in cells.items()}


def test_a_key_value_form_gives_each_field_its_cell():
    form = ("上年结转金额（万元）\t12.30\t年初预算金额(万元)\t456.00\n"
            "预算调整金额 (万元)\t-7.50\t其他调整资金(万元)\t1.00\n"
            "预算执行金额 (万元)\t455,10\t年末结余金额(万元)\t6.70\n").replace("455,10", "1,455.10")
    assert _cells(form) == {"carryover": 12.3, "initial": 456.0, "adjustment": -7.5, "other_adjustment": 1.0,
                            "executed": 1455.1, "balance": 6.7}


def test_the_cells_unit_in_the_key_after_the_figure_or_above_the_table():
    assert _cells("年末结余金额(元)\t52,300.00\n") == {"balance": 5.23}
    assert _cells("基本支出总额\t1.2亿元\n") == {"basic_expenditure": 12000.0}
    text = "金额单位：元\n基本支出合计\t3,000,000.00\t项目支出合计\t500,000.00\n"
    lex = load_lexicon()
    [got] = read_cell_amounts(text, [(text.index("\n") + 1, len(text))], lex.budget)
    assert {k: v.value for k, v in got.items()} == {"basic_expenditure": 300.0, "project_expenditure": 50.0}
    assert got["basic_expenditure"].text == "基本支出合计\t3,000,000.00"


def test_what_a_key_value_cell_is_not():
    # a label followed by a row of figures is a table row: its columns are read by the header
    assert _cells("其中：财政拨款收入\t300.00\t320.00\t310.00\n") == {}
    # a rate, a count, another year's figure, a key that goes on after its field's words
    assert _cells("预算执行数\t98.5%\n") == {}
    assert _cells("项目支出\t12项\n") == {}
    assert _cells("上年度支出合计\t500.00\n") == {}
    assert _cells("基本支出预算调整情况说明\t20.00\n") == {}


def test_the_lexicon_decides_the_field_of_a_cell_as_of_prose():
    # the longest term wins where two end together (其他调整资金 is not the year's adjustment)
    assert _cells("其他调整资金\t3.00\n") == {"other_adjustment": 3.0}
    # 资产总额 ending a longer name (固定资产总额) is that name's figure, not the total
    assert _cells("固定资产总额\t30.00\t资产总额\t80.00\n", "assets") == {"fixed_net": 30.0, "total": 80.0}


def test_a_form_rendered_as_a_table_gives_its_cells_to_the_record():
    from pipeline.annotate import structure_text
    text = ("某县农业农村局2023年度部门整体支出绩效自评表\n\n"
            "填报单位\t某县农业农村局\t填报日期\t2024年2月1日\n"
            "上年结转金额(万元)\t8.00\t年初预算金额(万元)\t300.00\n"
            "预算调整金额(万元)\t20.00\t其他调整资金(万元)\t0.00\n"
            "预算执行金额(万元)\t320.50\t年末结余金额(万元)\t7.50\n")
    b = {k: v.value for k, v in structure_text(text).budget.items()}
    assert (b["carryover"], b["initial"], b["adjustment"], b["other_adjustment"], b["executed"], b["balance"]) == \
        (8.0, 300.0, 20.0, 0.0, 320.5, 7.5)


def test_rates_take_their_terms_from_the_lexicon():
    from pipeline.structure.prose_facts import find_rates
    assert find_rates("全年预算执行率为97.50%。")["execution_rate"].value == 97.5
    assert find_rates("资金执行率：88%")["execution_rate"].text == "资金执行率：88%"
    assert find_rates("执行率较高") == {}


def _prose(text: str, one_project: bool = False) -> dict[str, float]:
    from pipeline.structure.amounts import find_budget
    return {k: v.value for k, v in find_budget(text, [], one_project).items()}


def test_ascii_punctuation_separates_clauses_and_enumerations_as_full_width_does():
    ascii_text = "年初预算500.00万元,年中追加路灯更换,公厕改造等项目资金80.00万元.调整后全年预算580.00万元."
    full_width = "年初预算500.00万元，年中追加路灯更换，公厕改造等项目资金80.00万元。调整后全年预算580.00万元。"
    for text in (ascii_text, full_width):
        got = _prose(text)
        assert (got["initial"], got["adjustment"], got["budgeted"]) == (500.0, 80.0, 580.0), text
    # a comma inside a number is no clause break: the term before it still names the amount
    assert _prose("年中追加2,437名职工的体检补助资金12.00万元。")["adjustment"] == 12.0
    # an enumeration does not reach back past another amount
    from pipeline.structure.amounts import read_amounts
    amounts = read_amounts("追加资金30.00万元,办公设备,车辆维护等资金50.00万元。", [], load_lexicon().budget)
    assert [(a.field, a.value) for a in amounts] == [("adjustment", 30.0), (None, 50.0)]
    assert _prose("基本支出300.00万元,办公设备,车辆维护等资金50.00万元。") == {"basic_expenditure": 300.0}


def test_a_scope_qualifier_in_brackets_after_the_term():
    for text in ("部门收入预算(调整后)650.00万元,其中财政拨款收入600.00万元。",
                 "部门收入预算（调整后）650.00万元，其中财政拨款收入600.00万元。"):
        got = _prose(text)
        # the income side of the adjusted budget states the full-year budget too; 调整后 is no adjustment
        assert (got["income"], got["budgeted"], got["fiscal_appropriation_income"]) == (650.0, 650.0, 600.0)
        assert "adjustment" not in got
    # a plain income budget is not the full-year budget, and a stated budget wins
    assert "budgeted" not in _prose("2022年收入预算420.00万元。")
    assert _prose("全年预算数700.00万元。全年预算收入650.00万元。")["budgeted"] == 700.0
    assert _prose("全年预算收入650.00万元。")["budgeted"] == 650.0
    assert _prose("全年收入预算650.00万元。") == {"income": 650.0, "budgeted": 650.0}


def test_all_income_stated_as_fiscal_appropriation():
    for wording in ("全部为财政拨款收入", "均为财政拨款", "全部来源于财政拨款资金"):
        got = _prose(f"本年收入合计800.00万元，{wording}。")
        assert got["fiscal_appropriation_income"] == 800.0 == got["income"], wording
    # a stated figure wins; the statement must follow the income itself
    assert _prose("本年收入合计800.00万元，其中财政拨款收入700.00万元，全部为财政拨款收入。")[
        "fiscal_appropriation_income"] == 700.0
    assert "fiscal_appropriation_income" not in _prose("年初预算600.00万元，全部为财政拨款。")
    assert "fiscal_appropriation_income" not in _prose("本年收入800.00万元，基本支出500.00万元，全部为财政拨款。")


def test_funds_received_are_the_income_of_a_one_project_report_only():
    text = "项目资金已全部拨付到位，到位资金52.00万元，到位率100%。年末资金结余3.10万元。"
    assert _prose(text, one_project=True) == {"income": 52.0, "balance": 3.1}
    assert _prose(text) == {"balance": 3.1}


def test_a_prose_project_name_may_hold_a_bracketed_part():
    from pipeline.structure.amounts import find_prose_projects
    text = "主要用于2个项目：社区服务中心（站）运行项目预算60.00万元，支出58.00万元；道路养护项目预算40.00万元，支出40.00万元。"
    got = [(p.name, p.budgeted, p.executed) for p in find_prose_projects(text, [])]
    assert got == [("社区服务中心（站）运行项目", 60.0, 58.0), ("道路养护项目", 40.0, 40.0)]
    assert text[find_prose_projects(text, [])[0].start:].startswith("社区服务中心")


def test_an_asset_printed_without_its_net_qualifier_is_kept_as_printed_too():
    from pipeline.annotate import structure_text
    head = "某市档案馆2022年度部门整体支出绩效自评报告\n一、部门基本情况\n"
    bare = structure_text(head + "年末资产总额500.00万元，其中流动资产120.00万元，固定资产360.00万元，无形资产20.00万元。\n")
    a = {k: v.value for k, v in bare.assets.items()}
    # the bare name fills the bare field (as printed) and the contract's net field (its usual reading)
    assert (a["fixed"], a["fixed_net"], a["intangible"], a["intangible_net"]) == (360.0, 360.0, 20.0, 20.0)
    assert bare.assets["fixed"].text.startswith("固定资产360.00")
    net = structure_text(head + "年末资产总额500.00万元，其中固定资产净值360.00万元，无形资产净值20.00万元。\n")
    # printed with 净值 it is the net figure only: nobody printed a bare fixed-asset figure
    assert {"fixed_net", "intangible_net"} <= set(net.assets) and not {"fixed", "intangible"} & set(net.assets)


def test_one_scan_reads_each_field_set_as_alone():
    lex = load_lexicon()
    form = "年初预算金额(万元)\t456.00\t固定资产\t88.10\n资产总额\t120.00\t全年执行数\t400.00\n"
    budget, assets = read_cell_amounts(form, [(0, len(form))], lex.budget, lex.assets)
    assert budget == read_cell_amounts(form, [(0, len(form))], lex.budget)[0]
    assert assets == read_cell_amounts(form, [(0, len(form))], lex.assets)[0]
    assert {k: v.value for k, v in budget.items()} == {"initial": 456.0, "executed": 400.0}
    assert {k: v.value for k, v in assets.items()} == {"fixed_net": 88.1, "total": 120.0}


def test_cell_figure_pattern_matches_its_compact_form():
    # _CELL_FIGURE checks the character before the figure after consuming its first one (for
    # speed); the same matches as the check written first
    import random
    import re

    from pipeline.structure.amounts import _CELL_FIGURE
    from pipeline.structure.numbers import NUMBER
    compact = re.compile(rf"(?<![\d.,])(?P<num>{NUMBER})(?!\d|[.,]\d)\s*(?P<unit>亿元|万元|千元|元)?(?! ?[%％])(?![分人名个次项年月日])")
    pieces = list("0123456789.,-−－ \t\n%％分人元万亿a中") + ["12", "1,234", "5.6", "万元", "千元"]
    rnd = random.Random(7)
    matched = 0
    for _ in range(20000):
        t = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 14)))
        for start in (0, 1):
            want = [(m.span(), m.groupdict()) for m in compact.finditer(t, start)]
            assert [(m.span(), m.groupdict()) for m in _CELL_FIGURE.finditer(t, start)] == want, t
            matched += bool(want)
    assert matched > 1000


def test_terms_spelled_out_match_the_same_strings():
    from pipeline.structure.amounts import _literal_led
    assert _literal_led("(?:年中|全年)?调减(?:预算)?") == ["年中调减(?:预算)?", "全年调减(?:预算)?", "调减(?:预算)?"]
    assert _literal_led("(?:追加|调增)资金") == ["追加资金", "调增资金"]
    assert _literal_led("年初(?:部门)?预算") == ["年初(?:部门)?预算"]
    # not spelled out: a quantified or lazy group, a term's own alternation, a class first
    for term in ("(?:追加)*资金", "(?:追加)??资金", "追加|调增", "[追调]加"):
        assert _literal_led(term) is None


def test_the_all_terms_test_finds_a_term_exactly_where_the_fields_patterns_do():
    import random
    import re

    from pipeline.structure.amounts import _any_term
    lex = load_lexicon()
    for sets in ((lex.budget,), (lex.assets,), (lex.one_project_budget, lex.assets)):
        spelled = _any_term(*sets)
        configured = re.compile("|".join(f.pattern.pattern for fs in sets for f in fs))
        assert spelled.pattern != configured.pattern   # the lexicon's terms are spelled out
        pieces = [t for fs in sets for f in fs for t in re.findall(r"[\u4e00-\u9fff]+", f.pattern.pattern)]
        pieces += list("年中全执行调整预算资金支出收入补助 \t0")
        rnd = random.Random(3)
        hits = 0
        for _ in range(5000):
            s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 6)))
            cut = s[rnd.randint(0, len(s)):]   # terms cut at their start too
            for t in (s, cut):
                assert bool(spelled.search(t)) == bool(configured.search(t)), t
                hits += bool(configured.search(t))
        assert hits > 1000


def test_amounts_read_once_for_two_field_sets_are_each_sets_own():
    from pipeline.structure.amounts import read_amounts, read_amounts_of
    lex = load_lexicon()
    text = ("年初预算500.00万元，其中财政拨款480.00万元；年中追加办公设备,车辆维护等资金30.00万元。"
            "年末资产总额1,200.00万元，固定资产净值300.50万元，较上年减少12.00万元。")
    budget, assets = read_amounts_of(text, [], lex.budget, lex.assets)
    assert budget == read_amounts(text, [], lex.budget) and assets == read_amounts(text, [], lex.assets)
    assert [a.field for a in budget if a.field] == ["initial", "fiscal_appropriation_income", "adjustment"]
    assert [a.field for a in assets if a.field] == ["total", "fixed_net"]


def test_the_budget_funds_total_is_the_years_budget():
    # 「部门预算资金总额…」: the budget, not an income or a spend
    got = _prose("2023年部门预算资金总额3,680.25万元，实际支出3,512.40万元，预算执行率95.44%。")
    assert got["budgeted"] == 3680.25 and got["executed"] == 3512.4


def test_a_prose_projects_name_starts_after_its_item_opener_and_ends_before_the_budgets_qualifier():
    from pipeline.structure.amounts import find_prose_projects
    text = ("其中：培训经费年初预算50.00万元，实际支出48.00万元；二是宣传项目预算30.00万元、支出30.00万元；"
            "本单位全年预算1,250.00万元，实际支出1,180.00万元。")
    got = [(p.name, p.budgeted, p.executed) for p in find_prose_projects(text, [])]
    # 本单位 is the unit naming itself: its figures are the unit's, not a project's
    assert got == [("培训经费", 50.0, 48.0), ("宣传项目", 30.0, 30.0)]
    assert [text[p.start:p.start + 4] for p in find_prose_projects(text, [])] == ["培训经费", "宣传项目"]


def test_a_kind_of_budget_income_is_no_income_total():
    from pipeline.annotate import structure_text
    rec = structure_text("2023年度部门整体支出绩效自评报告\n收入总计820.00万元，其中：一般公共预算财政拨款收入700.00万元，"
                         "政府性基金预算收入100.00万元，其他收入20.00万元。\n")
    # 政府性基金预算收入 is one kind of income (and 收入总计 may hold the carry-over: not read as income)
    assert "income" not in rec.budget and rec.budget["fiscal_appropriation_income"].value == 700.0
    assert structure_text("2023年度部门整体支出绩效自评报告\n全年预算收入820.00万元。\n").budget["income"].value == 820.0


def test_final_accounts_income_is_the_income():
    from pipeline.annotate import structure_text
    rec = structure_text("2022年度部门整体支出绩效自评报告\n部门决算收入1,456.78万元，较上年增加123.45万元；决算支出1,432.10万元。\n")
    assert (rec.budget["income"].value, rec.budget["executed"].value) == (1456.78, 1432.1)


def test_the_line_above_a_budget_sentence_names_no_project():
    from pipeline.annotate import structure_text
    rec = structure_text("2023年度部门整体支出绩效自评报告\n二、预算执行情况\n全年预算数350.00万元，执行数330.00万元。\n")
    assert rec.projects == []
    assert (rec.budget["budgeted"].value, rec.budget["executed"].value) == (350.0, 330.0)


def test_the_figures_of_a_project_listed_in_prose_are_the_projects_not_the_units():
    from pipeline.structure.amounts import is_units_figure, read_amounts
    text = "全年预算350.00万元，实际支出330.00万元。培训经费年初预算50.00万元，实际支出48.00万元。"
    units = [(a.term, a.value) for a in read_amounts(text, [], load_lexicon().budget) if is_units_figure(a)]
    assert units == [("全年预算", 350.0), ("实际支出", 330.0)]


def test_a_one_project_reports_project_figures_are_its_own():
    from pipeline.annotate import structure_text
    body = "项目年初预算资金560.00万元，年中追加40.00万元，全年预算600.00万元，实际支出571.30万元，预算执行率95.22%。\n"
    one = structure_text("2023年度乡村道路养护项目支出绩效自评报告\n" + body)
    assert {k: one.budget[k].value for k in ("initial", "adjustment", "budgeted", "executed")} == {
        "initial": 560.0, "adjustment": 40.0, "budgeted": 600.0, "executed": 571.3}
    # in a department's report the same sentence is one project's, not the unit's budget
    dept = structure_text("2023年度交通运输局部门整体支出绩效自评报告\n" + body)
    assert "budgeted" not in dept.budget and "executed" not in dept.budget


def test_final_accounts_and_paid_out_spending_are_the_years_spend():
    for sentence in ("部门决算支出1,468.20万元。", "截至年底已支出1,468.20万元。", "全年实际支付1,468.20万元。"):
        assert _prose(sentence)["executed"] == 1468.2, sentence


def test_an_adjusted_budget_stated_after_a_plain_one_is_the_years_budget():
    got = _prose("本年度预算批复1,275.40万元，年中追加236.50万元，调整后预算1,511.90万元，实际支出1,468.20万元。")
    assert (got["budgeted"], got["initial"], got["adjustment"]) == (1511.9, 1275.4, 236.5)
