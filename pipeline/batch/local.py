"""The local engine: a pool of worker processes (pebble), each with the model loaded once.

pebble's pool kills a task's process when its time limit passes and starts a fresh worker
(which loads the model again), so one pathological document costs at most ``timeout``
seconds and never blocks the batch; a worker that dies (out of memory, a crash in native
code) also becomes that document's error record. Results stream back as they finish; at most
``2 × workers`` documents are in flight, so the parent's memory does not grow with the batch.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Iterable, Iterator

from pebble import ProcessExpired, ProcessPool

from pipeline.batch.inputs import Input
from pipeline.batch.worker import Result, Settings, annotate_one, error_record, init


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Each worker's share of the cores as torch threads (at least one)."""
    return max(1, (cores or available_cores()) // max(1, workers))


def run_local(inputs: Iterable[Input], settings: Settings, workers: int, timeout: float | None) -> Iterator[Result]:
    """Results of ``inputs`` in the order they finish. Inputs with a known problem are
    answered here, without a worker."""
    # spawn: a forked child would inherit the parent's threads (the progress bar) and torch state
    ctx = multiprocessing.get_context("spawn")
    pending: dict = {}
    with ProcessPool(max_workers=workers, initializer=init, initargs=(settings,), context=ctx) as pool:
        try:
            for inp in inputs:
                if inp.problem is not None:
                    yield error_record(inp, "read", inp.problem)
                    continue
                while len(pending) >= 2 * workers:
                    yield from _collect(pending, timeout)
                pending[pool.schedule(annotate_one, args=(inp,), timeout=timeout)] = inp
            while pending:
                yield from _collect(pending, timeout)
        except BaseException:
            pool.stop()
            raise


def _collect(pending: dict, timeout: float | None) -> Iterator[Result]:
    done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
    for future in done:
        inp = pending.pop(future)
        try:
            yield future.result()
        except FutureTimeout:
            yield error_record(inp, "annotate", f"timed out after {timeout:g} s (--timeout): the worker was "
                                                "stopped and replaced; the document was not annotated")
        except ProcessExpired as exc:
            yield error_record(inp, "annotate", f"the worker process died (exit code {exc.exitcode}, "
                                                "e.g. out of memory); the document was not annotated")
        except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be sent back
            yield error_record(inp, "annotate", f"worker failure: {type(exc).__name__}: {exc}")
