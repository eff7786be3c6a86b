"""Records written for the search tests (invented units and sentences), and an index of them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.record import Record

# (doc_id, unit, region, year, kind, [(label, sentence)], findings)
DOCS = [
    ("doc-a", "北塘县教育局", "北塘县", 2021, "部门整体支出绩效自评报告",
     [("WORKLOAD", "组织教师业务培训30期"), ("PROBLEM", "预算编制不够精准"), ("MEASURE", "加强预算编制管理")], 0),
    ("doc-b", "南坪市公安局", "南坪市", 2022, "部门整体支出绩效自评报告",
     [("WORKLOAD", "开展禁毒宣传活动45场"), ("PROBLEM", "禁毒宣传覆盖面不足"), ("CAUSE", "专职人员较少")], 2),
    ("doc-c", "西岭镇人民政府", "西岭镇", 2022, "项目支出绩效自评表",
     [("WORKLOAD", "完成高标准农田建设800亩"), ("WORKLOAD", "实施危桥改造3座"), ("PROBLEM", "项目资金支付进度偏慢")], 1),
    ("doc-d", "北塘县卫生健康局", "北塘县", 2023, "部门整体支出绩效评价报告",
     [("FUNCTION", "负责全县疾病预防控制工作"), ("WORKLOAD", "培训基层医务人员500人次"), ("PROBLEM", "预算执行进度偏慢")], 0),
]


def make_record(doc_id, unit, region, year, kind, sentences, n_findings=0) -> dict:
    title = f"{unit}{year}年度{kind}"
    text = title + "\n一、工作完成情况\n"
    sec_start = len(title) + 1
    spans = []
    for k, (label, sentence) in enumerate(sentences, 1):
        spans.append({"id": f"m{k}", "label": label, "start": len(text), "end": len(text) + len(sentence),
                      "text": sentence, "score": 0.9, "source": "model", "section": "s1"})
        text += sentence + "。"
    record = Record.model_validate({
        "doc_id": doc_id, "source": {"path": f"reports/{doc_id}.txt", "format": "txt"}, "text": text,
        "meta": {"unit": unit, "region": region, "year": year, "kind": kind, "total_score": 90.0, "grade": "优"},
        "sections": [{"id": "s1", "title": "工作完成情况", "level": 1, "kind": "evaluation",
                      "start": sec_start, "end": len(text)}],
        "indicators": [{"id": "i1", "name": "培训完成率"}],
        "spans": spans,
        "links": [{"from": "m1", "to": "i1", "relation": "reports_on", "id": "link-1"}],
        "findings": [{"id": f"f{i}", "kind": "sum", "message": "合计不符"} for i in range(n_findings)],
    })
    return record.to_json_dict()


@pytest.fixture
def records() -> list[dict]:
    return [make_record(*d) for d in DOCS]


@pytest.fixture
def records_file(tmp_path, records) -> Path:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def index(tmp_path, records_file):
    from pipeline.search.index import SearchIndex

    ix = SearchIndex.open_or_create(tmp_path / "ix")
    report = ix.add_paths([records_file])
    assert report.errors == [] and report.records == len(DOCS)
    return ix


@pytest.fixture
def build_index(tmp_path):
    """build_index(docs, analyzer=None): an index of records made from DOCS-like tuples."""
    from pipeline.search.index import SearchIndex

    def build(docs, analyzer=None):
        folder = tmp_path / f"ix-{len(list(tmp_path.iterdir()))}"
        ix = SearchIndex.open_or_create(folder, analyzer)
        report = ix.add([(d[0], make_record(*d)) for d in docs])
        assert report.errors == [] and report.records == len(docs)
        return ix
    return build
