"""Throughput and peak memory of one tagging system, in a process of its own.

    python -m pipeline.tag.bench --system tagger --model models/tagger [--precision bf16]
    python -m pipeline.tag.bench --system rules
    python -m pipeline.tag.bench --system spacy --model runs/eval/a/spacy
    python -m pipeline.tag.bench --agreement --model models/tagger

Texts: the cleaned seeds (pipeline.SEEDS_DIR) or --text FILE..., each tagged
--repeat times after one warm-up pass (--agreement: the seeds and the development set's
texts, agreement_files). Prints one JSON object. Peak RSS is the
process's peak RSS (VmHWM: model, libraries and all), which is why each system runs
in its own process when compared side by side.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


from pipeline.bench import peak_rss_mb
from pipeline.cpu import cpu_info


def bench_texts(paths: list[str] | None = None) -> list[str]:
    from pipeline import SEEDS_DIR
    from pipeline.clean import clean_text
    files = [Path(p) for p in paths] if paths else sorted(Path(SEEDS_DIR).glob("*.txt"))
    return [clean_text(p.read_text(encoding="utf-8", errors="replace")).text for p in files]


AGREEMENT_TEXTS = "cleaned seeds and development-set texts (no gold read)"


def agreement_files() -> list[str]:
    """The texts a reduced precision is checked on: the seeds and, where ../shared/devset is
    present, its reports' texts (only the text: the comparison is fp32 against the reduced
    precision, no gold). The seeds alone were too few: one model's int8 spans matched fp32's on
    all of them (Jaccard 1.0) and on 0.982 of the development set's, which cost 0.006 F1 there."""
    from pipeline import SEEDS_DIR, SHARED_DIR
    files = sorted(Path(SEEDS_DIR).glob("*.txt")) + sorted((Path(SHARED_DIR) / "devset" / "docs").glob("*.txt"))
    return [str(p) for p in files]


def load_system(system: str, model: str | None, precision: str, threads: int):
    import torch
    torch.set_num_threads(threads)
    if system == "tagger":
        from pipeline.tag.tagger import Tagger
        return Tagger.load(model, precision=precision, threads=threads)
    if system == "rules":
        from pipeline.tag.baselines.rules import RuleTagger
        return RuleTagger()
    if system == "spacy":
        from pipeline.tag.baselines.spacy_ner import SpacyTagger
        return SpacyTagger.from_disk(Path(model))
    raise ValueError(system)


def measure(tagger, texts: list[str], repeat: int = 3) -> dict:
    """chars/s over repeat passes (structure parsing included, as in the pipeline)."""
    from pipeline.tag.structured import structure_for
    for t in texts:  # warm-up: first-call allocations, lazy imports
        tagger.predict_text(t, *structure_for(t))
    t0 = time.perf_counter()
    n = 0
    for _ in range(repeat):
        for t in texts:
            tagger.predict_text(t, *structure_for(t))
            n += len(t)
    secs = time.perf_counter() - t0
    # the structure parser's share, so the model's own speed can be read off too
    s0 = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            structure_for(t)
    struct_s = time.perf_counter() - s0
    return {"cpu": cpu_info()["model"], "chars": n, "seconds": round(secs, 3), "chars_per_s": round(n / secs),
            "structure_seconds": round(struct_s, 3),
            "chars_per_s_excluding_structure": round(n / max(secs - struct_s, 1e-9)),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def precision_agreement(model: str, texts: list[str], threads: int = 2, low_precision: str = "int8") -> dict:
    """Share of characters whose decoded tag is the same in low_precision and fp32 (regions only)."""
    from pipeline.tag.regions import find_regions, rules_text
    from pipeline.tag.structured import structure_for
    from pipeline.tag.tagger import Tagger
    ref = Tagger.load(model, precision="fp32", threads=threads)
    low = Tagger.load(model, precision=low_precision, threads=threads)
    same = total = 0
    span_same = span_total = 0
    for text in texts:
        hf, tables = structure_for(text)
        regions = find_regions(text, tables, ref.args.min_cell_hanzi)
        for r, p32, p16 in zip(regions, ref.region_probs(text, regions, hf), low.region_probs(text, regions, hf)):
            bias = ref.edge_bias(rules_text(text), r.start, len(p32))   # the decoder as predict runs it
            a, b = ref.decoder.decode(p32, bias), ref.decoder.decode(p16, bias)
            same += int((a == b).sum())
            total += len(a)
        s32 = {(p.start, p.end, p.label) for p in ref.predict_text(text, hf, tables)}
        s_low = {(p.start, p.end, p.label) for p in low.predict_text(text, hf, tables)}
        span_same += len(s32 & s_low)
        span_total += len(s32 | s_low)
    return {"precision": low_precision, "char_tag_agreement": round(same / max(total, 1), 5), "chars": total,
            "span_jaccard": round(span_same / max(span_total, 1), 4)}


def _store_measurement(model: str, key: str, entry: dict) -> Path:
    """Store a measurement under ``key`` of MODEL/precision.json, tied to the weights it was made on."""
    from pipeline.tag.tagger import PRECISION_FILE
    from pipeline.tag.model import weights_digest
    path = Path(model) / PRECISION_FILE
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data[key] = {**entry, "weights": weights_digest(Path(model))}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def write_agreement(model: str, result: dict) -> Path:
    """Store an agreement measurement next to the weights it was made on; Tagger.load's
    "auto" precision reads it (pipeline.tag.tagger.measured_precision)."""
    return _store_measurement(model, result["precision"], {"texts": AGREEMENT_TEXTS, **result})


def write_speeds(model: str, cpu: str, chars_per_s: dict[str, int]) -> Path:
    """Store the measured speed of each precision (medians) with the CPU model they were
    measured on; "auto" precision picks the fastest allowed one on a CPU of that model
    (pipeline.tag.tagger.measured_fastest)."""
    return _store_measurement(model, "speed", {"cpu": cpu, "chars_per_s": chars_per_s})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--system", choices=["tagger", "rules", "spacy"], default="tagger")
    ap.add_argument("--model")
    ap.add_argument("--precision", choices=["auto", "bf16", "int8", "fp32"], default="auto")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--text", nargs="*")
    ap.add_argument("--agreement", action="store_true", help="tag agreement of --low with fp32 instead of speed")
    ap.add_argument("--low", choices=["int8", "bf16"], default="int8")
    ap.add_argument("--write", action="store_true", help="store the agreement in MODEL/precision.json")
    a = ap.parse_args(argv)
    if a.agreement:
        out = precision_agreement(a.model, bench_texts(a.text or agreement_files()), a.threads, a.low)
        out["texts"] = [Path(p).name for p in a.text] if a.text else AGREEMENT_TEXTS
        if a.write:
            write_agreement(a.model, out)
    else:
        out = {"system": a.system, "precision": a.precision if a.system == "tagger" else None,
               **measure(load_system(a.system, a.model, a.precision, a.threads), bench_texts(a.text), a.repeat)}
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
