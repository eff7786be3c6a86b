"""Annotating archives: many inputs, several worker processes (or Ray), exactly-once output.

    inputs.py   command-line paths, folders and manifests → Input items (odd files included,
                each with the problem that will be its error record)
    store.py    the output folder: atomic per-document JSON, fsynced records.jsonl, resume
    worker.py   one Input → the record's JSON (the same code for every engine)
    local.py    the process pool (pebble): per-document time limit, a hung worker is replaced
    ray_engine.py  the same work on Ray Data (optional extra ``[ray]``)
    bench.py    documents per second and RSS per worker, cost per MB
"""
