"""Plain-language explanations of grades and contract types
(``vacancies/data/grade_guide.toml``), in English, Bokmål and Nynorsk."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from vacancies.normalize import DATA_DIR, parse_grade

LANGUAGES = ("en", "nb", "nn")


@dataclass(frozen=True, slots=True)
class _Guide:
    codes: dict[str, dict[str, str]]
    prefixes: tuple[tuple[str, dict[str, str]], ...]
    categories: dict[str, dict[str, str]]


def _texts(entry: dict, where: str) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not entry.get(lang)]
    if missing:
        raise ValueError(f"grade_guide.toml: {where} has no text in {', '.join(missing)}")
    return {lang: entry[lang] for lang in LANGUAGES}


@cache
def _guide() -> _Guide:
    with (DATA_DIR / "grade_guide.toml").open("rb") as handle:
        data = tomllib.load(handle)
    codes: dict[str, dict[str, str]] = {}
    prefixes: list[tuple[str, dict[str, str]]] = []
    for entry in data["grade"]:
        where = entry.get("prefix") or ", ".join(entry["codes"])
        texts = _texts(entry, where)
        if "prefix" in entry:
            prefixes.append((entry["prefix"], texts))
        for code in entry.get("codes", []):
            codes[code] = texts
    categories = {entry["category"]: _texts(entry, entry["category"]) for entry in data["category"]}
    return _Guide(codes, tuple(prefixes), categories)


def _code_texts(code: str) -> dict[str, str] | None:
    guide = _guide()
    if code in guide.codes:
        return guide.codes[code]
    for prefix, texts in guide.prefixes:
        if code.startswith(prefix):
            return texts
    return None


def explain_grade(code: str | None, category: str | None, language: str) -> list[str]:
    """What a vacancy's grade means: the text for its code, and the text for its
    category when the code has none or the category says more than the code (a JPO
    post at P-2). Empty when nothing is known. ``language``: en, nb or nn."""
    language = language if language in LANGUAGES else "en"
    explanations: list[str] = []
    code_texts = _code_texts(code) if code else None
    if code_texts:
        explanations.append(code_texts[language])
    category_texts = _guide().categories.get(category or "")
    if category_texts:
        parsed = parse_grade(code) if code else None
        if code_texts is None or parsed is None or parsed.category != category:
            explanations.append(category_texts[language])
    return explanations
