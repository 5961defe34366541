"""The vacancy page's "What the post asks for": the stored analysis (vacancies.nlp
``Requirements`` as JSON) as lines a person reads, each linked to the words of the
description it was read from, which the description marks.

Only evidence that still matches the stored description is marked (the analysis is
reset whenever the content changes, but a mark must never point at the wrong words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from babel import Locale

from portal.web.i18n import current_locale, ngettext
from portal.web.i18n import gettext as _
from vacancies.nlp.models import Evidence, Requirements
from vacancies.nlp.prepare import prepare_text

_BLANK_LINES = re.compile(r"\n\s*\n")
MAX_SKILLS = 12
MAX_FAMILIES = 3


@dataclass(frozen=True)
class Line:
    text: str
    anchor: str | None = None
    """Id of the mark in the description this line was read from."""


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False
    anchor: str | None = None
    """Set on the first piece of a mark: what the lines link to."""


@dataclass
class RequirementsView:
    education: list[Line] = field(default_factory=list)
    experience: list[Line] = field(default_factory=list)
    languages: list[Line] = field(default_factory=list)
    terms: list[Line] = field(default_factory=list)
    skills: list[Line] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    sdgs: list[Line] = field(default_factory=list)
    paragraphs: list[list[Segment]] = field(default_factory=list)
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.education or self.experience or self.languages or self.terms or self.skills
        )


def education_label(level: str) -> str:
    labels = {
        "secondary": _("Secondary education"),
        "bachelor": _("Bachelor's degree"),
        "master": _("Master's degree"),
        "doctorate": _("Doctorate"),
    }
    return labels.get(level, level)


def _degree_in_sentence(level: str) -> str:
    labels = {
        "secondary": _("secondary education"),
        "bachelor": _("a bachelor's degree"),
        "master": _("a master's degree"),
        "doctorate": _("a doctorate"),
    }
    return labels.get(level, level)


def language_level_label(level: str | None) -> str | None:
    labels = {
        "fluent": _("fluent"),
        "working": _("working knowledge"),
        "basic": _("basic knowledge"),
    }
    return labels.get(level) if level else None


def need_label(need: str) -> str:
    return _("desirable") if need == "desirable" else _("required")


def family_label(family_id: str, fallback: str) -> str:
    labels = {
        "mgmt": _("Management and administration"),
        "ict": _("Information and telecommunication technology"),
        "pol": _("Political, peace and humanitarian"),
        "econ": _("Economic, social and development"),
        "legal": _("Legal"),
        "info": _("Public information and conference management"),
        "safety": _("Safety and security"),
        "finance": _("Finance, budget and audit"),
        "supply": _("Supply chain, procurement and logistics"),
        "health": _("Health"),
        "science": _("Science, engineering and environment"),
        "hr": _("Human resources"),
        "education": _("Education"),
        "other": _("General competencies"),
    }
    return labels.get(family_id, fallback)


def sdg_label(goal: int, fallback: str) -> str:
    labels = {
        1: _("No poverty"),
        2: _("Zero hunger"),
        3: _("Good health and well-being"),
        4: _("Quality education"),
        5: _("Gender equality"),
        6: _("Clean water and sanitation"),
        7: _("Affordable and clean energy"),
        8: _("Decent work and economic growth"),
        9: _("Industry, innovation and infrastructure"),
        10: _("Reduced inequalities"),
        11: _("Sustainable cities and communities"),
        12: _("Responsible consumption and production"),
        13: _("Climate action"),
        14: _("Life below water"),
        15: _("Life on land"),
        16: _("Peace, justice and strong institutions"),
        17: _("Partnerships for the goals"),
    }
    return labels.get(goal, fallback)


def mention_label(kind: str, value: str) -> str:
    labels = {
        "grade": _("Grade: %(value)s"),
        "contract": _("Contract: %(value)s"),
        "duration": _("Duration: %(value)s"),
    }
    return labels.get(kind, "%(value)s") % {"value": value}


@cache
def _language_names(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).languages)


def language_name(code: str, english_name: str) -> str:
    name = _language_names(current_locale()).get(code) or english_name
    return name[:1].upper() + name[1:]


class _Marks:
    """Evidence spans kept for marking: each gets an anchor; a span overlapping one
    already kept shares its anchor instead of nesting marks."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.spans: list[tuple[int, int, str]] = []

    def add(self, evidence: Evidence | None) -> str | None:
        if evidence is None:
            return None
        start, end = evidence.start, evidence.end
        if not (0 <= start < end <= len(self.description)):
            return None
        if self.description[start:end] != evidence.text:
            return None
        for kept_start, kept_end, anchor in self.spans:
            if start < kept_end and kept_start < end:
                return anchor
        anchor = f"evidence-{len(self.spans) + 1}"
        self.spans.append((start, end, anchor))
        return anchor


