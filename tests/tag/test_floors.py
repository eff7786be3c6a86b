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


def test_cross_fitted_floors_come_from_the_other_documents_only():
    """Each held-out document is decoded with floors fitted without it: a document whose true span
    scores below what the others' false spans score loses it, as a document never seen would."""
    from dataclasses import dataclass

    from pipeline.corpus.evaluate import Doc, Span
    from pipeline.tag.decode import DecodedSpan
    from pipeline.tag.fit_floors import Read, cross_fitted

    class NoRules:
        names: list = []

        def without(self, *names):
            return self

    @dataclass
    class FakeTagger:   # decode = the candidate spans its floors keep
        rules = NoRules()

        def decode(self, out, rules, floors):
            return [sp for sp in out if floors.keeps(sp.label, sp.score)]

    text = "预算编制不够精准。项目进度偏慢。"
    prepared = []
    for i, (true_score, false_score) in enumerate([(0.95, 0.7), (0.9, 0.7), (0.95, 0.72), (0.72, 0.6)]):
        gold = Doc(f"d.txt#0.{i}", text, [Span(0, 8, "PROBLEM", "g")])
        out = [DecodedSpan(0, 8, "PROBLEM", true_score), DecodedSpan(9, 15, "PROBLEM", false_score)]
        prepared.append(Read(FakeTagger(), gold, out, 0, i))
    cf = cross_fitted(prepared, ["PROBLEM"], grid=(0.5, 0.65, 0.75), passes=1, say=lambda _: None)
    # the other three documents' false spans sit at 0.6-0.72: their fit floors PROBLEM at 0.75,
    # which drops the held-out document 3's true span (0.72)
    assert cf["floors"]["3"]["PROBLEM"] == 0.75
    # document 0: of the others, two false spans at 0.7 and 0.72 outweigh document 3's true one
    assert cf["floors"]["0"]["PROBLEM"] == 0.75
    assert cf["with_rules"]["exact"] == pytest.approx(2 * 3 / (4 + 3), abs=1e-4)   # 3 of 4 true spans, no false one
    assert len(cf["per_model"]) == 1


def test_the_model_card_states_the_held_out_floors_figure(tmp_path):
    """The card says the (a) rows read the seeds with floors fitted on them, and gives the
    cross-fitted figure beside the in-sample one."""
    import json

    from pipeline.tag.card import floors_section
    assert floors_section(tmp_path) == []   # no fit-floors report: nothing claimed
    (tmp_path / "eval").mkdir()
    report = {"command": "jixiao fit-floors --model A --model B", "model_versions": ["m-a", "m-b"],
              "fitted": {"default": 0.5, "PROBLEM": 0.8},
              "after": {"with_rules": {"exact": 0.88, "overlap": 0.91}},
              "cross_fitted": {"with_rules": {"exact": 0.86, "overlap": 0.895},
                               "per_model": [{"exact": 0.875, "overlap": 0.911}, {"exact": 0.853, "overlap": 0.88}]}}
    (tmp_path / "eval" / "score-floors.json").write_text(json.dumps(report), encoding="utf-8")
    text = "\n".join(floors_section(tmp_path))
    assert "in-sample" in text and "m-a 0.875 / 0.911; m-b 0.853 / 0.880" in text
    assert "pooled 0.860 / 0.895" in text and "in-sample 0.880 / 0.910" in text
