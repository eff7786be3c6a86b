"""The tagger's YAML (configs/tagger.yaml by default), read once for each of its blocks'
readers: the rules (``rules:``), the score floors (``score_floors:``) and the decoder
(``decoder:``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def default_config() -> Path:
    from pipeline import CONFIG_DIR
    return CONFIG_DIR / "tagger.yaml"


def read_tagger_config(config: Path | str | dict | list | None = None) -> Any:
    """A tagger config as data: a path is read (None: the package's configs/tagger.yaml); data
    (a dict, or a rules list) is returned as given."""
    if config is None:
        config = default_config()
    if isinstance(config, (str, Path)):
        return yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
    return config
