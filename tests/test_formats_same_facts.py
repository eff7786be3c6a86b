"""A report written as .txt, .docx and .pdf yields the same facts.

The document is ours; the .docx (python-docx) and the text-layer .pdf (reportlab with
the built-in STSong-Light CID font, which pdfminer maps back to Unicode) are built here.
"""
from __future__ import annotations

import io

import pytest

from pipeline.annotate import annotate_path

TITLE = "2022年度白沙县水利局部门整体支出绩效自评报告"
PARAGRAPHS = [
    "一、部门基本情况",
    "本局核定编制30人，年末在职人员28人，退休人员12人。",
    "二、预算执行情况",
    "2022年度总收入为960.00万元，总支出为948.50万元，其中基本支出620.00万元，项目支出328.50万元。",
    "三、绩效指标完成情况",
]
TABLE = [["二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"],
         ["数量", "水利工程巡查", "20", ">=50次", "56次", "20"],
         ["", "河道清淤", "20", ">=12公里", "10公里", "16"],
         ["质量", "工程验收合格率", "20", "100%", "100%", "20"]]
CLOSING = ["四、评价结论", "本部门整体支出绩效自评总得分为93.00分，评价等级为优秀。"]


def as_txt() -> str:
    rows = "\n".join("\t".join(r) for r in TABLE)
    return "\n".join([TITLE, *PARAGRAPHS, rows, *CLOSING]) + "\n"


def as_docx() -> bytes:
    import docx

    d = docx.Document()
    for line in [TITLE, *PARAGRAPHS]:
        d.add_paragraph(line)
    t = d.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for i, row in enumerate(TABLE):
        for j, value in enumerate(row):
            t.cell(i, j).text = value
    for line in CLOSING:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def as_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    # wide enough that no paragraph wraps: a wrapped line would be a different text
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=8, leading=12)
    table = Table(TABLE)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    story = [Paragraph(x, style) for x in [TITLE, *PARAGRAPHS]] + [table] + [Paragraph(x, style) for x in CLOSING]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=20, rightMargin=20).build(story)
    return buf.getvalue()


def facts(record) -> dict:
    return {
        "errors": [e.message for e in record.errors if e.stage in ("read", "clean", "structure")],
        "meta": (record.meta.unit, record.meta.year, record.meta.total_score, record.meta.grade),
        "staff": record.meta.staff.model_dump(exclude_none=True),
        "budget": {k: v.value for k, v in record.budget.items()},
        "indicators": [(i.level2, i.name, i.weight, i.target.text if i.target else None,
                        i.actual.text if i.actual else None, i.score) for i in record.indicators],
        "sections": [(s.level, s.kind, s.title) for s in record.sections],
    }


@pytest.fixture(scope="module")
def txt_facts(tmp_path_factory):
    p = tmp_path_factory.mktemp("fmt") / "report.txt"
    p.write_text(as_txt(), encoding="utf-8")
    f = facts(annotate_path(p))
    assert not f["errors"] and len(f["indicators"]) == 3 and f["budget"]["expenditure"] == 948.5
    return f


@pytest.mark.parametrize("suffix,build", [(".docx", as_docx), (".pdf", as_pdf)])
def test_same_facts_as_the_txt_form(suffix, build, txt_facts, tmp_path):
    p = tmp_path / f"report{suffix}"
    p.write_bytes(build())
    record = annotate_path(p)
    assert record.source.format == suffix[1:]
    assert facts(record) == txt_facts
