"""Pull annotators' corrections out of a Label Studio project.

A full export (predictions included, not just their ids) → for every task with
a human annotation, its newest non-cancelled one (``lsformat.latest_annotation``)
→ three files in the output folder:

* ``corrections.json`` — a Label Studio export (one task each, with that
  annotation and the prediction it started from) that ``lsformat.iter_examples``
  reads; ``make train`` picks up every ``*.json`` in annotations/corrections/;
* ``examples.jsonl`` — the same corrections flattened, one example a line
  (no ``annotations`` key, so lsformat readers skip these lines);
* ``changes.json`` — per label kept / corrected / added / deleted against the
  prediction, and the individual changes per task (see ``diff.py``).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.corpus.lsformat import latest_annotation, results_to_example, write_tasks
from pipeline.labels import load_labels
from pipeline.labelstudio.client import LabelStudioClient, LabelStudioError
from pipeline.labelstudio.diff import SpanDiff, diff_spans
from pipeline.labelstudio.push import find_project

CORRECTIONS_FILE = "corrections.json"
EXAMPLES_FILE = "examples.jsonl"
CHANGES_FILE = "changes.json"


def export_tasks(client: LabelStudioClient, project_id: int, timeout: float = 300.0,
                 poll: float = 0.5) -> list[dict]:
    """Every task of the project with its annotations and full predictions."""
    exports = client.sdk.projects.exports
    with client.errors(f"starting an export of project {project_id}"):
        export = exports.create(id=project_id, title=f"jixiao pull {time.strftime('%Y-%m-%d %H:%M:%S')}",
                                serialization_options={"predictions": {"only_id": False}})
    try:
        deadline = time.monotonic() + timeout
        while True:
            with client.errors(f"waiting for export {export.id} of project {project_id}"):
                status = exports.get(id=project_id, export_pk=export.id).status
            if status == "completed":
                break
            if status == "failed":
                raise LabelStudioError(f"Label Studio failed to build export {export.id} of project {project_id}")
            if time.monotonic() > deadline:
                raise LabelStudioError(f"export {export.id} of project {project_id} not ready after {timeout:.0f} s")
            time.sleep(poll)
        with client.errors(f"downloading export {export.id} of project {project_id}"):
            raw = b"".join(exports.download(id=project_id, export_pk=export.id, export_type="JSON"))
    finally:
        # Exports pile up as files on the server; ours is no use once downloaded.
        try:
            with client.errors("deleting the export"):
                exports.delete(id=project_id, export_pk=export.id)
        except LabelStudioError:
            pass
    tasks = json.loads(raw.decode("utf-8"))
    if not isinstance(tasks, list):
        raise LabelStudioError(f"export of project {project_id} is not a list of tasks")
    return tasks


def base_prediction(task: dict, annotation: dict) -> dict | None:
    """The prediction the annotator started from (parent_prediction), else the newest one."""
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    parent = annotation.get("parent_prediction")
    for p in preds:
        if parent is not None and p.get("id") == parent:
            return p
    return max(preds, key=lambda p: (p.get("created_at") or "", p.get("id") or 0), default=None)


@dataclass
class PullReport:
    project_id: int
    tasks_total: int = 0
    tasks_annotated: int = 0
    diff: SpanDiff = field(default_factory=SpanDiff)
    per_task: list[dict[str, Any]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "tasks_total": self.tasks_total,
                "tasks_annotated": self.tasks_annotated, "by_label": self.diff.counts,
                "relations": {"added": self.diff.relations_added, "deleted": self.diff.relations_deleted},
                "tasks": self.per_task}


def corrections_from_tasks(tasks: list[dict], project_id: int = 0) -> tuple[list[dict], list[dict], PullReport]:
    """(corrections export, flat examples, report) from exported tasks; no I/O."""
    span_labels = set(load_labels().names)
    report = PullReport(project_id, tasks_total=len(tasks))
    corrections, examples = [], []
    for task in tasks:
        ann = latest_annotation(task)
        if ann is None:
            continue
        report.tasks_annotated += 1
        data = task.get("data") or {}
        text = data.get("text", "")
        ann_regions, ann_rel = results_to_example(text, ann.get("result") or [])
        pred = base_prediction(task, ann)
        pred_regions, pred_rel = results_to_example(text, (pred or {}).get("result") or [])
        d = diff_spans(text, [s for s in pred_regions if s.label in span_labels],
                       [s for s in ann_regions if s.label in span_labels], pred_rel, ann_rel,
                       pred_regions, ann_regions)
        report.diff.merge(d)
        report.per_task.append({"task_id": task.get("id"), "doc_id": data.get("doc_id"),
                                "annotation_id": ann.get("id"),
                                "model_version": (pred or {}).get("model_version"),
                                "changes": [c.as_dict() for c in d.changes],
                                "relations": {"added": d.relations_added, "deleted": d.relations_deleted}})
        corrections.append({"id": task.get("id"), "data": data, "annotations": [ann],
                            "predictions": [pred] if pred else []})
        spans = [s for s in ann_regions if s.label in span_labels]
        examples.append({
            "task_id": task.get("id"), "doc_id": data.get("doc_id"), "annotation_id": ann.get("id"),
            "text": text,
            "spans": [{"id": s.id, "start": s.start, "end": s.end, "label": s.label, "text": text[s.start:s.end]}
                      for s in spans],
            "regions": [{"id": s.id, "start": s.start, "end": s.end, "label": s.label}
                        for s in ann_regions if s.label not in span_labels],
            "relations": [{"from": r.from_id, "to": r.to_id, "label": r.label} for r in ann_rel],
        })
    return corrections, examples, report


def pull_corrections(client: LabelStudioClient, title: str, out_dir: Path) -> PullReport:
    project_id = find_project(client, title)
    if project_id is None:
        raise LabelStudioError(f"no project titled {title!r} at {client.url}")
    tasks = export_tasks(client, project_id)
    corrections, examples, report = corrections_from_tasks(tasks, project_id)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_tasks(corrections, out_dir / CORRECTIONS_FILE)
    with open(out_dir / EXAMPLES_FILE, "w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(json.dumps(ex, ensure_ascii=False) + "\n")
    (out_dir / CHANGES_FILE).write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    report.files = [out_dir / CORRECTIONS_FILE, out_dir / EXAMPLES_FILE, out_dir / CHANGES_FILE]
    return report
