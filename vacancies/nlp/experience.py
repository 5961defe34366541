"""Experience requirements: minimum years, field and scope.

Forms read (numbers in digits or words, "five (5)", "7+", ranges "3-5" / "3 to 5" give
the lower bound):

* "at least / a minimum of / not less than N years of (relevant, progressively
  responsible ...) experience (in <field>)", "N years' experience", "N+ years working in";
* "experience of at least N years", "Experience: N years", "years of experience: N";
* bokmål: "minst tre års (relevant) arbeidserfaring", "5 års erfaring".

Not experience: years without the word experience ("a two-year project", "a contract of
one year"), "for 10 years the programme has ..." (a clause in between), "two additional
years" (the in-lieu rule's extra), and the responsibilities/background/application
sections.

``experience_min_years`` (see :func:`minimum_years`): among the required requirements,
those tied to the main required degree (``education_min``: "Master's degree with 5 years
..." -> 5) when there are any; otherwise the smallest requirement not tied to a degree,
else the smallest of all. Requirements in an in-lieu sentence are the alternative's, not
the post's ("a first-level degree with two additional years ..."), and degree
alternatives with their own years ("Master's with 2 years; or Bachelor's with 4") make
the first-named degree the main one, a later lower one its in-lieu alternative (see
``vacancies.nlp._alternative_in_lieu``). Desirable ones ("preferably 5 years") count only
when nothing is required.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ._text import (
    DESIRABLE_RE,
    MAX_MATCHES,
    evidence,
    info,
    number_pattern,
    section_of,
    sentence_of,
    skipped,
    text_of,
    to_int,
    windows,
)
from .education import _mentions as degree_mentions
from .models import ExperienceRequirement

NEEDLES = ("year", "yrs", "år")
"""Every experience requirement names years: sentences without these are skipped."""
SKIPPED_SECTIONS = frozenset({"responsibilities", "background", "application"})
MAX_YEARS = 40

if not Doc.has_extension("norec_experience"):
    Doc.set_extension("norec_experience", default=None)

_EXTRA = frozenset({"additional", "further", "extra", "ytterligere", "flere", "ekstra"})
_NOT_BETWEEN = frozenset(
    [
        "the",
        "has",
        "have",
        "had",
        "is",
        "are",
        "was",
        "were",
        "been",
        "will",
        "this",
        "that",
        "which",
        "who",
        "we",
        "our",
        "it",
        "its",
        "their",
        "they",
        "programme",
        "program",
        "project",
        "organization",
        "organisation",
    ]
)
_PRE = (
    r"(?:(?P<pre>at\s+least|a\s+minimum\s+of|minimum\s+of|minimum|min\.?|not\s+less\s+than"
    r"|no\s+less\s+than|more\s+than|over|in\s+excess\s+of|minst|mer\s+enn|over)\s+)?"
)
_SCOPE_INTERNATIONAL = re.compile(
    r"\binternationa(?:l|lly)\s+(?:[\w-]+\s+){0,2}?(?:experience|level|context|settings?"
    r"|environments?|organi[sz]ations?|assignments?|work|capacity|exposure|development)"
    r"|(?:experience|work|working)\s+(?:[\w-]+\s+){0,3}?(?:at|in)\s+(?:the\s+|an\s+)?"
    r"international\s+level|internasjonal\w*",
    re.IGNORECASE,
)
_SCOPE_NATIONAL = re.compile(
    r"(?<![\w-])national\s+(?:[\w-]+\s+){0,2}?(?:experience|level|context)"
    r"|(?:experience|work|working)\s+(?:[\w-]+\s+){0,3}?(?:at|in)\s+(?:the\s+)?national\s+level"
    r"|(?<![\w-])nasjonal\w*",
    re.IGNORECASE,
)
_FIELD = re.compile(
    r"\s*(?:,\s*)?(?:preferably\s+|ideally\s+)?(?:in|with|on|within|working\s+(?:in|on|with)"
    r"|related\s+to|in\s+the\s+(?:field|area)s?\s+of|fra|innen(?:for)?|med|i|som)\s+"
    r"([^;.\n()]{3,160})",
    re.IGNORECASE,
)
_FIELD_END = re.compile(
    r"\s+(?:is|are|required|preferred|preferably|er|kreves)\b|,\s*(?:preferably|of\s+which|and\s+at"
    r"|or|ideally)\b",
    re.IGNORECASE,
)


_WITH_DEGREE = re.compile(
    r"^[^.;,]{0,25}?[(,]?\s*(?:with|for|holding|given|if\s+holding|med)\s+(?:an?\s+|the\s+)?"
    r"(?:relevant\s+)?$",
    re.IGNORECASE,
)


class ExperienceExtractor:
    def __init__(self, name: str = "norec_experience") -> None:
        self.name = name
        self.forward = re.compile("")
        self.backward = re.compile("")
        self.alternative = re.compile("")

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        lang = nlp.lang if nlp is not None else "en"
        n = number_pattern(lang)

        def counted(suffix: str = "") -> str:
            return (
                rf"(?P<n{suffix}>{n})(?:\s*\((?P<d{suffix}>\d{{1,2}})\))?\s*\+?"
                rf"(?:\s*(?:-|–|to|til)\s*{n}(?:\s*\(\d{{1,2}}\))?)?\s*\+?"
            )

        count = counted()
        self.forward = re.compile(
            rf"(?<![\w-]){_PRE}{count}\s*(?:full[\s-]time\s+)?(?:years?|yrs?\.?|års?)['’]?"
            r"(?:\s*\+)?(?:\s*\([^()\n]{1,60}\))?"
            rf"(?:\s*,?\s+(?:or|and|eller)\s+{n}(?:\s*\(\d{{1,2}}\))?\s*\+?\s*"
            r"(?:years?|års?)['’]?(?:\s*\([^()\n]{1,60}\))?){0,3}"
            r"(?:\s+(?:of\s+)?(?P<between>(?:[\w/&-]{1,30},?\s+){0,7}?)"
            r"(?P<what>experience|expertise|\w*erfaring)"
            r"|\s+(?:of\s+)?(?:(?:professional|full-time|paid)\s+)?(?P<working>work(?:ing)?)"
            r"\s+(?:experience|in|with|on|at|for|as)\b)",
            re.IGNORECASE,
        )
        self.alternative = re.compile(
            rf"(?<![\w-])({n})(?:\s*\((\d{{1,2}})\))?\s*\+?\s*(?:years?|yrs?\.?|års?)['’]?"
            r"(?:\s*\+)?(?:\s*\(([^()\n]{1,60})\))?",
            re.IGNORECASE,
        )
        self.backward = re.compile(
            r"(?<![\w-])(?:experience|erfaring)\s*(?:of|:|-|–|\(|på)?\s*"
            r"(?:(?P<pre>at\s+least|a\s+minimum\s+of|minimum|min\.?|minst|more\s+than|over)\s*)?"
            rf"{count}\s*(?:years?|år)\b"
            rf"|years\s+of\s+(?:relevant\s+)?experience\s*:\s*{counted('2')}",
            re.IGNORECASE,
        )

    def __call__(self, doc: Doc) -> Doc:
        doc._.norec_experience = self.extract(doc)
        return doc

    def extract(self, doc: Doc) -> list[ExperienceRequirement]:
        text = text_of(doc)
        data = info(doc)
        found: list[tuple[int, int, int]] = []
        alternatives: dict[int, str] = {}
        spans = windows(doc, NEEDLES, skip=SKIPPED_SECTIONS)
        for match in (m for s, e in spans for m in self.forward.finditer(text, s, e)):
            between = match.group("between") or ""
            words = [word.strip(",").lower() for word in between.split()]
            if any(word in _NOT_BETWEEN or word in _EXTRA for word in words):
                continue
            if re.search(
                r"(?:additional|further|extra|ytterligere)\s*$",
                text[max(0, match.start() - 25) : match.start()],
                re.IGNORECASE,
            ):
                continue
            if match.group("pre") is None and re.search(
                r"(?:\bfor|\bpast|\blast|\bnext|\bsince|\bwithin|\bduring)\s+$",
                text[max(0, match.start() - 12) : match.start()],
                re.IGNORECASE,
            ):
                continue
            parts = list(self.alternative.finditer(text, match.start(), match.end()))
            if len(parts) > 1:
                # "7 years (with secondary education) or 4 years (with bachelor's degree)"
                for part in parts:
                    years = to_int(part.group(2) or part.group(1))
                    found.append((part.start(), match.end(), years))
                    if part.group(3):
                        alternatives[part.start()] = part.group(3)
                continue
            found.append((match.start(), match.end(), self._years(match)))
        for match in (m for s, e in spans for m in self.backward.finditer(text, s, e)):
            if any(s < match.end() and match.start() < e for s, e, _ in found):
                continue
            found.append((match.start(), match.end(), self._years(match)))
        found.sort()
        del found[MAX_MATCHES:]
        items: list[ExperienceRequirement] = []
        for start, end, years in found:
            if years is None or not 0 < years <= MAX_YEARS:
                continue
            _, desirable_heading = section_of(doc, start)
            if skipped(doc, start, SKIPPED_SECTIONS):
                continue
            sentence = sentence_of(doc, start)
            if sentence in data.lieu_sentences:
                continue
            clause_end = text.find(";", end, sentence[1])
            clause_end = sentence[1] if clause_end == -1 else clause_end
            field = self._field(text, end, clause_end)
            window = text[start:clause_end]
            international = _SCOPE_INTERNATIONAL.search(window)
            national = _SCOPE_NATIONAL.search(window)
            scope = None
            if international and not national:
                scope = "international"
            elif national and not international:
                scope = "national"
            need = "required"
            head = text[max(sentence[0], start - 30) : start]
            tail = text[end:clause_end]
            if (
                re.search(r"preferabl|ideally|helst", head, re.IGNORECASE)
                or any(
                    cue.group(0).lower() not in ("preferably", "ideally")
                    for cue in DESIRABLE_RE.finditer(tail)
                )
                or desirable_heading
            ):
                need = "desirable"
            data.experience_spans.append((start, end))
            items.append(
                ExperienceRequirement(
                    min_years=years,
                    field=field,
                    scope=scope,
                    need=need,
                    degree=self._degree(doc, start, end, sentence, found, alternatives),
                    evidence=evidence(text, sentence[0], sentence[1], (start, end)),
                )
            )
        return items

    @staticmethod
    def _years(match: re.Match[str]) -> int | None:
        groups = match.groupdict()
        digits = groups.get("d") or groups.get("d2")
        if digits:
            return int(digits)
        return to_int(groups.get("n") or groups.get("n2") or "")

    @staticmethod
    def _field(text: str, end: int, limit: int) -> str | None:
        match = _FIELD.match(text, end, limit)
        if match is None:
            return None
        body = match.group(1)
        stop = _FIELD_END.search(body)
        if stop is not None:
            body = body[: stop.start()]
        body = body.strip(" ,:-–")
        return body or None

    @staticmethod
    def _degree(
        doc: Doc,
        start: int,
        end: int,
        sentence: tuple[int, int],
        found: list[tuple[int, int, int]],
        alternatives: dict[int, str],
    ) -> str | None:
        if start in alternatives:
            named = degree_mentions(alternatives[start])
            if named:
                return named[0][2]
        degrees = [d for d in info(doc).degrees if sentence[0] <= d[0] < sentence[1]]
        if not degrees:
            return None
        next_experience = min((s for s, _, _ in found if s > start), default=sentence[1])
        for d_start, _, level in degrees:
            if end <= d_start < min(end + 40, next_experience) and _WITH_DEGREE.match(
                text_of(doc)[end:d_start]
            ):
                return level
        before = [d for d in degrees if d[1] <= start]
        if before:
            return before[-1][2]
        return None


def minimum_years(items: list[ExperienceRequirement], main_degree: str | None) -> int | None:
    """The minimum years of experience a vacancy asks for (see the module docstring)."""
    required = [item for item in items if item.need == "required"] or items
    if not required:
        return None
    tied = [item.min_years for item in required if item.degree == main_degree and main_degree]
    if tied:
        return min(tied)
    general = [item.min_years for item in required if item.degree is None]
    return min(general or [item.min_years for item in required])
