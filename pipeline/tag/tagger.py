"""The tagger as a pipeline component (spaCy style: ``predict`` separate from ``set_annotations``).

    tagger = Tagger.load(MODELS_DIR / "tagger")
    preds = tagger.predict(record)          # list[SpanPrediction], record untouched
    tagger.set_annotations(record, preds)   # record.spans, record.model_version filled

Inference: regions (narrative lines and long cells) → windows with the
heading-path context → batched forward passes over length-sorted windows
(precision "auto": bf16 autocast on CPUs with native bf16, else int8 linear layers,
each only where a stored agreement measurement allows; else fp32, the reference) → per-character
probabilities merged across overlapping windows → span-first constrained Viterbi and
the language rules, named and configured in configs/tagger.yaml (pipeline.tag.rules): span
shaping (pipeline.tag.span_rules), then, after the score floor, the structure rules: section
gate (pipeline.tag.section_gate), function list consistency and counted clauses beside a
WORKLOAD (pipeline.tag.lists) → WORKLOAD parts (pipeline.tag.workload).

The tagger reads the structured record (its sections and tables): it never runs the structure
stage. ``forward`` (the model) is separate from ``decode`` (decoder and rules), so the rules
can be scored switched off one by one on the same probabilities (pipeline.tag.ablation).
"""
from __future__ import annotations

import json
import os
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import torch
from torch import nn

from pipeline.cpu import native_bf16
from pipeline.record import Record, SectionLookup, Span
from pipeline.segment import word_edges   # (jieba itself loads on the first segmentation only)
from pipeline.tag.calibration import Calibration
from pipeline.tag.decode import DecodedSpan, SpanFirstDecoder, ViterbiDecoder, decode_spans, edge_bias
from pipeline.tag.model import ModelArguments, WindowInput, build_inputs, merge_windows, text_boundaries, weights_digest
from pipeline.tag.regions import (HeadingsFor, Region, context_for, decoding_text, find_regions, headings_from_record,
                                  rules_text)
from pipeline.tag.lists import Overlaps
from pipeline.tag.floors import ScoreFloors
from pipeline.tag.rules import DocumentContext, RegionContext, RulePipeline
from pipeline.tag.tagger_config import read_tagger_config
from pipeline.tag.section_gate import SectionGate
from pipeline.tag.tokenizer import CharEncoder, SavedVocab
from pipeline.tag.workload import parse_workload


@dataclass
class SpanPrediction:
    start: int
    end: int
    label: str
    score: float
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = "model"  # "rule" when a rule made the span (attrs["rules"] names the rules)


@dataclass
class ModelOutput:
    """What the model says about one text, before decoding: its regions, their per-character
    tag probabilities and the heading source the rules read."""
    text: str
    regions: list[Region]
    probs: Iterable[np.ndarray]   # one per region, in order; predict_text passes a generator
    headings_for: HeadingsFor | None


DECODINGS = ("span_first", "per_label")
AGREEMENT_FLOOR = 0.995  # share of characters whose decoded tag must equal fp32's
PRECISION_FILE = "precision.json"  # written by `python -m pipeline.tag.bench --agreement --write`
ONEDNN_KERNEL_CACHE = 32  # compiled oneDNN kernels kept (bf16 on CPUs with AMX; see Tagger.load)
PROBS_CHUNK_CHARS = 200_000  # characters of regions whose probabilities are held at once (tens of MB)


def _stored_measurement(model_dir: Path, key: str) -> dict:
    """One entry of the model's precision.json when it was measured on these weights; {} when
    there is none, the file is unreadable, or it was made on other weights."""
    path = Path(model_dir) / PRECISION_FILE
    try:
        m = json.loads(path.read_text(encoding="utf-8")).get(key, {}) if path.exists() else {}
    except (OSError, ValueError):
        return {}
    return m if m.get("weights") == weights_digest(Path(model_dir)) else {}


