"""The Label Studio labeling config, generated from configs/labels.yaml.

Two label groups share one <Text>:

* ``label`` — the span labels (FUNCTION, WORKLOAD …) that annotators correct;
  taken from ``pipeline.labels.load_labels()`` with their colours and hotkeys,
  so adding a label to labels.yaml changes the interface with no edit here.
* ``table`` — structure regions (indicator rows, project rows, fund-use rows,
  budget fields). They are not span labels: ``push`` shows the rows the
  structure stage found as predicted regions, so that links such as
  ``reports_on`` (WORKLOAD → indicator row) are visible and correctable as
  ordinary Label Studio relations between two regions.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.corpus.lsformat import SPAN_FROM_NAME, TEXT_TO_NAME
from pipeline.labels import LabelSet, load_labels

TABLE_FROM_NAME = "table"

# Structure region label → what it stands for in a Record. Relation targets in
# labels.yaml name these record entities (indicator, project, fund_use_row, budget).
INDICATOR_ROW = "INDICATOR_ROW"
PROJECT_ROW = "PROJECT_ROW"
FUND_ROW = "FUND_ROW"
BUDGET_FIELD = "BUDGET_FIELD"
TABLE_REGION_LABELS: dict[str, tuple[str, str]] = {
    # name: (colour, hint)
    INDICATOR_ROW: ("#7f8c8d", "Indicator table row (record.indicators): target of reports_on / explains"),
    PROJECT_ROW: ("#95a5a6", "Project table row (record.projects): target of funded_by"),
    FUND_ROW: ("#a3b1b2", "Fund-use table row: target of funded_by"),
    BUDGET_FIELD: ("#bdc3c7", "Budget figure (record.budget): target of states"),
}


def labeling_config(labels: LabelSet | None = None) -> str:
    """The <View> XML for a project annotating records with this label set."""
    labels = labels or load_labels()
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="Spans: press a label (or its hotkey), then select text; "
                                        "relations: select a region, then the link icon")
    span_group = ET.SubElement(view, "Labels", name=SPAN_FROM_NAME, toName=TEXT_TO_NAME, showInline="true")
    for label in labels.labels:
        ET.SubElement(span_group, "Label", value=label.name, background=label.color,
                      hotkey=label.hotkey, hint=f"{label.zh}: {label.summary}")
    # No hotkeys for structure regions: they are predicted from tables and
    # rarely drawn by hand, and digits/letters belong to the span labels.
    table_group = ET.SubElement(view, "Labels", name=TABLE_FROM_NAME, toName=TEXT_TO_NAME, showInline="true")
    for name, (colour, hint) in TABLE_REGION_LABELS.items():
        ET.SubElement(table_group, "Label", value=name, background=colour, hint=hint)
    relations = ET.SubElement(view, "Relations")
    for rel in labels.relations:
        ET.SubElement(relations, "Relation", value=rel.name)
    # Symbol granularity: Chinese has no spaces, word snapping would be wrong.
    ET.SubElement(view, "Text", name=TEXT_TO_NAME, value=f"${TEXT_TO_NAME}", granularity="symbol")
    ET.indent(view, space="  ")
    return ET.tostring(view, encoding="unicode")
