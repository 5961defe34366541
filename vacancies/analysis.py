"""What stored vacancies require: the spaCy pipeline (vacancies.nlp) run over the
vacancies whose analysis is missing or out of date, its result stored on the row.

* Ingestion stores no analysis: a new vacancy, and one whose content changed, has
  ``requirements = NULL`` until this step fills it in. Harvest speed does not depend
  on the pipeline, and a pipeline failure never loses a harvested vacancy.
* An analysis made by another pipeline version (code or taxonomy data,
  ``Requirements.version``) is redone; one made by this version is not, so running this
  again costs one query.
* The text analysed is the stored ``description``; every evidence span refers to it.
* A row whose content changed while it was being analysed keeps ``NULL`` (the update
  is conditional on the content hash read), to be analysed again next time.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import anyio

from vacancies.db import write_transaction
from vacancies.tables import Vacancy

BATCH = 200
"""Vacancies read, analysed and written per step."""

PIPELINE_LOCK = threading.Lock()
"""A spaCy pipeline object is not meant for two threads at once: every reader of the
process's pipelines (this module, the CV reader in candidates/cv_service.py) holds it."""

_NORWEGIAN = re.compile(
    r"\b(?:og|ikke|på|til|av|som|med|det|er|en|et|for|å|stillingen|erfaring|utdanning|"
    r"kunnskaper|arbeidsoppgaver|kvalifikasjoner|søknadsfrist)\b",
    re.IGNORECASE,
)
_ENGLISH = re.compile(
    r"\b(?:the|and|of|to|in|for|with|is|are|will|experience|education|responsibilities)\b",
    re.IGNORECASE,
)
LANGUAGE_SAMPLE = 3_000
"""Characters looked at to tell a Norwegian text from an English one."""


def guess_language(text: str) -> str:
    """``"nb"`` when the text reads as Norwegian, else ``"en"`` (the pipelines read only
    these two; French or Spanish postings go through the English one)."""
    sample = text[:LANGUAGE_SAMPLE]
    norwegian = len(_NORWEGIAN.findall(sample))
    english = len(_ENGLISH.findall(sample))
    return "nb" if norwegian > 2 * max(english, 1) else "en"


@dataclass(frozen=True)
class AnalysisResult:
    analysed: int
    """Vacancies whose requirements were stored."""
    skipped: int
    """Vacancies that changed while being analysed: left for the next run."""
    seconds: float
    version: str

    def as_dict(self) -> dict[str, object]:
        return {
            "analysed": self.analysed,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "version": self.version,
        }


_configured: tuple[str | None, tuple[str, ...]] | None = None


def use_settings() -> None:
    """Build the pipelines as the portal's settings say: an installed spaCy model for
    English (``PORTAL_NLP_MODEL``) and the skills imported into ``PORTAL_TAXONOMY_DIR``.
    Pipelines are rebuilt only when these change (an import adds a file: the next
    analysis uses it, and its new version has every vacancy read again)."""
    global _configured
    from portal.settings import get_settings
    from vacancies.nlp import configure

    settings = get_settings()
    imported = tuple(sorted(str(path) for path in settings.taxonomy_dir.glob("*.toml")))
    wanted = (settings.nlp_model, imported)
    if wanted != _configured:
        configure(model=settings.nlp_model, extra_skill_files=imported)
        _configured = wanted


def current_version() -> str:
    """The version of the analysis the running pipeline makes (builds it on first use)."""
    from vacancies.nlp import pipeline_version

    with PIPELINE_LOCK:
        use_settings()
        return pipeline_version()


def analyse_texts(texts: Sequence[tuple[str, str | None]]) -> list:
    """``Requirements`` of each ``(description, title)``, in order (blocking: spaCy)."""
    from vacancies.nlp import extract_many

    languages = [guess_language(description) for description, _ in texts]
    results: list = [None] * len(texts)
    with PIPELINE_LOCK:
        use_settings()
        for language in sorted(set(languages)):
            indexes = [i for i, lang in enumerate(languages) if lang == language]
            found = extract_many(
                [texts[i][0] for i in indexes],
                lang=language,
                titles=[texts[i][1] for i in indexes],
            )
            for i, requirements in zip(indexes, found, strict=True):
                results[i] = requirements
    return results


async def analyse_pending(
    *,
    source_ids: Sequence[str] | None = None,
    limit: int | None = None,
    batch_size: int = BATCH,
) -> AnalysisResult:
    """Analyse the vacancies (of these sources, or all) whose requirements are missing or
    were made by another pipeline version; at most ``limit`` of them."""
    started = time.perf_counter()
    version = await anyio.to_thread.run_sync(current_version)
    analysed = skipped = 0
    last_id = 0
    while limit is None or analysed + skipped < limit:
        size = batch_size if limit is None else min(batch_size, limit - analysed - skipped)
        query = (
            Vacancy.select(Vacancy.id, Vacancy.title, Vacancy.description, Vacancy.content_hash)
            .where(
                Vacancy.id > last_id,
                Vacancy.requirements_version.is_null() | (Vacancy.requirements_version != version),
            )
            .order_by(Vacancy.id)
            .limit(size)
        )
        if source_ids is not None:
            query = query.where(Vacancy.source.is_in(list(source_ids)))
        rows = await query
        if not rows:
            break
        last_id = rows[-1]["id"]
        texts = [(row["description"] or "", row["title"]) for row in rows]
        results = await anyio.to_thread.run_sync(analyse_texts, texts)
        stored = await _store(rows, results, version)
        analysed += stored
        skipped += len(rows) - stored
    return AnalysisResult(analysed, skipped, time.perf_counter() - started, version)


async def _store(rows: list[dict], results: list, version: str) -> int:
    stored = 0
    async with write_transaction():
        for row, requirements in zip(rows, results, strict=True):
            changed = (
                await Vacancy.update(
                    {
                        Vacancy.requirements: requirements.model_dump(mode="json"),
                        Vacancy.requirements_version: version,
                    }
                )
                .where(Vacancy.id == row["id"], Vacancy.content_hash == row["content_hash"])
                .returning(Vacancy.id)
            )
            stored += len(changed)
    return stored
