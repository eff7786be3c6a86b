"""Push records to a Label Studio project, idempotently.

Tasks are keyed by ``data.doc_id``:

* a document the project does not have yet → one new task with its prediction;
* a document it has, without a prediction from this model version → a new
  prediction on the existing task (the older ones stay, for comparison);
* a document it has with this model version already → nothing.

Human annotations are never created, changed or deleted here. A task whose
text differs from the record's (the cleaner changed since it was imported) is
left alone and reported: its annotations' offsets point into the old text.
Every record is validated (tasks.validate_record) before anything is sent, so
one bad record stops the push before the project changes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.labelstudio.client import LabelStudioClient, LabelStudioError
from pipeline.labelstudio.config import labeling_config
from pipeline.labelstudio.tasks import Converted, prediction_payload, record_to_prediction, task_data
from pipeline.record import Record

IMPORT_BATCH = 50


def read_records(paths: Iterable[Path]) -> Iterator[Record]:
    """Records from JSON files, JSONL files (one record a line) and folders of either."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from read_records(sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonl")))
        elif path.suffix == ".jsonl":
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    yield _parse(line, f"{path}:{n}")
        elif path.exists():
            yield _parse(path.read_text(encoding="utf-8"), str(path))
        else:
            raise FileNotFoundError(f"no such record file or folder: {path}")


def _parse(raw: str, where: str) -> Record:
    try:
        return Record.from_data(json.loads(raw))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where} is not a record: {str(exc)[:300]}") from None


@dataclass
class PushReport:
    project_id: int = 0
    project_created: bool = False
    created: list[str] = field(default_factory=list)          # doc_ids imported as new tasks
    predicted: list[str] = field(default_factory=list)        # doc_ids given a prediction from a new model version
    unchanged: list[str] = field(default_factory=list)        # already had this model version
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, why)
    unlinked: int = 0                                         # links not shown (an end without a region)

    def summary(self) -> str:
        return (f"project {self.project_id}{' (created)' if self.project_created else ''}: "
                f"{len(self.created)} new task(s), {len(self.predicted)} new prediction(s), "
                f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
                + (f", {self.unlinked} link(s) without regions not shown" if self.unlinked else ""))


def find_project(client: LabelStudioClient, title: str) -> int | None:
    with client.errors(f"looking up project {title!r}"):
        matches = [p.id for p in client.sdk.projects.list(title=title) if p.title == title]
    if len(matches) > 1:
        raise LabelStudioError(f"{len(matches)} projects are titled {title!r} (ids {matches}); rename all but one")
    return matches[0] if matches else None


def ensure_project(client: LabelStudioClient, title: str) -> tuple[int, bool]:
    """The project's id, creating it (with the generated labeling config) if missing."""
    pid = find_project(client, title)
    if pid is not None:
        return pid, False
    with client.errors(f"creating project {title!r}"):
        project = client.sdk.projects.create(title=title, label_config=labeling_config(),
                                             description="jixiao: spans and links of budget-performance reports")
    return project.id, True


def existing_tasks(client: LabelStudioClient, project_id: int) -> dict[str, dict]:
    """doc_id → {id, text, versions} of the project's tasks."""
    out: dict[str, dict] = {}
    with client.errors(f"listing the tasks of project {project_id}"):
        for task in client.sdk.tasks.list(project=project_id, fields="all"):
            data = task.data or {}
            doc_id = data.get("doc_id")
            if doc_id is None:
                continue
            versions = {p.get("model_version") if isinstance(p, dict) else getattr(p, "model_version", None)
                        for p in task.predictions or []}
            out[doc_id] = {"id": task.id, "text": data.get("text"), "versions": versions}
    return out


@dataclass
class Prepared:
    """Records converted and validated, ready to send; no server needed to make one."""
    items: list[tuple[Record, Converted]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unlinked: int = 0


# One task's text above this many characters is refused: Label Studio's labeling view renders the
# whole text with every region at once. Measured in headless Chromium against Label Studio 1.23.2
# (README, "Reviewing in Label Studio"): a 100,000-character task (1,512 spans, 362 links) was on
# screen with its regions 28 s after opening; a 300,000-character one (4,538 spans, 1,074 links)
# after 2 minutes 36 s; a 2.2-million-character task had not rendered after 150 s.
MAX_TASK_CHARS = 100_000


def prepare(records: Iterable[Record], max_chars: int = MAX_TASK_CHARS) -> Prepared:
    """Convert and validate every record (raises OffsetError on the first bad one)."""
    out = Prepared()
    seen: set[str] = set()
    for record in records:
        if not record.text:
            out.skipped.append((record.doc_id, "empty text (unreadable document)"))
            continue
        if len(record.text) > max_chars:
            out.skipped.append((record.doc_id, f"{record.source.path}: text of {len(record.text):,} characters is "
                                               f"over the {max_chars:,}-character limit of one task (the labeling "
                                               "view would not render it in time); split the document, or raise "
                                               "--max-chars"))
            continue
        if record.doc_id in seen:
            out.skipped.append((record.doc_id, "duplicate doc_id in the input"))
            continue
        seen.add(record.doc_id)
        c = record_to_prediction(record)
        out.unlinked += len(c.unlinked)
        out.items.append((record, c))
    return out


def push_records(client: LabelStudioClient, records: Iterable[Record] | Prepared, title: str) -> PushReport:
    # Convert (and validate) everything first: a bad record must not leave a half-pushed project.
    prepared = records if isinstance(records, Prepared) else prepare(records)
    report = PushReport(skipped=list(prepared.skipped), unlinked=prepared.unlinked)
    unique = prepared.items
    report.project_id, report.project_created = ensure_project(client, title)
    have = existing_tasks(client, report.project_id)
    new_tasks, new_ids = [], []
    for record, c in unique:
        payload = prediction_payload(record, c)
        old = have.get(record.doc_id)
        if old is None:
            new_tasks.append({"data": task_data(record), "predictions": [payload]})
            new_ids.append(record.doc_id)
        elif old["text"] != record.text:
            report.skipped.append((record.doc_id, f"task {old['id']} holds a different text "
                                                  "(re-cleaned?); its annotations point into the old one"))
        elif payload["model_version"] in old["versions"]:
            report.unchanged.append(record.doc_id)
        else:
            with client.errors(f"adding a prediction to task {old['id']}"):
                client.sdk.predictions.create(task=old["id"], result=payload["result"], score=payload["score"],
                                              model_version=payload["model_version"])
            report.predicted.append(record.doc_id)
    for i in range(0, len(new_tasks), IMPORT_BATCH):
        batch = new_tasks[i:i + IMPORT_BATCH]
        with client.errors(f"importing {len(batch)} task(s) into project {report.project_id}"):
            client.sdk.projects.import_tasks(id=report.project_id, request=batch, return_task_ids=True)
        report.created.extend(new_ids[i:i + IMPORT_BATCH])
    # Show annotators the newest model's pre-annotations.
    versions = [prediction_payload(r, c)["model_version"] for r, c in unique]
    if versions:
        with client.errors(f"setting the model version of project {report.project_id}"):
            client.sdk.projects.update(id=report.project_id, model_version=versions[-1])
    return report
