"""Commands of this area, registered on the main `jixiao` app."""
import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to app (filled in by the area's issue)."""
    from pipeline.corpus.data_cli import register as register_data
    register_data(app)  # evaluate, ls-convert, gold-stats
    from pipeline.corpus.synth.cli import register as register_synth
    register_synth(app)  # synth, synth-stats
