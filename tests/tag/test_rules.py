"""The language rules as named, configured components (pipeline.tag.rules): registry, config,
switching off, provenance."""
from __future__ import annotations

import numpy as np
import pytest
import yaml

from pipeline import CONFIG_DIR
from pipeline.labels import load_labels
from pipeline.tag.decode import DecodedSpan, ViterbiDecoder
from pipeline.tag.regions import Region, find_regions, simple_headings
from pipeline.tag.rules import REGISTRY, DocumentContext, RegionContext, RulePipeline, decode_region, load_steps

TAGS = load_labels().tags()


def test_every_registered_rule_is_named_in_the_shipped_config_and_back():
    configured = {s.name for s in load_steps(CONFIG_DIR / "tagger.yaml")}
    assert configured == set(REGISTRY)


def test_config_errors_are_clear():
    with pytest.raises(ValueError, match="unknown rule"):
        load_steps(["no_such_rule"])
    with pytest.raises(ValueError, match="no parameter"):
        load_steps([{"name": "snap", "min_chras": 2}])
    with pytest.raises(ValueError, match="listed after"):
        load_steps(["function_lists", "snap"])  # a document rule before a span rule
    with pytest.raises(ValueError, match="unknown rule"):
        RulePipeline.from_config(disable=["no_such_rule"])


def _probs(n: int, spans: list[tuple[int, int, str]]) -> np.ndarray:
    p = np.full((n, len(TAGS)), 0.001)
    p[:, TAGS.index("O")] = 0.99
    for s, e, lab in spans:
        p[s:e, TAGS.index("O")] = 0.001
        p[s, TAGS.index(f"B-{lab}")] = 0.99
        p[s + 1:e - 1, TAGS.index(f"I-{lab}")] = 0.99
        p[e - 1, TAGS.index(f"E-{lab}")] = 0.99
    return p


def test_a_span_a_rule_changed_lists_the_rule_and_stays_from_the_model():
    text = "一是预算编制不够细化。"
    probs = _probs(len(text), [(0, len(text), "PROBLEM")])  # the model's span holds 一是 and 。
    dec = ViterbiDecoder(TAGS)
    (sp,) = decode_region(text, 0, probs, dec)
    assert text[sp.start:sp.end] == "预算编制不够细化"
    assert sp.rules == ("snap",) and not sp.made
    # switched off, the raw span comes back
    (raw,) = decode_region(text, 0, probs, dec, RulePipeline.from_config().without("snap"))
    assert (raw.start, raw.end, raw.rules) == (0, len(text), ())


def test_a_span_a_rule_made_is_marked_made_and_disabling_the_rule_removes_it():
    text = "主要职能\n1、负责全区园林绿化规划工作；\n2、负责公园日常管理；\n3、负责古树名木保护。\n"
    items = [(text.index(w), text.index(w) + len(w)) for w in ("负责全区园林绿化规划工作", "负责公园日常管理",
                                                               "负责古树名木保护")]
    spans = [DecodedSpan(a, b, "FUNCTION", 0.9) for a, b in items[:2]]
    ctx = DocumentContext(text, [], None)
    out = RulePipeline.from_config().run("document", ctx, spans)
    made = [s for s in out if (s.start, s.end) == items[2]]
    assert made and made[0].made and made[0].rules == ("function_lists",)
    assert all(not s.made and not s.rules for s in out if s in spans)
    off = RulePipeline.from_config(disable=["function_lists"]).run("document", ctx, spans)
    assert [(s.start, s.end) for s in off] == items[:2]


def test_a_duties_lead_line_completes_its_list_like_a_duties_heading():
    # 2 of 6 items tagged: not mostly, but below 「部门主要职责：」 the list is the list of duties
    text = "一、部门基本情况\n部门主要职责：\n" + "".join(f"{i}. 负责全县第{i}类园林事项的审核。\n" for i in range(1, 7))
    regions = find_regions(text)
    spans = [DecodedSpan(text.index(f"负责全县第{i}类"), text.index("。", text.index(f"负责全县第{i}类")),
                         "FUNCTION", 0.9) for i in (2, 5)]
    ctx = DocumentContext(text, regions, simple_headings(text))
    out = RulePipeline.from_config().run("document", ctx, spans)
    assert len([s for s in out if s.label == "FUNCTION"]) == 6
    # the same list below a lead of another kind (「主要工作：」) is left alone
    other = text.replace("部门主要职责：", "主要工作成效：")
    ctx = DocumentContext(other, find_regions(other), simple_headings(other))
    assert len(RulePipeline.from_config().run("document", ctx, spans)) == 2


def test_a_rule_runs_with_its_configured_parameters():
    text = "建议加强管理"
    region = Region(0, len(text), "paragraph")
    ctx = RegionContext(text, text, region, np.zeros((len(text), len(TAGS))), TAGS.index("O"))
    span = [DecodedSpan(0, len(text), "MEASURE", 0.9)]
    strip = RulePipeline(load_steps([{"name": "strip_label_lead", "min_left": 4}]))
    assert [text[s.start:s.end] for s in strip.run("span", ctx, span)] == ["加强管理"]
    keep = RulePipeline(load_steps([{"name": "strip_label_lead", "min_left": 5}]))  # 4 left is too short now
    assert [text[s.start:s.end] for s in keep.run("span", ctx, span)] == ["建议加强管理"]


def test_tagger_disable_and_no_rules(toy_model):
    from pipeline.tag.tagger import Tagger
    model_dir, _, _ = toy_model
    full = Tagger.load(model_dir, precision="fp32")
    assert [s.name for s in full.rules.steps] == [s.name for s in load_steps(CONFIG_DIR / "tagger.yaml")]
    some = Tagger.load(model_dir, precision="fp32", disable=["section_gate", "snap"])
    assert {"section_gate", "snap"}.isdisjoint(s.name for s in some.rules.steps)
    raw = Tagger.load(model_dir, precision="fp32", no_rules=True)
    assert raw.rules.steps == []
    bare = Tagger.load(model_dir, precision="fp32", structure_rules=False)
    assert {s.rule.stage for s in bare.rules.steps} == {"span"}
    with pytest.raises(ValueError):
        Tagger.load(model_dir, precision="fp32", disable=["no_such_rule"])


def test_the_config_file_is_plain_yaml_with_a_rules_list():
    cfg = yaml.safe_load((CONFIG_DIR / "tagger.yaml").read_text(encoding="utf-8"))
    assert isinstance(cfg["rules"], list) and cfg["rules"]
