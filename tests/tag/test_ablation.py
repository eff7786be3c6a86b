"""`jixiao eval-rules`: every configured rule switched off in turn, scored on a development set."""
from __future__ import annotations

import json

from pipeline.tag.ablation import TaggedSpan, as_the_tagger_reads, gap_attribution, run_ablation, variants

from conftest import TINY_DEV_DOC as DOC
from conftest import TINY_DEV_GOLD


def test_eval_rules_scores_every_variant(toy_model, tiny_devset, tmp_path, monkeypatch):
    import pipeline.tag.ablation as ablation
    monkeypatch.setattr(ablation, "score_seeds", lambda tagger, say=print: {})  # the seeds: see the dev-set run
    devset = tiny_devset
    model_dir, _, _ = toy_model
    report = run_ablation(model_dir, devset, tmp_path / "out", say=lambda s: None)
    from pipeline.tag.tagger import Tagger
    names = set(variants(Tagger.load(model_dir)))
    assert set(report["devset"]) == names and {"all", "none", "-snap", "-function_lists"} <= names
    for s in report["devset"].values():
        assert 0.0 <= s["exact"] <= s["overlap"] <= 1.0
    md = (tmp_path / "out" / "rules-ablation.md").read_text(encoding="utf-8")
    assert "| -snap |" in md and "| none |" in md
    gap = report["devset"]["all"]["gap"]
    assert gap["gained_total"] == sum(r["spans"] for r in gap["gained"])
    assert gap["lost_total"] == sum(r["spans"] for r in gap["lost"])
    assert "Where the raw model trails" in md
    # every gold span once in each variant's edge classes, and the table in the report
    n_gold = len(TINY_DEV_GOLD)
    for name in ("all", "none"):
        assert sum(sum(row.values()) for row in report["devset"][name]["edges"].values()) == n_gold
    assert "Where the spans are wrong" in md and "| starts late |" in md


def test_eval_rules_reads_a_traditional_report_as_annotate_does(tmp_path):
    """A report in traditional characters: the tagger of `jixiao annotate` reads its simplified
    twin, headings included (the section gate knows 主要工作完成情况 as an evaluation section, not
    主要工作完成情況); eval-rules must read the same, or it scores spans that annotate never writes."""
    from pipeline.annotate import annotate_path
    from pipeline.tag.regions import headings_from_record
    from pipeline.tag.section_gate import section_kind

    simplified = DOC + "四、主要工作完成情况\n全年开展巡查12次，加强日常监管。\n"
    traditional = (simplified.replace("进", "進").replace("规划", "規劃").replace("负责", "負責")
                   .replace("预算", "預算").replace("情况", "情況").replace("监管", "監管"))
    path = tmp_path / "t.txt"
    path.write_text(traditional, encoding="utf-8")
    rec = annotate_path(path)
    assert rec.text == traditional                             # the record keeps the document's script
    read = as_the_tagger_reads(rec)
    assert read.text == simplified and rec.text == traditional  # a copy: the record is not changed
    at = simplified.index("加强日常监管")
    assert section_kind(headings_from_record(read)(at)) == "evaluation"
    assert section_kind(headings_from_record(rec)(at)) != "evaluation"
    plain_path = tmp_path / "s.txt"
    plain_path.write_text(simplified, encoding="utf-8")
    plain = annotate_path(plain_path)
    assert as_the_tagger_reads(plain) is plain


def test_gap_attribution_counts_gold_spans_by_the_rules_that_made_them():
    """A gold span the full tagger gets and the raw model does not counts under the rules that made
    the full span; one the raw model gets and the rules changed counts as lost, under the rules of
    the full span over it, or as removed when no span is left there."""
    gold = {"d1": [("WORKLOAD", "开展巡查12次"), ("PROBLEM", "预算编制不够细化,执行率偏低"), ("MEASURE", "加强管理"),
                   ("FUNCTION", "负责规划")]}
    full = {"d1": [TaggedSpan("WORKLOAD", 0, 7, "开展巡查12次", ("refine_workload",)),
                   TaggedSpan("PROBLEM", 10, 24, "预算编制不够细化,执行率偏低", ("merge_pieces",)),
                   TaggedSpan("MEASURE", 30, 36, "加强管理工作", ("widen_to_sentence",)),
                   TaggedSpan("FUNCTION", 40, 44, "负责规划", ())]}
    raw = {"d1": [TaggedSpan("WORKLOAD", 2, 7, "巡查12次", ()), TaggedSpan("PROBLEM", 10, 18, "预算编制不够细化", ()),
                  TaggedSpan("MEASURE", 30, 34, "加强管理", ()), TaggedSpan("FUNCTION", 40, 44, "负责规划", ())]}
    gap = gap_attribution(gold, full, raw)
    assert gap["gained_total"] == 2 and gap["lost_total"] == 1
    assert {(r["label"], tuple(r["rules"]), r["spans"]) for r in gap["gained"]} == {
        ("WORKLOAD", ("refine_workload",), 1), ("PROBLEM", ("merge_pieces",), 1)}
    assert gap["lost"] == [{"label": "MEASURE", "rules": ["widen_to_sentence"], "spans": 1}]
    # a rule that drops the raw model's right span leaves nothing over it
    gap = gap_attribution(gold, {"d1": full["d1"][:2]}, raw)
    assert {(r["label"], tuple(r["rules"])) for r in gap["lost"]} == {("MEASURE", ("removed",)), ("FUNCTION", ("removed",))}


