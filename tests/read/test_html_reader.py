"""The .html reader: declared/detected encoding, visible text as lines, tables as TableBlocks."""
from __future__ import annotations

import pytest

from pipeline.read import ReadError, read_bytes

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>页面标题</title>
<style>p {{ color: red; }}</style><script>var budget = "不应出现";</script></head>
<body>
<h1>青禾县图书馆2023年度绩效自评报告</h1>
<!-- 注释也不应出现 -->
<p>一、部门基本情况</p>
<p>全年开展阅读推广活动
   36场，<b>服务读者</b>约4.2万人次。</p>
<div>第一行<br>第二行</div>
<table>
  <thead><tr><th>指标</th><th>目标</th><th>完成</th></tr></thead>
  <tbody>
  <tr><td colspan="2">经费合计（万元）</td><td>286.40</td></tr>
  <tr><td><p>阅读推广</p><p>含流动书车</p></td><td>≥30场</td><td>36场</td></tr>
  </tbody>
</table>
<ul><li>二、存在的问题</li><li>采购资金到位偏晚。</li></ul>
</body></html>
"""

EXPECTED_TEXT = (
    "青禾县图书馆2023年度绩效自评报告\n"
    "一、部门基本情况\n"
    "全年开展阅读推广活动 36场，服务读者约4.2万人次。\n"
    "第一行\n"
    "第二行\n"
    "\n"
    "指标\t目标\t完成\n"
    "经费合计（万元）\t\t286.40\n"
    "阅读推广\n含流动书车\t≥30场\t36场\n"
    "\n"
    "二、存在的问题\n"
    "采购资金到位偏晚。\n"
)


@pytest.mark.parametrize("charset, codec, encoding", [
    ("utf-8", "utf-8", "utf-8"),
    ("gb2312", "gbk", "gb18030"),
    ("GBK", "gbk", "gb18030"),
])
def test_page_renders_to_lines_and_a_table(charset, codec, encoding, cells, well_formed):
    raw = PAGE.format(charset=charset).encode(codec)
    result = read_bytes(raw, ".html")
    well_formed(result)
    assert result.text == EXPECTED_TEXT
    assert (result.format, result.encoding, result.warnings) == ("html", encoding, [])
    assert cells(result) == [["指标", "目标", "完成"],
                             ["经费合计（万元）", "", "286.40"],
                             ["阅读推广\n含流动书车", "≥30场", "36场"]]


def test_wrong_declared_charset_falls_back_to_detection():
    raw = PAGE.format(charset="utf-8").encode("gbk")      # a page that lies about its charset
    result = read_bytes(raw, ".htm")
    assert result.text == EXPECTED_TEXT and result.encoding == "gb18030"
    assert any("declares charset utf-8" in warning for warning in result.warnings)


def test_undeclared_charset_is_detected():
    raw = PAGE.replace('<meta charset="{charset}">', "").format().encode("gb18030")
    assert read_bytes(raw, ".html").text == EXPECTED_TEXT


def test_layout_table_is_read_as_flow_and_nested_data_table_stays_a_table(cells):
    page = ("<table><tr><td><p>报告正文第一段</p>"
            "<table><tr><td>项目</td><td>得分</td></tr><tr><td>产出</td><td>28</td></tr></table>"
            "<p>报告正文第二段</p></td></tr></table>")
    result = read_bytes(page.encode("utf-8"), ".html")
    assert result.text == "报告正文第一段\n\n项目\t得分\n产出\t28\n\n报告正文第二段\n"
    assert cells(result) == [["项目", "得分"], ["产出", "28"]]


def test_pre_keeps_its_lines():
    result = read_bytes("<pre>第一行\n  第二行</pre>".encode("utf-8"), ".html")
    assert result.text == "第一行\n  第二行\n"


def test_page_without_visible_text_is_refused():
    with pytest.raises(ReadError) as caught:
        read_bytes(b"<html><head><script>var a = 1;</script></head><body> </body></html>", ".html")
    assert caught.value.message.startswith("empty file")


def test_unknown_declared_charset_falls_back_to_detection():
    raw = '<meta charset="x-no-such-charset"><p>预算执行率98%</p>'.encode("utf-8")
    result = read_bytes(raw, ".html")
    assert result.text == "预算执行率98%\n" and result.encoding == "utf-8"
    assert any("x-no-such-charset" in warning for warning in result.warnings)


def test_merged_cells_keep_every_value_under_its_header(cells):
    """rowspan/colspan expand onto the table's grid: the rows below a merged group label are not
    shifted left, so each value stays in its header's column."""
    page = ("<table><tr><td>一级</td><td>二级</td><td>指标</td><td>分值</td></tr>"
            "<tr><td rowspan=\"2\">产出</td><td rowspan=\"2\">数量</td><td>培训人次</td><td>10</td></tr>"
            "<tr><td>发放手册</td><td>5</td></tr>"
            "<tr><td colspan=\"3\">合计</td><td>15</td></tr></table>")
    result = read_bytes(page.encode("utf-8"), ".html")
    assert cells(result) == [["一级", "二级", "指标", "分值"],
                             ["产出", "数量", "培训人次", "10"],
                             ["", "", "发放手册", "5"],
                             ["合计", "", "", "15"]]


def test_html_page_saved_as_txt_is_read_as_html(cells):
    page = "<html><body><p>绩效自评</p><table><tr><td>指标</td><td>分值</td></tr><tr><td>培训</td><td>10</td></tr></table></body></html>"
    result = read_bytes(page.encode("utf-8"), ".txt")
    assert result.format == "html"
    assert cells(result) == [["指标", "分值"], ["培训", "10"]]
    assert any("HTML page" in w for w in result.warnings)


@pytest.mark.parametrize("depth", [1_000, 50_000])
def test_deeply_nested_page_is_read_without_recursion(depth):
    page = ("<html><body><p>绩效自评</p>" + "<div><span>" * depth + "最深处的文字"
            + "</span></div>" * depth + "<p>结尾</p></body></html>")
    result = read_bytes(page.encode("utf-8"), ".html")
    assert result.text.split() == ["绩效自评", "最深处的文字", "结尾"]


def test_deeply_nested_tables_are_read_with_a_warning(cells):
    depth = 500
    layout = "<p>甲</p>" + "<table><tr><td>" * depth + "核心" + "</td></tr></table>" * depth
    assert read_bytes(layout.encode("utf-8"), ".html").text.split() == ["甲", "核心"]
    data = "<p>甲</p>" + "<table><tr><th>左</th><td>" * depth + "核心" + "</td></tr></table>" * depth
    result = read_bytes(data.encode("utf-8"), ".html")
    assert "核心" in result.text and len(result.tables) == 1
    assert any("nested deeper" in warning for warning in result.warnings)
