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
