"""`--engine ray` on a local Ray (2 CPUs) writes the records the local engine writes."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline import MODELS_DIR, PROJECT_ROOT
from pipeline.cli import app

from tests.batch.test_inputs import odd_folder

ray = pytest.importorskip("ray", reason="ray not installed: pip install 'jixiao[ray]' (make install does)")
runner = CliRunner()


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def records(out) -> list[dict]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted((json.loads(line) for line in lines), key=lambda r: r["source"]["path"])


@pytest.mark.slow
@pytest.mark.skipif(not (MODELS_DIR / "tagger" / "config.json").exists(), reason="no shipped tagger model")
def test_ray_engine_gives_the_records_of_the_local_engine(tmp_path, local_ray):
    src = odd_folder(tmp_path / "in")
    for p in (PROJECT_ROOT / "examples").iterdir():
        (src / p.name).write_bytes(p.read_bytes())
    runs = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine
        result = runner.invoke(app, ["annotate", str(src), "--out", str(out), "-j", "2", "--engine", engine])
        assert result.exit_code == 0, result.output
        runs[engine] = records(out)
    n_examples = len(list((PROJECT_ROOT / "examples").iterdir()))
    assert len(runs["ray"]) == 9 + n_examples   # odd_folder's nine entries (not the hidden one) and the examples
    assert sum(len(r["spans"]) for r in runs["ray"]) > 0
    assert runs["ray"] == runs["local"]
    assert sorted(p.name for p in (tmp_path / "ray").glob("*.json")) == sorted(p.name for p in (tmp_path / "local").glob("*.json"))


@pytest.mark.slow
def test_ray_engine_time_limit_gives_an_error_record_and_the_batch_goes_on(tmp_path, local_ray):
    src = tmp_path / "in"
    src.mkdir()
    good = PROJECT_ROOT / "examples" / "county_education_bureau_2022.txt"
    (src / "a_big.txt").write_text((good.read_text(encoding="utf-8") + "\n") * 2000, encoding="utf-8")   # ~5 MB: well past 1 s however fast the stages get
    for k in range(2):
        (src / f"small{k}.txt").write_bytes(good.read_bytes())
    out = tmp_path / "out"
    result = runner.invoke(app, ["annotate", str(src), "--out", str(out), "-j", "1", "--no-tag", "--engine", "ray",
                                 "--timeout", "1"])
    assert result.exit_code == 0, result.output
    by_name = {r["source"]["path"].rsplit("/", 1)[-1]: r for r in records(out)}
    assert sorted(by_name) == ["a_big.txt", "small0.txt", "small1.txt"]
    assert any("timed out after 1 s" in e["message"] for e in by_name["a_big.txt"]["errors"]), by_name["a_big.txt"]["errors"]
    assert all(by_name[f"small{k}.txt"]["indicators"] and not by_name[f"small{k}.txt"]["errors"] for k in range(2))
