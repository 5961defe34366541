"""Running the pipeline over texts and assembling its findings into ``Requirements``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from .experience import minimum_years
from .models import (
    EDUCATION_ORDER,
    ExperienceRequirement,
    InLieu,
    JpoRequirement,
    Requirements,
)
from .pipeline import get_nlp, spacy_lang
from .prepare import prepare
from .tagging import TITLE_KEY

PIPELINE_VERSION = "1"
"""Raise when a change to the code or pattern files changes what extraction returns."""


def _version(nlp) -> str:
    skills = nlp.get_pipe("norec_skills") if "norec_skills" in nlp.pipe_names else None
    fingerprint = str(getattr(skills, "fingerprint", "no-taxonomy"))
    return f"{PIPELINE_VERSION}+{fingerprint[:16]}"


def extract(text: str | None, lang: str = "en", *, title: str | None = None) -> Requirements:
    """Everything the vacancy text says it requires (see the package docstring).

    ``title`` (optional) is read for JPO facts only ("Associate Expert (Energy)")."""
    nlp = get_nlp(lang)
    prepared, truncated = prepare(text)
    doc = nlp.make_doc(prepared)
    if title:
        doc.user_data[TITLE_KEY] = title
    return _requirements(nlp(doc), spacy_lang(lang), truncated, _version(nlp))


def extract_many(
    texts: Iterable[str | None],
    lang: str = "en",
    batch_size: int = 64,
    *,
    titles: Iterable[str | None] | None = None,
) -> Iterator[Requirements]:
    """:func:`extract` for many texts, in order, through ``nlp.pipe``; ``titles`` (same
    order, optional) are read for JPO facts only."""
    nlp = get_nlp(lang)
    version = _version(nlp)
    code = spacy_lang(lang)
    flags: list[bool] = []
    title_iter = iter(titles) if titles is not None else None

    def docs() -> Iterator[Doc]:
        for text in texts:
            body, truncated = prepare(text)
            flags.append(truncated)
            doc = nlp.make_doc(body)
            title = next(title_iter, None) if title_iter is not None else None
            if title:
                doc.user_data[TITLE_KEY] = title
            yield doc

    for i, doc in enumerate(nlp.pipe(docs(), batch_size=batch_size)):
        yield _requirements(doc, code, flags[i], version)


def pipeline_version(lang: str = "en") -> str:
    """The ``version`` the results of :func:`extract` carry (builds the pipeline)."""
    return _version(get_nlp(lang))


def _requirements(doc: Doc, lang: str, truncated: bool, version: str) -> Requirements:
    education = doc._.norec_education
    experience: list[ExperienceRequirement] = doc._.norec_experience or []
    education_min = education.minimum if education is not None else None
    in_lieu = education.in_lieu if education is not None else None
    if in_lieu is not None and not education.lieu_additional and in_lieu.extra_years:
        # "Bachelor's degree with 7 years of experience ... in lieu of" a Master's that
        # asks for 5: two additional years.
        main_years = minimum_years(
            [item for item in experience if item.degree == education_min], education_min
        )
        if main_years is not None and in_lieu.extra_years > main_years:
            in_lieu = in_lieu.model_copy(update={"extra_years": in_lieu.extra_years - main_years})
    if in_lieu is None:
        derived = _alternative_in_lieu(experience)
        if derived is not None:
            in_lieu, main = derived
            levels = [
                item.level
                for item in (education.items if education is not None else [])
                if item.need == "required" and item.level != in_lieu.level
            ]
            education_min = min(levels or [main], key=EDUCATION_ORDER.__getitem__)
    return Requirements(
        version=version,
        lang=lang,
        sections=doc._.norec_sections or [],
        languages=doc._.norec_languages or [],
        education=education.items if education is not None else [],
        education_min=education_min,
        in_lieu=in_lieu,
        experience=experience,
        experience_min_years=minimum_years(experience, education_min),
        mentions=doc._.norec_mentions or [],
        jpo=doc._.norec_jpo or JpoRequirement(),
        skills=doc._.norec_skills or [],
        job_families=doc._.norec_families or [],
        sdgs=doc._.norec_sdgs or [],
        truncated=truncated,
    )


def _alternative_in_lieu(
    experience: list[ExperienceRequirement],
) -> tuple[InLieu, str] | None:
    """Degree alternatives with their own years ("Master's degree with 2 years of
    experience; or Bachelor's degree with 4 years"): the first one named is the main
    requirement; a later, lower degree asking for more years is accepted in lieu of it,
    with the difference as extra years. A later, higher degree asking for fewer years
    ("6 years with a Bachelor's; or 5 with a Master's") is no in-lieu rule."""
    tied = [item for item in experience if item.degree is not None and item.need == "required"]
    if len(tied) < 2:
        return None
    main = tied[0]
    for item in tied[1:]:
        lower = EDUCATION_ORDER[item.degree] < EDUCATION_ORDER[main.degree]
        if lower and item.min_years > main.min_years:
            extra = item.min_years - main.min_years
            return InLieu(level=item.degree, extra_years=extra, evidence=item.evidence), main.degree
    return None
