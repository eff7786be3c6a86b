"""Review that works on tables: every link is drawn between visible regions, tables keep
their columns in the labeling view, long documents are refused with a clear message, and
pulled corrections go to an untracked folder unless the user names one."""
from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

from pipeline import PROJECT_ROOT
from pipeline.labelstudio.config import FIGURE, TABLES_FIELD, TABLES_NAME, labeling_config
from pipeline.labelstudio.push import prepare
from pipeline.labelstudio.tasks import record_to_prediction, task_data
from pipeline.record import Link

from .factory import TEXT, at, make_record


def record_with_every_kind_of_link():
    """The factory record plus a narrative figure that states a budget field and a table cell."""
    record = make_record()
    s, e = at(TEXT, "35.5万元")
    record.links += [Link(id="l4", **{"from": f"text:{s}-{e}"}, to="budget.initial", relation="states"),
                     Link(id="l5", **{"from": f"text:{s}-{e}"}, to="t1.r1#c3", relation="states"),
                     Link(id="l6", **{"from": "s2"}, to="t1.r1", relation="reports_on")]
    return record


def test_every_link_is_a_relation_between_regions_the_annotator_sees():
    record = record_with_every_kind_of_link()
    converted = record_to_prediction(record)
    regions = {r["id"]: r for r in converted.result if r["type"] == "labels"}
    relations = [r for r in converted.result if r["type"] == "relation"]
    assert converted.unlinked == [] and len(relations) == len(record.links)
    for relation in relations:
        assert relation["from_id"] in regions and relation["to_id"] in regions
    figure = next(r for r in regions.values() if r["value"]["labels"] == [FIGURE])
    assert figure["value"]["text"] == "35.5万元"
    cell = regions[next(r["to_id"] for r in relations if r["from_id"] == figure["id"]
                        and regions[r["to_id"]]["value"]["text"] == "10")]
    assert cell["value"]["start"] == TEXT.index("\t10\n") + 1


def test_tables_keep_their_columns_in_the_labeling_view():
    from pipeline.annotate import structure_text

    # a table written one cell per line (Word's text export): rows and columns in the panel
    rows = [["指标", "目标值", "实际值"], ["巡查次数", ">=40次", "46次"], ["群众满意度", ">=90%", "94%"]]
    text = ("某县城管局2023年度部门整体支出绩效自评报告\n一、绩效指标\n"
            + "\n\n".join("\n".join("\t" + c for c in row) for row in rows) + "\n\n二、结论\n自评得分95分。\n")
    record = structure_text(text)
    assert record.tables and record.tables[0].layout == "cell_lines"
    html = task_data(record)[TABLES_FIELD]
    root = ET.fromstring(f"<div>{html}</div>")
    got = [[td.text for td in tr.findall("td")] for tr in root.iter("tr")]
    assert got == rows
    config = ET.fromstring(labeling_config())
    panel = next(config.iter("HyperText"))
    assert (panel.get("name"), panel.get("value")) == (TABLES_NAME, f"${TABLES_FIELD}")
    assert "white-space: pre-wrap" in next(config.iter("Style")).text   # tabs and breaks kept in the text


def test_a_document_over_the_limit_is_refused_with_a_clear_message():
    record = make_record()
    prepared = prepare([record], max_chars=len(record.text) - 1)
    assert prepared.items == [] and "limit" in prepared.skipped[0][1] and "--max-chars" in prepared.skipped[0][1]
    assert len(prepare([record], max_chars=len(record.text)).items) == 1


def test_pull_writes_to_an_untracked_folder_by_default():
    from pipeline.labelstudio.cli import PULL_DEFAULT

    probe = PULL_DEFAULT / "corrections.json"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=PROJECT_ROOT)
    assert ignored.returncode == 0, f"{probe} is not ignored by git"
