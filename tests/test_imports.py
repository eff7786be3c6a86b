"""The import graph: no cycle, and inference (annotate → tagger) never imports training."""
from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "pipeline"
# modules that train or make training data: inference must reach none of them
TRAINING = ("pipeline.tag.train", "pipeline.tag.data", "pipeline.tag.protocol", "pipeline.corpus.synth")
INFERENCE = ("pipeline.annotate", "pipeline.tag.tagger", "pipeline.tag.rules")


def module_names() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = p.relative_to(PROJECT_ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return out


def import_graph() -> dict[str, set[str]]:
    """module → the pipeline modules it imports, at top level or inside a function."""
    mods = module_names()

    def resolve(name: str) -> str:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name
    graph = {}
    for name, path in mods.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {resolve(a.name) for a in node.names if a.name.startswith("pipeline")}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    deps.add(full if full in mods else resolve(node.module))
        graph[name] = deps - {name, "", "pipeline"}
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for d in graph.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def test_no_import_cycle():
    graph = import_graph()
    cycles = sorted(m for m in graph if m in reachable(graph, m))
    assert not cycles, f"modules on an import cycle: {cycles}"


def test_the_graph_sees_a_cycle(tmp_path):
    # the check itself can fail: two modules importing each other are on a cycle
    graph = {"a": {"b"}, "b": {"a"}, "c": {"a"}}
    assert [m for m in graph if m in reachable(graph, m)] == ["a", "b"]


@pytest.mark.parametrize("module", INFERENCE)
def test_inference_never_imports_training(module):
    reached = reachable(import_graph(), module)
    assert not [m for m in reached if m.startswith(TRAINING)], sorted(reached)


@pytest.mark.slow
def test_every_module_imports_on_its_own():
    """Each module in a fresh interpreter: a cycle at import time fails here."""
    def run(name: str) -> tuple[str, int, str]:
        res = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=PROJECT_ROOT, capture_output=True,
                             text=True, timeout=300)
        return name, res.returncode, res.stderr[-500:]
    with ThreadPoolExecutor(2) as pool:
        failed = [r for r in pool.map(run, sorted(module_names())) if r[1] != 0]
    assert not failed, failed


@pytest.mark.slow
def test_configs_ship_inside_the_wheel(tmp_path):
    import shutil
    import zipfile
    src = tmp_path / "src"  # a copy: setuptools builds in the source tree
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(PROJECT_ROOT / name, src / name)
    for name in ("pipeline", "configs"):
        shutil.copytree(PROJECT_ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path / "dist"), str(src)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("jixiao-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for cfg in (PROJECT_ROOT / "configs").glob("*.yaml"):
        assert f"pipeline/configs/{cfg.name}" in names
