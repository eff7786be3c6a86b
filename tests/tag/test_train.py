import json
import re

import pytest

from pipeline.tag.data import featurize, to_cleaned
from pipeline.tag.evaluation import score_examples
from pipeline.tag.model import ModelArguments, merge_windows, window_starts
from pipeline.tag.tagger import Tagger
from pipeline.tag.tokenizer import CharEncoder, build_tokenizer
from pipeline.tag.train import load_config
from pipeline.labels import load_labels

from tag_markup import PROJECT_FORM, parse_markup


def test_toy_config_overfits_the_tiny_set(toy_model, tiny_examples):
    model_dir, summary, _ = toy_model
    # tests train a toy only (the brief); its time is load-dependent and belongs to make bench
    config = json.loads((model_dir / "config.json").read_text())
    assert config["hidden_size"] <= 64 and config["num_hidden_layers"] <= 2 and summary["examples"] <= 50
    tagger = Tagger.load(model_dir, precision="fp32")
    report = score_examples(tagger, tiny_examples)
    assert report["spans"]["exact"]["micro"]["f1"] == 1.0, report["spans"]["exact"]["per_label"]


def test_saved_model_has_everything_to_reload(toy_model):
    model_dir, summary, _ = toy_model
    names = {p.name for p in model_dir.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "label_map.json", "train_summary.json"} <= names
    label_map = json.loads((model_dir / "label_map.json").read_text())
    assert label_map["tags"] == load_labels().tags()
    assert summary["model_version"].startswith("tagger-")


def test_configs_parse():
    from pipeline import CONFIG_DIR
    for name in ("tagger.yaml", "tagger-toy.yaml"):
        m, d, t = load_config(CONFIG_DIR / name)
        assert m.hidden_size % m.num_attention_heads == 0
        assert 0 < m.stride <= m.window_chars


def test_source_coordinates_are_mapped_into_cleaned_text():
    ex = parse_markup("<p>一、存在问题</p>\n【PROBLEM|资金拨付偏慢】。")
    clean = to_cleaned(ex)
    assert "<p>" not in clean.text
    s = clean.spans[0]
    assert clean.text[s.start:s.end] == "资金拨付偏慢"


def test_windows_cover_a_long_region_and_keep_labels_aligned():
    args = ModelArguments(window_chars=16, stride=10, max_context_chars=8)
    body = "预算执行进度偏慢" * 6
    ex = parse_markup(f"三、存在的问题\n【PROBLEM|{body}】")
    enc = CharEncoder(build_tokenizer())
    tags = load_labels().tags()
    feats = featurize(to_cleaned(ex), enc, args, {t: i for i, t in enumerate(tags)}, "BIOES",
                      headings_for=lambda off: ["三、存在的问题"] if off > 7 else [])
    long = [f for f in feats if len(f.input_ids) > 20]
    assert len(long) == len(window_starts(len(body), 16, 10))
    first = long[0]
    ctx_len = first.token_type_ids.count(0)
    assert first.labels[:ctx_len] == [-100] * ctx_len  # context is not trained on
    assert tags[first.labels[ctx_len]] == "B-PROBLEM"


def test_context_dropout_blanks_the_heading_context_of_some_regions_only():
    import random
    args = ModelArguments(window_chars=64, stride=60, max_context_chars=8)
    text = "三、存在的问题\n" + "\n".join(f"【PROBLEM|第{i}项资金拨付进度偏慢】。" for i in range(40))
    ex = to_cleaned(parse_markup(text))
    enc = CharEncoder(build_tokenizer())
    tag2id = {t: i for i, t in enumerate(load_labels().tags())}
    heads = lambda off: ["三、存在的问题"]  # noqa: E731

    def context_lengths(p):
        feats = featurize(ex, enc, args, tag2id, "BIOES", headings_for=heads, context_dropout=p, rng=random.Random(0))
        return [f.token_type_ids.count(0) - 2 for f in feats]  # minus [CLS] and [SEP]
    assert all(n == 7 for n in context_lengths(0.0))
    assert all(n == 0 for n in context_lengths(1.0))
    half = context_lengths(0.5)
    assert 0 < half.count(0) < len(half) and set(half) == {0, 7}
    # labels do not move when the context goes
    a = featurize(ex, enc, args, tag2id, "BIOES", headings_for=heads)
    b = featurize(ex, enc, args, tag2id, "BIOES", headings_for=heads, context_dropout=1.0, rng=random.Random(0))
    assert [[x for x in f.labels if x != -100] for f in a] == [[x for x in f.labels if x != -100] for f in b]


