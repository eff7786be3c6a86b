"""Rule ablation (`jixiao eval-rules`): every configured rule switched off in turn, scored on
the development set and on the seeds.

The model runs once per document (``Tagger.forward``); each variant decodes the same
probabilities with its rules (``Tagger.decode``), so a variant costs only its rules. Variants:
``all`` (the configured rules), ``none`` (``--no-rules``: the model with its decoder and score
floor) and ``-NAME`` for each rule. Scores:

- development set (``../shared/devset``): its own scorer ``score.py`` (exact: same label and
  same text ignoring whitespace; overlap: half of the longer span in common), run on records
  written per variant, exactly as ``jixiao annotate DOCS --out DIR`` + ``score.py DIR GOLD``
  would score them;
- seeds: the (a) scoring of the evaluation protocol (pipeline.corpus.evaluate via
  pipeline.tag.evaluation) on the seeds' gold, cleaned and structured as in evaluation.

Writes OUT/STEM.json and OUT/STEM.md (STEM: rules-ablation unless given).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable, NamedTuple

from pipeline.annotate import Components, annotate_path, expand_inputs
from pipeline.record import Record
from pipeline.script import reading_twin, restore_script
from pipeline.tag.devset import EDGE_CLASSES, edge_errors, gold_spans, scorer_text
from pipeline.tag.evaluation import predicted_doc, score_docs
from pipeline.tag.regions import headings_from_record
from pipeline.tag.structured import structure_for_example
from pipeline.tag.tagger import ModelOutput, Tagger

LABELS = ("FUNCTION", "WORKLOAD", "PROBLEM", "CAUSE", "MEASURE")


def _taggable(record: Record) -> bool:
    """As pipeline.annotate.run_components: no tagging after a read/clean error or off-topic text."""
    return bool(record.text) and not any(e.stage in ("read", "clean") or e.message.startswith("not a budget")
                                         for e in record.errors)


def variants(tagger: Tagger) -> dict[str, object]:
    """name → rule pipeline: all, none, and each configured rule switched off."""
    rules = tagger.rules
    out = {"all": rules, "none": rules.without(*rules.names)}
    for name in rules.names:
        out[f"-{name}"] = rules.without(name)
    return out


def as_the_tagger_reads(rec: Record) -> Record:
    """The record as `jixiao annotate`'s tagger reads it: a traditional-character report as its
    simplified twin, full-width digits narrow, headings and tables included (pipeline.script:
    same length, so the offsets hold for both); the record itself when it has neither. With the
    document's own headings the section gate could not classify some of them (主要工作完成情況 is
    no title it knows, 主要工作完成情况 is an evaluation section, where no MEASURE stands)."""
    twin = reading_twin(rec.text)
    if twin is None:
        return rec
    read = rec.model_copy(deep=True)
    restore_script(read, twin)
    return read


def score_devset(tagger: Tagger, devset: Path, say: Callable[[str], None] = print,
                 decodings: dict[str, tuple] | None = None) -> dict[str, dict]:
    """Each variant's dev-set scores. decodings: name → (rule pipeline, score floors or None for the
    tagger's); default: ``variants(tagger)`` with the tagger's floors."""
    docs, gold, scorer = devset / "docs", devset / "gold", devset / "score.py"
    records = [annotate_path(p, Components()) for p in expand_inputs([docs])]
    outputs: list[tuple[Record, ModelOutput | None]] = []
    for rec in records:
        read = as_the_tagger_reads(rec)
        out = (tagger.forward(read.text, headings_from_record(read), read.tables or None) if _taggable(rec) else None)
        outputs.append((rec, out))
    say(f"devset: {len(records)} documents structured and read by the model")
    scores = {}
    kept: dict[str, dict[str, list[TaggedSpan]]] = {"all": {}, "none": {}}  # for gap_attribution
    with tempfile.TemporaryDirectory() as tmp:
        if decodings is None:
            decodings = {name: (rules, None) for name, rules in variants(tagger).items()}
        for name, (rules, floors) in decodings.items():
            folder = Path(tmp) / name.strip("-").replace(" ", "_")
            folder.mkdir()
            for rec, out in outputs:
                # the spans a record gets from these predictions, as `jixiao annotate` writes them
                # (set_annotations: a table's spans stay, a prediction repeating one is dropped)
                preds = tagger.decode(out, rules, floors) if out is not None else []
                tagged = tagger.set_annotations(rec.model_copy(update={"spans": list(rec.spans)}), preds)
                spans = [{"label": s.label, "start": s.start, "end": s.end, "text": s.text} for s in tagged.spans]
                stem = Path(rec.source.path).name.split(".")[0]
                if name in kept:
                    kept[name][stem] = [TaggedSpan(s.label, s.start, s.end, scorer_text(s.text),
                                                   tuple(s.attrs.get("rules") or ())) for s in tagged.spans]
                (folder / f"{stem}.json").write_text(json.dumps(
                    {"source": {"path": rec.source.path}, "text": rec.text, "spans": spans}, ensure_ascii=False),
                    encoding="utf-8")
            res = subprocess.run([sys.executable, str(scorer), str(folder), str(gold), "--json"],
                                 capture_output=True, text=True, check=True)
            data = json.loads(res.stdout[:res.stdout.rindex("}") + 1])
            # facts: of the records' spans alone (no budget, table or check fields are written here),
            # so only the facts that count spans (「PROBLEM>=3」) differ between variants
            scores[name] = {"exact": data["exact_micro_f1"], "overlap": data["overlap_micro_f1"],
                            "exact_per_label": data["exact_f1"], "overlap_per_label": data["overlap_f1"],
                            "span_facts": data["facts"][0]}
    if kept["all"] and kept["none"]:
        gold = {stem: gold_spans(devset, stem) for stem in kept["all"]}
        scores["all"]["gap"] = gap_attribution(gold, kept["all"], kept["none"])
        for name in ("all", "none"):
            scores[name]["edges"] = edge_errors(gold, {stem: [(s.label, s.text) for s in spans]
                                                       for stem, spans in kept[name].items()})
    return scores


class TaggedSpan(NamedTuple):
    label: str
    start: int
    end: int
    text: str          # as the scorer compares it (pipeline.tag.devset.scorer_text)
    rules: tuple[str, ...]  # attrs.rules: the rules that made or changed the span, in order


def _exact_hits(gold: list[tuple[str, str]], spans: list[TaggedSpan]) -> dict[int, TaggedSpan]:
    """gold index → the span that matches it exactly, one span per gold span, in score.py's order."""
    used, hits = set(), {}
    for gi, (label, text) in enumerate(gold):
        for si, s in enumerate(spans):
            if si not in used and s.label == label and s.text == text:
                used.add(si)
                hits[gi] = s
                break
    return hits