def requirements_view(description: str, found: Requirements | None) -> RequirementsView | None:
    """The lines and the marked description, or ``None`` when there is no analysis yet."""
    if found is None:
        return None
    # The text the offsets point into: the description as the pipeline read it (the same
    # words; a space added in runs of over 200 characters without one).
    body = prepare_text(description)
    marks = _Marks(body)
    view = RequirementsView(
        education=_education_lines(found, marks),
        experience=_experience_lines(found, marks),
        languages=_language_lines(found, marks),
        terms=_term_lines(found, marks),
        skills=[
            Line(item.label, marks.add(item.evidence[0] if item.evidence else None))
            for item in found.skills[:MAX_SKILLS]
        ],
        families=[family_label(f.id, f.label) for f in found.job_families[:MAX_FAMILIES]],
        sdgs=[
            Line(
                _("Goal %(num)d: %(label)s", num=item.goal, label=sdg_label(item.goal, item.label)),
                marks.add(item.evidence[0] if item.evidence else None),
            )
            for item in found.sdgs
        ],
        truncated=found.truncated,
    )
    view.paragraphs = marked_paragraphs(body, marks.spans)
    return view


def _education_lines(found: Requirements, marks: _Marks) -> list[Line]:
    lines: list[Line] = []
    shown: set[tuple[str, tuple[str, ...], str]] = set()
    for item in found.education:
        key = (item.level, tuple(item.fields), item.need)
        # A degree named again (as in the in-lieu sentence) adds nothing without fields.
        again = any(level == item.level and need == item.need for level, _, need in shown)
        if key in shown or (again and not item.fields):
            continue
        shown.add(key)
        text = education_label(item.level)
        if item.fields:
            text = _("%(degree)s in %(fields)s", degree=text, fields=", ".join(item.fields))
        if item.need == "desirable":
            text = _("%(what)s (desirable)", what=text)
        lines.append(Line(text, marks.add(item.evidence)))
    lieu = found.in_lieu
    if lieu is not None:
        degree = _degree_in_sentence(lieu.level)
        if lieu.extra_years:
            text = ngettext(
                "or %(degree)s with %(num)d more year of experience",
                "or %(degree)s with %(num)d more years of experience",
                lieu.extra_years,
                degree=degree,
            )
        else:
            text = _("or %(degree)s with more experience", degree=degree)
        lines.append(Line(text, marks.add(lieu.evidence)))
    return lines


def _experience_lines(found: Requirements, marks: _Marks) -> list[Line]:
    lines: list[Line] = []
    for item in found.experience:
        text = ngettext(
            "At least %(num)d year of experience",
            "At least %(num)d years of experience",
            item.min_years,
        )
        scope = {"international": _("international"), "national": _("national")}.get(
            item.scope or ""
        )
        details = [x for x in (scope, item.field) if x]
        if details:
            text = f"{text} ({'; '.join(details)})"
        if item.degree:
            text = _(
                "%(what)s, with %(degree)s", what=text, degree=_degree_in_sentence(item.degree)
            )
        if item.need == "desirable":
            text = _("%(what)s (desirable)", what=text)
        lines.append(Line(text, marks.add(item.evidence)))
    return lines


def _language_lines(found: Requirements, marks: _Marks) -> list[Line]:
    lines: list[Line] = []
    for item in found.languages:
        parts = [need_label(item.need)]
        level = language_level_label(item.level)
        if level:
            parts.append(level)
        text = f"{language_name(item.code, item.name)}: {', '.join(parts)}"
        lines.append(Line(text, marks.add(item.evidence)))
    return lines


def _term_lines(found: Requirements, marks: _Marks) -> list[Line]:
    lines: list[Line] = []
    seen: set[tuple[str, str]] = set()
    for item in found.mentions:
        key = (item.kind, item.value.casefold())
        if key not in seen:
            seen.add(key)
            lines.append(Line(mention_label(item.kind, item.value), marks.add(item.evidence)))
    return lines


def marked_paragraphs(text: str, spans: list[tuple[int, int, str]]) -> list[list[Segment]]:
    """``text`` in paragraphs (split at blank lines, as the page shows descriptions),
    each a list of segments, the spans marked; a span across paragraphs is marked in
    each, its anchor on the first piece."""
    bounds: list[tuple[int, int]] = []
    position = 0
    for separator in _BLANK_LINES.finditer(text):
        bounds.append((position, separator.start()))
        position = separator.end()
    bounds.append((position, len(text)))
    ordered = sorted(spans)
    anchored: set[str] = set()
    paragraphs: list[list[Segment]] = []
    for start, end in bounds:
        while start < end and text[start] == "\n":
            start += 1
        while end > start and text[end - 1] == "\n":
            end -= 1
        if not text[start:end].strip():
            continue
        segments: list[Segment] = []
        cursor = start
        for span_start, span_end, anchor in ordered:
            if span_end <= start or span_start >= end:
                continue
            piece_start, piece_end = max(span_start, start), min(span_end, end)
            if piece_start > cursor:
                segments.append(Segment(text[cursor:piece_start]))
            first = anchor not in anchored
            anchored.add(anchor)
            segments.append(
                Segment(text[piece_start:piece_end], marked=True, anchor=anchor if first else None)
            )
            cursor = piece_end
        if cursor < end:
            segments.append(Segment(text[cursor:end]))
        paragraphs.append(segments)
    return paragraphs
