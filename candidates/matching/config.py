"""The matcher's weights and thresholds, read from ``candidates/data/matching.toml``.

Data, not code: a change of weight is a change of that file (reviewed like code), and
the file's values are what the explanations cite.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from candidates.matching.models import COMPONENTS

SHIPPED_FILE = Path(__file__).parent.parent / "data" / "matching.toml"


class WeightsError(ValueError):
    """The matching file is unreadable or inconsistent; the message says where."""


@dataclass(frozen=True)
class Weights:
    """Component weights and every threshold the score uses (see matching.toml)."""

    weights: dict[str, float]
    skills: dict[str, float] = field(default_factory=dict)
    languages: dict[str, float] = field(default_factory=dict)
    education: dict[str, float] = field(default_factory=dict)
    experience: dict[str, float] = field(default_factory=dict)
    grade_years: dict[str, float] = field(default_factory=dict)
    text: dict[str, float] = field(default_factory=dict)
    scoring: dict[str, float] = field(default_factory=dict)

    def __hash__(self) -> int:
        return id(self)

    def weight(self, name: str) -> float:
        return self.weights[name]


def parse_weights(data: dict[str, Any], source: str = "") -> Weights:
    weights = data.get("weights", {})
    missing = [name for name in COMPONENTS if name not in weights]
    if missing:
        raise WeightsError(f"{source}: [weights] lacks {', '.join(missing)}")
    extra = sorted(set(weights) - set(COMPONENTS))
    if extra:
        raise WeightsError(f"{source}: [weights] has unknown component(s) {', '.join(extra)}")
    try:
        values = {name: float(weights[name]) for name in COMPONENTS}
        tables = {
            key: {k: float(v) for k, v in data.get(key, {}).items()}
            for key in (
                "skills",
                "languages",
                "education",
                "experience",
                "grade_years",
                "text",
                "scoring",
            )
        }
    except (TypeError, ValueError) as error:
        raise WeightsError(f"{source}: every value must be a number ({error})") from error
    if any(value < 0 for value in values.values()) or not any(values.values()):
        raise WeightsError(f"{source}: weights must be >= 0 and not all 0")
    return Weights(weights=values, **tables)


@cache
def load_weights(path: Path = SHIPPED_FILE) -> Weights:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise WeightsError(f"{path}: cannot read the matching weights: {error}") from error
    return parse_weights(data, str(path))
