"""Education requirements: the degree level, its fields and the in-lieu rule.

Degree phrases (English and bokmål) map to four levels: secondary, bachelor, master,
doctorate. "University degree" and "høyere utdanning" alone are a bachelor's. Mentions
in the responsibilities, background or application sections are ignored, and the weak
phrases ("master", "secondary education", "university degree") need a requirement cue
in their sentence unless they stand in an education or qualifications section.

In-lieu rule: in a sentence that says "in lieu of" / "in place of" / "instead of" /
"may be accepted" / "i stedet for", the lower degree is the alternative (``in_lieu``)
with the "N additional years" of experience the sentence asks for; the higher one is
the main requirement.

``education_min``: the lowest level among the required (not desirable, not in-lieu)
mentions — the main required level; "Bachelor's or Master's" gives bachelor.
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
from .models import EDUCATION_ORDER, EducationRequirement, InLieu

SKIPPED_SECTIONS = frozenset({"responsibilities", "background", "application"})
STRONG_SECTIONS = frozenset({"education", "qualifications", "languages", "experience", "skills"})

if not Doc.has_extension("norec_education"):
    Doc.set_extension("norec_education", default=None)

_DEGREE = r"(?:\s+(?:university\s+)?(?:degree|diploma|qualification|level|programme|studies))?"
_PATTERNS: list[tuple[str, bool, str]] = [
    # level, strong (needs no cue), pattern (case-insensitive)
    ("doctorate", True, r"ph\.?\s?d\.?|doctorates?|doctoral\s+degree|doktorgrad\w*|dr\.\s?philos"),
    (
        "master",
        True,
        rf"master['’]?s?['’]?{_DEGREE}\s+(?:degree|diploma)|master['’]?s?['’]?\s+degree"
        r"|master['’]s|masters\s+(?:in|of)|advanced\s+(?:\w+\s+){0,2}?(?:university\s+)?degree"
        r"|post-?\s?graduate\s+(?:university\s+)?(?:degree|diploma|qualification)"
        r"|graduate\s+degree|second[\s-]level\s+(?:university\s+)?degree"
        r"|mastergrad\w*|masterutdanning\w*|hovedfag|høyere\s+grad|cand\.\s?(?:polit|scient"
        r"|oecon|jur|philol|agric)\.?|siviløkonom|sivilingeniør",
    ),
    ("master", False, r"master|masters"),
    (
        "bachelor",
        True,
        rf"bachelor['’]?s?['’]?{_DEGREE}|first[\s-]level\s+(?:university\s+)?degree"
        r"|undergraduate\s+(?:university\s+)?degree|first\s+(?:university\s+)?degree|bachelorgrad\w*|bachelorutdanning\w*"
        r"|lavere\s+grad|cand\.\s?mag\.?|universitetsgrad\w*|høgskolegrad\w*",
    ),
    (
        "bachelor",
        False,
        r"university\s+degree|college\s+degree|academic\s+degree|(?:a|an)\s+degree\s+in"
        r"|degree\s+from\s+an?\s+(?:accredited\s+)?(?:university|institution)"
        r"|høyere\s+utdanning|universitets?utdanning|høgskoleutdanning",
    ),
    (
        "secondary",
        False,
        r"(?:high|secondary)\s+school(?:\s+(?:diploma|certificate|education|level))?"
        r"|secondary\s+(?:education|diploma|school\s+certificate)"
        r"|videregående(?:\s+(?:skole|opplæring|utdanning|nivå))?|fagbrev",
    ),
]
_ABBREVIATIONS: list[tuple[str, str]] = [
    ("doctorate", r"Ph\.?D\.?|DPhil|D\.Phil\."),
    ("master", r"MA|M\.A\.|MSc|M\.Sc\.?|MBA|MPH|MPA|MPP|LLM|LL\.M\.|MEd|MPhil|MFA|MEng"),
    ("bachelor", r"BA|B\.A\.|BSc|B\.Sc\.?|BBA|LLB|LL\.B\.|BEng|BEd"),
]
_MENTION = re.compile(
    r"(?<!\w)(?:"
    + "|".join(f"(?P<p{i}>{pattern})" for i, (_, _, pattern) in enumerate(_PATTERNS))
    + r")(?!\w)",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(f"(?P<a{i}>{pattern})" for i, (_, pattern) in enumerate(_ABBREVIATIONS))
    + r")(?![\w])"
)
_CUE = re.compile(
    r"degree|diploma|required|requirement|minimum|completed?|completion|holder|equivalent"
    r"|qualification|education|graduate|relevant\s+field|related\s+field|or\s+higher|krav|grad"
    r"|utdanning|fullført|tilsvarende",
    re.IGNORECASE,
)
_IN_LIEU = re.compile(
    r"in\s+lieu|in\s+place\s+of|instead\s+of|(?:may|can|will|could)\s+(?:also\s+)?be\s+"
    r"(?:accepted|considered)|as\s+a\s+substitute|may\s+substitute|i\s+stedet\s+for"
    r"|kan\s+(?:erstatte|kompensere|godtas|aksepteres)|alternatively",
    re.IGNORECASE,
)
_FIELDS = re.compile(
    r"\s*(?:\([^()\n]{0,80}\)\s*)?(?:(?:university\s+)?(?:degree|diploma|studies)\s*)?"
    r"(?:\([^()\n]{0,80}\)\s*)?(?:,\s*)?(?:in|i|within|innen(?:for)?|on|of)\s+"
    r"(?:(?:the\s+)?(?:fields?|areas?|disciplines?)\s+of\s+|fields?\s+such\s+as\s+"
    r"|(?:one\s+of\s+)?the\s+following(?:\s+fields)?\s*:?\s*)?([^;.()\n]{2,200})",
    re.IGNORECASE,
)
_FIELDS_END = re.compile(
    r"\s+(?:with|and\s+at\s+least|and\s+a\s+minimum|plus|combined|in\s+combination|is|are"
    r"|required|preferred|preferably|from|or\s+equivalent|og\s+minst|med|er|from)\b"
    r"|,\s*(?:with|and|plus|preferably|or\s+equivalent|including)\b|\s+\+",
    re.IGNORECASE,
)
_FIELD_SPLIT = re.compile(r"\s*(?:,|/|\bor\b|\beller\b|;)\s*", re.IGNORECASE)
_FIELD_DROP = re.compile(
    r"related|relevant|similar|equivalent|other|etc|field|discipline|area|tilsvarende|lignende"
    r"|^(?:and|or|a|an|the)$",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:a|an|the|and|og)\s+", re.IGNORECASE)


class Education:
    """One document's education findings (internal)."""

    __slots__ = ("in_lieu", "items", "lieu_additional", "minimum")

    def __init__(self) -> None:
        self.items: list[EducationRequirement] = []
        self.in_lieu: InLieu | None = None
        """``extra_years`` as the sentence gives it: see ``lieu_additional``."""
        self.minimum: str | None = None
        self.lieu_additional = False
        """Whether the in-lieu years are "additional" years (else they are the total years
        the lower degree needs, to compare with what the main degree needs)."""


