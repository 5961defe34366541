"""Text helpers shared by the components: sentences, sections, numbers, cue words.

Every regular expression here is linear: no nested quantifiers, every repetition of a
word bounded, so no input can make one backtrack catastrophically.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from .models import Evidence

MAX_MATCHES = 300
"""Each component reads at most this many candidate matches per document: a real posting
has a handful, so the cap only bounds the work pathological input can cause."""

EVIDENCE_MAX = 300
"""The longest evidence kept: the sentence, or a window of it around the match."""

# --- Per-document cache -----------------------------------------------------------------


@dataclass(slots=True)
class DocInfo:
    """What several components need from one document, computed once."""

    text: str
    """``doc.text``, which spaCy rebuilds from the tokens on every access."""
    low: str
    """``text`` lower-cased, every character where it was."""
    sentence_starts: list[int]
    sentence_ends: list[int]
    section_starts: list[int]
    section_kinds: list[str]
    section_desirable: list[bool]
    degrees: list[tuple[int, int, str]]
    """Every degree mention (start, end, level) accepted as a requirement or in-lieu."""
    experience_spans: list[tuple[int, int]]
    lieu_sentences: list[tuple[int, int]]
    """Sentences stating an in-lieu rule: their years are not a general requirement."""


TEXT_KEY = "norec_text"
"""``doc.user_data`` key of the text the doc was made from (set by the tokenizer)."""

if not Doc.has_extension("norec_info"):
    Doc.set_extension("norec_info", default=None)


_SENTENCE_BREAK = re.compile(r"\n|[.!?](?=[\"')\]]?\s+[^\s\w]{0,3}\s?[A-Z0-9ÆØÅ])|;(?=\s*\n)")


def info(doc: Doc) -> DocInfo:
    found = doc._.norec_info
    if found is None:
        text = doc.user_data.get(TEXT_KEY)
        if not isinstance(text, str) or (
            len(doc) and len(text) != doc[-1].idx + len(doc[-1].text_with_ws)
        ):
            text = doc.text
        starts, ends = sentence_spans(text)
        found = DocInfo(text, lower(text), starts, ends, [0], ["other"], [False], [], [], [])
        doc._.norec_info = found
    return found


def sentence_spans(text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.end() if match.group(0) != "\n" else match.start()
        _add_sentence(text, position, end, starts, ends)
        position = match.end()
    _add_sentence(text, position, len(text), starts, ends)
    return starts, ends


def _add_sentence(text: str, start: int, end: int, starts: list[int], ends: list[int]) -> None:
    while start < end and (text[start].isspace() or text[start] in BULLETS):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        starts.append(start)
        ends.append(end)


def text_of(doc: Doc) -> str:
    return info(doc).text


def lower(text: str) -> str:
    """text.lower() with every character where it was (so indexes carry over)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def windows(
    doc: Doc,
    needles: tuple[str, ...],
    *,
    exact: tuple[str, ...] = (),
    skip: frozenset[str] = frozenset(),
) -> list[tuple[int, int]]:
    """The sentences that contain one of ``needles`` (in lower case) or ``exact`` (as
    written), in text order, leaving out those in sections of the kinds in ``skip``.
    A cheap pre-check: the expensive patterns only run on these."""
    data = info(doc)
    found: set[int] = set()
    starts = data.sentence_starts
    for haystack, words in ((data.low, needles), (data.text, exact)):
        for needle in words:
            position = haystack.find(needle)
            while position != -1:
                i = bisect.bisect_right(starts, position) - 1
                if i < 0:
                    position = haystack.find(needle, starts[0]) if starts else -1
                    continue
                found.add(i)
                if i + 1 >= len(starts):
                    break
                position = haystack.find(needle, starts[i + 1])
    spans = []
    for i in sorted(found):
        start, end = starts[i], data.sentence_ends[i]
        if skip and skipped(doc, start, skip):
            continue
        spans.append((start, end))
    return spans


_REQUIREMENT_STATEMENT = re.compile(
    r"\b(?:required|requirements?|minimum|at\s+least|essential|mandatory|desirable|"
    r"preferred|an?\s+(?:asset|advantage|plus)|fluen(?:cy|t)|proficien(?:cy|t)|"
    r"(?:university|advanced|first[-\s]level|bachelor|master)['’]?s?\s+degree|"
    r"krav|kreves|en\s+fordel|ønskelig|minst)\b",
    re.IGNORECASE,
)


