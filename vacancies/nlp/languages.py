"""Language requirements: which languages, at what level, required or desirable.

A language name (``languages.toml``, matched by a PhraseMatcher on lower-case tokens)
is a requirement when it stands in a languages or qualifications-like section, or in a
sentence with a requirement cue ("knowledge", "fluency", "proficiency", "command",
"required", "written and spoken", ...), and not in the responsibilities, background or
application sections. Not a language: "French-speaking countries", "Norwegian
nationals", "the French Government", "English and French are the working languages of
the Secretariat".

Languages joined by "and", "or", commas or slashes ("English and French") form a group
that shares its level and need. A group's level is the last level cue before it
("Fluency in", "working knowledge of", "fluent") or a level written after it ("English
(fluent)", "English: C1"); its need is the first need cue after it ("... is required",
"... is an asset"), else one before it ("Desirable: French", "preferably French"), else
the heading's ("Desirable qualifications"), else "required".
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ._text import (
    DESIRABLE_RE,
    MAX_MATCHES,
    desirable_in,
    evidence,
    section_of,
    sentence_of,
    skipped,
    text_of,
)
from .models import LanguageRequirement

DATA = Path(__file__).with_name("languages.toml")
SKIPPED_SECTIONS = frozenset({"responsibilities", "background", "application"})
LEVEL_RANK = {None: 0, "basic": 1, "working": 2, "fluent": 3}

if not Doc.has_extension("norec_languages"):
    Doc.set_extension("norec_languages", default=None)

_W = r"(?:[\w'’-]{1,25}\s+)"
_LEVELS: list[tuple[str | None, str]] = [
    (
        "fluent",
        rf"fluen(?:cy|t|tly)|excellent\s+{_W}{{0,4}}?(?:command|knowledge|proficiency|skills?"
        rf"|mastery)|excellent|full\s+(?:professional\s+|working\s+)?(?:proficiency|command)"
        rf"|native(?:\s+speaker)?|expert|mother[\s-]+tongue|(?:strong|perfect|complete|thorough)\s+"
        rf"{_W}{{0,3}}?(?:command|mastery)|advanced|bilingual|flytende|morsmål"
        rf"|svært\s+gode?\s+{_W}{{0,3}}?(?:kunnskaper|ferdigheter|språkferdigheter)"
        r"|utmerkede?\s+|c1|c2",
    ),
    (
        "working",
        rf"working\s+(?:knowledge|level|proficiency|command|fluency)|professional\s+working"
        rf"|(?:very\s+)?good\s+{_W}{{0,3}}?(?:knowledge|command|skills?|proficiency|level)"
        rf"|strong\s+{_W}{{0,3}}?(?:knowledge|skills?|proficiency)|proficien(?:cy|t)"
        rf"|intermediate|gode\s+{_W}{{0,2}}?(?:kunnskaper|ferdigheter|språkferdigheter)"
        r"|b1|b2",
    ),
    (
        "basic",
        rf"basic|some\s+{_W}{{0,2}}?(?:knowledge|understanding|command|skills?)|elementary"
        r"|limited|conversational|grunnleggende|noe\s+kunnskap\w*|a1|a2",
    ),
    (None, r"knowledge|kunnskap(?:er)?|command|beherske[rs]?|understanding"),
]
_LEVEL_RE = re.compile(
    "|".join(f"(?P<l{i}>{pattern})" for i, (_, pattern) in enumerate(_LEVELS)),
    re.IGNORECASE,
)
_LEVEL_CUE_CASE_SENSITIVE = frozenset({"c1", "c2", "b1", "b2", "a1", "a2"})
_PREFIX_CUE = re.compile(
    r"\s*(?:(?:knowledge|command|proficiency|skills?|understanding|kunnskaper)\s*)?"
    r"(?:\([^()\n]{0,30}\)\s*)?(?:of|in|i|with|on|over|på)\b(?!\s+(?:the\s+)?other\s+language)",
    re.IGNORECASE,
)
_BEFORE_GAP = re.compile(r"\s*(?:(?:[\w'’/-]{1,25}|\([^()\n]{0,30}\)),?\s+){0,7}")
MAX_GAP = 160
_PUNCTUATION = re.compile(r"[,;:.!?]")
_GROUP_SEPARATOR = re.compile(
    r"^[\s,/&]*(?:(?:and|or|and/or|og|eller|as\s+well\s+as|plus)[\s,/&]*)?$", re.IGNORECASE
)
_REQUIREMENT_CUE = re.compile(
    r"knowledge|fluen|proficien|command|required|requirement|written|spoken|oral|speak"
    r"|language|mother\s+tongue|native|working\s+level|ability\s+to\s+(?:read|write|communicate"
    r"|work)|asset|desirable|advantage|preferred|essential|mandatory|excellent|skills|level"
    r"|kunnskap|flytende|behersk|krav|fordel|ønsk|muntlig|skriftlig|språk|ferdighet|morsmål",
    re.IGNORECASE,
)
_NOT_A_LANGUAGE_AFTER = re.compile(
    r"(?:[ \t-]*(?:speaking|speakers?|based|funded|financed|sponsored|led|owned|registered"
    r"|talende)\b|[ \t]+(?:nationals?|citizens?|citizenship|nationality|nationalities|government"
    r"|authorities|ministry|embassy|jpo|people|state|territor\w+|red\s+cross|refugee"
    r"|agency|development|cooperation|co-operation|law|legal|colonial|revolution|statsborger\w*"
    r"|regjering\w*|myndighet\w*|ambassade\w*|company|companies|firms?|ngos?|organi[sz]ations?"
    r"|speaking|speakers?|origin|descent|passport|residents?|population|communit\w+|society"
    r"|culture|cuisine|guiana|polynesia|overseas|children|youth|women|men|families|households"
    r"|students|teachers|partners|staff|context|economy|market|border|forces|army|crisis"
    r"|response|office|programme|program|operations?|borns?)\b)",
    re.IGNORECASE,
)
_CAPITAL_AFTER_OK = frozenset(
    {"language", "languages", "and", "or", "is", "are", "as", "at", "in", "required",
     "desirable", "fluent", "fluency", "proficiency", "skills", "level", "both", "knowledge",
     "would", "will", "an", "a", "the", "plus", "mandatory", "essential", "preferred", "asset",
     "written", "spoken", "oral", "c1", "c2", "b1", "b2", "a1", "a2", "og", "eller", "er"}
)  # fmt: skip
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w-]*)")
_OFFICIAL_LANGUAGES = re.compile(
    r"(?:are|is)\s+the\s+(?:\w+\s+){0,2}?(?:working|official)\s+languages?"
    r"|working\s+languages\s+of\s+the|official\s+languages\s+(?:of|are)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(r"\w\s*:")
_REQUIRED_NEED = re.compile(
    r"(?<![\w-])(?:required|mandatory|essential|must|krav|kreves)", re.IGNORECASE
)
_NEGATION = re.compile(
    r"(?<![\w-])(?:not|no|ikke|intet)\s+(?:\w+\s+){0,2}?(?:krav|required|requirement|necessary"
    r"|needed|nødvendig|mandatory|påkrevd|essential)",
    re.IGNORECASE,
)


class LanguageExtractor:
    def __init__(self, nlp, name: str = "norec_languages") -> None:
        self.name = name
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.names: dict[str, tuple[str, str]] = {}

    def initialize(self, get_examples=None, *, nlp=None, data: str | None = None) -> None:
        with Path(data or DATA).open("rb") as handle:
            table = tomllib.load(handle)
        self.matcher = PhraseMatcher(self.matcher.vocab, attr="LOWER")
        for code, entry in table["language"].items():
            key = f"lang_{code}"
            self.names[key] = (code, entry["name"])
            make_doc = nlp.make_doc if nlp is not None else None
            if make_doc is None:
                raise ValueError("norec_languages needs the pipeline at initialize()")
            self.matcher.add(key, [make_doc(form) for form in entry["forms"]])

    def __call__(self, doc: Doc) -> Doc:
        doc._.norec_languages = self.extract(doc)
        return doc

    def _has_cue(self, text: str, sentence: tuple[int, int]) -> bool:
        cached = self._cues.get(sentence)
        if cached is None:
            cached = self._cues[sentence] = bool(_REQUIREMENT_CUE.search(text, *sentence))
        return cached

    @staticmethod
    def _is_language(text: str, start: int, end: int) -> bool:
        if _NOT_A_LANGUAGE_AFTER.match(text, end, end + 40):
            return False
        return not (start and text[start - 1] == "-")  # "Anglo-French"

    def extract(self, doc: Doc) -> list[LanguageRequirement]:
        text = text_of(doc)
        self._cues: dict[tuple[int, int], bool] = {}
        by_sentence: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
        sentence_ok: dict[tuple[int, int], bool] = {}
        for match_id, start_token, end_token in self.matcher(doc)[:MAX_MATCHES]:
            start = doc[start_token].idx
            end = doc[end_token - 1].idx + len(doc[end_token - 1])
            kind, _ = section_of(doc, start)
            if skipped(doc, start, SKIPPED_SECTIONS):
                continue
            if text[start:end][:1].islower() and text[start:end].lower() in ("lao", "thai"):
                continue
            word = _NEXT_WORD.match(text, end, end + 40)
            if (
                word
                and word.group(1)[:1].isupper()
                and word.group(1).lower() not in (_CAPITAL_AFTER_OK)
            ):
                continue  # "Swedish International Development ...", "French Polynesia"
            if not self._is_language(text, start, end):
                continue
            sentence = sentence_of(doc, start)
            ok = sentence_ok.get(sentence)
            if ok is None:
                s, e = sentence
                ok = sentence_ok[sentence] = not (
                    _OFFICIAL_LANGUAGES.search(text, s, e) and not _LEVEL_RE.search(text, s, e)
                )
            if not ok:
                continue
            if kind != "languages" and not self._has_cue(text, sentence):
                continue
            by_sentence.setdefault(sentence, []).append((start, end, doc.vocab.strings[match_id]))
        results: dict[str, LanguageRequirement] = {}
        for sentence, mentions in by_sentence.items():
            for item in self._sentence(doc, sentence, mentions):
                known = results.get(item.code)
                if known is None:
                    results[item.code] = item
                    continue
                need = "required" if "required" in (known.need, item.need) else "desirable"
                level = max(known.level, item.level, key=LEVEL_RANK.__getitem__)
                results[item.code] = known.model_copy(update={"need": need, "level": level})
        return list(results.values())

    def _sentence(
        self, doc: Doc, sentence: tuple[int, int], mentions: list[tuple[int, int, str]]
    ) -> list[LanguageRequirement]:
        text = text_of(doc)
        mentions.sort()
        groups: list[list[tuple[int, int, str]]] = []
        for mention in mentions:
            if groups and _GROUP_SEPARATOR.match(text[groups[-1][-1][1] : mention[0]]):
                groups[-1].append(mention)
            else:
                groups.append([mention])
        _, desirable_heading = section_of(doc, sentence[0])
        items = []
        for i, group in enumerate(groups):
            before_start = groups[i - 1][-1][1] if i else sentence[0]
            after_end = groups[i + 1][0][0] if i + 1 < len(groups) else sentence[1]
            start, end = group[0][0], group[-1][1]
            level = self._level(text, before_start, start, end, after_end)
            need = self._need(text, before_start, start, end, after_end, desirable_heading)
            if need is None:
                continue  # "Norsk er ikke et krav"
            proof = evidence(text, sentence[0], sentence[1], (start, end))
            for _, _, key in group:
                code, name = self.names[key]
                items.append(
                    LanguageRequirement(
                        code=code, name=name, level=level, need=need, evidence=proof
                    )
                )
        return items

    @staticmethod
    def _cue_level(match: re.Match[str]) -> tuple[bool, str | None]:
        for i, (level, _) in enumerate(_LEVELS):
            value = match.group(f"l{i}")
            if value is not None:
                if value.lower() in _LEVEL_CUE_CASE_SENSITIVE and not value.isupper():
                    return False, None
                return True, level
        return False, None

    def _level(self, text: str, before: int, start: int, end: int, after: int) -> str | None:
        chosen: tuple[bool, str | None] = (False, None)
        previous_end = -100
        for match in _LEVEL_RE.finditer(text, before, start):
            ok, level = self._cue_level(match)
            adjacent = match.start() - previous_end <= 25 and not _PUNCTUATION.search(
                text, previous_end, match.start()
            )
            previous_end = match.end() if ok else previous_end
            if ok and level is None and chosen[1] is not None and adjacent:
                continue  # "Intermediate knowledge (level B) of French": intermediate
            if ok and start - match.end() <= MAX_GAP:
                gap = _BEFORE_GAP.match(text, match.end(), start)
                if gap is not None and gap.end() == start:
                    chosen = (True, level)
        if chosen[0]:
            return chosen[1]
        for match in _LEVEL_RE.finditer(text, end, after):
            ok, level = self._cue_level(match)
            if not ok:
                continue
            if _PREFIX_CUE.match(text, match.end()):
                break  # "..., working knowledge of <the next language>"
            return level
        return None

    @staticmethod
    def _need(
        text: str, before: int, start: int, end: int, after: int, desirable_heading: bool
    ) -> str | None:
        """ "required", "desirable", or None when the text says it is not needed."""
        tail = text[end:after]
        for match in _LEVEL_RE.finditer(tail):
            if _PREFIX_CUE.match(tail, match.end()):
                tail = tail[: match.start()]
                break
        label = _LABEL.search(tail)
        if label is not None:
            tail = tail[: label.start()]
        semicolon = tail.find(";")
        if semicolon != -1:
            tail = tail[:semicolon]  # what follows is the next clause's
        cue = desirable_in(tail, forward_only=True)
        negation = _NEGATION.search(tail)
        if negation is not None and (cue is None or cue.start() > negation.start()):
            return None
        required = _REQUIRED_NEED.search(tail)
        if cue is not None and (required is None or cue.start() < required.start()):
            return "desirable"
        if required is not None:
            return "required"
        head = text[before:start]
        # The cues nearest before the language: the last ones in the head.
        cue = next(reversed(list(DESIRABLE_RE.finditer(head))), None)
        req = next(reversed(list(_REQUIRED_NEED.finditer(head))), None)
        if cue is not None and (req is None or cue.start() > req.start()):
            return "desirable"
        if req is not None:
            return "required"
        return "desirable" if desirable_heading else "required"
