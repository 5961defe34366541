"""The project's spaCy factories, all namespaced ``norec_*``. Importing this module
registers them; the data they need is read in their ``initialize()``, not here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from ._text import TEXT_KEY
from .education import EducationExtractor
from .experience import ExperienceExtractor
from .languages import LanguageExtractor
from .lemmatizer import make_lemmatizer  # noqa: F401 - registers norec_lookup_lemmatizer
from .sections import SectionSegmenter
from .tagging import JpoReader, SdgTagger, SkillTagger
from .terms import TermsExtractor

COMPONENTS = (
    "norec_sections",
    "norec_languages",
    "norec_education",
    "norec_experience",
    "norec_terms",
    "norec_jpo",
    "norec_skills",
    "norec_sdgs",
)
"""In pipeline order: sections first (the others read them), education before experience
(experience ties years to degrees), experience before terms (durations skip experience)."""


class TextKeepingTokenizer:
    """The tokenizer, keeping each doc's text in ``doc.user_data`` (spaCy rebuilds
    ``doc.text`` from the tokens on every access, about 0.3 ms for a posting)."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


@registry.callbacks("norec.lean_tokenizer.v1")
def lean_tokenizer():
    """``[nlp.after_creation]``: drop the tokenizer's special cases ("don't", "e.g.",
    "a.m.", ":)"). With them spaCy 3.8's tokenizer barely uses its cache on vacancy text
    and costs 6-10 µs a token instead of about 0.2 (20-40 times the time). No component
    reads those tokens: sentences are found on the text, and the matchers tokenize their
    patterns with the same tokenizer, so they match the same way."""

    def apply(nlp: Language) -> Language:
        nlp.tokenizer.rules = {}
        nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
        return nlp

    return apply


@Language.factory("norec_sections")
def make_sections(nlp: Language, name: str) -> SectionSegmenter:
    return SectionSegmenter(name)


@Language.factory("norec_languages")
def make_languages(nlp: Language, name: str) -> LanguageExtractor:
    return LanguageExtractor(nlp, name)


@Language.factory("norec_education")
def make_education(nlp: Language, name: str) -> EducationExtractor:
    return EducationExtractor(name)


@Language.factory("norec_experience")
def make_experience(nlp: Language, name: str) -> ExperienceExtractor:
    return ExperienceExtractor(name)


@Language.factory("norec_terms")
def make_terms(nlp: Language, name: str) -> TermsExtractor:
    return TermsExtractor(name)


@Language.factory("norec_jpo")
def make_jpo(nlp: Language, name: str) -> JpoReader:
    return JpoReader(name)


@Language.factory("norec_skills", default_config={"extra_skill_files": []})
def make_skills(nlp: Language, name: str, extra_skill_files: list[str]) -> SkillTagger:
    return SkillTagger(nlp, name, extra_skill_files)


@Language.factory("norec_sdgs")
def make_sdgs(nlp: Language, name: str) -> SdgTagger:
    return SdgTagger(nlp, name)