def measured_precision(model_dir: Path, precision: str = "int8") -> str | None:
    """``precision`` when this model's stored agreement measurement says its tags match fp32
    tags on at least AGREEMENT_FLOOR of the characters and its spans on at least as large a
    share (Jaccard: spans are what a record carries, and a few changed characters at span edges
    change whole spans); None otherwise (no measurement, a failed one, or one made on other weights)."""
    m = _stored_measurement(model_dir, precision)
    ok = m.get("char_tag_agreement", 0.0) >= AGREEMENT_FLOOR and m.get("span_jaccard", 0.0) >= AGREEMENT_FLOOR
    return precision if ok else None


def measured_fastest(model_dir: Path, allowed: list[str]) -> str | None:
    """The fastest of ``allowed`` by the speeds stored for these weights (precision.json
    "speed", written by the model card's bench) when they were measured on a CPU of this
    model; None when there is no such measurement."""
    from pipeline.cpu import cpu_info
    speed = _stored_measurement(model_dir, "speed")
    if speed.get("cpu") != cpu_info()["model"]:
        return None
    measured = {p: v for p, v in speed.get("chars_per_s", {}).items() if p in allowed and v}
    return max(measured, key=measured.get) if measured else None


def auto_precision(model_dir: Path) -> str:
    """What precision="auto" runs for this model on this CPU: a reduced precision only where
    its agreement with fp32 was measured for these weights and met the floor; bf16 only on
    CPUs with native bf16 (emulated bf16 is slower than fp32). Among those allowed, the fastest
    as measured on a CPU of this model (which one wins differs between CPUs and encoders: on the
    Xeon of 2026-12-03 bf16 was the slowest); without a measurement, bf16 before int8 before fp32."""
    allowed = ["fp32"] + [p for p in ("int8", "bf16") if measured_precision(model_dir, p)
                          and (p != "bf16" or native_bf16())]
    fastest = measured_fastest(model_dir, allowed)
    if fastest:
        return fastest
    if "bf16" in allowed:
        return "bf16"
    return "int8" if "int8" in allowed else "fp32"


def quantize_int8(model: nn.Module) -> nn.Module:
    """Dynamic int8 quantisation of the encoder's linear layers (weights int8, activations
    quantised per batch); the classifier stays fp32. On this AVX2 CPU without bf16 units it
    measured a few per cent faster than fp32 (median of five runs, models/tagger/MODEL_CARD.md)."""
    import warnings

    from torch.ao.quantization import quantize_dynamic
    classifier = model.classifier
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch marks its quantised tensor API as deprecated
        q = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    q.classifier = classifier
    return q


def _decoder_block(config: Path | str | dict | None) -> dict:
    """The ``decoder:`` block of a tagger YAML (default configs/tagger.yaml); {} where it has none."""
    config = read_tagger_config(config)
    return (config.get("decoder") if isinstance(config, dict) else None) or {}


def min_close_from_config(config: Path | str | dict | None = None) -> dict[str, float]:
    """The decoder's close floor per label (``decoder: min_close`` of a tagger YAML; default
    configs/tagger.yaml); a label it does not name keeps every decoded span."""
    floors = {str(k): float(v) for k, v in (_decoder_block(config).get("min_close") or {}).items()}
    for label, value in floors.items():
        if not 0.0 <= value < 1.0:
            raise ValueError(f"decoder.min_close of {label} must lie in [0, 1), not {value!r}")
    return floors


def off_word_edge_from_config(config: Path | str | dict | None = None) -> float | None:
    """The decoder's cost of a span edge inside a word (``decoder: off_word_edge`` of a tagger
    YAML; default configs/tagger.yaml); None where the config sets none: no word edges."""
    value = _decoder_block(config).get("off_word_edge")
    if value is not None and not 0.0 < float(value) <= 1.0:
        raise ValueError(f"decoder.off_word_edge must lie in (0, 1], not {value!r}")
    return None if value is None or float(value) == 1.0 else float(value)


