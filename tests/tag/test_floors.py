"""The decoder's per-label score floors (pipeline.tag.floors) and their fitting (pipeline.tag.fit_floors)."""
import pytest
import yaml

from pipeline.tag.fit_floors import coordinate_ascent, objective
from pipeline.tag.floors import DEFAULT_FLOOR, ScoreFloors

LABELS = ("FUNCTION", "WORKLOAD", "PROBLEM", "CAUSE", "MEASURE")


def test_floors_from_a_number_a_mapping_or_a_config(tmp_path):
    assert ScoreFloors.coerce(0.7).floor("WORKLOAD") == 0.7
    f = ScoreFloors.coerce({"default": 0.6, "WORKLOAD": 0.8}, LABELS)
    assert (f.floor("WORKLOAD"), f.floor("CAUSE")) == (0.8, 0.6)
    assert f.keeps("CAUSE", 0.6) and not f.keeps("WORKLOAD", 0.79)
    assert f.as_dict() == {"default": 0.6, "WORKLOAD": 0.8}
    cfg = tmp_path / "tagger.yaml"
    cfg.write_text(yaml.safe_dump({"rules": [], "score_floors": {"PROBLEM": 0.9}}), encoding="utf-8")
    assert ScoreFloors.from_config(cfg).as_dict() == {"default": DEFAULT_FLOOR, "PROBLEM": 0.9}
    cfg.write_text(yaml.safe_dump({"rules": []}), encoding="utf-8")
    assert ScoreFloors.from_config(cfg) == ScoreFloors(DEFAULT_FLOOR)


def test_floors_refuse_unknown_labels_and_values_outside_0_1():
    with pytest.raises(ValueError, match="unknown labels"):
        ScoreFloors.coerce({"WORKLOADS": 0.8}, LABELS)
    with pytest.raises(ValueError, match="unknown labels"):  # default: configs/labels.yaml's labels
        ScoreFloors.coerce({"WORKLOADS": 0.8})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ScoreFloors.coerce({"WORKLOAD": 1.5}, LABELS)


def test_the_shipped_config_names_only_known_labels():
    ScoreFloors.from_config()  # raises on a label configs/labels.yaml does not define


def test_the_tagger_drops_a_span_below_its_labels_floor_only(toy_model):
    from pipeline.tag.tagger import Tagger
    model_dir, _, _ = toy_model
    text = "存在的问题\n1.预算编制不够精准，部分项目执行进度偏慢。\n改进措施\n1.加强预算编制管理，加快项目实施进度。\n"
    low = Tagger.load(model_dir, precision="fp32", no_rules=True, score_floors=0.0)
    spans = low.predict_text(text)
    assert spans, "the toy model finds no span at all: the test would prove nothing"
    top = max(spans, key=lambda s: s.score)
    # a floor just above the best span's (rounded) score on its label drops it, and only spans of that label
    floors = ScoreFloors(0.0, {top.label: min(1.0, top.score + 1e-4)})
    kept = Tagger.load(model_dir, precision="fp32", no_rules=True, score_floors=floors).predict_text(text)
    assert all(s.label != top.label for s in kept)
    assert [s for s in spans if s.label != top.label] == kept


def test_coordinate_ascent_picks_each_labels_best_floor_and_keeps_the_lower_on_a_tie():
    best = {"A": 0.7, "B": 0.5}

    def score(f: ScoreFloors) -> dict:
        # a peak at A=0.7, flat in B: B must stay at the lowest floor
        v = 0.9 - abs(f.floor("A") - best["A"])
        return {"exact": v, "overlap": v}
    fitted, trials = coordinate_ascent(score, ["A", "B"], grid=(0.5, 0.6, 0.7, 0.8), passes=2, say=lambda _: None)
    assert fitted.as_dict() == {"default": DEFAULT_FLOOR, "A": 0.7, "B": 0.5}
    assert len(trials) == 2 * 2 * 4 and objective(trials[0]) == pytest.approx(0.7)


def test_a_fit_is_adopted_only_when_the_development_set_loses_nothing():
    from pipeline.tag.fit_floors import adopts
    base = {"exact": 0.90, "overlap": 0.94, "span_facts": 120}
    assert adopts(base, {"exact": 0.91, "overlap": 0.94, "span_facts": 120})
    assert not adopts(base, {"exact": 0.91, "overlap": 0.95, "span_facts": 115})   # counts lost
    assert not adopts(base, {"exact": 0.89, "overlap": 0.95, "span_facts": 121})


def test_the_config_holds_the_floors_the_last_fit_decided():
    """configs/tagger.yaml's floors are the fit's where it was adopted, and left as they were where not."""
    import json

    from pipeline import MODELS_DIR
    report = MODELS_DIR / "tagger" / "eval" / "score-floors.json"
    if not report.exists():
        pytest.skip("no score-floors report (jixiao fit-floors) shipped")
    r = json.loads(report.read_text(encoding="utf-8"))
    if not r["devset"]:
        pytest.skip("the shipped fit was not measured on a development set, so it decided nothing")
    expected = r["fitted"] if r["devset"] and r["devset"]["adopted"] else r["devset"]["configured_floors"]
    assert ScoreFloors.from_config().as_dict() == ScoreFloors.coerce(expected).as_dict()
