"""Text similarity: TF-IDF over lemmas (scikit-learn), fitted on the vacancies.

Lemmas come from the same lookup tables the vacancy pipeline's lemmatizer uses
(spacy-lookups-data, English and bokmål), applied here as a plain dictionary lookup per
lower-cased word: the whole spaCy pipeline would cost seconds per thousand texts and
adds nothing to a bag of words. Norwegian text is told apart from English with the
analysis step's rule (``vacancies.analysis.guess_language``), counted more cheaply.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from vacancies.analysis import LANGUAGE_SAMPLE

_NOT_LETTERS = {code: " " for code in range(0x3000) if not chr(code).isalpha()}
"""Everything but letters becomes a space (up to U+3000: the alphabets, punctuation
and symbols; characters beyond are kept as they are)."""
_NORWEGIAN_CUES = (" og ", " ikke ", " på ", " til ", " som ", " er ", " å ")
_ENGLISH_CUES = (" the ", " and ", " of ", " to ", " in ", " is ", " with ")
MAX_CHARS = 20_000
"""Characters of one text read: a CV longer than that adds nothing but time."""
NORWEGIAN_STOP = frozenset(
    [
        "og",
        "i",
        "på",
        "til",
        "av",
        "som",
        "med",
        "det",
        "er",
        "en",
        "et",
        "for",
        "å",
        "ikke",
        "at",
        "har",
        "de",
        "den",
        "om",
        "fra",
        "kan",
        "vil",
        "skal",
        "vi",
        "du",
        "din",
        "ditt",
        "dine",
        "eller",
        "også",
        "ved",
        "være",
        "blir",
        "ble",
    ]
)


@cache
def _lookup(lang: str) -> dict[str, str]:
    path = resources.files("spacy_lookups_data") / "data" / f"{lang}_lemma_lookup.json.gz"
    with path.open("rb") as handle:
        table = json.loads(gzip.decompress(handle.read()))
    return {key.lower(): value.lower() for key, value in table.items() if isinstance(value, str)}


def lemmas(text: str) -> str:
    """The text as space-separated lower-case lemmas, stop words left out."""
    lowered = text[:MAX_CHARS].lower()
    lang = language_of(lowered)
    table = _lookup(lang)
    stop = NORWEGIAN_STOP if lang == "nb" else ENGLISH_STOP_WORDS
    out = []
    for word in lowered.translate(_NOT_LETTERS).split():
        if len(word) > 1:
            lemma = table.get(word, word)
            if lemma not in stop:
                out.append(lemma)
    return " ".join(out)


def language_of(lowered: str) -> str:
    """ "nb" or "en" by the same rule as ``vacancies.analysis.guess_language`` (more than
    twice as many Norwegian cue words as English ones), counted with ``str.count``: the
    regular expressions there cost more than the rest of the lemmatising."""
    sample = f" {lowered[:LANGUAGE_SAMPLE]} "
    norwegian = sum(sample.count(cue) for cue in _NORWEGIAN_CUES)
    english = sum(sample.count(cue) for cue in _ENGLISH_CUES)
    return "nb" if norwegian > 2 * max(english, 1) else "en"


class TextModel:
    """The fitted vectorizer and the vacancies' matrix (rows l2-normalised)."""

    def __init__(self, vacancy_texts: Sequence[str], *, min_df: int, max_df: float) -> None:
        docs = [lemmas(text) for text in vacancy_texts]
        small = len(docs) < 20  # a handful of posts: every word counts
        self.vectorizer = TfidfVectorizer(
            token_pattern=r"\S+",  # noqa: S106 (not a password)
            lowercase=False,
            sublinear_tf=True,
            min_df=1 if small else min_df,
            max_df=1.0 if small else max_df,
            dtype=np.float32,
        )
        try:
            self.vacancies = self.vectorizer.fit_transform(docs).tocsr()
            self.terms = self.vectorizer.get_feature_names_out()
        except ValueError:  # no words at all
            self.vectorizer = None
            self.vacancies = sparse.csr_matrix((len(docs), 0), dtype=np.float32)
            self.terms = np.array([], dtype=object)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if self.vectorizer is None or not texts:
            width = len(self.terms)
            return sparse.csr_matrix((len(texts), width), dtype=np.float32)
        return self.vectorizer.transform([lemmas(text) for text in texts]).tocsr()
