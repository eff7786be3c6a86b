import json

from pipeline import CONFIG_DIR
from pipeline.tag.protocol import run_protocol

from tag_markup import parse_markup

# Held-out "gold" written by us, so the protocol's plumbing is tested without the seeds.
GOLD = [
    "三、存在的问题\n【PROBLEM|绩效自评工作开展不够深入】。\n四、改进措施\n【MEASURE|加强绩效自评结果运用】。",
    "二、工作完成情况\n全年【WORKLOAD|举办业务培训9期】，【WORKLOAD|检查项目31个】。",
]


def test_protocol_runs_all_parts_end_to_end(tmp_path, tiny_devset):
    gold = []
    for i, g in enumerate(GOLD):
        ex = parse_markup(g)
        ex.data = {"file": f"doc{i}.txt", "doc_id": f"d{i}"}
        gold.append(ex)
    out = tmp_path / "out"
    report = run_protocol(CONFIG_DIR / "tagger-toy.yaml", out, systems=("tagger", "rules"),
                          gold=gold, say=lambda s: None, seed=21, devset=tiny_devset)
    assert report["training_seed"] == 21                       # --seed replaces the config's
    assert json.loads((out / "a" / "tagger" / "train_summary.json").read_text())["seed"] == 21
    for part in ("a", "b"):
        for system in ("tagger", "rules"):
            spans = report[part][system]["spans"]
            assert set(spans) == {"exact", "overlap"}
            assert "per_label" in spans["exact"]
    assert report["speed"]["tagger"]["chars_per_s"] > 0 and report["speed"]["tagger"]["peak_rss_mb"] > 0
    assert (out / "report.md").read_text().count("| tagger |") > 0
    assert (out / "b" / "doc0" / "tagger" / "model.safetensors").exists()
    # (a)'s tagger with each rule switched off: every configured rule has a row
    ablation = report["a_rules_ablation"]
    assert {"all", "none", "-snap", "-section_gate"} <= set(ablation)
    assert all(0.0 <= v["exact"] <= 1.0 for v in ablation.values())
    assert "| -snap |" in (out / "report.md").read_text()
    # (a)'s tagger on the development set, with the rules and raw, per label
    dev = report["a_devset"]
    assert set(dev) == {"all", "none"}
    assert all(0.0 <= v["exact"] <= v["overlap"] <= 1.0 and set(v["exact_per_label"]) >= {"PROBLEM", "MEASURE"}
               for v in dev.values())
    md = (out / "report.md").read_text()
    assert "on the development set" in md and "| raw (no rules) |" in md


def test_reuse_scores_saved_models_without_training(tmp_path, tiny_examples):
    from pipeline.tag.baselines.spacy_ner import SpacyTagger
    from pipeline.tag.train import load_config, train
    m, d, t = load_config(CONFIG_DIR / "tagger-toy.yaml")
    train(m, d, t, tmp_path / "a" / "tagger", examples=tiny_examples)
    SpacyTagger.train(tiny_examples, epochs=2, seed=13).to_disk(tmp_path / "a" / "spacy")
    weights = tmp_path / "a" / "tagger" / "model.safetensors"
    before = weights.stat().st_mtime_ns
    said: list[str] = []
    report = run_protocol(CONFIG_DIR / "tagger-toy.yaml", tmp_path, systems=("tagger", "spacy"), folds=False,
                          gold=tiny_examples[:2], say=said.append, reuse=True, devset=None)
    assert any("reusing the model" in s for s in said) and any("reusing the spaCy pipeline" in s for s in said)
    assert weights.stat().st_mtime_ns == before
    assert set(report["a"]) == {"tagger", "spacy", "tagger_without_structure_rules"}
    # the report says which models were reused and which code scored them
    assert all(m["reused"] for m in report["models"].values()) and len(report["models"]) == 2
    assert report["models"][str(tmp_path / "a" / "tagger")]["trained"].startswith("tagger-")
    assert report["commit"]
    # the toy config names no floors: the shipped config's decoded, and the report says so
    from pipeline.tag.floors import ScoreFloors
    assert report["score_floors"] == ScoreFloors.from_config().as_dict()


def test_a_protocol_config_with_its_own_floors_scores_with_them(tmp_path):
    """The fold config floors its models itself (unfitted: the shipped floors were fitted on the
    seeds (b) holds out); a config without a ``score_floors:`` block leaves the shipped floors."""
    import yaml

    from pipeline.tag.floors import ScoreFloors
    from pipeline.tag.protocol import protocol_floors
    assert protocol_floors(CONFIG_DIR / "tagger-protocol.yaml") == ScoreFloors(0.5)
    assert protocol_floors(CONFIG_DIR / "tagger-toy.yaml") is None
    cfg = yaml.safe_load((CONFIG_DIR / "tagger-toy.yaml").read_text(encoding="utf-8"))
    cfg["score_floors"] = {"default": 0.3, "PROBLEM": 0.6}
    path = tmp_path / "floored.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    assert protocol_floors(path).as_dict() == {"default": 0.3, "PROBLEM": 0.6}
