"""Writes models/<dir>/MODEL_CARD.md from what was measured, never from typed-in numbers.

    python -m pipeline.tag.card models/tagger [--bench] [--protocol runs/eval/report.json]

Reads train_summary.json (data, sizes, seed, commit, steps, time), measures the
[UNK] rate on the seeds (pipeline.SEEDS_DIR), and with --bench runs
pipeline.tag.bench for fp32, int8 (and bf16) and their agreement; --protocol copies the
headline scores of an evaluation-protocol report. Every number is written next
to the command that produced it.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from pipeline import project_relative


def _bench(args: list[str]) -> dict:
    res = subprocess.run([sys.executable, "-m", "pipeline.tag.bench", *args], capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1]) if res.returncode == 0 else {"error": res.stderr[-500:]}


def seed_unk_rates() -> dict[str, float]:
    from pipeline import SEEDS_DIR
    from pipeline.clean import clean_text
    from pipeline.tag.tokenizer import build_tokenizer, unk_rate
    tok = build_tokenizer()
    return {p.name: unk_rate(clean_text(p.read_text(encoding="utf-8")).text, tok)
            for p in sorted(Path(SEEDS_DIR).glob("*.txt"))}


DEVSET_HEADING = "\n## Evaluation (e):"
GAP_PARAGRAPH = "Where the raw model trails (exact match):"


def devset_section(path: Path) -> list[str]:
    """Protocol part (e): the shipped model, whose training never saw ../shared/devset, scored
    there with its rules and raw (`--no-rules`), per label; from a `jixiao eval-rules` report."""
    rep = json.loads(path.read_text(encoding="utf-8"))
    labels = list(rep["devset"]["all"]["overlap_per_label"])
    lines = [f"{DEVSET_HEADING} reports never seen in training, `../shared/devset` ({project_relative(str(path))})\n",
             f"The shipped model {rep['model_version']} (its training data: synthetic reports and the seeds' gold, "
             "nothing of the development set), scored by the development set's own `score.py`; `raw` is "
             f"`--no-rules` (model and decoder only). Command: `{rep['command']}`.\n",
             "| system | span match | " + " | ".join(labels) + " | micro F1 |",
             "|---|---|" + "---|" * (len(labels) + 1)]
    for name, system in (("all", "tagger (model + rules)"), ("none", "raw model")):
        r = rep["devset"][name]
        for mode in ("exact", "overlap"):
            lines.append(f"| {system} | {mode} | " + " | ".join(f"{r[mode + '_per_label'][lb]:.3f}" for lb in labels)
                         + f" | {r[mode]:.3f} |")
    gap = rep["devset"]["all"].get("gap")
    if gap:
        top = ", ".join(f"{row['label']} by {' > '.join(row['rules'])} {row['spans']}" for row in gap["gained"][:4])
        lines.append(f"\n{GAP_PARAGRAPH} {gap['gained_total']} gold spans the tagger gets and "
                     f"the raw model does not (most: {top}); {gap['lost_total']} the raw model gets and the rules "
                     "change or remove. The whole table is in the report named above.")
    return lines


def refresh_devset_section(model_dir: Path, devset_ablation: Path) -> Path:
    """Rewrite only part (e) of an existing card from a new `jixiao eval-rules` report: the rules
    change more often than the model, and the other parts need the protocol's trainings (hours)."""
    card = Path(model_dir) / "MODEL_CARD.md"
    text = card.read_text(encoding="utf-8")
    start = text.find(DEVSET_HEADING)
    if start < 0:
        raise ValueError(f"{card} has no part (e) to refresh: regenerate the whole card")
    end = text.find("\n\n", text.index("| raw model | overlap", start))
    if text.startswith(GAP_PARAGRAPH, end + 2):   # the section's last paragraph goes with it
        end = text.find("\n\n", end + 2)
        end = len(text) if end < 0 else end
    card.write_text(text[:start] + "\n".join(devset_section(devset_ablation)) + text[end:], encoding="utf-8")
    return card


