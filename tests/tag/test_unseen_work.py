"""The held-out counted work of pipeline.tag.unseen_work: never in the generator's banks, put in
place of a report's work without changing the rest of it, and counted by edge class."""
from __future__ import annotations

import pytest

from pipeline import MODELS_DIR
from pipeline.corpus.synth.banks import GENERIC_WORKLOADS, MANAGEMENT_WORKLOADS, phrases, unit_kinds
from pipeline.corpus.synth.generator import generate_doc
from pipeline.tag.devset import EDGE_CLASSES
from pipeline.record import Span
from pipeline.tag.unseen_work import count_edges, held_out_items, probe_documents, run_probe, summary, training_seed
from pipeline.tag.workload import parse_workload


def _bank_items():
    return [w for k in unit_kinds() for w in k.workloads] + list(GENERIC_WORKLOADS + MANAGEMENT_WORKLOADS)


def test_held_out_work_is_in_no_bank():
    """No held-out verb is a verb the generator opens counted work with (a bank item's verb, a
    coverb, a general head, a verb of counted_first or of the passive work), and no held-out
    object is a bank item's: else the probe would measure seen work."""
    ph = phrases()
    cov = ph["workload_coverbs"]
    bank_verbs = {w.verb for w in _bank_items()}
    bank_verbs |= {c for cs in cov["before"].values() for c in cs} | set(cov["nominal"]["heads"])
    bank_verbs |= set(ph["counted_first"]["people_verbs"]) | set(ph["counted_first"]["place_verbs"])
    bank_verbs |= {spec.split("|")[1] for spec in ph["passive_workloads"]}
    bank_verbs |= set(cov["swap"]["verbs"])   # the verbs any item's may be swapped for
    bank_objects = {w.obj for w in _bank_items()}
    items = held_out_items()
    assert len(items) >= 30
    assert not [w.verb for w in items if w.verb in bank_verbs]
    assert not [w.obj for w in items if w.obj in bank_objects]
    for w in items:
        for mw in w.measure_words:   # a count the pipeline reads, so the span's end is learnable
            assert parse_workload(f"{w.verb}{w.obj}12{mw}").count is not None, (w, mw)


def test_a_pool_replaces_the_work_and_nothing_else():
    items = held_out_items()
    objects = tuple(w.obj for w in items)
    seen = set()
    for i in range(6):
        bank, held = generate_doc(99, i).example, generate_doc(99, i, workload_pool=items).example
        assert bank.data["layout"] == held.data["layout"] and bank.data["unit"] == held.data["unit"]
        held_work = "".join(s.text for s in held.spans if s.label == "WORKLOAD")
        assert not any(o in s.text for s in bank.spans for o in objects)
        # the unit's work is the pool's (the housekeeping work of 预算管理 is drawn apart, and stays)
        own = {w.verb + w.obj for w in _bank_items()}
        found = {o for o in objects if o in held_work}
        assert found or not held_work, held_work   # (a layout may print no counted work in prose)
        seen |= found
        assert not [s.text for s in held.spans if s.label == "WORKLOAD" and any(x in s.text for x in own)
                    and not any(m.verb + m.obj in s.text for m in MANAGEMENT_WORKLOADS + GENERIC_WORKLOADS)]
        assert "绩效" in held.text
    assert len(seen) >= 10, seen


def test_held_out_work_opens_with_its_own_verb(monkeypatch):
    """The generator's swapped verbs (workload_coverbs.swap) are not drawn for the pool's work: the
    probe's held-out arm measures work opened by verbs no training document drew."""
    monkeypatch.setitem(phrases()["workload_coverbs"]["swap"], "share", 0.5)   # off in the shipped generator
    items = held_out_items()
    # the verbs only a swap draws (no bank item opens with them): none may stand before a held-out object
    swap_only = tuple(set(phrases()["workload_coverbs"]["swap"]["verbs"]) - {w.verb for w in _bank_items()})
    n = 0
    for i in range(40):
        held = generate_doc(99, i, workload_pool=items).example
        for s in held.spans:
            if s.label != "WORKLOAD":
                continue
            for w in items:
                if w.obj and w.obj in s.text:
                    n += 1
                    head = s.text[:s.text.index(w.obj)]
                    assert not any(v in head for v in swap_only), (w.verb, s.text)
    assert n >= 100, n


class _NoWork:
    """A tagger that finds nothing."""
    def predict(self, record):
        return None

    def set_annotations(self, record, predictions):
        record.spans = []


def test_a_tagger_that_finds_nothing_misses_every_workload():
    counts = probe_documents(_NoWork(), 3, 99, held_out_items())
    s = summary(counts)
    assert s["gold"] > 0 and s["missed"] == s["gold"] and s["predicted"] == 0
    assert s["exact_recall"] == 0 and s["exact_f1"] == 0


class _TagsOne:
    """A tagger that tags one text as WORKLOAD where it finds it in the text it reads."""
    def __init__(self, text: str):
        self.text = text

    def predict(self, record):
        return record.text.find(self.text)

    def set_annotations(self, record, at):
        end = at + len(self.text)
        record.spans = [Span(id="w0", label="WORKLOAD", start=at, end=end, text=record.text[at:end], source="model")]


def test_a_span_is_compared_in_the_digits_the_document_printed():
    """A report printing full-width digits is read through its narrow twin: the tagger's span
    comes back in the document's digits before it is compared with the gold (a probe that
    compared the twin's text counted every such workload missed)."""
    wide = str.maketrans("０１２３４５６７８９，", "0123456789,")
    for i in range(40):
        example = generate_doc(99, i).example
        gold = [s.text for s in example.spans if s.label == "WORKLOAD" and s.text != s.text.translate(wide)]
        if gold:
            break
    assert gold, "no synthetic report of seed 99 prints a workload in full-width digits"
    counts = count_edges(_TagsOne(gold[0].translate(wide)), [example])
    assert counts["exact"] == 1 and counts["predicted"] == 1


@pytest.mark.skipif(not (MODELS_DIR / "tagger" / "config.json").exists(), reason="no shipped tagger model")
def test_probe_of_the_shipped_model_counts_every_gold_workload_once():
    report = run_probe(MODELS_DIR / "tagger", n_docs=2, seed=99, no_rules=True)
    for arm in ("bank", "held_out"):
        s = report[arm]
        assert s["gold"] == sum(s[c] for c in EDGE_CLASSES) > 0
        assert 0 < s["exact_recall"] <= 1 and 0 <= s["exact_f1"] <= 1
    with pytest.raises(ValueError):
        run_probe(MODELS_DIR / "tagger", n_docs=1, seed=training_seed(MODELS_DIR / "tagger"))
