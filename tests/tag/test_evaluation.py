from pipeline.corpus.synth.generator import generate_doc
from pipeline.tag.evaluation import main, synthetic_dev_examples


def test_synthetic_dev_documents_are_cleaned_and_differ_from_trainings_seed():
    dev = synthetic_dev_examples(2, 4242)
    assert len(dev) == 2 and all(ex.spans for ex in dev)
    assert dev[0].text != generate_doc(7, 0).example.text  # configs train on synth_seed 7


def test_evaluation_command_prints_seed_and_synthetic_scores(toy_model, capsys):
    main(["--model", str(toy_model[0]), "--synth", "2"])
    out = capsys.readouterr().out
    assert "synthetic dev (2, seed 4242): exact P" in out


def test_evaluation_command_scores_the_model_without_structure_rules(toy_model, capsys, monkeypatch):
    from pipeline.tag import tagger as tagger_module
    seen = []
    real_load = tagger_module.Tagger.load

    def load(*args, **kw):
        t = real_load(*args, **kw)
        seen.append(t.structure_rules)
        return t
    monkeypatch.setattr(tagger_module.Tagger, "load", load)
    main(["--model", str(toy_model[0]), "--synth", "2", "--no-structure-rules"])
    main(["--model", str(toy_model[0]), "--synth", "2"])
    assert seen == [False, True]
    assert capsys.readouterr().out.count("synthetic dev (2, seed 4242)") == 2
