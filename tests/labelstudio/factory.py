"""Small records written for these tests (our own sentences, not taken from any report)."""
from __future__ import annotations

import hashlib

from pipeline.record import Cell, Indicator, Link, Meta, Record, Row, Source, Span, StatedValue, Table

# A made-up unit's report: one function, one workload, a problem with its cause and measure,
# an indicator table row and a stated budget figure. Includes a character outside the BMP (𠮷),
# a \r\n line break and tabs, which must survive every round trip with exact offsets.
TEXT = ("一、单位职能\r\n"
        "负责本区𠮷祥路沿线绿地的日常养护。\n"
        "二、年度工作\n"
        "全年组织园林技能培训12场次，发放宣传册800余册。\n"
        "年初预算数为35.5万元。\n"
        "三、指标完成\n"
        "培训场次\t≥10场次\t12场次\t10\n"
        "四、问题与改进\n"
        "部分养护合同验收不够及时。主要原因是验收人员临时抽调。下一步将建立验收台账并按月通报。\n")


def at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def span(sid: str, label: str, piece: str, score: float | None = 0.9, text: str = TEXT) -> Span:
    s, e = at(text, piece)
    return Span(id=sid, label=label, start=s, end=e, text=piece, score=score)


def make_record(model_version: str = "test-v1", text: str = TEXT, doc_seed: str = "doc-a",
                with_links: bool = True, drop: tuple[str, ...] = ()) -> Record:
    """The test report as a record; ``drop`` leaves out spans (and links touching them)."""
    spans = [
        span("s1", "FUNCTION", "负责本区𠮷祥路沿线绿地的日常养护", 0.95, text),
        span("s2", "WORKLOAD", "组织园林技能培训12场次", 0.8, text),
        span("s3", "WORKLOAD", "发放宣传册800余册", 0.6, text),
        span("s4", "PROBLEM", "部分养护合同验收不够及时", 0.7, text),
        span("s5", "CAUSE", "验收人员临时抽调", 0.5, text),
        span("s6", "MEASURE", "建立验收台账并按月通报", 0.85, text),
    ]
    row_start = text.index("培训场次\t")
    cells, pos = [], row_start
    for piece in ("培训场次", "≥10场次", "12场次", "10"):
        s = text.index(piece, pos)
        cells.append(Cell(text=piece, start=s, end=s + len(piece)))
        pos = s + len(piece)
    table = Table(id="t1", kind="indicators", start=row_start, end=pos, rows=[Row(id="t1.r1", cells=cells)])
    b0, b1 = at(text, "35.5万元")
    links = [
        Link(id="l1", **{"from": "s2"}, to="i1", relation="reports_on"),
        Link(id="l2", **{"from": "s4"}, to="s5", relation="caused_by"),
        Link(id="l3", **{"from": "s4"}, to="s6", relation="addressed_by"),
    ] if with_links else []
    spans = [s for s in spans if s.id not in drop]
    links = [k for k in links if k.from_ not in drop and k.to not in drop]
    return Record(
        doc_id=hashlib.sha256(doc_seed.encode()).hexdigest(),
        source=Source(path=f"{doc_seed}.txt", format="txt"),
        text=text,
        meta=Meta(unit="测试区园林所", year=2023, kind="部门整体", region="测试区"),
        tables=[table],
        budget={"initial": StatedValue(value=35.5, text="35.5万元", start=b0, end=b1)},
        indicators=[Indicator(id="i1", name="培训场次", row="t1.r1")],
        spans=spans, links=links, model_version=model_version,
    )


def fake_model_predict(text: str, version: str = "fake-v1") -> Record:
    """A stand-in for the pipeline that really works on its input: it cleans the text
    (\r\n → \n, as the real cleaner does) and marks known phrases, so offsets come back in
    cleaned coordinates with a source_map, exactly like pipeline.annotate.annotate_text."""
    from pipeline.clean import clean_text

    cleaned = clean_text(text)
    spans = []
    for i, (label, piece) in enumerate((("FUNCTION", "负责本区𠮷祥路沿线绿地的日常养护"),
                                        ("WORKLOAD", "组织园林技能培训12场次"),
                                        ("PROBLEM", "部分养护合同验收不够及时"))):
        if piece in cleaned.text:
            s = cleaned.text.index(piece)
            spans.append(Span(id=f"m{i}", label=label, start=s, end=s + len(piece), text=piece, score=0.5 + i / 10))
    return Record(doc_id=hashlib.sha256(text.encode()).hexdigest(), source=Source(path="<text>", format="txt"),
                  text=cleaned.text, source_map=cleaned.offsets.runs(), spans=spans, model_version=version)
