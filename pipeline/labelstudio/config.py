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

Tables keep their columns in the view: the text keeps its tabs and line breaks (``<Style>``
with ``white-space: pre-wrap``, the way Label Studio documents it), and beside the text a
read-only ``HyperText`` panel (``$tables_html``, made by ``pipeline.labelstudio.tasks``) shows
every table of the record as an HTML table, each row under the id its region carries, so
a table written one cell per line still reads as rows and columns.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.corpus.lsformat import SPAN_FROM_NAME, TEXT_TO_NAME
from pipeline.labels import LabelSet, load_labels

TABLE_FROM_NAME = "table"
TABLES_NAME = "tables"      # the HyperText panel; its data field is tables_html
TABLES_FIELD = "tables_html"
# .htx-text is the class Label Studio documents; 1.23 renders the text in .lsf-richtext__line
# spans with white-space: normal (tabs shown as single spaces), checked in the browser
STYLE = (".htx-text, .lsf-richtext__line { white-space: pre-wrap; tab-size: 6; } "
         ".jx-tables table { border-collapse: collapse; margin-bottom: 1em; font-size: 13px; } "
         ".jx-tables td, .jx-tables th { border: 1px solid #bbb; padding: 2px 6px; vertical-align: top; } "
         ".jx-tables th { background: #f3f3f3; font-weight: normal; color: #666; }")

# Structure region label → what it stands for in a Record. Relation targets in
# labels.yaml name these record entities (indicator, project, fund_use_row, budget).
INDICATOR_ROW = "INDICATOR_ROW"
PROJECT_ROW = "PROJECT_ROW"
FUND_ROW = "FUND_ROW"
BUDGET_FIELD = "BUDGET_FIELD"
FIGURE = "FIGURE"
TABLE_REGION_LABELS: dict[str, tuple[str, str]] = {
    # name: (colour, hint)
    INDICATOR_ROW: ("#7f8c8d", "Indicator table row (record.indicators): target of reports_on / explains"),
    PROJECT_ROW: ("#95a5a6", "Project table row (record.projects): target of funded_by"),
    FUND_ROW: ("#a3b1b2", "Fund-use table row: target of funded_by"),
    BUDGET_FIELD: ("#bdc3c7", "Budget figure (record.budget) or a table cell: target of states"),
    FIGURE: ("#d5dbdb", "A figure the narrative states (an amount that is no span): source of states"),
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
    ET.SubElement(view, "Style").text = STYLE
    # the text to label on the left, the record's tables as tables on the right
    columns = ET.SubElement(view, "View", style="display: flex; align-items: flex-start; gap: 1em")
    left = ET.SubElement(columns, "View", style="flex: 3; min-width: 0")
    # Symbol granularity: Chinese has no spaces, word snapping would be wrong.
    ET.SubElement(left, "Text", name=TEXT_TO_NAME, value=f"${TEXT_TO_NAME}", granularity="symbol")
    right = ET.SubElement(columns, "View", className="jx-tables",
                          style="flex: 2; min-width: 0; position: sticky; top: 0; max-height: 90vh; overflow: auto")
    ET.SubElement(right, "Header", value="Tables of the record (read only): their rows are the gray regions in the text", size="6")
    ET.SubElement(right, "HyperText", name=TABLES_NAME, value=f"${TABLES_FIELD}", inline="true")
    ET.indent(view, space="  ")
    return ET.tostring(view, encoding="unicode")
