"""What a vacancy requires, read from its text by a spaCy pipeline (pure library: no
database, no HTTP).

>>> from vacancies.nlp import extract
>>> result = extract("Fluency in English is required; knowledge of French is desirable.")
>>> [(item.code, item.need, item.level) for item in result.languages]
[('en', 'required', 'fluent'), ('fr', 'desirable', None)]

Offsets in every ``Evidence`` refer to :func:`prepare_text` of the input (HTML turned to
text, control characters replaced, cut at ``MAX_CHARS``): store or highlight that text.
"""

from __future__ import annotations

from typing import Any

from .models import (
    EducationRequirement,
    Evidence,
    ExperienceRequirement,
    FamilyScore,
    InLieu,
    JpoRequirement,
    LanguageRequirement,
    Mention,
    Requirements,
    SdgTag,
    Section,
    SkillMatch,
)
from .prepare import MAX_CHARS, prepare_text

_PIPELINE = {
    "PIPELINE_VERSION": "extraction",
    "extract": "extraction",
    "extract_many": "extraction",
    "pipeline_version": "extraction",
    "build_nlp": "pipeline",
    "configure": "pipeline",
    "get_nlp": "pipeline",
}
"""Names that need spaCy, imported on first use: the models and ``prepare_text`` do not,
so the web process can show stored results without loading spaCy."""


def __getattr__(name: str) -> Any:
    module = _PIPELINE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = [
    "MAX_CHARS",
    "PIPELINE_VERSION",
    "EducationRequirement",
    "Evidence",
    "ExperienceRequirement",
    "FamilyScore",
    "InLieu",
    "JpoRequirement",
    "LanguageRequirement",
    "Mention",
    "Requirements",
    "SdgTag",
    "Section",
    "SkillMatch",
    "build_nlp",
    "configure",
    "extract",
    "extract_many",
    "get_nlp",
    "pipeline_version",
    "prepare_text",
]