def skipped(doc: Doc, position: int, skip: frozenset[str]) -> bool:
    """Whether a finding at ``position`` lies in a section whose words are no requirements
    (duties, background, how to apply), unless its own sentence states a requirement:
    postings often list "A minimum of five years of relevant experience" or "Fluency in
    English is required" as bullets under "How can you make a difference?"."""
    if section_of(doc, position)[0] not in skip:
        return False
    start, end = sentence_of(doc, position)
    return _REQUIREMENT_STATEMENT.search(text_of(doc), start, end) is None


def sentence_of(doc: Doc, position: int) -> tuple[int, int]:
    data = info(doc)
    i = bisect.bisect_right(data.sentence_starts, position) - 1
    if i < 0:
        return 0, min(len(data.text), position + 1)
    return data.sentence_starts[i], max(data.sentence_ends[i], position)


def section_of(doc: Doc, position: int) -> tuple[str, bool]:
    """The kind of the section ``position`` lies in, and whether its heading says the
    requirements under it are desirable."""
    data = info(doc)
    i = max(0, bisect.bisect_right(data.section_starts, position) - 1)
    return data.section_kinds[i], data.section_desirable[i]


BULLETS = frozenset("•◦▪▫‣⁃●○■□–—-*·")
"""List markers at the start of a line: not part of what a requirement says."""


def evidence(text: str, start: int, end: int, focus: tuple[int, int] | None = None) -> Evidence:
    """Evidence for text[start:end], trimmed of whitespace and list bullets and cut
    around ``focus`` (the match itself) when longer than EVIDENCE_MAX."""
    if end - start > EVIDENCE_MAX:
        left, right = focus or (start, start)
        middle = (left + right) // 2
        start = max(start, middle - EVIDENCE_MAX // 2)
        end = min(end, start + EVIDENCE_MAX)
        if right > end:
            end = min(len(text), right)
            start = max(0, end - EVIDENCE_MAX)
    while start < end and (text[start].isspace() or text[start] in BULLETS):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(start=start, end=end, text=text[start:end])


# --- Numbers ----------------------------------------------------------------------------

NUMBER_WORDS_EN = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "a": 1,
    "an": 1,
}
NUMBER_WORDS_NB = {
    "en": 1,
    "ett": 1,
    "ei": 1,
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "sju": 7,
    "syv": 7,
    "åtte": 8,
    "ni": 9,
    "ti": 10,
    "elleve": 11,
    "tolv": 12,
    "femten": 15,
    "tjue": 20,
}


def number_pattern(lang: str, *, articles: bool = False) -> str:
    words = dict(NUMBER_WORDS_EN)
    if not articles:
        words.pop("a")
        words.pop("an")
    if lang == "nb":
        words.update(NUMBER_WORDS_NB)
    alternatives = sorted(words, key=len, reverse=True)
    return r"(?:\d{1,2}(?![\d.,]\d)|" + "|".join(re.escape(w) for w in alternatives) + r")"


def to_int(word: str) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS_EN.get(word, NUMBER_WORDS_NB.get(word))


# --- Cue words --------------------------------------------------------------------------

DESIRABLE = (
    r"desirable|desired|(?:an\s+)?assets?|advantage(?:ous)?|preferred|preferable|preferably"
    r"|(?:a\s+)?plus|beneficial|nice\s+to\s+have|(?:an?\s+)?added\s+value|welcome[d]?|ideally"
    r"|(?:en\s+)?fordel|ønskelig|ønskes|ønsket|positivt"
)
DESIRABLE_RE = re.compile(rf"(?<![\w-])(?:{DESIRABLE})(?![\w-])", re.IGNORECASE)
PREFIX_ONLY_DESIRABLE = frozenset({"preferably", "ideally"})
REQUIRED_RE = re.compile(
    r"(?<![\w-])(?:required|requirement|mandatory|essential|must|necessary|needed|compulsory"
    r"|krav|kreves|påkrevd|nødvendig|må)(?![\w-])",
    re.IGNORECASE,
)


def desirable_in(text: str, *, forward_only: bool) -> re.Match[str] | None:
    """The first desirable cue in text; with ``forward_only`` the cues that apply to what
    follows them ("preferably French") are skipped."""
    for match in DESIRABLE_RE.finditer(text):
        if forward_only and match.group(0).lower() in PREFIX_ONLY_DESIRABLE:
            continue
        return match
    return None
