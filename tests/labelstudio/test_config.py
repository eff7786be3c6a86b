import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from pipeline.corpus.lsformat import SPAN_FROM_NAME, TEXT_TO_NAME
from pipeline.labels import load_labels
from pipeline.labelstudio.config import TABLE_FROM_NAME, TABLE_REGION_LABELS, labeling_config


def _groups(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml)
    return {el.get("name"): el for el in root.iter("Labels")}


def test_span_labels_colours_and_hotkeys_come_from_labels_yaml():
    labels = load_labels()
    span_group = _groups(labeling_config())[SPAN_FROM_NAME]
    assert span_group.get("toName") == TEXT_TO_NAME
    got = [(el.get("value"), el.get("background"), el.get("hotkey")) for el in span_group]
    assert got == [(lab.name, lab.color, lab.hotkey) for lab in labels.labels]


def test_relations_text_and_table_regions():
    root = ET.fromstring(labeling_config())
    assert [r.get("value") for r in root.iter("Relation")] == [r.name for r in load_labels().relations]
    text = root.find(".//Text")
    assert (text.get("name"), text.get("value")) == (TEXT_TO_NAME, f"${TEXT_TO_NAME}")
    table = _groups(labeling_config())[TABLE_FROM_NAME]
    assert table.get("toName") == TEXT_TO_NAME
    assert [el.get("value") for el in table] == list(TABLE_REGION_LABELS)
    # no structure label may shadow a span label, or pull could not tell them apart
    assert not set(TABLE_REGION_LABELS) & set(load_labels().names)


def test_adding_a_label_to_the_yaml_changes_the_config(tmp_path: Path):
    data = yaml.safe_load((Path(__file__).parents[2] / "configs" / "labels.yaml").read_text(encoding="utf-8"))
    data["labels"].append({"name": "TARGET", "zh": "目标", "color": "#123456", "hotkey": "6",
                           "summary": "An annual goal."})
    data["relations"].append({"name": "aims_at", "from": ["MEASURE"], "to": ["TARGET"], "summary": "x"})
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    xml = labeling_config(load_labels(path))
    span_values = [el.get("value") for el in _groups(xml)[SPAN_FROM_NAME]]
    assert span_values[-1] == "TARGET" and len(span_values) == len(load_labels().names) + 1
    assert '<Label value="TARGET" background="#123456" hotkey="6"' in xml
    assert "aims_at" in [r.get("value") for r in ET.fromstring(xml).iter("Relation")]
    assert "TARGET" not in labeling_config()


def test_hotkeys_are_unique():
    hotkeys = [el.get("hotkey") for el in ET.fromstring(labeling_config()).iter("Label") if el.get("hotkey")]
    assert len(hotkeys) == len(set(hotkeys))
