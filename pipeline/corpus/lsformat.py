"""Label Studio export format ⇄ training examples.

One format for every source of labelled text: synthetic reports, seed gold and
annotators' corrections all travel as Label Studio tasks::

    {"id": 1,
     "data": {"text": "...", "doc_id": "...", "unit": ..., "year": ..., ...},
     "annotations": [{"result": [REGION | RELATION, ...], "was_cancelled": false, ...}],
     "predictions": [{"result": [...], "model_version": "...", "score": 0.8}]}

A span REGION is ``{"id", "from_name": "label", "to_name": "text", "type": "labels",
"value": {"start", "end", "text", "labels": [LABEL]}}`` and a RELATION is
``{"type": "relation", "from_id", "to_id", "direction": "right", "labels": [REL]}``.
Offsets are Python string indices (code points) into ``data.text``; Label Studio
1.23 stores code points as well (see ../shared/spec/labelstudio-notes.md), so no
conversion is needed on this path. ``to_utf16``/``from_utf16`` exist for clients
that count UTF-16 code units (the browser's JavaScript strings).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

SPAN_FROM_NAME = "label"
TEXT_TO_NAME = "text"


@dataclass
class SpanAnn:
    start: int
    end: int
    label: str
    id: str = ""
    text: str = ""
    score: float | None = None


@dataclass
class RelationAnn:
    from_id: str
    to_id: str
    label: str


# Example.data key: the markdown heading marks (offset, level) that cleaning removed from an example
# now in cleaned coordinates (pipeline.clean.Cleaned.heading_hints); the structure stage reads them
# as `jixiao annotate` does (pipeline.tag.structured.structure_for_example)
HEADING_HINTS = "heading_hints"


def with_heading_hints(data: dict, hints) -> dict:
    """``data`` with the heading marks a cleaning removed (as JSON-shaped lists), or ``data`` itself
    when it removed none: the one way a cleaned example keeps them."""
    return {**data, HEADING_HINTS: [list(h) for h in hints]} if hints else data


@dataclass
class Example:
    """A labelled text: the unit the trainer, the evaluator and the converters share."""
    text: str
    spans: list[SpanAnn] = field(default_factory=list)
    relations: list[RelationAnn] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # the task's other data fields
    task_id: int | None = None

    def check_offsets(self) -> list[str]:
        """Problems with the spans' offsets (empty when all are valid)."""
        problems = []
        for s in self.spans:
            if not (0 <= s.start < s.end <= len(self.text)):
                problems.append(f"span {s.id or '?'} {s.label} [{s.start},{s.end}) outside text of {len(self.text)}")
            elif s.text and self.text[s.start:s.end] != s.text:
                problems.append(f"span {s.id or '?'} {s.label} [{s.start},{s.end}) is {self.text[s.start:s.end]!r}, not {s.text!r}")
        return problems


def to_utf16(text: str, index: int) -> int:
    """Python string index → UTF-16 code-unit index (characters outside the BMP count 2)."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def from_utf16(text: str, units: int) -> int:
    """UTF-16 code-unit index → Python string index."""
    count = 0
    for i, ch in enumerate(text):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def spans_to_results(spans: Iterable[SpanAnn], text: str, relations: Iterable[RelationAnn] = ()) -> list[dict]:
    results: list[dict] = []
    for i, s in enumerate(spans):
        region: dict[str, Any] = {
            "id": s.id or f"s{i}",
            "from_name": SPAN_FROM_NAME, "to_name": TEXT_TO_NAME, "type": "labels",
            "value": {"start": s.start, "end": s.end, "text": text[s.start:s.end], "labels": [s.label]},
        }
        if s.score is not None:
            region["score"] = s.score
        results.append(region)
    for r in relations:
        results.append({"type": "relation", "from_id": r.from_id, "to_id": r.to_id,
                        "direction": "right", "labels": [r.label]})
    return results


def results_to_example(text: str, result: list[dict], span_labels: set[str] | None = None) -> tuple[list[SpanAnn], list[RelationAnn]]:
    """Parse a Label Studio result list; keeps span regions whose label is in span_labels."""
    spans, relations = [], []
    for item in result:
        if item.get("type") == "relation":
            labels = item.get("labels") or []
            relations.append(RelationAnn(item["from_id"], item["to_id"], labels[0] if labels else ""))
        elif item.get("type") == "labels" and "value" in item:
            value = item["value"]
            for label in value.get("labels", []):
                if span_labels is None or label in span_labels:
                    spans.append(SpanAnn(int(value["start"]), int(value["end"]), label,
                                         id=str(item.get("id", "")), text=value.get("text", ""),
                                         score=item.get("score")))
    return spans, relations


def latest_annotation(task: dict) -> dict | None:
    """The newest annotation that was not cancelled (by updated_at, then id, then position)."""
    anns = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if not anns:
        return None
    return max(enumerate(anns), key=lambda ia: (ia[1].get("updated_at") or ia[1].get("created_at") or "",
                                                 ia[1].get("id") or 0, ia[0]))[1]


def task_to_example(task: dict, span_labels: set[str] | None = None, use_predictions: bool = False) -> Example | None:
    """A task's newest human annotation (or, if asked, its newest prediction) as an Example."""
    data = dict(task.get("data") or {})
    text = data.pop("text", "")
    if use_predictions:
        preds = task.get("predictions") or []
        chosen = preds[-1] if preds else None
    else:
        chosen = latest_annotation(task)
    if chosen is None:
        return None
    spans, relations = results_to_example(text, chosen.get("result") or [], span_labels)
    return Example(text, spans, relations, data, task.get("id"))


def example_to_task(ex: Example, task_id: int | None = None, as_prediction: bool = False,
                    model_version: str | None = None) -> dict:
    result = spans_to_results(ex.spans, ex.text, ex.relations)
    task: dict[str, Any] = {"data": {"text": ex.text, **ex.data}}
    if task_id is not None or ex.task_id is not None:
        task["id"] = task_id if task_id is not None else ex.task_id
    if as_prediction:
        task["predictions"] = [{"result": result, "model_version": model_version or "unknown"}]
    else:
        task["annotations"] = [{"result": result, "was_cancelled": False}]
    return task


def read_tasks(path: Path) -> list[dict]:
    """Tasks from a Label Studio JSON export (a list), a JSONL file, or a folder of either."""
    path = Path(path)
    if path.is_dir():
        tasks: list[dict] = []
        for p in sorted(path.iterdir()):
            if p.suffix in (".json", ".jsonl") and p.is_file():
                tasks.extend(read_tasks(p))
        return tasks
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in raw.splitlines() if line.strip()]
    data = json.loads(raw)
    return data if isinstance(data, list) else [data]


def iter_examples(path: Path, span_labels: set[str] | None = None) -> Iterator[Example]:
    for task in read_tasks(path):
        ex = task_to_example(task, span_labels)
        if ex is not None:
            yield ex


def write_tasks(tasks: list[dict], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