def gap_attribution(gold: dict[str, list[tuple[str, str]]], full: dict[str, list[TaggedSpan]],
                    raw: dict[str, list[TaggedSpan]]) -> dict:
    """What the raw model's gap to the full tagger is made of, by exact match on the dev set.
    gained: gold spans the full tagger gets and the raw model does not, by label and by the rules
    that made or changed the full tagger's span (its attrs.rules, in order); lost: gold spans the
    raw model gets and the full tagger does not, by the rules of the full tagger's spans over it
    ("removed" when none is left there). Per document, then summed."""
    gained: Counter = Counter()
    lost: Counter = Counter()
    for stem, gs in gold.items():
        f_hits, r_hits = _exact_hits(gs, full.get(stem, [])), _exact_hits(gs, raw.get(stem, []))
        for gi in f_hits.keys() - r_hits.keys():
            gained[(gs[gi][0], f_hits[gi].rules or ("model",))] += 1
        for gi in r_hits.keys() - f_hits.keys():
            r = r_hits[gi]
            over = [s for s in full.get(stem, []) if s.start < r.end and s.end > r.start and s.label in LABELS]
            rules = tuple(dict.fromkeys(x for s in over for x in (s.rules or ("model",)))) or ("removed",)
            lost[(gs[gi][0], rules)] += 1

    def rows(counter: Counter) -> list[dict]:
        return [{"label": label, "rules": list(rules), "spans": n}
                for (label, rules), n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"gained": rows(gained), "lost": rows(lost),
            "gained_total": sum(gained.values()), "lost_total": sum(lost.values())}


def score_seeds(tagger: Tagger, say: Callable[[str], None] = print, gold: list | None = None) -> dict[str, dict]:
    """Each variant's micro F1 (exact, overlap, per label) on the seeds' gold (cleaned examples;
    default: pipeline.tag.train.gold_examples)."""
    from pipeline.corpus.evaluate import doc_from_example
    from pipeline.tag.train import gold_examples
    gold = gold if gold is not None else gold_examples()
    if not gold:
        say("seeds: no seed gold (../shared/seeds absent): skipped")
        return {}
    prepared = []
    for i, ex in enumerate(gold):
        g = doc_from_example(ex, source=str(ex.data.get("file", i)))
        g.key = f"{g.key}#{i}"
        prepared.append((g, tagger.forward(ex.text, *structure_for_example(ex))))
    say(f"seeds: {len(gold)} gold documents read by the model")
    scores = {}
    for name, rules in variants(tagger).items():
        report = score_docs([g for g, _ in prepared], [predicted_doc(g, tagger.decode(out, rules))
                                                      for g, out in prepared])
        spans = report["spans"]
        scores[name] = {mode: round(spans[mode]["micro"]["f1"], 3) for mode in ("exact", "overlap")}
        for mode in ("exact", "overlap"):
            scores[name][f"{mode}_per_label"] = {lab: round(v["f1"], 3)
                                                 for lab, v in spans[mode]["per_label"].items()}
    return scores


