"""The tagger's language rules as named, configured components (spaCy style: rule components
after a statistical model).

Every rule is registered here by name, with one signature::

    rule(ctx, spans, **params) -> spans

``spans`` are pipeline.tag.decode.DecodedSpan; ``ctx`` is a ``RegionContext`` (one region's
decoding text, probabilities and section gate) or a ``DocumentContext`` (the whole text, its
regions and headings), by the rule's stage:

- ``span``: per region, on the decoder's spans, before the score floor: shaping spans to the
  spec (pipeline.tag.span_rules);
- ``region``: per region, after the score floor: the section gate (pipeline.tag.section_gate);
- ``document``: over all of a document's spans: function-list and counted-clause completion
  (pipeline.tag.lists).

Rules that did not help on the development set were removed: row completion of 偏差原因 /
改进措施 row cells and title-only duties (models/tagger/eval/rules-ablation-before-removal.md);
measure-list completion and measures-section completion, which changed nothing on the development
set or the seeds once the model was trained on the generator of 24380dc (rules-ablation.md of
tagger-30cd2fa-3c5d6c5919).

configs/tagger.yaml (``rules:``) lists the rules in the order they run, each with its
parameters; a rule may be listed more than once (relabel_by_form runs before and after the
widening). ``Tagger(disable=[...])`` / ``jixiao annotate --disable-rule NAME`` switch a rule off
wherever it is listed; ``--no-rules`` leaves the raw model with its decoder and score floor.

Provenance: ``RulePipeline`` compares each rule's output with its input. A span that is not
among the rule's input spans (same start, end and label) was made or changed by the rule: it
inherits the rules of the input spans it overlaps and gains the rule's name; with no input span
beneath it, the rule made it (``made``: the record says source "rule").
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from pipeline.tag.decode import DecodedSpan, SpanFirstDecoder, ViterbiDecoder, decode_spans
from pipeline.tag.lists import complete_function_lists, complete_workload_clauses
from pipeline.tag.regions import HeadingsFor, Region, title_kind
from pipeline.tag import span_rules as sr
from pipeline.tag.section_gate import DocumentGate
from pipeline.tag.tagger_config import read_tagger_config

STAGES = ("span", "region", "document")


@dataclass
class RegionContext:
    text: str                  # the decoding text (pipeline.tag.regions.decoding_text)
    doc_text: str              # the record's text
    region: Region
    probs: np.ndarray          # [len(region), T]
    o_id: int                  # the column of tag O
    gate: DocumentGate | None = None

    @property
    def start(self) -> int:
        return self.region.start

    @property
    def end(self) -> int:
        return self.region.end

    @property
    def p_o(self) -> np.ndarray:
        return self.probs[:, self.o_id]


@dataclass
class DocumentContext:
    text: str
    regions: list[Region]
    headings_for: HeadingsFor | None
    gate: DocumentGate | None = None


@dataclass(frozen=True)
class Rule:
    name: str
    stage: str
    fn: Callable[..., list[DecodedSpan]]

    @property
    def params(self) -> dict[str, Any]:
        """The rule's parameters and their defaults (the configuration may override them)."""
        sig = inspect.signature(self.fn)
        return {k: p.default for k, p in list(sig.parameters.items())[2:]}

    @property
    def summary(self) -> str:
        return (self.fn.__doc__ or "").strip().split("\n")[0]


REGISTRY: dict[str, Rule] = {}


def register(name: str, stage: str):
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}")

    def wrap(fn):
        if name in REGISTRY:
            raise ValueError(f"rule {name!r} registered twice")
        REGISTRY[name] = Rule(name, stage, fn)
        return fn
    return wrap


# ---------------------------------------------------------------- span stage (pipeline.tag.span_rules)

@register("snap", "span")
def _snap(ctx: RegionContext, spans: list[DecodedSpan], min_chars: int = 2) -> list[DecodedSpan]:
    """Spans cut at line breaks, tabs and sentence ends; numbering, connectives and final punctuation off."""
    out = []
    for sp in spans:
        for a, b in sr.split_at_breaks(ctx.text, sp.start, sp.end):
            a, b = sr.snap(ctx.text, a, b)
            if b - a >= min_chars:
                out.append(DecodedSpan(a, b, sp.label, sp.score))
    return out


@register("widen_to_clauses", "span")
def _widen_to_clauses(ctx: RegionContext, spans: list[DecodedSpan], max_widen: int = 40) -> list[DecodedSpan]:
    """Clause labels widened to their clause's edges (lead-ins outside)."""
    return sr.widen_to_clauses(ctx.text, ctx.start, ctx.end, spans, max_widen)


@register("relabel_by_form", "span")
def _relabel_by_form(ctx: RegionContext, spans: list[DecodedSpan]) -> list[DecodedSpan]:
    """PROBLEM vs MEASURE by the clause's form (negative state vs imperative opening)."""
    return [sr.relabel_by_form(ctx.text, sp) for sp in spans]