def calibration_section(model_dir: Path) -> list[str]:
    """The score calibration's measured errors (calibration.json, written by `jixiao calibrate`)."""
    from pipeline.tag.calibration import CALIBRATION_FILE, Calibration

    path = Path(model_dir) / CALIBRATION_FILE
    if not path.exists():
        return ["\n## Span scores\n", "Raw scores (mean tag probability); no calibration fitted (`jixiao calibrate`)."]
    c = json.loads(path.read_text(encoding="utf-8"))
    lines = ["\n## Span scores: calibration (calibration.json)\n",
             f"Fitted on {c.get('fitted_on', '?')} (`{c.get('command', 'jixiao calibrate')}`); "
             "expected calibration error, 10 bins:"]
    for part, what in (("synthetic_in_sample", "fitting reports (in-sample)"),
                       ("devset_held_out", "development set (not fitted on; whether the map is applied is decided on it)")):
        if part in c:
            r = c[part]
            lines.append(f"- {what}: {r['raw']['spans']} spans, {r['raw']['share_correct'] * 100:.1f} % correct; "
                         f"ECE raw {r['raw']['ece']}, with the map {r['calibrated']['ece']}")
    applied = Calibration.load(model_dir) is not None  # the tagger's own reading of the file
    lines.append(f"- the map is {'applied: `score` is the mapped value, `attrs.raw_score` the raw one' if applied else 'not applied (it raises the development set error): `score` is the raw score'}")
    return lines


def floors_section(model_dir: Path) -> list[str]:
    """How blind (a) is to the score floors: they were fitted on the seeds as the (a) models read
    them, so (a) with them is in-sample for the floors; the cross-fitted figure is held out."""
    path = model_dir / "eval" / "score-floors.json"
    if not path.exists():
        return []
    rep = json.loads(path.read_text(encoding="utf-8"))
    cf = rep.get("cross_fitted")
    if not cf:
        return []
    per_model = "; ".join(f"{v} {m['exact']:.3f} / {m['overlap']:.3f}"
                          for v, m in zip(rep["model_versions"], cf.get("per_model", [])))
    return ["\n## Score floors and the seeds",
            f"The floors of configs/tagger.yaml (`{json.dumps(rep['fitted'])}`) were fitted on the seeds as the "
            "(a) models of the shipped config read them (`models/tagger/eval/score-floors.md`), so the (a) rows of "
            "that config are in-sample for the floors. Held out, each seed decoded with floors fitted on the other "
            f"four (`{rep.get('command', 'jixiao fit-floors')}`), micro F1 exact / overlap with the rules: "
            f"{per_model} (pooled {cf['with_rules']['exact']:.3f} / {cf['with_rules']['overlap']:.3f}; "
            f"with the fitted floors in-sample {rep['after']['with_rules']['exact']:.3f} / "
            f"{rep['after']['with_rules']['overlap']:.3f})."]