def _row(name: str, dev: dict, seeds: dict, base_dev: dict, base_seeds: dict) -> str:
    def cell(s: dict, base: dict, mode: str) -> str:
        if not s:
            return "–"
        d = s[mode] - base[mode]
        return f"{s[mode]:.3f} ({d:+.3f})" if name != "all" else f"{s[mode]:.3f}"
    return (f"| {name} | {cell(dev, base_dev, 'exact')} | {cell(dev, base_dev, 'overlap')} | "
            f"{cell(seeds, base_seeds, 'exact')} | {cell(seeds, base_seeds, 'overlap')} |")


def write_report(report: dict, out: Path, stem: str = "rules-ablation") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    dev, seeds = report["devset"], report["seeds"]
    lines = [f"# Rule ablation ({report['model_version']}, commit {report['commit']})", "",
             f"Command: `{report['command']}`. Each row switches one rule of configs/tagger.yaml off "
             "(every place it is listed); `none` is `--no-rules` (model, decoder, score floor). "
             "Micro F1; in brackets the change against `all`: a negative change means the rule helps.",
             "Dev set: ../shared/devset/score.py on records of its 18 documents; seeds: the (a) scoring "
             "(pipeline.corpus.evaluate) on the five seeds' gold.", "",
             "| variant | dev exact | dev overlap | seeds exact | seeds overlap |", "|---|---|---|---|---|"]
    for name in dev:
        lines.append(_row(name, dev[name], seeds.get(name, {}), dev["all"], seeds.get("all", {})))
    lines += ["", "Per label, overlap F1 (dev set):", "", "| variant | " + " | ".join(LABELS) + " |",
              "|---|" + "---|" * len(LABELS)]
    for name in ("all", "none"):
        lines.append(f"| {name} | " + " | ".join(f"{dev[name]['overlap_per_label'][lab]:.3f}" for lab in LABELS) + " |")
    lines += ["", "Per label, exact F1 (dev set):", "", "| variant | " + " | ".join(LABELS) + " |",
              "|---|" + "---|" * len(LABELS)]
    for name in ("all", "none"):
        lines.append(f"| {name} | " + " | ".join(f"{dev[name]['exact_per_label'][lab]:.3f}" for lab in LABELS) + " |")
    gap = dev.get("all", {}).get("gap")
    if gap:
        lines += ["", "Where the raw model trails (dev set, exact match): gold spans the full tagger gets and the raw "
                  f"model does not ({gap['gained_total']}), by the rules that made or changed the full tagger's span, "
                  f"in order; and gold spans the raw model gets that the rules change or remove ({gap['lost_total']}).",
                  "", "| | label | rules | gold spans |", "|---|---|---|---|"]
        for kind in ("gained", "lost"):
            for row in gap[kind]:
                lines.append(f"| {kind} | {row['label']} | {' > '.join(row['rules'])} | {row['spans']} |")
    if dev.get("none", {}).get("edges"):
        lines += ["", "Where the spans are wrong (dev set): each gold span by what the predictions of its label "
                  "got wrong about it, by text (pipeline.tag.devset.edge_class), with the rules (`all`) and raw "
                  "(`none`).", "", "| label | variant | " + " | ".join(EDGE_CLASSES) + " |",
                  "|---|---|" + "---|" * len(EDGE_CLASSES)]
        for lab in LABELS:
            for name in ("all", "none"):
                row = dev[name]["edges"].get(lab)
                if row:
                    lines.append(f"| {lab} | {name} | " + " | ".join(str(row[c]) for c in EDGE_CLASSES) + " |")
    path = out / f"{stem}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_ablation(model: Path, devset: Path, out: Path, say: Callable[[str], None] = print,
                 command: str = "jixiao eval-rules", stem: str = "rules-ablation") -> dict:
    from pipeline.tag.train import git_commit
    tagger = Tagger.load(model)
    report = {"model_version": tagger.model_version, "commit": git_commit(), "command": command,
              "rules": tagger.rules.names,
              "devset": score_devset(tagger, devset, say) if (devset / "gold").is_dir() else {},
              "seeds": score_seeds(tagger, say)}
    if not report["devset"]:
        say(f"no development set at {devset}: dev-set scores skipped")
        return report
    say(f"wrote {write_report(report, out, stem)}")
    return report