@register("widen_to_sentence", "span")
def _widen_to_sentence(ctx: RegionContext, spans: list[DecodedSpan], max_widen: int = 30) -> list[DecodedSpan]:
    """MEASURE and PROBLEM widened from a comma to their sentence's edges."""
    return sr.widen_to_sentence(ctx.text, ctx.start, ctx.end, spans, max_widen)


@register("strip_label_lead", "span")
def _strip_label_lead(ctx: RegionContext, spans: list[DecodedSpan], min_left: int = 4) -> list[DecodedSpan]:
    """A MEASURE's lead (建议, 我单位将 …) left outside the span."""
    return [sr.strip_label_lead(ctx.text, sp, min_left) for sp in spans]


@register("split_leading_cause", "span")
def _split_leading_cause(ctx: RegionContext, spans: list[DecodedSpan], min_chars: int = 4) -> list[DecodedSpan]:
    """A reason clause (由于…，) opening a PROBLEM split off as a CAUSE."""
    return [piece for sp in spans for piece in sr.split_leading_cause(ctx.text, sp, min_chars)]


@register("merge_pieces", "span")
def _merge_pieces(ctx: RegionContext, spans: list[DecodedSpan],
                  labels: tuple[str, ...] = tuple(sorted(sr.DEFAULT_MERGE_LABELS)),
                  max_gap_o: float = 0.9) -> list[DecodedSpan]:
    """Same-label pieces of one sentence separated by a weak comma joined, and pieces of two
    labels that cut one clause between two hanzi."""
    p_o, start = ctx.p_o, ctx.start

    def gap_o_prob(a: int, b: int) -> float:
        return float(p_o[a - start:b - start].mean())
    return sr.merge_pieces(ctx.text, spans, frozenset(labels), gap_o_prob, max_gap_o)


@register("widen_function_items", "span")
def _widen_function_items(ctx: RegionContext, spans: list[DecodedSpan], max_item: int = 160) -> list[DecodedSpan]:
    """A FUNCTION widened to its whole list item, pieces of one item joined."""
    return sr.widen_function_items(ctx.text, ctx.start, ctx.end, spans, max_item)


@register("refine_workload", "span")
def _refine_workload(ctx: RegionContext, spans: list[DecodedSpan], max_left: int = 6, o_threshold: float = 0.5,
                     clause_left: int = 12, list_left: int = 0) -> list[DecodedSpan]:
    """A WORKLOAD's start moved to its activity (over a 、-list of uncounted items or a quoted name
    when ``list_left`` > 0), glued counted clauses split, subjects and tails off."""
    return [piece for sp in spans
            for piece in sr.refine_workload(ctx.text, ctx.start, ctx.p_o, sp, max_left, o_threshold, clause_left,
                                            list_left)]


@register("spec_constraints", "span")
def _spec_constraints(ctx: RegionContext, spans: list[DecodedSpan]) -> list[DecodedSpan]:
    """Spans the spec rules out dropped: too short, announcing a list, a WORKLOAD without a count."""
    return [sp for sp in spans if sr.meets_spec(ctx.doc_text, sp)]


# ---------------------------------------------------------------- region stage

@register("section_gate", "region")
def _section_gate(ctx: RegionContext, spans: list[DecodedSpan]) -> list[DecodedSpan]:
    """A label the report's section rules out dropped (configs/labels.yaml not_in_sections)."""
    if ctx.gate is None:
        return spans
    return [sp for sp in spans if ctx.gate.allows(sp.label, sp.start, sp.end, ctx.region)]


# ---------------------------------------------------------------- document stage

@register("function_lists", "document")
def _function_lists(ctx: DocumentContext, spans: list[DecodedSpan], min_tagged: int = 2,
                    min_share: float = 0.5) -> list[DecodedSpan]:
    """Untagged items of a numbered list of duties whose other items are FUNCTION (mostly; under a
    职责/职能 heading or lead line, ``min_tagged`` of them)."""
    hf = ctx.headings_for
    # a list of duties: under a 职责/职能 heading, or below such a lead line (「部门主要职责：」)
    leads = [(r.start, r.end) for r in ctx.regions if r.lead and title_kind(r.lead.rstrip("：:")) == "functions"]

    def under_lead(pos: int) -> bool:
        return any(a <= pos < b for a, b in leads)
    under = (lambda pos: under_lead(pos) or any(title_kind(h) == "functions" for h in hf(pos))) if hf else None
    return spans + complete_function_lists(
        ctx.text, spans, lambda a, b, score: DecodedSpan(a, b, "FUNCTION", round(score, 4)),
        min_tagged, min_share, under_functions=under)


@register("problems_open_items", "document")
def _problems_open_items(ctx: DocumentContext, spans: list[DecodedSpan]) -> list[DecodedSpan]:
    """A CAUSE that opens the next item of a list whose previous item opened with a PROBLEM is a PROBLEM."""
    return sr.problems_open_items(ctx.text, spans)


