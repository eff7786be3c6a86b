"""Exactly once under kill -9: real `jixiao annotate` processes killed at different moments,
then a rerun; every input is in records.jsonl once, as one file, with no torn line."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import PROJECT_ROOT

GOOD = PROJECT_ROOT / "examples" / "county_education_bureau_2022.txt"
N_DOCS = 200   # enough work that the kills come while the batch runs, on an idle machine too


def count_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def start(src: Path, out: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "annotate", str(src), "--out", str(out),
                             "--no-tag", "-j", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def kill_when(proc: subprocess.Popen, jsonl: Path, lines: int, delay: float) -> None:
    """SIGKILL the batch once records.jsonl has ``lines`` lines, ``delay`` seconds later."""
    deadline = time.monotonic() + 120
    while count_lines(jsonl) < lines and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)   # its workers, which would otherwise finish their task and exit
    except ProcessLookupError:
        pass


@pytest.mark.slow
def test_three_kills_then_a_rerun_leave_every_input_exactly_once(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = GOOD.read_bytes()
    for k in range(N_DOCS):
        (src / f"r{k:02d}.txt").write_bytes(text + f"\n（副本{k}）\n".encode("utf-8"))
    out = tmp_path / "out"
    jsonl = out / "records.jsonl"
    # before the first record, while records stream, and just after a line was written
    for lines, delay in ((0, 0.8), (8, 0.0), (20, 0.013)):
        proc = start(src, out)
        kill_when(proc, jsonl, lines, delay)
    assert count_lines(jsonl) < N_DOCS, "the kills came too late to test anything"
    proc = start(src, out)
    assert proc.wait(timeout=300) == 0
    raw = jsonl.read_bytes()
    assert raw.endswith(b"\n")
    records = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    names = sorted(Path(r["source"]["path"]).name for r in records)
    assert names == sorted(p.name for p in src.iterdir())
    files = sorted(out.glob("*.json"))
    assert len(files) == N_DOCS and not list(out.glob("*.tmp"))
    assert {json.loads(f.read_text(encoding="utf-8"))["source"]["path"] for f in files} == {r["source"]["path"] for r in records}
