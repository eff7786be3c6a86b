"""Train the character tagger on this CPU.

``jixiao train --config configs/tagger.yaml --out models/tagger``. The YAML
has three blocks mapped onto typed argument dataclasses (the shape of HF's
run_ner.py): ``model`` (ModelArguments), ``data`` (DataArguments), ``training``
(TrainingArguments). Data = synthetic tasks + seed gold (optional, so the
evaluation protocol can leave it out) + every annotations/corrections/*.json.
A plain loop: AdamW, linear warm-up then linear decay, fixed seeds, 2 threads.
"""
from __future__ import annotations

import copy
import json
import logging
import math
import random
import subprocess
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch

from pipeline import ANNOTATIONS_DIR, PROJECT_ROOT
from pipeline.corpus.lsformat import Example
from pipeline.labels import load_labels
from pipeline.lexicon import hanzi_count
from pipeline.tag.data import IGNORE, Feature, featurize, read_task_files, to_cleaned
from pipeline.tag.decode import parse_tag
from pipeline.tag.model import ModelArguments, build_model, load_yaml, weights_digest
from pipeline.tag.sequence_loss import class_maps, sequence_loss
from pipeline.tag.tokenizer import CharEncoder, build_tokenizer

log = logging.getLogger(__name__)


@dataclass
class DataArguments:
    """Where training examples come from (the ``data:`` block)."""
    synth_docs: int = 300            # synthetic documents generated on the fly (0: none)
    synth_seed: int = 7
    use_gold: bool = True            # seed gold; off for protocol (a)
    gold_repeat: int = 1             # real documents are few: each gold/correction example is seen this often
    gold_exclude: list[str] = field(default_factory=list)  # seed file names left out (leave-one-out)
    corrections_dir: str = str(ANNOTATIONS_DIR / "corrections")
    task_files: list[str] = field(default_factory=list)    # further Label Studio exports (paths)


@dataclass
class TrainingArguments:
    """Optimisation (the ``training:`` block)."""
    seed: int = 13
    epochs: float = 3.0
    max_steps: int = 0               # > 0 overrides epochs
    batch_size: int = 16
    learning_rate: float = 5e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_grad_norm: float = 1.0
    threads: int = 2
    unk_replace_prob: float = 0.01   # random chars → [UNK] so the [UNK] embedding is trained
    char_noise_prob: float = 0.0     # > 0: window hanzi swapped for hanzi drawn from the same batch (labels kept), so a
                                     # span's edges must rest on its frame (clause edges, counts), not on the banks' words
    char_noise_labels: list[str] = field(default_factory=list)  # empty: any window hanzi; else only hanzi inside spans
                                     # of these labels
    context_dropout: float = 0.0     # share of regions trained without their heading context (see featurize)
    log_every: int = 50
    time_limit_s: float = 0          # > 0: stop (and save) after this long
    device: str = "cpu"              # "cpu", "cuda" or "auto" (cuda when torch sees one); the weights are saved on the CPU
    ema_decay: float = 0.0           # > 0: save an exponential moving average of the weights (WeightAverage), not the last step's
    ema_start: float = 0.5           # share of the schedule after which the average starts
    swa_start: float = 0.0           # > 0: stochastic weight averaging from this share of the schedule on: the learning
                                     # rate is held at swa_lr and the plain mean of the weights every swa_every steps is saved
    swa_lr: float = 2.5e-4
    swa_every: int = 200
    fork_at: float = 0.0             # > 0: at this share of the schedule the run forks into `forks` runs (each its own data
    forks: int = 2                   # order and dropout) that all finish the schedule; the plain mean of their last weights is saved
    save_forks: bool = False         # also save each fork's last weights (OUT/forks/K) to score them alone or as an ensemble
    sequence_loss_weight: float = 0.0  # > 0: add this times the decoder's path loss (pipeline.tag.sequence_loss: -log P of
                                     # the gold O/B/I/E/S path among the valid ones) to the characters' cross-entropy
    begin_weight: float = 1.0        # the weight of a span's first character (B and S tags) in the cross-entropy, the
                                     # others' 1: the raw model entered spans without a confident begin (docs/history.md)