def write_model_card(model_dir: Path, bench: bool = False, protocol: list[Path] | None = None,
                     bf16: bool = False, rounds: int = 5, devset_ablation: Path | None = None) -> Path:
    model_dir = Path(model_dir)
    s = json.loads((model_dir / "train_summary.json").read_text(encoding="utf-8"))
    size_mb = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file()) / 2**20
    m, d, t = s["model"], s["data"], s["training"]
    trained_on = "the CPU" if s.get("trained_on", "cpu") == "cpu" else s["trained_on"]
    lines = [
        f"# Tagger model card — {s['model_version']}\n",
        "Character-level BERT-style token classifier (BIOES over FUNCTION, WORKLOAD, PROBLEM, CAUSE, MEASURE),",
        f"randomly initialised from a BertConfig and trained on {trained_on}; "
        "no pretrained weights.\n",
        "## Training (from train_summary.json)\n",
        f"- commit {s['commit']}, seed {s['seed']}; command: `jixiao train --config configs/tagger.yaml --out {model_dir}`",
        f"- data: {s['examples']} examples ({', '.join(s['sources'])}); synthetic docs {d['synth_docs']} "
        f"(seed {d['synth_seed']}), seed gold {'included x' + str(d.get('gold_repeat', 1)) if d['use_gold'] else 'excluded'}, "
        f"corrections from `{project_relative(d['corrections_dir'])}`",
        f"- {s['windows']} windows, {s['labelled_chars']} labelled characters",
        f"- encoder: {m['num_hidden_layers']} layers x {m['hidden_size']} hidden, {m['num_attention_heads']} heads, "
        f"FFN {m['intermediate_size']}; {s['parameters']:,} parameters; files {size_mb:.1f} MB",
        f"- windows of {m['window_chars']} chars, stride {m['stride']}, heading context up to {m['max_context_chars']} chars"
        f"{' (a cell also names its column header)' if m.get('column_context') else ''}",
        f"- {s['steps']} steps (planned {s['planned_steps']}"
        f"{', scheduled ' + str(s['scheduled_steps']) + ' to fit the time limit' if s.get('scheduled_steps', s['planned_steps']) != s['planned_steps'] else ''}"
        f"{', stopped by time limit' if s['stopped_early'] else ''}), "
        f"batch {t['batch_size']}, AdamW lr {t['learning_rate']}, warm-up {t['warmup_ratio']}, "
        f"{t['threads']} threads: {s['train_seconds']} s; final loss {s['final_loss']:.4f}\n",
        "## Vocabulary coverage\n",
        "[UNK] rate on the cleaned seeds (`python -m pipeline.tag.card`, whitespace not counted):\n",
    ]
    for name, rate in seed_unk_rates().items():
        lines.append(f"- {name}: {rate * 100:.3f}%")
    if bench:
        from pipeline.cpu import cpu_info
        cpu = cpu_info()
        lines += ["\n## Speed and memory (cleaned seeds, 2 threads, structure parsing included)\n",
                  f"Measured on: {cpu['model']}, {cpu['cores']} cores, native bf16: {cpu['native_bf16']}. "
                  "Speed depends on the CPU: compare only numbers measured on the same one.\n"]
        # Agreements are measured first and stored (precision.json): "auto" precision uses a
        # reduced precision only when its measurement meets the floor. bf16 is measured where the
        # CPU has native bf16 units, or with --bf16 (emulated bf16 is slow).
        lows = ("int8", "bf16") if (bf16 or cpu["native_bf16"]) else ("int8",)
        for low in lows:
            a = _bench(["--agreement", "--low", low, "--write", "--model", str(model_dir)])
            lines.append(f"- {low} vs fp32 on the {a.get('texts')}: {a.get('char_tag_agreement')} of {a.get('chars')} "
                         f"characters get the same tag, span Jaccard {a.get('span_jaccard')} "
                         f"(`python -m pipeline.tag.bench --agreement --low {low} --write --model {model_dir}`)")
        # one measurement on a shared machine swings by ±20%: interleave the precisions over
        # several rounds and report the median and the range
        precs = ("fp32", *lows)
        runs: dict[str, list[dict]] = {p: [] for p in precs}
        for _ in range(rounds):
            for prec in precs:
                runs[prec].append(_bench(["--system", "tagger", "--model", str(model_dir), "--precision", prec]))
        for prec in precs:
            cps = sorted(r["chars_per_s"] for r in runs[prec] if "chars_per_s" in r)
            rss = max((r["peak_rss_mb"] for r in runs[prec] if "peak_rss_mb" in r), default=None)
            speed = f"median {cps[len(cps) // 2]} chars/s (range {cps[0]}–{cps[-1]}, {len(cps)} runs)" if cps else \
                f"failed: {runs[prec][0].get('error', '')[:200]}"
            lines.append(f"- {prec}: {speed}, peak RSS {rss} MB "
                         f"(`python -m pipeline.tag.bench --model {model_dir} --precision {prec}`)")
        from pipeline.tag.bench import write_speeds
        from pipeline.tag.tagger import AGREEMENT_FLOOR, auto_precision
        medians = {p: sorted(r["chars_per_s"] for r in runs[p] if "chars_per_s" in r) for p in precs}
        write_speeds(str(model_dir), cpu["model"], {p: v[len(v) // 2] for p, v in medians.items() if v})
        lines.append(f"- `auto` (what `jixiao annotate` uses) runs {auto_precision(model_dir)} on this CPU: "
                     f"a reduced precision is used only when its measured agreement (characters and spans) is at least {AGREEMENT_FLOOR}, "
                     "bf16 only on CPUs with native bf16, and of those the fastest above (medians stored in "
                     "precision.json with the CPU's model name; on another CPU model: bf16, else int8, else fp32)")
        lines.append("- Measured on a shared 2-core machine: the load average at the time changes these numbers several-fold.")
    lines += calibration_section(model_dir)
    for report_path in protocol or []:
        rep = json.loads(Path(report_path).read_text(encoding="utf-8"))
        lines += [f"\n## Evaluation protocol: `{report_path}` (config `{Path(rep.get('config', '?')).name}`, "
                  f"training seed {rep.get('training_seed', '?')}, "
                  f"{rep.get('training_examples_without_gold', '?')} non-gold training examples)\n",
                  "| part | system | label | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for part in ("a", "b"):
            for system, r in rep.get(part, {}).items():
                exact, overlap = r["spans"]["exact"], r["spans"]["overlap"]
                for label in [*sorted(exact["per_label"]), "micro"]:
                    e = exact["micro"] if label == "micro" else exact["per_label"][label]
                    o = overlap["micro"] if label == "micro" else overlap["per_label"][label]
                    lines.append(f"| ({part}) | {system} | {label} | {e['precision']:.3f} | {e['recall']:.3f} | {e['f1']:.3f} "
                                 f"| {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} |")
        if rep.get("score_floors"):
            lines.append(f"\nDecoder score floors: `{json.dumps(rep['score_floors'])}`")
        if rep.get("models"):
            lines.append(f"\nScored with the code of commit {rep.get('commit', '?')}; models: " + "; ".join(
                f"`{project_relative(w)}` {'reused, ' if m['reused'] else ''}trained {m['trained']}"
                for w, m in rep["models"].items()))
        for system, r in rep.get("speed", {}).items():
            if "chars_per_s" in r:
                threads = f"{rep['threads']} thread(s), " if rep.get("threads") else ""
                lines.append(f"- (d) {system}: {r['chars_per_s']:,} chars/s, peak RSS {r.get('peak_rss_mb')} MB "
                             f"({threads}inside the protocol run, whatever else the machine was doing; the Speed "
                             "section is the stand-alone measurement)")
    if protocol:
        lines += floors_section(model_dir)
    if devset_ablation is not None:
        lines += devset_section(Path(devset_ablation))
    if protocol:
        lines.append("\n(a) and (b) models are trained by the protocol itself; the shipped model includes "
                     "all seed gold, so its own scores on the seeds are training-set scores and are not reported.")
        lines.append("\nHow blind (a) is: no seed text or gold is in (a)'s training data, but the five seeds are "
                     "the only real reports this project has, and the generator's narrative, the decoder's "
                     "boundary rules (clause-edge widening, WORKLOAD clause starts and subjects, whole "
                     "FUNCTION items, span-first labelling, measures and problems as whole sentences, reason "
                     "clauses split off problems and causes, ordinals, quoted names and list announcements "
                     "ruled out) and the structure rules applied after decoding (section gate from "
                     "configs/labels.yaml, completion of function and measure lists, of counted clauses, of "
                     "measures sections and of 偏差原因/改进措施 row cells, title-only duties) were revised "
                     "after reading the errors of earlier (a) models on them; "
                     "`tagger_without_structure_rules` is the same model without those structure rules. "
                     "(a) is therefore a development score on real text, likely optimistic for unseen reports; a synthetic development set was checked for "
                     "regressions alongside (`python -m pipeline.tag.evaluation --model DIR`: seeds and 100 "
                     "synthetic documents of another generator seed than training's).")
    out = model_dir / "MODEL_CARD.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--bf16", action="store_true", help="with --bench: also time emulated bf16 and its agreement")
    ap.add_argument("--protocol", type=Path, action="append", help="a report.json of jixiao eval-protocol (repeatable)")
    ap.add_argument("--devset-ablation", type=Path, help="part (e): a rules-ablation.json of `jixiao eval-rules`")
    ap.add_argument("--refresh-devset", action="store_true",
                    help="with --devset-ablation: rewrite only part (e) of the existing card (after a rules change)")
    a = ap.parse_args()
    if a.refresh_devset:
        if not a.devset_ablation:
            ap.error("--refresh-devset needs --devset-ablation")
        print(refresh_devset_section(a.model_dir, a.devset_ablation))
        return
    print(write_model_card(a.model_dir, a.bench, a.protocol, a.bf16, devset_ablation=a.devset_ablation))


if __name__ == "__main__":
    main()
