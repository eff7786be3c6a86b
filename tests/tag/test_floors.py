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