NEEDLES = (
    "degree", "master", "bachelor", "ph", "doctor", "diploma", "school", "graduate", "grad",
    "utdanning", "cand", "siviløk", "sivilingeni", "fagbrev", "hovedfag", "universit",
    "høgskole", "videregående", "secondary", "academic", "college",
)  # fmt: skip
"""Lower-case strings one of which every degree phrase contains (a cheap pre-check)."""
EXACT_NEEDLES = ("MA", "M.A", "MS", "M.S", "MB", "MP", "ME", "MF", "LL", "BA", "B.A", "BS", "B.S",
                 "BB", "BE", "DPhil", "D.Phil")  # fmt: skip


def _mentions(
    text: str, spans: list[tuple[int, int]] | None = None
) -> list[tuple[int, int, str, bool]]:
    found: list[tuple[int, int, str, bool]] = []
    for start, end in spans if spans is not None else [(0, len(text))]:
        for match in _MENTION.finditer(text, start, end):
            for i, (level, strong, _) in enumerate(_PATTERNS):
                if match.group(f"p{i}") is not None:
                    found.append((match.start(), match.end(), level, strong))
                    break
        for match in _ABBREVIATION.finditer(text, start, end):
            for i, (level, _) in enumerate(_ABBREVIATIONS):
                if match.group(f"a{i}") is not None:
                    found.append((match.start(), match.end(), level, True))
                    break
    found.sort()
    kept: list[tuple[int, int, str, bool]] = []
    for mention in found:
        if kept and mention[0] < kept[-1][1]:
            continue
        kept.append(mention)
    return kept


def fields_after(text: str, end: int, limit: int) -> list[str]:
    match = _FIELDS.match(text, end, limit)
    if match is None:
        return []
    body = match.group(1)
    stop = _FIELDS_END.search(body)
    if stop is not None:
        body = body[: stop.start()]
    fields = []
    for part in _FIELD_SPLIT.split(body):
        part = _ARTICLE.sub("", part.strip(" ,:-–"))
        if len(part) < 2 or _FIELD_DROP.search(part) or len(part) > 80:
            continue
        if part not in fields:
            fields.append(part)
    return fields