class WeightAverage:
    """An average of a model's parameters (torch.optim.swa_utils): exponential with ``decay``, or
    the plain mean of every update (stochastic weight averaging) when ``decay`` is None; updated
    after optimiser steps and copied into the model before it is saved. Why: two draws of one
    config averaged in probability tagged the development set better than either, the raw model
    most (docs/history.md, round of 2026-12-04 late); an average of one run's weights is the version of
    that which costs nothing at inference."""

    def __init__(self, model: torch.nn.Module, decay: float | None):
        from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
        if decay is None:
            self.averaged = AveragedModel(model)
            return
        if not 0.0 < decay < 1.0:
            raise ValueError(f"ema_decay must lie in (0, 1), not {decay}")
        self.averaged = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))

    def update(self, model: torch.nn.Module) -> None:
        self.averaged.update_parameters(model)

    def copy_to(self, model: torch.nn.Module) -> None:
        with torch.no_grad():
            for mine, theirs in zip(self.averaged.module.parameters(), model.parameters()):
                theirs.copy_(mine)


def begin_weights(tags: list[str], begin_weight: float) -> torch.Tensor:
    """The class weights of the cross-entropy: ``begin_weight`` for each B and S tag (a span's first
    character), 1 for the others."""
    return torch.tensor([begin_weight if parse_tag(t)[0] in ("B", "S") else 1.0 for t in tags])


def begin_weighted_loss(logits: torch.Tensor, labels: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """The characters' cross-entropy with class weights (begin_weights), normalised by the summed
    weight of the labelled characters (torch's weighted mean): all weights 1 give the model's own loss."""
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                             weight=weight, ignore_index=IGNORE)


def _from_dict(cls, d: dict | None):
    names = {f.name for f in fields(cls)}
    unknown = set(d or {}) - names
    if unknown:
        raise ValueError(f"unknown {cls.__name__} settings: {sorted(unknown)}")
    return cls(**(d or {}))


def load_config(path: Path) -> tuple[ModelArguments, DataArguments, TrainingArguments]:
    cfg = load_yaml(path)
    data = dict(cfg.get("data") or {})
    # paths in a config are relative to the project root, not to the working directory
    data["task_files"] = [str(PROJECT_ROOT / p) if not Path(p).is_absolute() else p
                          for p in data.get("task_files", [])]
    if "corrections_dir" in data and not Path(data["corrections_dir"]).is_absolute():
        data["corrections_dir"] = str(PROJECT_ROOT / data["corrections_dir"])
    return (ModelArguments.from_dict(cfg.get("model")), _from_dict(DataArguments, data),
            _from_dict(TrainingArguments, cfg.get("training")))


# ---------------------------------------------------------------- data sources

def synth_examples(n: int, seed: int) -> list[Example]:
    """Synthetic labelled documents from pipeline.corpus.synth (``generate_corpus(n, seed)``).

    Returns [] with a warning when that module is not installed, so training
    still runs on task files alone.
    """
    if n <= 0:
        return []
    try:
        from pipeline.corpus.synth.generator import generate_corpus
    except ImportError:
        log.warning("pipeline.corpus.synth not available: no synthetic data")
        return []
    out = []
    for doc in generate_corpus(n, seed):
        ex = doc.example
        ex.data = {**ex.data, "source": "synth"}
        out.append(ex)
    return out


def gold_examples(exclude: list[str] | None = None) -> list[Example]:
    """Seed gold (pipeline.corpus.gold), in cleaned coordinates, minus the seed files in exclude."""
    try:
        from pipeline.corpus.gold import SeedsMissing, gold_in_clean_coords, load_all_gold
    except ImportError:
        log.warning("pipeline.corpus.gold not available: no seed gold")
        return []
    try:
        gold = load_all_gold()
    except SeedsMissing as exc:
        log.warning("no seed gold: %s", exc)
        return []
    skip = set(exclude or [])
    out = []
    for ex in gold:
        if ex.data.get("file") not in skip:
            ex = gold_in_clean_coords(ex)
            ex.data = {**ex.data, "source": "gold"}
            out.append(ex)
    return out


def collect_examples(data: DataArguments) -> list[Example]:
    labels = set(load_labels().names)
    examples = synth_examples(data.synth_docs, data.synth_seed)
    real: list[Example] = []
    if data.use_gold:
        real += gold_examples(data.gold_exclude)
    corrections = Path(data.corrections_dir)
    if corrections.is_dir():
        real += [_tagged(ex, "corrections") for ex in read_task_files([corrections], labels)]
    # oversample real text: a handful of real reports among thousands of synthetic ones
    # would otherwise barely move the model away from the generator's style
    examples += real * max(1, data.gold_repeat)
    examples += [_tagged(ex, "task_files") for ex in read_task_files([Path(p) for p in data.task_files], labels)]
    return examples