@register("broken_lines", "document")
def _broken_lines(ctx: DocumentContext, spans: list[DecodedSpan],
                  labels: tuple[str, ...] = ("FUNCTION", "PROBLEM", "CAUSE", "MEASURE"),
                  max_chars: int = 60) -> list[DecodedSpan]:
    """The rest of a sentence a PDF broke at the page width, on the next line: a span of its own."""
    return sr.carry_over_broken_lines(ctx.text, spans, tuple(labels), max_chars)


@register("workload_clauses", "document")
def _workload_clauses(ctx: DocumentContext, spans: list[DecodedSpan], min_unseeded: int = 3,
                      unseeded_score: float = 0.5) -> list[DecodedSpan]:
    """The other counted clauses of a sentence that lists WORKLOADs."""
    return spans + complete_workload_clauses(
        ctx.text, spans, lambda a, b, score: DecodedSpan(a, b, "WORKLOAD", round(score, 4)),
        min_unseeded, unseeded_score)


# ---------------------------------------------------------------- configuration and running

@dataclass(frozen=True)
class RuleStep:
    rule: Rule
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.rule.name


def load_steps(config: Path | str | dict | list | None = None) -> list[RuleStep]:
    """The configured rule steps, in order: a tagger YAML (its ``rules:`` list; default
    configs/tagger.yaml), or that list itself. Each entry is a rule name or a mapping
    ``{name: NAME, PARAM: VALUE, ...}``."""
    config = read_tagger_config(config)
    entries = config.get("rules", []) if isinstance(config, dict) else config
    steps, last_stage = [], 0
    for entry in entries:
        entry = {"name": entry} if isinstance(entry, str) else dict(entry)
        name = entry.pop("name")
        if name not in REGISTRY:
            raise ValueError(f"unknown rule {name!r} in the tagger config; known: {', '.join(REGISTRY)}")
        rule = REGISTRY[name]
        unknown = set(entry) - set(rule.params)
        if unknown:
            raise ValueError(f"rule {name!r} has no parameter {', '.join(sorted(unknown))}")
        stage = STAGES.index(rule.stage)
        if stage < last_stage:
            raise ValueError(f"rule {name!r} ({rule.stage} stage) listed after a {STAGES[last_stage]}-stage rule")
        last_stage = stage
        steps.append(RuleStep(rule, {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}))
    return steps


def _trace(name: str, before: list[DecodedSpan], after: list[DecodedSpan]) -> list[DecodedSpan]:
    """``after`` with provenance: a span equal to an input span (start, end, label) keeps that
    span's; another inherits the rules of the input spans it overlaps and gains ``name``."""
    same = {(s.start, s.end, s.label): s for s in before}
    out = []
    for s in after:
        prev = same.get((s.start, s.end, s.label))
        if prev is not None:
            if s is not prev:
                s = replace(s, rules=prev.rules, made=prev.made)
        else:
            parents = [p for p in before if p.start < s.end and s.start < p.end]
            rules = [r for p in sorted(parents, key=lambda p: p.start) for r in p.rules]
            rules = list(dict.fromkeys(rules)) + [name]
            s = replace(s, rules=tuple(dict.fromkeys(rules)),
                        made=not parents or all(p.made for p in parents))
        out.append(s)
    return out


class RulePipeline:
    """The configured rules minus the disabled ones; ``run`` applies one stage."""

    def __init__(self, steps: list[RuleStep], disable: tuple[str, ...] | list[str] = ()):
        unknown = set(disable) - set(REGISTRY)
        if unknown:
            raise ValueError(f"unknown rule(s) {', '.join(sorted(unknown))}; known: {', '.join(REGISTRY)}")
        self.configured = steps
        self.disabled = tuple(disable)
        self.steps = [s for s in steps if s.name not in set(disable)]

    @classmethod
    def from_config(cls, config=None, disable=()) -> "RulePipeline":
        return cls(load_steps(config), disable)

    @property
    def names(self) -> list[str]:
        """The configured rule names, each once, in order."""
        return list(dict.fromkeys(s.name for s in self.configured))

    def without(self, *names: str) -> "RulePipeline":
        return RulePipeline(self.configured, tuple(self.disabled) + names)

    def active(self, stage: str) -> bool:
        return any(s.rule.stage == stage for s in self.steps)

    def run(self, stage: str, ctx, spans: list[DecodedSpan]) -> list[DecodedSpan]:
        for step in self.steps:
            if step.rule.stage == stage:
                spans = _trace(step.name, spans, step.rule.fn(ctx, spans, **step.params))
        return spans


def decode_region(text: str, start: int, probs: np.ndarray, decoder: ViterbiDecoder | SpanFirstDecoder,
                  rules: RulePipeline | None = None) -> list[DecodedSpan]:
    """The decoder's spans of the region text[start:start+len(probs)] after the span-stage
    rules (default: those of configs/tagger.yaml); no score floor."""
    rules = rules if rules is not None else RulePipeline.from_config()
    region = Region(start, start + len(probs), "paragraph")
    ctx = RegionContext(text, text, region, probs, decoder.o_id)
    return rules.run("span", ctx, decode_spans(probs, start, decoder))
