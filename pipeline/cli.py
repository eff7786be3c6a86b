"""The `jixiao` command line.

Each area registers its own commands (``register(app)``) so this file stays a
table of contents: annotation here, corpus tools in pipeline.corpus.cli, the
tagger in pipeline.tag.cli, Label Studio in pipeline.labelstudio.cli.
"""
from __future__ import annotations

import typer

from pipeline.annotate_cli import register as register_annotate
from pipeline.corpus.cli import register as register_corpus
from pipeline.export_cli import register as register_export
from pipeline.labelstudio.cli import register as register_labelstudio
from pipeline.search.cli import register as register_search
from pipeline.tag.cli import register as register_tag
from pipeline.view.cli import register as register_view

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="jixiao (绩效): annotate budget-performance self-evaluation reports.")

for register in (register_annotate, register_corpus, register_tag, register_labelstudio, register_view):
    register(app)
# search (issue 15): index, search; export (one command, --format dispatches)
for register in (register_search, register_export):
    register(app)

if __name__ == "__main__":  # pragma: no cover
    app()