def _tagged(ex: Example, source: str) -> Example:
    ex.data = {**(ex.data or {}), "source": ex.data.get("source", source) if ex.data else source}
    return ex


# ---------------------------------------------------------------- training loop

def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _batches(features: list[Feature], batch_size: int, rng: random.Random) -> list[list[Feature]]:
    """Shuffled batches of similar length (less padding), in shuffled order."""
    order = list(range(len(features)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c:c + chunk], key=lambda i: len(features[i].input_ids))
        batches += [[features[i] for i in part[b:b + batch_size]] for b in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def hanzi_ids(encoder: CharEncoder) -> torch.Tensor:
    """A bool per vocabulary id: the ids of single hanzi, which ``char_noise_prob`` may swap."""
    mask = torch.zeros(encoder.size, dtype=torch.bool)
    for ch, i in encoder.vocab.items():
        mask[i] = len(ch) == 1 and hanzi_count(ch) == 1
    return mask


def collate(batch: list[Feature], pad_id: int, unk_id: int = -1, unk_prob: float = 0.0,
            rng: random.Random | None = None, noise_prob: float = 0.0,
            hanzi: torch.Tensor | None = None, noise_tags: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """A padded batch; with ``unk_prob`` window characters become [UNK], with ``noise_prob`` a window
    character that is a hanzi (``hanzi``: a bool per vocabulary id) becomes another of the batch's
    window hanzi, drawn at random (so drawn by frequency); with ``noise_tags`` (a bool per tag id)
    only hanzi whose tag is one of them."""
    n = max(len(f.input_ids) for f in batch)
    ids = torch.full((len(batch), n), pad_id, dtype=torch.long)
    types = torch.zeros((len(batch), n), dtype=torch.long)
    mask = torch.zeros((len(batch), n), dtype=torch.long)
    labels = torch.full((len(batch), n), IGNORE, dtype=torch.long)
    for i, f in enumerate(batch):
        k = len(f.input_ids)
        ids[i, :k] = torch.tensor(f.input_ids)
        types[i, :k] = torch.tensor(f.token_type_ids)
        mask[i, :k] = 1
        labels[i, :k] = torch.tensor(f.labels)
    if (unk_prob > 0 or noise_prob > 0) and rng is not None:
        g = torch.Generator().manual_seed(rng.randrange(2**31))
        flip = (torch.rand(ids.shape, generator=g) < unk_prob) & (labels != IGNORE)
        ids[flip] = unk_id
        if noise_prob > 0 and hanzi is not None:
            pool = (labels != IGNORE) & hanzi[ids]
            swap = pool & (torch.rand(ids.shape, generator=g) < noise_prob)
            if noise_tags is not None:
                swap &= noise_tags[labels.clamp(min=0)]  # IGNORE rows are outside the pool already
            n_swap = int(swap.sum())
            if n_swap:
                drawn = ids[pool]
                ids[swap] = drawn[torch.randint(len(drawn), (n_swap,), generator=g)]
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask, "labels": labels}


def git_commit() -> str:
    """HEAD's short hash, with "+dirty" when the code or configs that shape a model
    (pipeline/, configs/, annotations/) differ from it: the model then is not HEAD's."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    try:
        head = git("rev-parse", "--short", "HEAD") or "unknown"
        if head != "unknown" and git("status", "--porcelain", "--", "pipeline", "configs", "annotations"):
            head += "+dirty"
        return head
    except (OSError, subprocess.SubprocessError):
        return "unknown"


FORK_SEED_STRIDE = 7919    # fork k's data order and dropout: seed + k * this (fork 0 goes on with the run's own)
TIME_PROBE_STEPS = 300      # steps timed before a time limit may shorten the schedule
TIME_LIMIT_MARGIN = 0.97    # share of the time limit the fitted schedule plans to use
FITTED_STEPS_ROUND = 500    # fitted step counts are rounded down to this, so small timing jitter changes them less often


def fit_steps_to_time_limit(total: int, done: int, elapsed_s: float, limit_s: float) -> int:
    """The number of steps a run can finish within ``limit_s``, from the time its first ``done``
    steps took: ``total`` when the plan fits, otherwise fewer, rounded down to FITTED_STEPS_ROUND.
    A slower CPU then trains fewer steps with the learning rate decayed to zero, instead of
    stopping part-way down the schedule at a high rate (on a 2-core AVX2 EPYC a step of the
    shipped config takes about 0.12 s: its 36,932 steps would need about 70 minutes)."""
    per_step = elapsed_s / max(1, done)
    if per_step * total <= limit_s * TIME_LIMIT_MARGIN:
        return total
    fitted = int(limit_s * TIME_LIMIT_MARGIN / per_step) // FITTED_STEPS_ROUND * FITTED_STEPS_ROUND
    return max(done + 1, min(total, fitted))


def training_device(name: str) -> torch.device:
    """The torch device of TrainingArguments.device; "auto" takes cuda when torch sees one."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"training device {name!r} asked for, but torch sees no CUDA device")
    return torch.device(name)


def _linear_warmup_decay(k: int, schedule: dict) -> float:
    """transformers' get_linear_schedule_with_warmup, over a total that may change during the run;
    from schedule["hold_from"] on (stochastic weight averaging) the rate is held at schedule["hold"]."""
    warmup, total = schedule["warmup"], schedule["total"]
    if schedule.get("hold_from") is not None and k >= schedule["hold_from"]:
        return schedule["hold"]
    if k < warmup:
        return k / max(1, warmup)
    return max(0.0, (total - k) / max(1, total - warmup))


def train(model_args: ModelArguments, data_args: DataArguments, train_args: TrainingArguments,
          out_dir: Path, examples: list[Example] | None = None,
          progress: Callable[[str], None] | None = None) -> dict:
    """Train and save to out_dir; returns the training summary (also written to train_summary.json)."""
    say = progress or log.info
    set_seed(train_args.seed)
    torch.set_num_threads(train_args.threads)
    labels = load_labels()
    tags = labels.tags()
    tag2id = {t: i for i, t in enumerate(tags)}
    tokenizer = build_tokenizer()
    encoder = CharEncoder(tokenizer)
    hanzi = hanzi_ids(encoder) if train_args.char_noise_prob else None

    # the commit whose generator and data made this model: taken before training, since the
    # working tree may move on during a long run
    commit = git_commit()
    t0 = time.perf_counter()
    if examples is None:
        examples = collect_examples(data_args)
    examples = [to_cleaned(ex) for ex in examples]
    features: list[Feature] = []
    ctx_rng = random.Random(train_args.seed + 1)
    for ex in examples:
        features.extend(featurize(ex, encoder, model_args, tag2id, labels.scheme,
                                  context_dropout=train_args.context_dropout, rng=ctx_rng))
    if not features:
        raise ValueError("no training windows: no examples found (check the data block of the config)")
    n_chars = sum(sum(1 for x in f.labels if x != IGNORE) for f in features)
    say(f"{len(examples)} examples, {len(features)} windows, {n_chars} labelled chars "
        f"(featurised in {time.perf_counter() - t0:.1f}s)")

    device = training_device(train_args.device)
    model = build_model(model_args, encoder.size, tags, encoder.pad_id).to(device)
    model.train()
    steps_per_epoch = math.ceil(len(features) / train_args.batch_size)
    total = train_args.max_steps or max(1, math.ceil(steps_per_epoch * train_args.epochs))
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
         "weight_decay": train_args.weight_decay},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
         "weight_decay": 0.0},
    ]
    optim = torch.optim.AdamW(groups, lr=train_args.learning_rate)
    planned = total
    if sum(bool(x) for x in (train_args.ema_decay, train_args.swa_start, train_args.fork_at)) > 1:
        raise ValueError("ema_decay, swa_start and fork_at are three ways of averaging the weights: set one")
    if train_args.begin_weight <= 0:
        raise ValueError(f"begin_weight must be positive, not {train_args.begin_weight}")
    # built once: the loss of every step weighs the classes alike
    class_weight = begin_weights(tags, train_args.begin_weight).to(device) if train_args.begin_weight != 1.0 else None
    unknown = set(train_args.char_noise_labels) - set(labels.names)
    if unknown:
        raise ValueError(f"char_noise_labels names unknown labels {sorted(unknown)}; labels: {labels.names}")
    noise_tags = (torch.tensor([parse_tag(t)[1] in train_args.char_noise_labels for t in tags])
                  if train_args.char_noise_labels else None)
    if train_args.fork_at and (not 0.0 < train_args.fork_at < 1.0 or train_args.forks < 2):
        raise ValueError(f"fork_at must lie in (0, 1) and forks be at least 2, not {train_args.fork_at}, {train_args.forks}")
    # the share of one schedule's steps a run costs: forks repeat the part after the fork
    cost = 1.0 + (train_args.forks - 1) * (1.0 - train_args.fork_at) if train_args.fork_at else 1.0
    schedule = {"total": total, "warmup": int(total * train_args.warmup_ratio)}
    class_of, class_trans = class_maps(tags)

    def hold_rate_for_averaging() -> None:
        # stochastic weight averaging: a constant rate over the averaged tail, not a decay to zero
        if train_args.swa_start:
            schedule.update(hold_from=int(train_args.swa_start * schedule["total"]),
                            hold=train_args.swa_lr / train_args.learning_rate)
    hold_rate_for_averaging()
    # linear warm-up and decay to zero over schedule["total"], which a time limit may shorten
    # once the step time is measured (fit_steps_to_time_limit): the run then ends annealed (or,
    # with swa_start, held at swa_lr over the averaged tail)
    sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda k: _linear_warmup_decay(k, schedule))
    rng = random.Random(train_args.seed)

    step, t_train, losses, stopped_early = 0, time.perf_counter(), [], False
    average: WeightAverage | None = None
    averaged_from = averaged_to = 0

    def batch_stream(rng: random.Random) -> Iterator[list[Feature]]:
        """Epoch after epoch of shuffled batches: a fork that goes on with it sees what the run would."""
        while True:
            yield from _batches(features, train_args.batch_size, rng)

    def run_to(stop: Callable[[], int], stream: Iterator[list[Feature]], rng: random.Random) -> None:
        """Train from the current step to stop() (the schedule's end may move under a time limit)."""
        while step < stop() and not _one_step(next(stream), rng):
            pass

    def _one_step(batch: list[Feature], rng: random.Random) -> bool:
        """One optimiser step; True when the time limit has passed."""
        nonlocal step, total, stopped_early, average, averaged_from, averaged_to
        inputs = collate(batch, encoder.pad_id, encoder.unk_id, train_args.unk_replace_prob, rng,
                         train_args.char_noise_prob, hanzi, noise_tags)
        inputs = {k: v.to(device) for k, v in inputs.items()}
        out = model(**inputs)
        loss = out.loss if class_weight is None else begin_weighted_loss(out.logits, inputs["labels"], class_weight)
        if train_args.sequence_loss_weight:
            loss = loss + train_args.sequence_loss_weight * sequence_loss(
                out.logits, inputs["labels"], class_of.to(device), class_trans, IGNORE)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), train_args.max_grad_norm)
        optim.step()
        sched.step()
        optim.zero_grad(set_to_none=True)
        losses.append(loss.item())
        step += 1
        if train_args.ema_decay and step >= train_args.ema_start * total:
            if average is None:
                average, averaged_from = WeightAverage(model, train_args.ema_decay), step
            average.update(model)
        if train_args.swa_start and step >= schedule["hold_from"] and (step - schedule["hold_from"]) % train_args.swa_every == 0:
            if average is None:
                average, averaged_from = WeightAverage(model, None), step
            average.update(model)
            averaged_to = step
        if step % train_args.log_every == 0 or step == total:
            say(f"step {step}/{total} loss {np.mean(losses[-train_args.log_every:]):.4f} "
                f"({time.perf_counter() - t_train:.0f}s)")
        if train_args.time_limit_s and step == TIME_PROBE_STEPS and total > step:
            fitted = fit_steps_to_time_limit(total, step, time.perf_counter() - t_train,
                                             train_args.time_limit_s / cost)
            if fitted < total:
                forked = f" (and the forks' repeated {cost - 1:.0%} of them)" if train_args.fork_at else ""
                say(f"at {(time.perf_counter() - t_train) / step:.3f}s a step, {total} steps{forked} would pass the "
                    f"time limit of {train_args.time_limit_s:.0f}s: training {fitted} steps, annealed over them")
                total = fitted
                schedule.update(total=total, warmup=int(total * train_args.warmup_ratio))
                hold_rate_for_averaging()
        if train_args.time_limit_s and time.perf_counter() - t_train > train_args.time_limit_s:
            stopped_early = True
            return True
        return False

    fork_ends: list[dict[str, torch.Tensor]] = []
    fork_step = 0
    stream = batch_stream(rng)
    if not train_args.fork_at:
        run_to(lambda: total, stream, rng)
    else:
        # forks of one run share its first part and finish the schedule each with its own data
        # order and dropout; the mean of their weights is meant to stand for the mean of their
        # predictions, as independent draws averaged tag unseen reports better than either (docs/history.md:
        # forks from the middle of the run barely disagree, so their mean gains nothing)
        run_to(lambda: int(train_args.fork_at * total), stream, rng)
        fork_step = step
        trunk = copy.deepcopy({"model": model.state_dict(), "optim": optim.state_dict(), "sched": sched.state_dict()})
        for k in range(train_args.forks):
            if k:
                model.load_state_dict(trunk["model"])
                optim.load_state_dict(trunk["optim"])
                sched.load_state_dict(trunk["sched"])
                step = fork_step
                rng = random.Random(train_args.seed + FORK_SEED_STRIDE * k)
                stream = batch_stream(rng)
                torch.manual_seed(train_args.seed + FORK_SEED_STRIDE * k)
            say(f"fork {k + 1}/{train_args.forks} from step {fork_step}")
            run_to(lambda: total, stream, rng)
            fork_ends.append({n: t.detach().clone() for n, t in model.state_dict().items()})
            if stopped_early:
                break
        with torch.no_grad():  # buffers that are not weights (position ids) are the same in every fork
            model.load_state_dict({n: sum(end[n] for end in fork_ends) / len(fork_ends) if t.is_floating_point() else t
                                   for n, t in fork_ends[0].items()})
    train_s = time.perf_counter() - t_train

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if average is not None:
        average.copy_to(model)
    model.eval()
    model.to("cpu")

    def save(folder: Path) -> None:
        model.save_pretrained(folder, safe_serialization=True)
        tokenizer.save_pretrained(folder)
        (folder / "label_map.json").write_text(json.dumps({"scheme": labels.scheme, "tags": tags},
                                                          ensure_ascii=False, indent=1), encoding="utf-8")
    save(out_dir)
    version = f"tagger-{commit}-{weights_digest(out_dir)}"
    if train_args.save_forks:
        for k, end in enumerate(fork_ends):
            model.load_state_dict(end)
            save(out_dir / "forks" / str(k))
    summary = {
        "model_version": version, "commit": commit, "seed": train_args.seed,
        "examples": len(examples), "windows": len(features), "labelled_chars": n_chars,
        "steps": step, "planned_steps": planned, "scheduled_steps": total, "stopped_early": stopped_early,
        "train_seconds": round(train_s, 1), "final_loss": float(np.mean(losses[-20:])) if losses else None,
        "parameters": sum(p.numel() for p in model.parameters()),
        "trained_on": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "weights": (f"mean of the last weights of {len(fork_ends)} forks of the run from step {fork_step}" if fork_ends else
                    "last step" if average is None else
                    f"exponential moving average (decay {train_args.ema_decay}) of steps {averaged_from}-{step}"
                    if train_args.ema_decay else
                    f"mean of the weights every {train_args.swa_every} steps from step {averaged_from} to {averaged_to} "
                    f"(stochastic weight averaging at learning rate {train_args.swa_lr:g})"),
        "model": asdict(model_args), "data": asdict(data_args), "training": asdict(train_args),
        "sources": sorted({str(ex.data.get("source", "unknown")) for ex in examples}),
    }
    (out_dir / "train_summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    say(f"saved {version} to {out_dir} in {train_s:.0f}s of training")
    return summary


def retrain(examples: list[Example], workdir: Path, config: Path | None = None) -> str:
    """Retrain on synthetic data plus the given (annotated) examples; for the Label Studio backend.

    Saves the model under workdir/<model_version>/ and returns the model version.
    """
    from pipeline import CONFIG_DIR
    model_args, data_args, train_args = load_config(config or CONFIG_DIR / "tagger.yaml")
    examples = collect_examples(data_args) + list(examples)
    tmp = Path(workdir) / "training"
    summary = train(model_args, data_args, train_args, tmp, examples=examples)
    final = Path(workdir) / summary["model_version"]
    if final.exists():
        import shutil
        shutil.rmtree(final)
    tmp.rename(final)
    return summary["model_version"]
