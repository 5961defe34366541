"""Grade, contract type and duration mentions.

* Grades: hyphenated codes anywhere ("P-3", "G-6", "NO-B", "NPSA-8", "IPSA-10"),
  compact or spaced codes only after "Grade"/"Level"/"Band" or in brackets ("(P3)",
  "Grade: GF"); each is validated and normalised by
  :func:`vacancies.normalize.parse_grade`, so "COVID-19" or "G20" are not grades.
* Contracts: fixed-term, temporary, continuing/permanent, consultancy, individual
  contractor, UNV assignment, internship, service contract, local/international ICA,
  staff/non-staff, and bokmål forms (``terms.toml``-free: the list is short and stable).
* Durations: "12 months", "one year", "two-year" in a sentence about the contract or
  assignment (not experience), and "with possibility of extension" / "renewable".
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from vacancies.normalize import parse_grade

from ._text import (
    MAX_MATCHES,
    evidence,
    info,
    number_pattern,
    section_of,
    sentence_of,
    text_of,
    to_int,
    windows,
)
from .models import Mention

if not Doc.has_extension("norec_mentions"):
    Doc.set_extension("norec_mentions", default=None)

_PREFIXES = r"(?:P|D|GS|G|NO|FS|NPSA|IPSA|LICA|IICA|SB|SC|IS|NS|AS|TI|PL|EL|PG|ICS|PT|GI|PI)"
_HYPHENATED = re.compile(rf"{_PREFIXES}-(?:1[0-2]|\d|[A-E])(?![\w-])")
"""No look-behind in front, so the scan can skip ahead to capital letters; the word
boundary before is checked on each match."""
_WORDISH = re.compile(r"[\w-]")
_LABELLED = re.compile(
    r"(?<![\w-])(?i:grade|level|band|category|grade\s+level|lønnstrinn)\s*[:\-–]?\s*"
    r"(?P<code>[A-Z]{1,4}[\s.-]?(?:1[0-2]|\d|[A-E])?(?![\w-])|[A-Z]{2}(?![\w-]))"
)
_BRACKETED = re.compile(rf"\((?P<code>{_PREFIXES}\s?(?:1[0-2]|\d|[A-E]))\)")
_CONTRACTS: list[tuple[str, str]] = [
    ("fixed-term", r"fixed[\s-]term(?:\s+(?:appointment|contract|position|post|staff))?|åremål"),
    (
        "temporary",
        r"temporary\s+(?:appointment|contract|position|post|assignment|job)"
        r"|midlertidig(?:\s+stilling)?|vikariat",
    ),
    ("continuing", r"continuing\s+appointment|continuing\s+contract"),
    ("permanent", r"permanent\s+(?:appointment|contract|position|post)|fast\s+stilling"),
    ("internship", r"internships?|intern\s+(?:position|programme|program)|praksisplass"),
    (
        "unv",
        r"UN\s+Volunteer\s+assignment|(?:international|national)\s+UN\s+Volunteers?"
        r"|UNV\s+assignment|volunteer\s+assignment|United\s+Nations\s+Volunteer\s+assignment",
    ),
    (
        "individual-contractor",
        r"individual\s+contract(?:or|ors)?(?:\s+agreement)?|individual\s+consultan(?:t|cy)",
    ),
    ("local-ica", r"local\s+ICA|LICA"),
    ("international-ica", r"international\s+ICA|IICA"),
    ("service-contract", r"service\s+contracts?"),
    ("special-service-agreement", r"special\s+service\s+agreement"),
    (
        "consultancy",
        r"consultanc(?:y|ies)|(?:short|extended)[\s-]term\s+consultan(?:t|cy)"
        r"|consultant\s+(?:contract|position|assignment)|konsulentoppdrag",
    ),
    ("non-staff", r"non-staff"),
    ("staff", r"staff\s+(?:position|appointment|contract|category)"),
    ("secondment", r"secondment|utsending|utlån"),
]
_CONTRACT = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(_CONTRACTS))
    + r")(?![\w-])",
    re.IGNORECASE,
)
_DURATION_CUE = re.compile(
    r"duration|contract|appointment|assignment|initial|period|renewable|extension|extendable"
    r"|consultancy|fixed[\s-]term|temporary|mission|posting|varighet|engasjement|stilling"
    r"|vikariat|kontrakt|tenure|term\b",
    re.IGNORECASE,
)
_EXTENSION = re.compile(
    r"(?:with\s+(?:a\s+|the\s+)?)?possibility\s+(?:of|for)\s+(?:an?\s+)?(?:extension|renewal)"
    r"|(?<![\w-])(?:renewable|extendable|extendible)(?![\w-])"
    r"|subject\s+to\s+(?:\w+\s+){0,3}?(?:extension|renewal)|mulighet\s+for\s+forlengelse",
    re.IGNORECASE,
)
_UNITS = {
    "month": "month",
    "months": "month",
    "måned": "month",
    "måneder": "month",
    "mnd": "month",
    "year": "year",
    "years": "year",
    "år": "year",
    "week": "week",
    "weeks": "week",
    "uke": "week",
    "uker": "week",
}


CONTRACT_NEEDLES = (
    "fixed", "temporar", "continuing", "permanent", "intern", "volunteer", "unv", "individual",
    "lica", "iica", "service", "consultan", "staff", "secondment", "åremål", "midlertidig",
    "vikariat", "fast stilling", "konsulent", "utsending", "utlån",
)  # fmt: skip
DURATION_NEEDLES = ("month", "year", "week", "måned", "mnd", "år", "uke")


class TermsExtractor:
    def __init__(self, name: str = "norec_terms") -> None:
        self.name = name
        self.duration = re.compile("")

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        lang = nlp.lang if nlp is not None else "en"
        number = number_pattern(lang, articles=False)
        self.duration = re.compile(
            rf"(?<![\w-])(?P<n>{number}|\d{{2,3}})(?:\s*\((?P<d>\d{{1,3}})\))?[\s-]{{0,2}}"
            r"(?P<unit>months?|years?|weeks?|måneder|måned|mnd|år|uker|uke)(?![\w-])"
            r"(?!\s+(?:of\s+)?(?:[\w-]+\s+){0,4}?(?:experience|erfaring))",
            re.IGNORECASE,
        )

    def __call__(self, doc: Doc) -> Doc:
        doc._.norec_mentions = self.extract(doc)
        return doc

    def extract(self, doc: Doc) -> list[Mention]:
        text = text_of(doc)
        seen: set[tuple[str, str]] = set()
        found: list[Mention] = []

        def add(kind: str, value: str, start: int, end: int) -> None:
            if (kind, value) in seen or len(found) >= MAX_MATCHES:
                return
            seen.add((kind, value))
            found.append(Mention(kind=kind, value=value, evidence=evidence(text, start, end)))

        labelled = windows(doc, ("grade", "level", "band", "category", "lønnstrinn"))
        everywhere = [(0, len(text))]
        for pattern, spans in ((_HYPHENATED, everywhere), (_LABELLED, labelled),
                               (_BRACKETED, everywhere)):  # fmt: skip
            for match in (m for s, e in spans for m in pattern.finditer(text, s, e)):
                group = "code" if pattern is not _HYPHENATED else 0
                if group == 0 and match.start() and _WORDISH.match(text, match.start() - 1):
                    continue
                raw = match.group(group)
                if pattern is _LABELLED and not raw[:1].isupper():
                    continue
                grade = parse_grade(raw.strip())
                if grade is None:
                    continue
                add("grade", grade.code, match.start(group), match.end(group))
        contracts = windows(doc, CONTRACT_NEEDLES, exact=("ICA",))
        for match in (m for s, e in contracts for m in _CONTRACT.finditer(text, s, e)):
            kind, _ = section_of(doc, match.start())
            if kind == "responsibilities":
                continue
            for i, (value, _) in enumerate(_CONTRACTS):
                if match.group(f"c{i}") is not None:
                    if value in ("local-ica", "international-ica") and "ICA" not in match.group(0):
                        break
                    add("contract", value, match.start(), match.end())
                    break
        experience = info(doc).experience_spans
        durations = windows(doc, DURATION_NEEDLES, skip=frozenset({"responsibilities"}))
        durations = [(s, e) for s, e in durations if _DURATION_CUE.search(text, s, e)]
        for match in (m for s, e in durations for m in self.duration.finditer(text, s, e)):
            if any(s <= match.start() < e for s, e in experience):
                continue
            kind, _ = section_of(doc, match.start())
            if kind == "responsibilities":
                continue
            sentence = sentence_of(doc, match.start())
            if not _DURATION_CUE.search(text, sentence[0], sentence[1]):
                continue
            amount = to_int(match.group("d") or match.group("n"))
            if amount is None or not 0 < amount <= 120:
                continue
            unit = _UNITS.get(match.group("unit").lower(), "month")
            if unit == "year" and amount > 10:
                continue
            value = f"{amount} {unit}" + ("s" if amount != 1 else "")
            add("duration", value, match.start(), match.end())
        extensions = windows(doc, ("possibilit", "renew", "extend", "subject to", "forlengelse"))
        for match in (m for s, e in extensions for m in _EXTENSION.finditer(text, s, e)):
            add("duration", "extension possible", match.start(), match.end())
        return found