class Tagger:
    def __init__(self, model: nn.Module, encoder: CharEncoder, args: ModelArguments,
                 tags: list[str], model_version: str, precision: str = "fp32", batch_size: int = 8,
                 score_floors: ScoreFloors | float | dict | None = None, decoding: str = "span_first",
                 structure_rules: bool = True,
                 disable: tuple[str, ...] | list[str] = (), no_rules: bool = False, rules_config=None,
                 calibration: Calibration | None = None, off_word_edge: float | None | str = "config",
                 min_close: dict[str, float] | str = "config"):
        self.model = model.eval()
        self.encoder = encoder
        self.args = args
        self.tags = tags
        self.model_version = model_version
        self.precision = precision
        self.batch_size = batch_size
        # "span_first": spans from label-free BIOES, then a label per span (SpanFirstDecoder);
        # "per_label": the constrained Viterbi over the full tag set
        if decoding not in DECODINGS:
            raise ValueError(f"decoding must be one of {DECODINGS}, not {decoding!r}")
        self.decoder = SpanFirstDecoder(tags) if decoding == "span_first" else ViterbiDecoder(tags)
        # the decoder's cost of a span edge inside a jieba word (pipeline.tag.decode): the
        # config's ``decoder: off_word_edge`` unless given; None: the decoder reads no words
        self.off_word_edge = (off_word_edge_from_config(rules_config if isinstance(rules_config, (str, Path, dict)) else None)
                              if off_word_edge == "config" else off_word_edge)
        # the decoder's close floor (pipeline.tag.decode): the config's ``decoder: min_close`` unless given
        self.min_close = (min_close_from_config(rules_config if isinstance(rules_config, (str, Path, dict)) else None)
                          if min_close == "config" else dict(min_close))
        # the decoder's score floor per label (pipeline.tag.floors): the config's ``score_floors:``
        # unless given (one number floors every label alike)
        self.score_floors = (ScoreFloors.coerce(score_floors) if score_floors is not None else
                             ScoreFloors.from_config(rules_config if isinstance(rules_config, (str, Path, dict)) else None))
        # the language rules of configs/tagger.yaml (``rules:``), minus ``disable``;
        # structure_rules=False switches off the region- and document-stage rules (section
        # gate, row/list/section completion), no_rules every rule: the model and its decoder
        rules = RulePipeline.from_config(rules_config)
        off = list(disable)
        if no_rules:
            off += rules.names
        elif not structure_rules:
            off += [s.name for s in rules.configured if s.rule.stage != "span"]
        self.rules = rules.without(*dict.fromkeys(off))
        self.structure_rules = structure_rules and not no_rules
        self.section_gate = SectionGate.from_labels()
        # raw span score → share of such spans found correct (calibration.json); None: raw scores
        self.calibration = calibration

    @classmethod
    def load(cls, model_dir: Path | str, precision: str = "auto", threads: int | None = 2, **kw) -> "Tagger":
        """precision: "fp32"; "bf16" (autocast); "int8" (dynamic int8 linear layers); or "auto"
        (``auto_precision``: a reduced precision only where its agreement with fp32 was
        measured for these weights and met AGREEMENT_FLOOR, else fp32)."""
        model_dir = Path(model_dir)
        if precision == "auto":
            precision = auto_precision(model_dir)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # oneDNN keeps up to 1,024 compiled kernels by default, one set per batch shape, and
        # the windows come in hundreds of lengths: about 65 MB more per worker for 4 % less CPU
        # time of the tagger (python -m pipeline.batch.bench sizes). Read when oneDNN first
        # compiles a kernel: a process that ran torch before keeps its own setting.
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_KERNEL_CACHE))
        if threads:
            torch.set_num_threads(threads)
        # the saved BertForTokenClassification, computed without transformers (pipeline.tag.bert:
        # the same logits, about 150 MB less per worker)
        from pipeline.tag.bert import load_model
        model = load_model(model_dir)
        if precision == "int8":
            model = quantize_int8(model)
        encoder = CharEncoder(SavedVocab(model_dir))
        args = ModelArguments.from_dict(getattr(model.config, "jixiao", None) or {})
        tags = [model.config.id2label[i] for i in range(len(model.config.id2label))]
        summary = model_dir / "train_summary.json"
        version = (json.loads(summary.read_text(encoding="utf-8")).get("model_version")
                   if summary.exists() else model_dir.name)
        kw.setdefault("calibration", Calibration.load(model_dir))
        return cls(model, encoder, args, tags, version, precision=precision, **kw)

    # ------------------------------------------------------------ probabilities

    def region_probs(self, text: str, regions: list[Region], headings_for: HeadingsFor | None,
                     ids: list[int] | None = None) -> list[np.ndarray]:
        """Per-character tag probabilities [len(region), T] for every region (``ids``: the text
        already encoded; without them each region is encoded alone: one id per character, the
        same ids, and a giant text's ids are never held whole)."""
        bounds = text_boundaries(text, self.args) if regions else None
        windows: list[WindowInput] = []
        for k, r in enumerate(regions):
            ctx = self.encoder.encode(context_for(r, headings_for, self.args.max_context_chars, self.args.column_context))
            region_ids = ids[r.start:r.end] if ids is not None else self.encoder.encode(text[r.start:r.end])
            windows += build_inputs(region_ids, ctx, k, self.args, self.encoder.cls_id, self.encoder.sep_id,
                                    None if bounds is None else bounds[r.start:r.end],
                                    self.args.region_context_type(r, headings_for))
        per_region: list[list[tuple[int, np.ndarray]]] = [[] for _ in regions]
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
        autocast = (torch.autocast("cpu", dtype=torch.bfloat16) if self.precision == "bf16" else nullcontext())
        with torch.inference_mode(), autocast:
            for b in range(0, len(order), self.batch_size):
                batch = [windows[i] for i in order[b:b + self.batch_size]]
                n = max(len(w.input_ids) for w in batch)
                input_ids = torch.full((len(batch), n), self.encoder.pad_id, dtype=torch.long)
                types = torch.zeros((len(batch), n), dtype=torch.long)
                mask = torch.zeros((len(batch), n), dtype=torch.long)
                for i, w in enumerate(batch):
                    input_ids[i, :len(w.input_ids)] = torch.tensor(w.input_ids)
                    types[i, :len(w.input_ids)] = torch.tensor(w.token_type_ids)
                    mask[i, :len(w.input_ids)] = 1
                logits = self.model(input_ids=input_ids, token_type_ids=types, attention_mask=mask).logits
                probs = torch.softmax(logits.float(), dim=-1).numpy()
                for i, w in enumerate(batch):
                    per_region[w.region].append((w.offset, probs[i, w.first:w.first + w.length]))
        return [merge_windows(r.end - r.start, per_region[k]) for k, r in enumerate(regions)]

    def _region_probs_in_chunks(self, text: str, regions: list[Region], headings_for: HeadingsFor | None):
        """(region, probabilities) for every region, computed PROBS_CHUNK_CHARS of regions at a
        time, so that a giant document never holds all its probabilities at once (one report
        of ordinary size is one chunk: the same batches as before)."""
        chunk: list[Region] = []
        size = 0
        for r in regions + [None]:
            if chunk and (r is None or size + (r.end - r.start) > PROBS_CHUNK_CHARS):
                yield from zip(chunk, self.region_probs(text, chunk, headings_for))
                chunk, size = [], 0
            if r is not None:
                chunk.append(r)
                size += r.end - r.start

    # ------------------------------------------------------------ component API

    def forward(self, text: str, headings_for: HeadingsFor | None = None, tables=None) -> ModelOutput:
        """The model's probabilities for the regions of a cleaned text; ``headings_for`` and
        ``tables`` come from the structured record (none: no heading context, lines only)."""
        regions = find_regions(text, tables, self.args.min_cell_hanzi)
        probs = [p for _, p in self._region_probs_in_chunks(text, regions, headings_for)]
        return ModelOutput(text, regions, probs, headings_for)

    def decode(self, out: ModelOutput, rules: RulePipeline | None = None,
               score_floors: ScoreFloors | None = None) -> list[SpanPrediction]:
        """Spans from the model's output: the decoder, then the rules (default: this tagger's
        rules and score floors)."""
        rules = rules if rules is not None else self.rules
        floors = score_floors if score_floors is not None else self.score_floors
        # the rules cut clauses in rules_text (a thousands comma reads as a digit there, same
        # length: 「完成交易项目2,317宗」 stays one WORKLOAD); span texts and counts come from the real text
        source, text = out.text, rules_text(out.text)
        gate = self.section_gate.bind(text, out.regions, out.headings_for)
        spans: list[DecodedSpan] = []
        for r, probs in zip(out.regions, out.probs):
            ctx = RegionContext(decoding_text(text, r), text, r, probs, self.decoder.o_id, gate)
            found = rules.run("span", ctx, decode_spans(probs, r.start, self.decoder,
                                                        self.edge_bias(text, r.start, len(probs)), self.min_close))
            # the score floor (mean tag probability, per label): part of decoding, not a rule
            found = [replace(sp, score=round(sp.score, 4)) for sp in found if floors.keeps(sp.label, sp.score)]
            spans += rules.run("region", ctx, found)
        spans = rules.run("document", DocumentContext(text, out.regions, out.headings_for, gate), spans)
        return sorted((self._prediction(source, sp) for sp in spans), key=lambda p: (p.start, p.end))

    def edge_bias(self, text: str, start: int, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The decoder's costs of span edges inside words over text[start:start + n] (text: the
        rules' text, pipeline.tag.regions.rules_text, where a number's thousands commas read as
        digits, so that a number is one word); None where the decoder reads no words."""
        if self.off_word_edge is None or n == 0:
            return None
        return edge_bias(*word_edges(text[start:start + n]), self.off_word_edge)

    def _prediction(self, text: str, sp: DecodedSpan) -> SpanPrediction:
        span_text = text[sp.start:sp.end]
        attrs = parse_workload(span_text).as_attrs() if sp.label == "WORKLOAD" else {}
        if sp.rules:
            attrs["rules"] = list(sp.rules)
        score = sp.score
        if self.calibration is not None:  # the score a reviewer sorts by: a probability of being right
            attrs["raw_score"] = sp.score
            score = self.calibration(sp.label, sp.score)
        return SpanPrediction(sp.start, sp.end, sp.label, score, span_text, attrs,
                              "rule" if sp.made else "model")

    def predict_text(self, text: str, headings_for: HeadingsFor | None = None, tables=None) -> list[SpanPrediction]:
        """Spans for a cleaned text with the given headings and tables (none: no heading context;
        pipeline.tag.structured.structure_for gives them for a bare text)."""
        # the probabilities stream from the model into the decoder, PROBS_CHUNK_CHARS of regions at
        # a time: a 20 MB report never holds them all (21 floats a character: 750 MB)
        regions = find_regions(text, tables, self.args.min_cell_hanzi)
        probs = (p for _, p in self._region_probs_in_chunks(text, regions, headings_for))
        return self.decode(ModelOutput(text, regions, probs, headings_for))

    def predict(self, record: Record, headings_for: HeadingsFor | None = None) -> list[SpanPrediction]:
        """Spans for record.text, read with the record's sections and tables (the structure
        stage's output, never re-run here); the record is not modified."""
        return self.predict_text(record.text, headings_for or headings_from_record(record), record.tables or None)

    def set_annotations(self, record: Record, predictions: list[SpanPrediction]) -> Record:
        """Replace the record's tagger spans (model and rule) with predictions (other sources are kept)."""
        kept = [s for s in record.spans if s.source not in ("model", "rule")]
        taken = {s.id for s in kept}
        lookup = SectionLookup(record.sections)
        kept_by_label = {label: Overlaps([k for k in kept if k.label == label]) for label in {k.label for k in kept}}
        spans, n = [], 0
        for p in sorted(predictions, key=lambda p: (p.start, p.end)):
            # a span the tables already state (source "table") is not repeated by the model
            if p.label in kept_by_label and kept_by_label[p.label](p.start, p.end):
                continue
            n += 1
            while f"m{n}" in taken:
                n += 1
            sec = lookup.at(p.start)
            spans.append(Span(id=f"m{n}", label=p.label, start=p.start, end=p.end, text=record.text[p.start:p.end],
                              score=p.score, source=p.source, section=sec.id if sec else None, attrs=dict(p.attrs)))
        record.spans = sorted(kept + spans, key=lambda s: (s.start, s.end))
        record.model_version = self.model_version
        return record

    def __call__(self, record: Record) -> Record:
        return self.set_annotations(record, self.predict(record))