def test_model_card_part_e_shows_the_development_set_per_label(tmp_path):
    """Protocol part (e) in the model card: raw model and tagger with rules, per label, both matches."""
    from pipeline.tag.card import devset_section

    def score(x: float) -> dict:
        per = {"FUNCTION": x, "WORKLOAD": x + 0.01, "PROBLEM": x + 0.02, "CAUSE": x + 0.03, "MEASURE": x + 0.04}
        return {"exact": x, "overlap": x + 0.1, "exact_per_label": per,
                "overlap_per_label": {k: v + 0.1 for k, v in per.items()}}

    report = tmp_path / "rules-ablation.json"
    report.write_text(json.dumps({"model_version": "tagger-x", "command": "jixiao eval-rules --devset D",
                                  "devset": {"all": score(0.7), "none": score(0.5)}}), encoding="utf-8")
    lines = devset_section(report)
    table = [ln for ln in lines if ln.startswith("| tagger") or ln.startswith("| raw")]
    assert len(table) == 4
    assert table[0].endswith("| 0.700 | 0.710 | 0.720 | 0.730 | 0.740 | 0.700 |")
    assert table[3].startswith("| raw model | overlap | 0.600 |") and table[3].endswith("| 0.600 |")
    assert any("tagger-x" in ln for ln in lines)
    assert not any("Where the raw model trails" in ln for ln in lines)  # an older report without the breakdown
    rep = json.loads(report.read_text(encoding="utf-8"))
    rep["devset"]["all"]["gap"] = {"gained": [{"label": "WORKLOAD", "rules": ["refine_workload"], "spans": 7},
                                              {"label": "PROBLEM", "rules": ["widen_to_clauses", "merge_pieces"], "spans": 2}],
                                   "lost": [], "gained_total": 9, "lost_total": 0}
    report.write_text(json.dumps(rep), encoding="utf-8")
    gap = [ln for ln in devset_section(report) if "Where the raw model trails" in ln]
    assert len(gap) == 1 and "9 gold spans" in gap[0]
    assert "WORKLOAD by refine_workload 7, PROBLEM by widen_to_clauses > merge_pieces 2" in gap[0]


def test_a_rules_change_refreshes_part_e_of_the_card_and_nothing_else(tmp_path):
    from pipeline.tag.card import devset_section, refresh_devset_section

    def score(x: float) -> dict:
        per = dict.fromkeys(("FUNCTION", "WORKLOAD", "PROBLEM", "CAUSE", "MEASURE"), x)
        return {"exact": x, "overlap": x, "exact_per_label": per, "overlap_per_label": per}

    def report(x: float):
        path = tmp_path / f"ablation-{x}.json"
        gap = {"gained_total": int(x * 10), "lost_total": 1,
               "gained": [{"label": "WORKLOAD", "rules": ["refine_workload"], "spans": int(x * 10)}]}
        path.write_text(json.dumps({"model_version": "tagger-x", "command": "jixiao eval-rules",
                                    "devset": {"all": {**score(x), "gap": gap}, "none": score(x - 0.1)}}),
                        encoding="utf-8")
        return path

    card = tmp_path / "MODEL_CARD.md"
    card.write_text("# card\n\n## Training\n\nsteps\n" + "\n".join(devset_section(report(0.7)))
                    + "\n\n(a) and (b) note.\n", encoding="utf-8")
    refresh_devset_section(tmp_path, report(0.8))
    text = card.read_text(encoding="utf-8")
    assert "| 0.800 |" in text and "| 0.700 |" in text and "| 0.600 |" not in text   # all 0.8, raw 0.7
    assert text.startswith("# card\n\n## Training\n\nsteps\n") and text.endswith("\n\n(a) and (b) note.\n")
    assert text.count("## Evaluation (e)") == 1
    assert text.count("Where the raw model trails") == 1 and "8 gold spans" in text   # the old paragraph goes