def test_training_windows_carry_a_cells_column_header_when_the_model_reads_it():
    """model.column_context: the training windows of a form's planned cell end their context with its
    column header (预期目标), as the tagger's windows do at inference (context_for in both)."""
    from pipeline.corpus.lsformat import Example
    ex = to_cleaned(Example(text=PROJECT_FORM, spans=[]))
    enc = CharEncoder(build_tokenizer())
    tag2id = {t: i for i, t in enumerate(load_labels().tags())}

    def contexts(column: bool) -> list[str]:
        args = ModelArguments(window_chars=64, stride=60, max_context_chars=16, column_context=column)
        chars = {i: c for c, i in enc.vocab.items()}
        return ["".join(chars[i] for i in f.input_ids[1:f.token_type_ids.count(0) - 1])
                for f in featurize(ex, enc, args, tag2id, "BIOES")]
    assert any(c.endswith("预期目标") for c in contexts(True)) and any(c.endswith("实际完成情况") for c in contexts(True))
    assert not any(c.endswith(("预期目标", "实际完成情况")) for c in contexts(False))


def test_merge_windows_prefers_the_most_central_window():
    import numpy as np
    a = np.zeros((10, 2)); a[:, 0] = 1
    b = np.zeros((10, 2)); b[:, 1] = 1
    merged = merge_windows(15, [(0, a), (5, b)])
    # positions 5..9 are in both; 5,6 are more central in a (distance to a's edge 4,3 vs b's 0,1)
    assert merged[:7, 0].all() and merged[8:, 1].all()


def test_retrain_returns_a_loadable_model_version(tmp_path, tiny_examples):
    from pipeline import CONFIG_DIR
    from pipeline.tag.train import retrain
    version = retrain(tiny_examples[:2], tmp_path, config=CONFIG_DIR / "tagger-toy.yaml")
    assert Tagger.load(tmp_path / version, precision="fp32").model_version == version


