"""The torch-only inference network (pipeline.tag.bert) gives transformers' logits bit for bit."""
import random
import subprocess
import sys
from contextlib import nullcontext

import pytest
import torch

from pipeline import MODELS_DIR, PROJECT_ROOT
from pipeline.tag.bert import load_model
from pipeline.tag.tokenizer import SavedVocab, load_tokenizer


def _batches(seed: int, vocab: int, types: int, max_len: int):
    """Batches of random windows: some padded (lengths differ), some not (one length)."""
    rng = random.Random(seed)
    for trial in range(12):
        size = rng.choice([1, 3, 8])
        lengths = [rng.randint(5, max_len) for _ in range(size)]
        if trial % 3 == 0:
            lengths = [max(lengths)] * size
        n = max(lengths)
        ids = torch.zeros((size, n), dtype=torch.long)
        kinds = torch.zeros_like(ids)
        mask = torch.zeros_like(ids)
        for i, length in enumerate(lengths):
            ids[i, :length] = torch.randint(1, vocab, (length,), generator=torch.Generator().manual_seed(seed + i))
            kinds[i, min(10, length):length] = types - 1
            mask[i, :length] = 1
        yield ids, kinds, mask


def _compare(model_dir, precisions=("fp32", "bf16")):
    from transformers import BertForTokenClassification

    ref = BertForTokenClassification.from_pretrained(str(model_dir), local_files_only=True).eval()
    ours = load_model(model_dir)
    assert ref.config._attn_implementation == "sdpa"   # what load_model computes
    c = ref.config
    checked = 0
    for precision in precisions:
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bf16" else nullcontext()
        with torch.inference_mode(), autocast:
            for ids, kinds, mask in _batches(7, c.vocab_size, c.type_vocab_size, c.max_position_embeddings):
                a = ref(input_ids=ids, token_type_ids=kinds, attention_mask=mask).logits
                b = ours(input_ids=ids, token_type_ids=kinds, attention_mask=mask).logits
                assert a.dtype == b.dtype and torch.equal(a, b), (precision, ids.shape, mask.sum(1).tolist())
                checked += 1
    return checked


def test_same_logits_as_transformers_on_the_shipped_model():
    assert _compare(MODELS_DIR / "tagger") == 24


def test_same_logits_as_transformers_on_a_trained_toy_model(toy_model):
    model_dir, _, _ = toy_model
    assert _compare(model_dir, ("fp32",)) == 12


def test_same_logits_with_int8_linear_layers():
    from transformers import BertForTokenClassification

    from pipeline.tag.tagger import quantize_int8

    ref = quantize_int8(BertForTokenClassification.from_pretrained(str(MODELS_DIR / "tagger"),
                                                                   local_files_only=True).eval())
    ours = quantize_int8(load_model(MODELS_DIR / "tagger"))
    c = ref.config
    with torch.inference_mode():
        for ids, kinds, mask in _batches(3, c.vocab_size, c.type_vocab_size, c.max_position_embeddings):
            assert torch.equal(ref(input_ids=ids, token_type_ids=kinds, attention_mask=mask).logits,
                               ours(input_ids=ids, token_type_ids=kinds, attention_mask=mask).logits)


def test_saved_and_loaded_again_gives_the_same_logits(tmp_path):
    a = load_model(MODELS_DIR / "tagger")
    a.save_pretrained(tmp_path)
    b = load_model(tmp_path)
    ids = torch.randint(1, 7000, (2, 40))
    kinds, mask = torch.zeros_like(ids), torch.ones_like(ids)
    mask[1, 30:] = 0
    with torch.inference_mode():
        assert torch.equal(a(input_ids=ids, token_type_ids=kinds, attention_mask=mask).logits,
                           b(input_ids=ids, token_type_ids=kinds, attention_mask=mask).logits)


def test_a_configuration_it_does_not_compute_is_refused(tmp_path):
    import json
    load_model(MODELS_DIR / "tagger").save_pretrained(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    config["hidden_act"] = "relu"
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ValueError, match="hidden_act"):
        load_model(tmp_path)


def test_saved_vocab_is_the_tokenizer_vocab():
    assert SavedVocab(MODELS_DIR / "tagger").get_vocab() == load_tokenizer(MODELS_DIR / "tagger").get_vocab()


def test_loading_the_tagger_imports_no_transformers():
    code = ("import sys; from pipeline.annotate import load_components; c = load_components(threads=1); "
            "assert c.tagger is not None and not c.load_errors, c.load_errors; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('transformers', 'sympy', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
