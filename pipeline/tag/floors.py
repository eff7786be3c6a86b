"""The decoder's score floor: below it a decoded span is dropped (part of decoding, not a rule).

A span's score is the mean probability of its decoded tags. The floor is one number per label
(``score_floors:`` in configs/tagger.yaml, ``default`` for a label it does not name). Its values
are fitted, not chosen: `jixiao fit-floors` (pipeline.tag.fit_floors) picks them on predictions
that the models never trained on (the seeds, read by models of the same config trained without
the seeds' gold), never on the development set. A label's floor differs because the model's
scores do: its fragments of a WORKLOAD out of domain score about 0.7 to 0.8, its true spans
above 0.9.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.tag.tagger_config import read_tagger_config


DEFAULT_FLOOR = 0.5


@dataclass(frozen=True)
class ScoreFloors:
    default: float = DEFAULT_FLOOR
    per_label: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, v in [("default", self.default), *self.per_label.items()]:
            if not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"score floor of {name} must lie in [0, 1], not {v!r}")

    def floor(self, label: str) -> float:
        return self.per_label.get(label, self.default)

    def keeps(self, label: str, score: float) -> bool:
        return score >= self.floor(label)

    def with_floor(self, label: str, value: float) -> "ScoreFloors":
        return ScoreFloors(self.default, {**self.per_label, label: value})

    def as_dict(self) -> dict[str, float]:
        """The config's form: {"default": …, LABEL: …}."""
        return {"default": self.default, **dict(sorted(self.per_label.items()))}

    @classmethod
    def coerce(cls, value: "ScoreFloors | float | dict", labels: tuple[str, ...] | None = None) -> "ScoreFloors":
        """A ScoreFloors from one number (every label) or a mapping (the config's form), whose labels
        must be among ``labels`` (default: configs/labels.yaml's)."""
        if isinstance(value, ScoreFloors):
            return value
        if isinstance(value, (int, float)):
            return cls(float(value))
        d = dict(value)
        default = float(d.pop("default", DEFAULT_FLOOR))
        if labels is None:
            from pipeline.labels import load_labels
            labels = tuple(load_labels().names)
        unknown = set(d) - set(labels)
        if unknown:
            raise ValueError(f"score floors for unknown labels: {sorted(unknown)}; labels: {list(labels)}")
        return cls(default, {k: float(v) for k, v in d.items()})

    @classmethod
    def from_config(cls, config: Path | str | dict | None = None,
                    labels: tuple[str, ...] | None = None) -> "ScoreFloors":
        """The ``score_floors:`` block of a tagger YAML (default: the package's configs/tagger.yaml);
        a config without one floors every label at DEFAULT_FLOOR."""
        config = read_tagger_config(config)
        block = config.get("score_floors") if isinstance(config, dict) else None
        return cls.coerce(block or {}, labels)
