import itertools
import math

import pytest
import torch

from pipeline.labels import load_labels
from pipeline.tag.data import IGNORE
from pipeline.tag.decode import POSITION_CLASSES as CLASSES, SpanFirstDecoder
from pipeline.tag.sequence_loss import class_log_probs, class_maps, path_nll, sequence_loss

TAGS = load_labels().tags()


def _brute_force_nll(em: torch.Tensor, gold: list[int], trans: torch.Tensor) -> float:
    """-log P(gold) by enumerating every valid class path of a short sequence."""
    ok = trans != float("-inf")
    n = em.shape[0]
    scores = [sum(float(em[i, p[i]]) for i in range(n)) for p in itertools.product(range(len(CLASSES)), repeat=n)
              if all(ok[a, b] for a, b in zip(p, p[1:]))]
    log_z = math.log(sum(math.exp(s) for s in scores))
    return log_z - sum(float(em[i, g]) for i, g in enumerate(gold))


def test_the_class_transitions_are_the_decoders_bioes_constraints():
    _, trans = class_maps(TAGS)
    ok = {(CLASSES[a], CLASSES[b]) for a in range(5) for b in range(5) if trans[a, b] == 0}
    assert ("B", "I") in ok and ("I", "E") in ok and ("E", "B") in ok and ("O", "S") in ok
    assert ("B", "O") not in ok and ("I", "B") not in ok and ("O", "I") not in ok and ("S", "E") not in ok


def test_path_nll_is_the_exact_negative_log_likelihood_and_windows_may_cut_spans():
    """Checked against enumeration of all valid paths; the gold path starts and ends inside
    spans (I … B I), as a window cut anywhere does, and still has a finite likelihood."""
    _, trans = class_maps(TAGS)
    torch.manual_seed(0)
    em = torch.log_softmax(torch.randn(1, 5, 5), -1)
    gold = [CLASSES.index(c) for c in "IEOBI"]
    nll = path_nll(em, torch.tensor([gold]), torch.ones(1, 5, dtype=torch.bool), trans)
    assert float(nll) == pytest.approx(_brute_force_nll(em[0], gold, trans), abs=1e-5)
    assert float(nll) > 0


def test_masked_positions_are_left_out_and_invalid_gold_rows_count_zero():
    _, trans = class_maps(TAGS)
    torch.manual_seed(1)
    em = torch.log_softmax(torch.randn(3, 4, 5), -1)
    gold = torch.tensor([[0, 1, 3, 0], [0, 1, 3, 0], [0, 1, 0, 0]])  # row 3: B then O, not a valid path
    mask = torch.tensor([[True] * 4, [True, True, True, False], [True] * 4])
    nll = path_nll(em, gold, mask, trans)
    assert float(nll[1]) == pytest.approx(_brute_force_nll(em[1, :3], [0, 1, 3], trans), abs=1e-5)
    assert float(nll[2]) == 0.0


def test_sequence_loss_reads_the_labelled_characters_only_and_sends_gradient_to_every_tag():
    class_of, trans = class_maps(TAGS)
    tid = {t: i for i, t in enumerate(TAGS)}
    torch.manual_seed(2)
    logits = torch.randn(2, 9, len(TAGS), requires_grad=True)
    tags = ["O", "B-WORKLOAD", "I-WORKLOAD", "E-WORKLOAD", "O", "S-CAUSE"]
    labels = torch.full((2, 9), IGNORE)
    labels[0, 2:8] = torch.tensor([tid[t] for t in tags])     # [CLS] context [SEP] window [SEP] pads
    labels[1, 3:6] = torch.tensor([tid[t] for t in tags[3:]])
    loss = sequence_loss(logits, labels, class_of, trans, IGNORE)
    loss.backward()
    assert loss.item() > 0
    # unlabelled positions take no gradient; labelled ones do, over all the tags of their class
    assert logits.grad[0, :2].abs().sum() == 0 and logits.grad[1, 6:].abs().sum() == 0
    assert (logits.grad[0, 2:8].abs().sum(-1) > 0).all()
    # the same windows one by one give the same total over their labelled characters
    one = [sequence_loss(logits[i:i + 1], labels[i:i + 1], class_of, trans, IGNORE) * (labels[i] != IGNORE).sum()
           for i in range(2)]
    assert loss.item() * (labels != IGNORE).sum().item() == pytest.approx(sum(x.item() for x in one), rel=1e-5)


def test_the_loss_is_lower_where_the_decoder_repairs_a_doubt():
    """Two outputs with the same per-character cross-entropy on the gold tags: one doubts a
    character in the middle of a span, which the BIOES constraints repair (an O cannot follow an
    I), the other doubts an O after the span, which the decoder turns into a one-character
    span. Cross-entropy cannot tell them apart; the path loss charges the one the decoder gets
    wrong."""
    class_of, trans = class_maps(TAGS)
    tid = {t: i for i, t in enumerate(TAGS)}
    gold = ["O", "B-WORKLOAD", "I-WORKLOAD", "I-WORKLOAD", "I-WORKLOAD", "E-WORKLOAD", "O"]

    def output(unsure_at: int, unsure_tag: str) -> torch.Tensor:
        logits = torch.full((1, len(gold), len(TAGS)), -4.0)
        for i, t in enumerate(gold):
            logits[0, i, tid[t]] = 4.0
        logits[0, unsure_at, tid[gold[unsure_at]]] = 0.0
        logits[0, unsure_at, tid[unsure_tag]] = 0.5
        return logits

    labels = torch.tensor([[tid[t] for t in gold]])
    mid, edge = output(3, "O"), output(6, "S-CAUSE")
    ce = [torch.nn.functional.cross_entropy(x[0], labels[0]).item() for x in (mid, edge)]
    assert ce[0] == pytest.approx(ce[1])
    decode = SpanFirstDecoder(TAGS).decode
    assert [TAGS[i] for i in decode(torch.softmax(mid[0], -1).numpy())] == gold
    assert [TAGS[i] for i in decode(torch.softmax(edge[0], -1).numpy())] != gold
    seq = [sequence_loss(x, labels, class_of, trans, IGNORE).item() for x in (mid, edge)]
    assert seq[0] < seq[1]


def test_class_log_probs_sum_the_labels_of_each_position_class():
    class_of, _ = class_maps(TAGS)
    logits = torch.randn(4, len(TAGS))
    lp = class_log_probs(logits, class_of)
    assert torch.allclose(lp.exp().sum(-1), torch.ones(4), atol=1e-5)
    p = torch.softmax(logits, -1)
    assert torch.allclose(lp[:, CLASSES.index("O")].exp(), p[:, TAGS.index("O")])
