"""``jixiao annotate --engine ray``: the same work on Ray Data, for more than one machine.

paths → ``ray.data.from_items`` → ``map_batches`` with a pool of actors, each holding the
components (tagger loaded once per actor, like a local worker) → results stream back to the
driver, which writes them through the same OutputStore (so exactly-once holds the same way).
Every node must see the input paths under the same names (shared storage); only the driver
writes the output folder.

Ray is an optional extra (``pip install 'jixiao[ray]'``). Connecting: ``ray.init()`` reads
RAY_ADDRESS (a cluster started with ``ray start --head``); without it a local Ray is started
on this machine's cores. A caller that already called ``ray.init`` keeps its Ray.
"""
from __future__ import annotations

import os
from typing import Iterable, Iterator

from pipeline.batch.inputs import Input
from pipeline.batch.worker import Result, Settings, annotate_one, error_record, init

# Ray Data's blocks are small and the result rows big (whole records): one document a batch
BATCH_SIZE = 1


class Annotator:
    """A Ray actor: components loaded once in __init__, one batch of inputs per call."""

    def __init__(self, settings: Settings):
        init(settings)

    def __call__(self, batch: dict) -> dict:
        out: dict[str, list] = {"name": [], "pretty": [], "line": [], "path": [], "errors": []}
        for raw, display, resolved in zip(batch["path"], batch["display"], batch["resolved"]):
            result = annotate_one(Input(path=os.fsdecode(bytes(raw)), display=str(display), resolved=str(resolved)))
            out["name"].append(result.name)
            out["pretty"].append(result.pretty)
            out["line"].append(result.line)
            out["path"].append(result.path)
            out["errors"].append("\n".join(result.errors))
        return out


def connect(cpus: int | None = None) -> None:
    import ray
    if ray.is_initialized():
        return
    if os.environ.get("RAY_ADDRESS"):
        ray.init(log_to_driver=False)
    else:
        ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)


def run_ray(inputs: Iterable[Input], settings: Settings, workers: int, timeout: float | None = None) -> Iterator[Result]:
    """Results of ``inputs`` as Ray finishes them; known problems answered on the driver.
    ``timeout``: seconds per document, enforced in the actor (``worker.time_limit``): Ray
    has no time limit per task, and killing an actor would reload the model."""
    import dataclasses

    import ray

    settings = dataclasses.replace(settings, time_limit=timeout)

    items = []
    for inp in inputs:
        if inp.problem is not None:
            yield error_record(inp, "read", inp.problem)
        else:
            # Arrow strings must be UTF-8: the real path travels as bytes
            items.append({"path": os.fsencode(inp.path), "display": inp.display, "resolved": inp.resolved})
    if not items:
        return
    connect(cpus=workers * settings.threads)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ds = ray.data.from_items(items, override_num_blocks=min(len(items), 200 * workers))
    ds = ds.map_batches(Annotator, fn_constructor_args=(settings,), batch_size=BATCH_SIZE, concurrency=workers,
                        num_cpus=settings.threads, batch_format="numpy")
    for row in ds.iter_rows():
        yield Result(name=str(row["name"]), pretty=str(row["pretty"]), line=str(row["line"]), path=str(row["path"]),
                     errors=tuple(e for e in str(row["errors"]).split("\n") if e))
