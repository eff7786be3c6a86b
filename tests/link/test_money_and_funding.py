from pipeline.link import function_funding, money
from tests.link.recordbuilder import RecordBuilder, S


def _links(rec):
    return {(lk.to, lk.agree) for lk in money.predict(rec)}


def test_amount_states_the_budget_field_its_words_name():
    b = RecordBuilder()
    b.budget_row("年初预算", "initial", "300.00")
    b.budget_row("执行金额", "executed", "280.00")
    b.para("本年年初预算300.00万元，预算执行金额为281.00万元，另收到捐赠50.00万元。")
    assert _links(b.build()) == {("budget.initial", True), ("budget.executed", False)}


def test_ambiguous_keyword_links_only_when_it_agrees():
    b = RecordBuilder()
    b.budget_row("年初预算", "initial", "300.00")
    b.para("全年收入预算320.00万元。")  # 收入预算 may mean initial or income: no verdict
    assert _links(b.build()) == set()


def test_amount_states_a_fund_use_cell_in_a_spend_column():
    b = RecordBuilder()
    t = b.table("fund_use", [["重点任务", "预算数(万元)", "执行数(万元)"],
                             ["加强档案数字化建设", "40.00", "36.50"],
                             ["开展普法宣传", "20.00", "18.00"],
                             ["金额合计", "60.00", "54.50"]])
    b.para("项目支出主要用于档案数字化经费36.50万元，普法宣传经费18.00万元。全年总支出为54.50万元。")
    got = _links(b.build())
    assert got == {(f"{t.rows[1].id}#c2", True), (f"{t.rows[2].id}#c2", True), (f"{t.rows[3].id}#c2", True)}


def test_total_amount_disagreeing_with_the_total_row():
    b = RecordBuilder()
    t = b.table("budget", [["项目", "预算数(万元)", "执行数(万元)", "执行率"],
                           ["部门整体支出", "100.00", "90.00", "90.00%"]])
    b.para("全年实际支出92.00万元。")
    assert _links(b.build()) == {(f"{t.rows[1].id}#c2", False)}


def test_function_funded_by_rows_sharing_a_duty():
    b = RecordBuilder()
    b.section("functions", "一、主要职能")
    b.para("1、", S("FUNCTION", "负责全市档案的收集、整理和保管", "f1"), "。")
    b.para("2、", S("FUNCTION", "组织开展档案执法检查和业务监督", "f2"), "。")
    b.para("3、", S("FUNCTION", "承担市人民代表大会交办的其他事项", "f3"), "。")
    t = b.table("fund_use", [["重点任务", "预算数"], ["档案监督检查经费", "12.00"], ["代表履职服务经费", "8.00"]])
    got = {(lk.from_, lk.to) for lk in function_funding.predict(b.build())}
    # f3 names 人民代表大会 (an institution), not the duty 代表
    assert got == {(b.id("f2"), t.rows[1].id)}


def test_title_only_function_reads_its_explanation():
    b = RecordBuilder()
    b.section("functions", "一、主要职能")
    b.para(S("FUNCTION", "服务保障", "f1"))
    b.para("负责机关日常运转、公务接待和后勤保障。")
    b.para(S("FUNCTION", "宣传教育", "f2"))
    b.para("负责普法宣传和教育培训。")
    t = b.table("projects", [["项目名称", "预算数"], ["公务接待费", "5.00"]])
    got = {(lk.from_, lk.to) for lk in function_funding.predict(b.build())}
    assert got == {(b.id("f1"), t.rows[1].id)}


def test_a_rounded_or_approximate_amount_is_no_disagreement_and_another_year_s_is_not_this_year_s():
    def links(sentence):
        b = RecordBuilder()
        b.budget_row("年初预算", "initial", "300.00")
        b.budget_row("执行金额", "executed", "281.46")
        b.para(sentence)
        rec = b.build()
        rec.meta.year = 2023
        return _links(rec)
    assert links("预算执行金额为281.5万元。") == {("budget.executed", True)}    # its one printed decimal
    assert links("预算执行金额约280万元。") == {("budget.executed", True)}      # approximate, within a tenth
    assert links("预算执行金额约200万元。") == {("budget.executed", None)}      # approximate: not compared
    assert links("预算执行金额为280.00万元。") == {("budget.executed", False)}  # printed to the cent: judged
    assert links("与2022年相比，预算执行金额260.00万元。") == set()
    assert links("预算执行金额比上年的260.00万元有所增加。") == set()
    b = RecordBuilder()   # 上年度结转: this year's carryover
    b.budget_row("上年结转", "carryover", "50.00")
    b.para("上年度结转资金50.00万元。")
    assert _links(b.build()) == {("budget.carryover", True)}
