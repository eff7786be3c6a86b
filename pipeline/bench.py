"""`make bench`: speed and memory of the pipeline, measured here, never in timed tests.

    python -m pipeline.bench [--docs 1000] [--out runs/bench.json] [--skip-tagger]

Corpus: the example reports and, when present, the seeds (read from ../shared at
run time), replicated until there are --docs documents; each copy gets a distinct
marker line so no cache can help. Stages measured separately, one process, one
core for the structure stages:
- structure: clean + sections + tables + facts (everything before the tagger), chars/s;
- tagger: the shipped model on the narrative of the same documents, chars/s (when a model ships);
- peak RSS of the process after each stage (VmHWM), so the number includes
  the interpreter and libraries, as a user would see it.

The report names the CPU (speed differs several-fold between the machines this project
runs on) and checks the targets in TARGETS; the exit status is 1 when one is missed.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from pipeline import MODELS_DIR, PROJECT_ROOT, SEEDS_DIR
from pipeline.cpu import cpu_info


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    /proc/self/status VmHWM belongs to the process's own address space; ru_maxrss is not
    reset by exec on Linux, so a child started by a big parent would report the parent's peak.
    """
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# The issues' speed and memory targets (structure: issue 2, one core; tagger: issue 4, 2 threads).
TARGETS = {
    "structure_chars_per_s": 1_000_000,
    "tagger_chars_per_s": 30_000,
    "tagger_peak_rss_mb": 1024,
}


def check_targets(report: dict) -> dict[str, dict]:
    """{target: {"target", "measured", "met"}} for the stages that were measured."""
    measured = {
        "structure_chars_per_s": report.get("structure", {}).get("chars_per_s"),
        "tagger_chars_per_s": report.get("tagger", {}).get("chars_per_s"),
        "tagger_peak_rss_mb": report.get("tagger", {}).get("peak_rss_mb"),
    }
    out = {}
    for name, target in TARGETS.items():
        value = measured[name]
        if value is None:
            continue
        met = value <= target if name.endswith("_mb") else value >= target
        out[name] = {"target": target, "measured": value, "met": met}
    return out


def corpus(n_docs: int) -> list[str]:
    sources = sorted((PROJECT_ROOT / "examples").glob("*.txt")) + sorted((PROJECT_ROOT / "examples").glob("*.md"))
    if SEEDS_DIR.is_dir():
        sources += sorted(SEEDS_DIR.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    return [f"{texts[i % len(texts)]}\n（副本{i}）\n" for i in range(n_docs)]


def bench_structure(texts: list[str]) -> dict:
    from pipeline.annotate import structure_text

    structure_text(texts[0])  # warm regex caches and imports outside the timing
    chars = sum(len(t) for t in texts)
    t0 = time.perf_counter()
    n_ind = 0
    for t in texts:
        n_ind += len(structure_text(t).indicators)
    dt = time.perf_counter() - t0
    return {"documents": len(texts), "chars": chars, "seconds": round(dt, 3),
            "chars_per_s": round(chars / dt), "docs_per_s": round(len(texts) / dt, 1),
            "indicators": n_ind, "peak_rss_mb": round(peak_rss_mb(), 1)}


def bench_tagger(texts: list[str], model_dir: Path) -> dict:
    from pipeline.annotate import structure_text
    from pipeline.tag.tagger import Tagger

    tagger = Tagger.load(model_dir)
    records = [structure_text(t, keep_twin=True) for t in texts]   # the text the tagger reads in annotate
    tagger.predict(records[0])
    t0 = time.perf_counter()
    tagged_chars = 0
    for r in records:
        preds = tagger.predict(r)
        tagged_chars += getattr(tagger, "last_tagged_chars", len(r.text))
        tagger.set_annotations(r, preds)
    dt = time.perf_counter() - t0
    return {"documents": len(records), "tagged_chars": tagged_chars, "seconds": round(dt, 3),
            "chars_per_s": round(tagged_chars / dt), "peak_rss_mb": round(peak_rss_mb(), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--tagger-docs", type=int, default=50)
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "runs" / "bench.json")
    ap.add_argument("--skip-tagger", action="store_true")
    args = ap.parse_args(argv)

    texts = corpus(args.docs)
    report = {"python": sys.version.split()[0], "cpu": cpu_info(), "structure": bench_structure(texts)}
    print(f"cpu: {report['cpu']['model']} ({report['cpu']['cores']} cores, "
          f"native bf16: {report['cpu']['native_bf16']})")
    print(f"structure: {report['structure']['documents']} docs, {report['structure']['chars']:,} chars, "
          f"{report['structure']['chars_per_s']:,} chars/s, peak RSS {report['structure']['peak_rss_mb']} MB")
    model_dir = MODELS_DIR / "tagger"
    if not args.skip_tagger and (model_dir / "config.json").exists():
        report["tagger"] = bench_tagger(texts[:args.tagger_docs], model_dir)
        print(f"tagger: {report['tagger']['tagged_chars']:,} chars tagged, {report['tagger']['chars_per_s']:,} chars/s, "
              f"peak RSS {report['tagger']['peak_rss_mb']} MB")
    report["targets"] = check_targets(report)
    for name, t in report["targets"].items():
        print(f"target {name}: {'met' if t['met'] else 'NOT met'} ({t['measured']:,} vs {t['target']:,})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"written: {args.out}")
    return 0 if all(t["met"] for t in report["targets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
