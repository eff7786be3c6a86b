"""Batch bench: throughput and memory of `jixiao annotate` at scale, and cost per MB by stage.

    python -m pipeline.batch.bench throughput --docs 10000 --workers 1,2 [--engine local,ray] [--no-tag]
    python -m pipeline.batch.bench sizes --sizes 0.1,1,5,20 [--stages read,structure,tag,link,check]

throughput: writes --docs synthetic documents (the example reports, each copy with its own
marker line, so that no two are the same file), runs the real command line in a subprocess and
samples the RSS of every process it starts twice a second: documents per second (wall clock,
start-up and model loading included) and each worker's peak RSS, plus the workers' RSS in the
first and the last tenth of the run (flat memory: the two are close).
sizes: one report of each size (the examples concatenated, each copy numbered), each size in a
fresh process: seconds per stage (the record's JSON written as a local worker writes it
included) and per MB, wall clock and CPU time, and the process's peak RSS.
Results are printed and written as JSON (--out); the README's tables come from them.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import PROJECT_ROOT
from pipeline.cpu import cpu_info

EXAMPLES = PROJECT_ROOT / "examples"


def example_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt")) + sorted(EXAMPLES.glob("*.md"))]


def write_corpus(folder: Path, n_docs: int) -> int:
    """n_docs distinct documents in folder (100 a sub-folder); their total characters."""
    texts = example_texts()
    chars = 0
    for i in range(n_docs):
        sub = folder / f"part{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        text = f"{texts[i % len(texts)]}\n（副本{i}）\n"
        (sub / f"doc{i:05d}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


def big_report(mb: float) -> str:
    """One report of up to ``mb`` MiB of UTF-8 (the last whole example that fits): the examples
    one after another, numbered. Never over: annotate's --max-mb (MiB) must accept the 20 MiB bench
    report at its default."""
    texts, parts, size, i = example_texts(), [], 0, 0
    target = int(mb * 1024 * 1024)
    while True:
        t = f"{texts[i % len(texts)]}\n（第{i}部分）\n"
        n = len(t.encode("utf-8"))
        if parts and size + n > target:
            return "".join(parts)
        parts.append(t)
        size += n
        i += 1


# ------------------------------------------------------------------ throughput

def _sample(root_pid: int, peaks: dict[int, dict], series: list) -> None:
    import psutil
    try:
        procs = [psutil.Process(root_pid)] + psutil.Process(root_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return
    now = time.monotonic()
    for p in procs:
        try:
            rss = p.memory_info().rss / 2**20
            cmd = " ".join(p.cmdline())[:200]
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        # pool workers run multiprocessing's spawn_main (not its resource_tracker); Ray's are MapWorker actors
        role = ("parent" if p.pid == root_pid else
                "worker" if ("spawn_main" in cmd or "MapWorker" in cmd) else "other")
        info = peaks.setdefault(p.pid, {"role": role, "peak_mb": 0.0, "cmd": cmd[:80]})
        if role == "worker":   # a Ray worker takes its actor's name only once the actor starts
            info["role"], info["cmd"] = role, cmd[:80]
        info["peak_mb"] = max(info["peak_mb"], rss)
        if role == "worker":
            series.append((now, p.pid, rss))


def run_throughput(corpus: Path, n_docs: int, chars: int, workers: int, engine: str, tag: bool, out_dir: Path) -> dict:
    cmd = [sys.executable, "-m", "pipeline.cli", "annotate", str(corpus), "--out", str(out_dir), "-j", str(workers),
           "--engine", engine, "--no-resume"] + ([] if tag else ["--no-tag"])
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    peaks: dict[int, dict] = {}
    series: list = []
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None:
        _sample(proc.pid, peaks, series)
        time.sleep(0.5)
    dt = time.monotonic() - t0
    lines = sum(1 for _ in open(out_dir / "records.jsonl", encoding="utf-8"))
    worker_peaks = sorted(round(v["peak_mb"]) for v in peaks.values() if v["role"] == "worker")
    report = {"engine": engine, "workers": workers, "tag": tag, "documents": n_docs, "records": lines,
              "chars": chars, "seconds": round(dt, 1), "docs_per_s": round(n_docs / dt, 2),
              "chars_per_s": round(chars / dt), "exit": proc.returncode,
              "parent_peak_mb": round(max((v["peak_mb"] for v in peaks.values() if v["role"] == "parent"), default=0)),
              "worker_peak_mb": worker_peaks}
    if series:
        t_first, t_last = series[0][0], series[-1][0]
        span = max(t_last - t_first, 1e-9)
        first = [r for t, _, r in series if t - t_first <= 0.1 * span]
        last = [r for t, _, r in series if t_last - t <= 0.1 * span]
        report["worker_rss_first_tenth_mb"] = round(statistics.median(first))
        report["worker_rss_last_tenth_mb"] = round(statistics.median(last))
    return report


# ------------------------------------------------------------------ sizes

def measure_size(mb: float, stages: list[str], threads: int = 1) -> dict:
    """In this (fresh) process: one report of ``mb`` MB through the stages, timed one by one
    (``threads``: torch threads, as one of N workers on N cores gets), in wall-clock seconds
    and in CPU seconds of this process (on a machine shared with other jobs the wall clock
    grows with their load, the CPU time much less); freed memory handed back after each stage
    as a worker does (``pipeline.annotate``)."""
    from pipeline.annotate import _RELEASE_FROM_CHARS, load_components, restore_twin, structure_text
    from pipeline.bench import peak_rss_mb
    from pipeline.cpu import release_freed_memory
    from pipeline.read import ReadLimits, read_path
    from pipeline.record import compact_items

    text = big_report(mb)
    comps = load_components(tag="tag" in stages, link="link" in stages, check="check" in stages, threads=threads)
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name: str, fn):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times[name], cpu[name] = time.perf_counter() - t, time.process_time() - c
        return out

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text(text, encoding="utf-8")
        del text
        real_mb = path.stat().st_size / 2**20
        result = timed("read", lambda: read_path(path, ReadLimits(max_bytes=10**9)))
    text = result.text
    del result
    big = len(text) >= _RELEASE_FROM_CHARS
    with compact_items(big):  # as pipeline.annotate does for a big document
        # the stages read the twin (traditional characters simplified, full-width digits narrow),
        # and the record is given back in the document's script after them, as annotate does
        record = timed("clean+structure", lambda: structure_text(text, keep_twin=True))
        del text
        if big:
            release_freed_memory()
        for name, comp in (("tag", comps.tagger), ("link", comps.linker), ("check", comps.checker)):
            if comp is not None:
                timed(name, lambda c=comp: c.set_annotations(record, c.predict(record)))
                if big:
                    release_freed_memory()
        timed("restore script", lambda: restore_twin(record))
    # written as a local worker writes it (streamed to files in the output folder), so that the
    # peak RSS is the whole worker's
    with tempfile.TemporaryDirectory() as out:
        from pipeline.batch.inputs import Input
        from pipeline.batch.worker import serialize
        timed("write", lambda: serialize(record, Input(path=str(path), display="big.txt", resolved=str(path)),
                                         staging=out))
    return {"mb": round(real_mb, 2), "threads": threads, "chars": len(record.text), "spans": len(record.spans),
            "links": len(record.links), "findings": len(record.findings),
            "seconds": {k: round(v, 2) for k, v in times.items()},
            "seconds_per_mb": {k: round(v / real_mb, 2) for k, v in times.items()},
            "cpu_seconds_per_mb": {k: round(v / real_mb, 2) for k, v in cpu.items()},
            "peak_rss_mb": round(peak_rss_mb()),
            "load_average": [round(x, 1) for x in os.getloadavg()]}


def run_sizes(sizes: list[float], stages: list[str], timeout: float, threads: int = 1) -> list[dict]:
    out = []
    for mb in sizes:
        cmd = [sys.executable, "-m", "pipeline.batch.bench", "_one_size", str(mb), "--stages", ",".join(stages),
               "--threads", str(threads)]
        env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
            row = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {
                "mb": mb, "error": done.stderr[-500:]}
        except subprocess.TimeoutExpired:
            row = {"mb": mb, "error": f"not finished in {timeout:g} s"}
        print(json.dumps(row, ensure_ascii=False), flush=True)
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    tp = sub.add_parser("throughput")
    tp.add_argument("--docs", type=int, default=10_000)
    tp.add_argument("--workers", default="1,2")
    tp.add_argument("--engine", default="local")
    tp.add_argument("--no-tag", action="store_true")
    tp.add_argument("--out", type=Path, default=PROJECT_ROOT / "runs" / "batch-bench.json")
    sp = sub.add_parser("sizes")
    sp.add_argument("--sizes", default="0.1,1,5,20")
    sp.add_argument("--stages", default="read,structure,tag,link,check")
    sp.add_argument("--timeout", type=float, default=3600)
    sp.add_argument("--threads", type=int, default=1, help="torch threads (on a busy machine more than one can be far slower)")
    sp.add_argument("--out", type=Path, default=PROJECT_ROOT / "runs" / "batch-sizes.json")
    one = sub.add_parser("_one_size")
    one.add_argument("mb", type=float)
    one.add_argument("--stages", default="read,structure,tag,link,check")
    one.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)

    if args.what == "_one_size":
        print(json.dumps(measure_size(args.mb, args.stages.split(","), args.threads), ensure_ascii=False))
        return 0
    report: dict = {"python": sys.version.split()[0], "cpu": cpu_info(),
                    "load_average_at_start": os.getloadavg()}
    if args.what == "sizes":
        report["sizes"] = run_sizes([float(x) for x in args.sizes.split(",")], args.stages.split(","), args.timeout,
                                    args.threads)
    else:
        report["runs"] = []
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            chars = write_corpus(corpus, args.docs)
            for engine in args.engine.split(","):
                for w in [int(x) for x in args.workers.split(",")]:
                    row = run_throughput(corpus, args.docs, chars, w, engine, not args.no_tag,
                                         Path(tmp) / f"out-{engine}-{w}")
                    print(json.dumps(row, ensure_ascii=False), flush=True)
                    report["runs"].append(row)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
