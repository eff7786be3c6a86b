"""`jixiao ls push|pull|backend|config`: the Label Studio loop from the command line.

The API token comes from $LABEL_STUDIO_API_KEY or a config file (--config /
$LABEL_STUDIO_CONFIG) and is never echoed. Every failure ends in one
`error: ...` line on stderr and exit status 1.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from pipeline import ANNOTATIONS_DIR, PROJECT_ROOT

DEFAULT_URL = "http://127.0.0.1:8080"
# pulled corrections land outside the tracked tree unless the user names a folder
PULL_DEFAULT = PROJECT_ROOT / "runs" / "ls-corrections"
URL_ENV = "LABEL_STUDIO_URL"

ls_app = typer.Typer(add_completion=False, no_args_is_help=True,
                     help="Label Studio: push records for review, pull corrections, serve the model.")

URL_OPT = typer.Option(None, "--url", help=f"Label Studio URL (default ${URL_ENV} or {DEFAULT_URL})")
PROJECT_OPT = typer.Option(..., "--project", help="project title (created by push when missing)")
CONFIG_OPT = typer.Option(None, "--config", help="YAML file with api_key: (else $LABEL_STUDIO_API_KEY, "
                                                  "else the file named by $LABEL_STUDIO_CONFIG)")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _client(url: Optional[str], config: Optional[Path]):
    from pipeline.labelstudio.client import LabelStudioClient, resolve_token

    token = resolve_token(config)
    client = LabelStudioClient(url or os.environ.get(URL_ENV) or DEFAULT_URL, token)
    client.check()
    return client


@ls_app.command("config")
def config_cmd() -> None:
    """Print the labeling config generated from configs/labels.yaml."""
    from pipeline.labelstudio.config import labeling_config

    typer.echo(labeling_config())


@ls_app.command("push")
def push_cmd(records: list[Path] = typer.Argument(..., help="record JSON files, records.jsonl, or folders"),
             url: Optional[str] = URL_OPT, project: str = PROJECT_OPT,
             config: Optional[Path] = CONFIG_OPT,
             max_chars: Optional[int] = typer.Option(None, "--max-chars",
                                                     help="refuse records whose text is longer (default 100,000)")) -> None:
    """Import records as tasks with predictions (idempotent by doc_id)."""
    from pipeline.labelstudio.client import LabelStudioError
    from pipeline.labelstudio.push import MAX_TASK_CHARS, prepare, push_records, read_records
    from pipeline.labelstudio.tasks import OffsetError

    try:
        # offsets are checked before any request
        prepared = prepare(read_records(records), max_chars or MAX_TASK_CHARS)
        with _client(url, config) as client:
            report = push_records(client, prepared, project)
    except (LabelStudioError, OffsetError, FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(report.summary())
    for doc_id, why in report.skipped:
        typer.echo(f"  skipped {doc_id[:12]}: {why}")


@ls_app.command("pull")
def pull_cmd(url: Optional[str] = URL_OPT, project: str = PROJECT_OPT, config: Optional[Path] = CONFIG_OPT,
             out: Path = typer.Option(PULL_DEFAULT, "--out",
                                      help="folder for corrections.json, examples.jsonl, changes.json "
                                           "(default runs/ls-corrections, untracked; training reads "
                                           "annotations/corrections: name it to train on them)")) -> None:
    """Export human corrections in the training format and report what changed."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.labelstudio.client import LabelStudioError
    from pipeline.labelstudio.diff import KINDS
    from pipeline.labelstudio.pull import pull_corrections

    try:
        with _client(url, config) as client:
            report = pull_corrections(client, project, out)
    except LabelStudioError as exc:
        _fail(str(exc))
    table = Table(title=f"{report.tasks_annotated} of {report.tasks_total} task(s) annotated: "
                        "changes against the prediction")
    table.add_column("label")
    for kind in KINDS:
        table.add_column(kind, justify="right")
    for label, counts in sorted(report.diff.counts.items()):
        table.add_row(label, *(str(counts[k]) for k in KINDS))
    console = Console()
    console.print(table)
    console.print(f"relations: {report.diff.relations_added} added, {report.diff.relations_deleted} deleted")
    for path in report.files:
        console.print(f"wrote {path}")
    if out.resolve() != (ANNOTATIONS_DIR / "corrections").resolve():
        console.print(f"training reads {ANNOTATIONS_DIR / 'corrections'}: copy {out}/corrections.json there "
                      "(or pull with --out) to train on these corrections")


@ls_app.command("backend")
def backend_cmd(port: int = typer.Option(9090, "--port"), host: str = typer.Option("127.0.0.1", "--host"),
                model: Optional[Path] = typer.Option(None, "--model", help="tagger folder (default models/tagger)"),
                workdir: Path = typer.Option(PROJECT_ROOT / "runs" / "ml-backend", "--workdir",
                                             help="retrained models and received annotations"),
                debounce: float = typer.Option(30.0, "--debounce",
                                               help="seconds without new annotations before retraining")) -> None:
    """Serve the model to Label Studio (/predict, /setup, /health, /webhook, /train) and retrain on annotations."""
    from pipeline.labelstudio.backend import Backend, BackendError, make_server
    from pipeline.labelstudio.server import port_is_free

    if not port_is_free(port, host):  # before loading a model for nothing
        _fail(f"port {port} on {host} is busy: choose another with --port")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    try:
        backend = Backend(workdir, model_dir=model, debounce=debounce)
        server = make_server(backend, host, port)
    except BackendError as exc:
        _fail(str(exc))
    typer.echo(f"ML backend serving {backend.model_version} on http://{host}:{port} "
               f"(add it in Label Studio: project settings → Model, or the SDK's ml.create)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        backend.close()


def register(app: typer.Typer) -> None:
    """Add `jixiao ls ...` to the main app."""
    app.add_typer(ls_app, name="ls")
