"""Section segmentation: which part of the posting each character belongs to.

A heading is a line of its own ("DUTIES AND RESPONSIBILITIES:", "Key responsibilities",
"3. Education") or the label that opens a line ("Education: Advanced university degree
..."). Known headings come from ``sections.toml``; an unknown line still counts when it
ends with a colon or is written in Title Case / UPPER CASE, is short and contains a
keyword of one kind (two or more kinds: "qualifications"). The text before the first
heading is of kind "other".
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from spacy.tokens import Doc

from ._text import info, text_of
from .models import Section

DATA = Path(__file__).with_name("sections.toml")
MAX_HEADING_CHARS = 90
MAX_FALLBACK_WORDS = 7
_LINE = re.compile(r"[^\n]+")
_LEADING = re.compile(r"^[\s•·*\-–—>#|]*(?:(?:\d{1,2}|[ivx]{1,4}|[a-h])[.)]\s*)?", re.IGNORECASE)
_INLINE = re.compile(
    r"^([^\W\d_][^\W\d_ /&'’-]{1,20}(?:[ /&'’-]{1,3}[^\W\d_]{1,20}){0,5})\s*:\s*\S"
)
_NON_WORD = re.compile(r"[^\w'’ ]+")
_SPACES = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\([^()]{0,80}\)")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[.!?;,]\s*$")
REQUIREMENT_KINDS = ("education", "experience", "skills", "competencies", "languages")

if not Doc.has_extension("norec_sections"):
    Doc.set_extension("norec_sections", default=None)


def normalise_heading(line: str) -> str:
    line = _LEADING.sub("", line)
    line = _NON_WORD.sub(" ", line.lower()).replace("’", "'")
    return _SPACES.sub(" ", line).strip()


class SectionSegmenter:
    def __init__(self, name: str = "norec_sections") -> None:
        self.name = name
        self.headings: dict[str, str] = {}
        self.keywords: list[tuple[str, tuple[str, ...]]] = []
        self.desirable_stems: tuple[str, ...] = ()

    def initialize(self, get_examples=None, *, nlp=None, data: str | None = None) -> None:
        with Path(data or DATA).open("rb") as handle:
            table = tomllib.load(handle)
        self.headings = {
            normalise_heading(phrase): kind
            for kind, phrases in table["headings"].items()
            for phrase in phrases
        }
        self.keywords = [(kind, tuple(stems)) for kind, stems in table["keywords"].items()]
        self.desirable_stems = tuple(table["desirable_headings"]["stems"])

    def kind_of(self, line: str, *, inline: bool) -> str | None:
        """The kind of section that a heading line opens, or None if it is no heading."""
        stripped = line.strip()
        if not stripped or len(stripped) > MAX_HEADING_CHARS or stripped.count(" ") > 10:
            return None
        if stripped[-1] in ".;,!" and not inline and not stripped.endswith("..."):
            return None  # a sentence or a list item
        key = normalise_heading(_PARENTHESES.sub(" ", stripped))
        if not key:
            return None
        kind = self.headings.get(key)
        if kind is not None or inline:
            return kind
        words = key.split()
        if len(words) > MAX_FALLBACK_WORDS:
            return None
        letters = _LEADING.sub("", stripped).rstrip(": ")
        colon = stripped.endswith(":")
        upper = letters.isupper()
        title = all(w[:1].isupper() for w in letters.split() if len(w) > 3 and w[:1].isalpha())
        if not (colon or upper or title) or (_SENTENCE_END.search(stripped) and not colon):
            return None
        if ":" in stripped.rstrip(": ") or _DIGIT.search(letters):
            return None  # "Categories: Education", "Education Specialist, P-3, Dakar"
        padded = f" {key} "
        kinds = [
            kind for kind, stems in self.keywords if any(f" {stem}" in padded for stem in stems)
        ]
        if not kinds:
            return None
        if "languages" in kinds:
            return "languages"
        requirement = {k for k in kinds if k in REQUIREMENT_KINDS or k == "qualifications"}
        if len(requirement) > 1:
            return "qualifications"
        if "," in letters:
            return None  # "Education Specialist (Learning Assessment), Dakar"
        return kinds[0]

    def desirable(self, heading: str) -> bool:
        low = _PARENTHESES.sub(" ", heading).lower()
        return any(stem in low for stem in self.desirable_stems)

    def sections(self, text: str) -> list[Section]:
        found: list[tuple[int, int, str, str]] = []  # start, line end (inline), kind, heading
        for match in _LINE.finditer(text):
            line = match.group(0)
            if len(line) <= MAX_HEADING_CHARS:
                kind = self.kind_of(line, inline=False)
                if kind is not None:
                    heading = line.strip()
                    found.append((match.start(), -1, kind, heading))
                    continue
            if ":" not in line[:60]:
                continue
            inline = _INLINE.match(_LEADING.sub("", line[:120]))
            if inline is not None:
                kind = self.kind_of(inline.group(1), inline=True)
                if kind is not None:
                    found.append((match.start(), match.end(), kind, inline.group(1)))
        sections: list[Section] = []
        if not found or found[0][0] > 0:
            first = found[0][0] if found else len(text)
            if text[:first].strip():
                sections.append(Section(kind="other", heading="", start=0, end=first))
        block: Section | None = None
        for i, (start, line_end, kind, heading) in enumerate(found):
            end = found[i + 1][0] if i + 1 < len(found) else len(text)
            if line_end == -1 or line_end >= end or not text[line_end:end].strip():
                section = Section(kind=kind, heading=heading, start=start, end=end)
                sections.append(section)
                if line_end == -1:
                    block = section
                continue
            # "Education: Advanced university degree ..." covers its line; the lines
            # after it belong to the heading above it again.
            sections.append(Section(kind=kind, heading=heading, start=start, end=line_end))
            outer = block or Section(kind="other", heading="", start=0, end=0)
            sections.append(outer.model_copy(update={"start": line_end, "end": end}))
        return sections

    def __call__(self, doc: Doc) -> Doc:
        sections = self.sections(text_of(doc))
        doc._.norec_sections = sections
        data = info(doc)
        data.section_starts = [0] + [s.start for s in sections]
        data.section_kinds = ["other"] + [s.kind for s in sections]
        data.section_desirable = [False] + [self.desirable(s.heading) for s in sections]
        spans = []
        for section in sections:
            span = doc.char_span(section.start, section.end, label=section.kind,
                                 alignment_mode="expand")  # fmt: skip
            if span is not None:
                spans.append(span)
        doc.spans["norec_sections"] = spans
        return doc