class EducationExtractor:
    def __init__(self, name: str = "norec_education") -> None:
        self.name = name
        self.extra_years = re.compile("")
        self.any_years = re.compile("")

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        lang = nlp.lang if nlp is not None else "en"
        number = number_pattern(lang)
        self.extra_years = re.compile(
            rf"(?<![\w-])({number})(?:\s*\((\d{{1,2}})\))?\s+(?:(?:additional|further|extra"
            r"|more|ytterligere|flere)\s+(?:years?|års?)|års?\s+(?:ytterligere|ekstra))",
            re.IGNORECASE,
        )
        self.any_years = re.compile(
            rf"(?<![\w-])({number})(?:\s*\((\d{{1,2}})\))?\s*\+?\s*(?:years?|års?)(?![\w-])",
            re.IGNORECASE,
        )

    def __call__(self, doc: Doc) -> Doc:
        doc._.norec_education = self.extract(doc)
        return doc

    def extract(self, doc: Doc) -> Education:
        text = text_of(doc)
        result = Education()
        accepted: list[tuple[int, int, str, bool, tuple[int, int]]] = []
        spans = windows(doc, NEEDLES, exact=EXACT_NEEDLES, skip=SKIPPED_SECTIONS)
        cues: dict[tuple[int, int], bool] = {}
        for start, end, level, strong in _mentions(text, spans)[:MAX_MATCHES]:
            kind, _ = section_of(doc, start)
            if skipped(doc, start, SKIPPED_SECTIONS):
                continue
            sentence = sentence_of(doc, start)
            if not strong and kind not in STRONG_SECTIONS:
                if sentence not in cues:
                    cues[sentence] = bool(_CUE.search(text, sentence[0], sentence[1]))
                if not cues[sentence]:
                    continue
            accepted.append((start, end, level, strong, sentence))
        by_sentence: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
        for start, end, level, _, sentence in accepted:
            by_sentence.setdefault(sentence, []).append((start, end, level))
        data = info(doc)
        for sentence, mentions in by_sentence.items():
            body = text[sentence[0] : sentence[1]]
            lieu = _IN_LIEU.search(body) or self.extra_years.search(body)
            levels = {level for _, _, level in mentions}
            lieu_level = None
            if lieu is not None and len(levels) > 1:
                lieu_level = min(levels, key=EDUCATION_ORDER.__getitem__)
                data.lieu_sentences.append(sentence)
            elif (
                lieu is not None
                and len(mentions) == 1
                and mentions[0][0] < sentence[0] + lieu.start()
                and self.extra_years.search(body)
            ):
                # "A first-level degree with 2 additional years ... in lieu of the
                # advanced university degree" names one degree only when the other is
                # implied; only the "additional years" wording makes it an alternative.
                lieu_level = mentions[0][2]
                data.lieu_sentences.append(sentence)
            _, desirable_heading = section_of(doc, sentence[0])
            seen: dict[str, EducationRequirement] = {}
            for i, (start, end, level) in enumerate(mentions):
                data.degrees.append((start, end, level))
                if level == lieu_level:
                    if result.in_lieu is None:
                        years = self.extra_years.search(body)
                        result.lieu_additional = years is not None
                        if years is None:
                            years = self.any_years.search(text, end, sentence[1])
                        extra = None
                        if years is not None:
                            extra = to_int(years.group(2) or years.group(1))
                        result.in_lieu = InLieu(
                            level=level,
                            extra_years=extra,
                            evidence=evidence(text, sentence[0], sentence[1], (start, end)),
                        )
                    continue
                need = self._need(text, mentions, i, sentence, desirable_heading)
                fields = fields_after(text, end, sentence[1])
                known = seen.get(level)
                if known is not None:
                    if not known.fields and fields:
                        seen[level] = known.model_copy(update={"fields": fields})
                    if need == "required" and known.need != "required":
                        seen[level] = seen[level].model_copy(update={"need": need})
                    continue
                seen[level] = EducationRequirement(
                    level=level,
                    fields=fields,
                    need=need,
                    evidence=evidence(text, sentence[0], sentence[1], (start, end)),
                )
            result.items.extend(seen.values())
        required = [item.level for item in result.items if item.need == "required"]
        if required:
            result.minimum = min(required, key=EDUCATION_ORDER.__getitem__)
        elif result.items:
            result.minimum = None
        return result

    @staticmethod
    def _need(
        text: str,
        mentions: list[tuple[int, int, str]],
        i: int,
        sentence: tuple[int, int],
        desirable_heading: bool,
    ) -> str:
        start, end, _ = mentions[i]
        after = mentions[i + 1][0] if i + 1 < len(mentions) else sentence[1]
        semicolon = text.find(";", end, after)
        tail = text[end : semicolon if semicolon != -1 else after]
        for cue in DESIRABLE_RE.finditer(tail):
            if cue.group(0).lower() not in ("preferably", "ideally"):
                return "desirable"
        before = mentions[i - 1][1] if i else sentence[0]
        head = text[before:start]
        semicolon = head.rfind(";")
        if semicolon != -1:
            head = head[semicolon:]
        if DESIRABLE_RE.search(head) and not re.search(r"\bor\b|\beller\b", head):
            return "desirable"
        return "desirable" if desirable_heading else "required"