def test_git_commit_says_when_the_model_is_not_heads(tmp_path, monkeypatch):
    import re
    import shutil
    import subprocess

    from pipeline.tag import train as train_mod
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    run = lambda *a: subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "tagger.yaml").write_text("a: 1\n")
    run("add", ".")
    run("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "c")
    monkeypatch.setattr(train_mod, "PROJECT_ROOT", tmp_path)
    assert re.fullmatch(r"[0-9a-f]{4,}", train_mod.git_commit())
    (tmp_path / "configs" / "tagger.yaml").write_text("a: 2\n")   # a config edited after the commit
    assert re.fullmatch(r"[0-9a-f]{4,}\+dirty", train_mod.git_commit())


def test_the_training_device_is_cpu_unless_cuda_is_asked_for_and_present(monkeypatch):
    import torch

    from pipeline.tag.train import TrainingArguments, training_device
    assert TrainingArguments().device == "cpu"
    assert training_device("cpu").type == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert training_device("auto").type == "cpu"
    with pytest.raises(ValueError, match="no CUDA device"):
        training_device("cuda")


def test_the_train_command_overrides_seed_device_and_time_limit(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pipeline import CONFIG_DIR
    from pipeline.cli import app
    from pipeline.tag import train as train_mod
    seen = {}

    def fake_train(m, d, t, out, progress=None):
        seen.update(seed=t.seed, device=t.device, time_limit_s=t.time_limit_s)
        raise SystemExit(0)
    monkeypatch.setattr(train_mod, "train", fake_train)
    CliRunner().invoke(app, ["train", "--config", str(CONFIG_DIR / "tagger-toy.yaml"), "--out", str(tmp_path),
                             "--seed", "15", "--device", "auto", "--time-limit", "60"])
    assert seen == {"seed": 15, "device": "auto", "time_limit_s": 60.0}


def test_word_boundaries_become_the_window_characters_token_types(tmp_path, tiny_examples):
    """With word_boundaries: jieba, a window character's token type is 2..5 (B/M/E/S of its jieba
    word), the context stays 0; a toy model with them trains, saves, reloads and tags."""
    from dataclasses import replace
    from pipeline import CONFIG_DIR
    from pipeline.tag.train import train
    args = ModelArguments(window_chars=16, stride=10, max_context_chars=8, word_boundaries="jieba")
    assert args.type_vocab_size == 6
    ex = parse_markup("三、存在的问题\n【PROBLEM|预算执行进度偏慢】")
    enc = CharEncoder(build_tokenizer())
    tags = load_labels().tags()
    feats = featurize(to_cleaned(ex), enc, args, {t: i for i, t in enumerate(tags)}, "BIOES",
                      headings_for=lambda off: ["三、存在的问题"] if off > 7 else [])
    body = feats[-1]
    ctx_len = body.token_type_ids.count(0)
    assert set(body.token_type_ids[ctx_len:-1]) <= {2, 3, 4, 5} and body.token_type_ids[-1] == 1
    assert body.token_type_ids[ctx_len] == 2    # 预算 opens a word
    with pytest.raises(ValueError):
        ModelArguments.from_dict({"word_boundaries": "pkuseg"})
    m, d, t = load_config(CONFIG_DIR / "tagger-toy.yaml")
    m = replace(m, word_boundaries="jieba")
    d = replace(d, task_files=[d.task_files[0]], corrections_dir="/nonexistent")
    t = replace(t, epochs=2)
    train(m, d, t, tmp_path)
    tagger = Tagger.load(tmp_path)
    assert tagger.args.word_boundaries == "jieba" and tagger.model.config.type_vocab_size == 6
    spans = tagger.predict_text(tiny_examples[0].text)
    assert all(0 <= s.start < s.end <= len(tiny_examples[0].text) for s in spans)


def test_a_time_limit_shortens_the_schedule_instead_of_cutting_it():
    """A CPU too slow for the planned steps within the time limit trains fewer steps, with the
    learning rate decayed to zero over them; a fast one trains the plan unchanged."""
    from pipeline.tag.train import FITTED_STEPS_ROUND, fit_steps_to_time_limit

    assert fit_steps_to_time_limit(36932, 300, 300 * 0.07, 3300) == 36932        # 2,585 s: fits
    fitted = fit_steps_to_time_limit(36932, 300, 300 * 0.11, 3300)                # 4,063 s: does not
    assert fitted < 36932 and fitted % FITTED_STEPS_ROUND == 0
    assert fitted * 0.11 <= 3300 and (fitted + FITTED_STEPS_ROUND) * 0.11 > 3300 * 0.97


def test_the_schedule_is_transformers_linear_warmup_and_decay():
    """Same learning rates as get_linear_schedule_with_warmup for a fixed total (a fast machine's
    weights do not change), and zero at the end of a shortened total."""
    import torch
    from transformers import get_linear_schedule_with_warmup
    from pipeline.tag.train import _linear_warmup_decay

    def rates(make):
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        sched = make(opt)
        out = []
        for _ in range(100):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return out

    ref = rates(lambda o: get_linear_schedule_with_warmup(o, 7, 100))
    ours = rates(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda k: _linear_warmup_decay(k, {"total": 100, "warmup": 7})))
    assert ours == pytest.approx(ref)
    assert _linear_warmup_decay(60, {"total": 60, "warmup": 4}) == 0.0


def test_the_model_card_says_where_the_model_was_trained(toy_model, tmp_path):
    import shutil

    from pipeline.tag.card import write_model_card
    model_dir = tmp_path / "m"
    shutil.copytree(toy_model[0], model_dir)
    assert "trained on the CPU;" in write_model_card(model_dir).read_text(encoding="utf-8")
    summary = json.loads((model_dir / "train_summary.json").read_text())
    (model_dir / "train_summary.json").write_text(json.dumps({**summary, "trained_on": "NVIDIA H200"}))
    assert "trained on NVIDIA H200;" in write_model_card(model_dir).read_text(encoding="utf-8")


def test_weight_average_is_the_exponential_moving_average_of_the_updates():
    import torch

    from pipeline.tag.train import WeightAverage
    model = torch.nn.Linear(1, 1, bias=False)
    steps = [1.0, 3.0, -2.0]
    with torch.no_grad():
        model.weight.fill_(steps[0])
    average = WeightAverage(model, 0.9)
    expected = None
    for w in steps:
        with torch.no_grad():
            model.weight.fill_(w)
        average.update(model)
        expected = w if expected is None else 0.9 * expected + 0.1 * w   # the first update copies
    with torch.no_grad():
        model.weight.fill_(100.0)
    average.copy_to(model)
    assert model.weight.item() == pytest.approx(expected)
    with pytest.raises(ValueError):
        WeightAverage(model, 1.0)


def test_a_toy_trained_with_a_weight_average_saves_the_average(tmp_path, toy_model, tiny_examples):
    from dataclasses import replace

    from pipeline import CONFIG_DIR
    from pipeline.tag.train import train
    from conftest import FIXTURE_TASKS
    m, d, t = load_config(CONFIG_DIR / "tagger-toy.yaml")
    d = replace(d, task_files=[str(FIXTURE_TASKS)], corrections_dir="/nonexistent")
    summary = train(m, d, replace(t, ema_decay=0.9, ema_start=0.5), tmp_path)
    assert summary["weights"].startswith("exponential moving average (decay 0.9)")
    _, plain, _ = toy_model
    assert plain["weights"] == "last step"
    # same seed and data, other weights: the average, not the last step, was saved
    assert summary["model_version"].split("-")[-1] != plain["model_version"].split("-")[-1]
    report = score_examples(Tagger.load(tmp_path, precision="fp32"), tiny_examples)
    assert report["spans"]["overlap"]["micro"]["f1"] > 0.5


def test_a_toy_trained_with_stochastic_weight_averaging_saves_the_mean(tmp_path, toy_model, tiny_examples):
    """swa_start holds the learning rate over the schedule's tail and saves the plain mean of the
    weights taken every swa_every steps there; it and ema_decay exclude each other."""
    from dataclasses import replace

    import pytest

    from pipeline import CONFIG_DIR
    from pipeline.tag.train import _linear_warmup_decay, train
    from conftest import FIXTURE_TASKS
    m, d, t = load_config(CONFIG_DIR / "tagger-toy.yaml")
    d = replace(d, task_files=[str(FIXTURE_TASKS)], corrections_dir="/nonexistent")
    # the rate decays linearly until the hold, and stays at the held share after it
    schedule = {"total": 100, "warmup": 0, "hold_from": 50, "hold": 0.25}
    assert _linear_warmup_decay(40, schedule) == pytest.approx(0.6)
    assert _linear_warmup_decay(50, schedule) == _linear_warmup_decay(99, schedule) == 0.25
    swa = replace(t, swa_start=0.5, swa_lr=t.learning_rate / 4, swa_every=2)
    summary = train(m, d, swa, tmp_path)
    assert summary["weights"].startswith("mean of the weights every 2 steps from step ")
    # the summary names the first and the last step averaged: swa_every apart, at most that before the end
    first, last = (int(x) for x in re.search(r"from step (\d+) to (\d+)", summary["weights"]).groups())
    assert (last - first) % 2 == 0 and 0 <= summary["steps"] - last < 2 and first < last
    _, plain, _ = toy_model
    assert summary["model_version"].split("-")[-1] != plain["model_version"].split("-")[-1]
    report = score_examples(Tagger.load(tmp_path, precision="fp32"), tiny_examples)
    assert report["spans"]["overlap"]["micro"]["f1"] > 0.5
    with pytest.raises(ValueError, match="set one"):
        train(m, d, replace(swa, ema_decay=0.9), tmp_path / "both")


def test_a_toy_trained_in_forks_saves_the_mean_of_their_last_weights(tmp_path, toy_model):
    """fork_at splits the run at that share of the schedule into `forks` runs that each finish it:
    the first goes on as the run would have (its weights are the plain run's), the others with their
    own data order; the saved weights are the mean of theirs."""
    from dataclasses import replace

    import pytest
    import torch
    from safetensors.torch import load_file

    from pipeline import CONFIG_DIR
    from pipeline.tag.train import train
    from conftest import FIXTURE_TASKS
    m, d, t = load_config(CONFIG_DIR / "tagger-toy.yaml")
    d = replace(d, task_files=[str(FIXTURE_TASKS)], corrections_dir="/nonexistent")
    summary = train(m, d, replace(t, fork_at=0.5, forks=2, save_forks=True), tmp_path)
    assert summary["weights"].startswith("mean of the last weights of 2 forks of the run from step ")
    mean, first, second = (load_file(str(p / "model.safetensors")) for p in (tmp_path, tmp_path / "forks" / "0",
                                                                             tmp_path / "forks" / "1"))
    plain_dir, plain, _ = toy_model
    plain_w = load_file(str(plain_dir / "model.safetensors"))
    assert all(torch.equal(first[n], plain_w[n]) for n in plain_w)
    weights = [n for n, x in first.items() if x.is_floating_point()]
    assert any(not torch.equal(first[n], second[n]) for n in weights)
    assert all(torch.allclose(mean[n], (first[n] + second[n]) / 2, atol=1e-6) for n in weights)
    with pytest.raises(ValueError, match="set one"):
        train(m, d, replace(t, fork_at=0.5, swa_start=0.5), tmp_path / "both")
    with pytest.raises(ValueError, match="forks be at least 2"):
        train(m, d, replace(t, fork_at=0.5, forks=1), tmp_path / "one")
    with pytest.raises(ValueError, match="char_noise_labels"):
        train(m, d, replace(t, char_noise_labels=["NOT_A_LABEL"]), tmp_path / "noise")
    with pytest.raises(ValueError, match="begin_weight must be positive"):
        train(m, d, replace(t, begin_weight=0.0), tmp_path / "begin")


def test_char_noise_swaps_only_window_hanzi_for_hanzi_of_the_batch():
    import random

    import torch

    from pipeline.tag.data import IGNORE, Feature
    from pipeline.tag.train import collate, hanzi_ids

    enc = CharEncoder(build_tokenizer())
    hanzi = hanzi_ids(enc)
    assert hanzi[enc.vocab["完"]] and not hanzi[enc.vocab["1"]] and not hanzi[enc.vocab["，"]]
    context, window = enc.encode("工作任务"), enc.encode("完成检查12次，覆盖率100%。")
    ids = [enc.cls_id, *context, enc.sep_id, *window, enc.sep_id]
    labels = [IGNORE] * (len(context) + 2) + list(range(len(window))) + [IGNORE]
    feature = Feature(ids, [0] * len(ids), labels)
    plain = collate([feature], enc.pad_id, enc.unk_id, 0.0, random.Random(3))
    noisy = collate([feature], enc.pad_id, enc.unk_id, 0.0, random.Random(3), 0.5, hanzi)
    before, after = plain["input_ids"][0], noisy["input_ids"][0]
    changed = (before != after).nonzero().flatten().tolist()
    assert changed, "half the window's hanzi should have been swapped"
    window_hanzi = {i for i, t in enumerate(ids) if labels[i] != IGNORE and bool(hanzi[t])}
    assert set(changed) <= window_hanzi          # never the context, the markers, digits or punctuation
    assert {int(after[i]) for i in changed} <= {ids[i] for i in window_hanzi}
    assert torch.equal(noisy["labels"], plain["labels"])
    # a zero share swaps nothing, even with the hanzi table given
    again = collate([feature], enc.pad_id, enc.unk_id, 0.0, random.Random(3), 0.0, hanzi)
    assert torch.equal(again["input_ids"][0], before)


def test_char_noise_by_label_leaves_other_characters_alone():
    import random

    import torch

    from pipeline.tag.data import IGNORE, Feature
    from pipeline.tag.train import collate, hanzi_ids

    enc = CharEncoder(build_tokenizer())
    hanzi = hanzi_ids(enc)
    outside, inside = enc.encode("全年共计"), enc.encode("完成检查工作十二次")
    ids = [enc.cls_id, enc.sep_id, *outside, *inside, enc.sep_id]
    o_id, span_id = 0, 1
    labels = [IGNORE, IGNORE] + [o_id] * len(outside) + [span_id] * len(inside) + [IGNORE]
    feature = Feature(ids, [0] * len(ids), labels)
    only_spans = torch.tensor([False, True])   # per tag id: O no, the span's tag yes
    noisy = collate([feature], enc.pad_id, enc.unk_id, 0.0, random.Random(5), 0.9, hanzi, only_spans)
    changed = (torch.tensor(ids) != noisy["input_ids"][0]).nonzero().flatten().tolist()
    assert changed and all(labels[i] == span_id for i in changed)


def test_the_begin_weighted_loss_weights_the_gold_begins_and_is_the_models_own_loss_at_weight_one():
    import torch

    from pipeline.tag.data import IGNORE
    from pipeline.tag.model import build_model
    from pipeline.tag.train import begin_weighted_loss, begin_weights

    tags = ["O", "B-WORKLOAD", "I-WORKLOAD", "E-WORKLOAD", "S-WORKLOAD"]
    model = build_model(ModelArguments(hidden_size=16, num_hidden_layers=1, num_attention_heads=1,
                                       intermediate_size=16), 20, tags)
    model.eval()
    labels = torch.tensor([[0, 1, 2, 3, 0, 4, IGNORE]])
    out = model(input_ids=torch.randint(1, 20, (1, 7)), labels=labels)
    assert torch.allclose(begin_weighted_loss(out.logits, labels, begin_weights(tags, 1.0)), out.loss)
    nll = -torch.log_softmax(out.logits[0], -1)[torch.arange(6), labels[0, :6]]
    weight = torch.tensor([1.0, 3.0, 1.0, 1.0, 1.0, 3.0])
    assert begin_weights(tags, 3.0).tolist() == [1.0, 3.0, 1.0, 1.0, 3.0]
    assert torch.allclose(begin_weighted_loss(out.logits, labels, begin_weights(tags, 3.0)),
                          (weight * nll).sum() / weight.sum())


def test_context_kind_becomes_the_context_segments_token_type(tmp_path, tiny_examples):
    """With context_kind on, the context segment ([CLS] heading path [SEP]) has the token type of its
    section kind (2 + its index in CONTEXT_KINDS), the window keeps 1; a region under no classified
    heading, and a region whose context was dropped in training, keep the plain type 0; a toy
    model with it trains, saves, reloads and tags."""
    import random
    from dataclasses import replace
    from pipeline import CONFIG_DIR
    from pipeline.tag.regions import CONTEXT_KINDS
    from pipeline.tag.train import train
    args = ModelArguments(window_chars=16, stride=10, max_context_chars=8, context_kind=True)
    assert args.type_vocab_size == 2 + len(CONTEXT_KINDS)
    assert ModelArguments().context_type("problems") == 0          # off: the models trained before it
    ex = parse_markup("前言文字说明\n三、存在的问题\n【PROBLEM|预算执行进度偏慢】")
    enc = CharEncoder(build_tokenizer())
    tag2id = {t: i for i, t in enumerate(load_labels().tags())}

    def headings_for(off):
        return ["三、存在的问题"] if off > 14 else []
    feats = featurize(to_cleaned(ex), enc, args, tag2id, "BIOES", headings_for=headings_for)
    problem_type = 2 + CONTEXT_KINDS.index("problems")
    assert args.context_type("problems") == problem_type
    first, last = feats[0], feats[-1]
    assert set(first.token_type_ids) == {0, 1}                          # the preamble: no kind
    ctx_len = last.token_type_ids.count(problem_type)
    assert ctx_len >= 2 and set(last.token_type_ids[:ctx_len]) == {problem_type}
    assert set(last.token_type_ids[ctx_len:]) == {1}
    dropped = featurize(to_cleaned(ex), enc, args, tag2id, "BIOES", headings_for=headings_for,
                        context_dropout=1.0, rng=random.Random(0))
    assert all(set(f.token_type_ids) == {0, 1} for f in dropped)
    m, d, t = load_config(CONFIG_DIR / "tagger-toy.yaml")
    m = replace(m, context_kind=True)
    d = replace(d, task_files=[d.task_files[0]], corrections_dir="/nonexistent")
    t = replace(t, epochs=2)
    train(m, d, t, tmp_path)
    tagger = Tagger.load(tmp_path)
    assert tagger.args.context_kind and tagger.model.config.type_vocab_size == 2 + len(CONTEXT_KINDS)
    spans = tagger.predict_text(tiny_examples[0].text)
    assert all(0 <= s.start < s.end <= len(tiny_examples[0].text) for s in spans)
