"""JPO facts, skills with job families, and SDG tags.

* JPO: :func:`vacancies.jpo.read_jpo` decides; its evidence sentences are mapped back to
  character spans of the text (those that came from the title have no span).
* Skills: every skill phrase of the taxonomy (``vacancies.taxonomy``) in one
  PhraseMatcher on lower-case tokens, and the case-sensitive ones ("GIS", "SAP") in one on
  exact tokens. Job families are ranked by the skills found: each skill weighs 1, plus
  0.25 per further occurrence (at most 3 more); a family's score is its share of the
  total weight.
* SDGs: the goals' ``terms`` in a PhraseMatcher on lower-case tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from vacancies.jpo import read_jpo

from ._text import EVIDENCE_MAX, evidence, text_of
from .models import Evidence, FamilyScore, JpoRequirement, SdgTag, SkillMatch

MAX_EVIDENCE_PER_ITEM = 5
MAX_FAMILIES = 5

for _name in ("norec_jpo", "norec_skills", "norec_families", "norec_sdgs"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

TITLE_KEY = "norec_title"
"""``doc.user_data`` key of the vacancy title, read by the JPO component."""


def load_taxonomy(extra_skill_files: Iterable[str] = ()) -> Any | None:
    """The project's taxonomy, or None while ``vacancies.taxonomy`` is not installed."""
    try:
        from vacancies.taxonomy import load_taxonomy as load
    except ImportError:  # pragma: no cover - the module ships with the project
        return None
    return load(extra_skill_files=tuple(Path(p) for p in extra_skill_files))


# --- JPO -------------------------------------------------------------------------------


def locate(text: str, sentence: str) -> Evidence | None:
    """Where read_jpo's (whitespace-collapsed, maybe "…"-cut) sentence stands in text."""
    words = sentence.strip("… ").split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(word) for word in words[:60])
    match = re.search(pattern, text)
    if match is None:
        return None
    end = min(match.end(), match.start() + EVIDENCE_MAX)
    return evidence(text, match.start(), end)


def first_line(text: str) -> str:
    """The first non-empty line when it looks like the posting's title (short, no sentence
    punctuation at its end, more lines after it), else ""."""
    for line in text[:2_000].split("\n", 5):
        line = line.strip()
        if line:
            title_like = len(line) <= TITLE_MAX and line[-1] not in ".!?:;," and "\n" in text
            return line if title_like and line.count(" ") < 20 else ""
    return ""


TITLE_MAX = 160


class JpoReader:
    def __init__(self, name: str = "norec_jpo") -> None:
        self.name = name

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        read_jpo("", "")  # compiles the country tables once, at build time

    def __call__(self, doc: Doc) -> Doc:
        title = doc.user_data.get(TITLE_KEY) or first_line(text_of(doc))
        facts = read_jpo(title, text_of(doc))
        proofs = [p for p in (locate(text_of(doc), s) for s in facts.evidence) if p is not None]
        doc._.norec_jpo = JpoRequirement(
            is_jpo=facts.is_jpo,
            sponsors=list(facts.sponsors),
            nationalities=list(facts.nationalities),
            evidence=proofs,
        )
        return doc


# --- Skills and job families -------------------------------------------------------------


class SkillTagger:
    def __init__(self, nlp, name: str = "norec_skills", extra_skill_files=()) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.extra_skill_files = list(extra_skill_files)
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.skills: dict[str, Any] = {}
        self.families: dict[str, Any] = {}
        self.fingerprint = "no-taxonomy"

    def initialize(self, get_examples=None, *, nlp=None, extra_skill_files=None) -> None:
        if extra_skill_files is not None:
            self.extra_skill_files = list(extra_skill_files)
        taxonomy = load_taxonomy(self.extra_skill_files)
        self.lower = PhraseMatcher(self.vocab, attr="LOWER")
        self.exact = PhraseMatcher(self.vocab, attr="ORTH")
        if taxonomy is None or nlp is None:
            return
        self.fingerprint = str(taxonomy.fingerprint)
        self.families = {family.id: family for family in taxonomy.families}
        for skill in taxonomy.skills:
            self.skills[skill.id] = skill
            lower, exact = [], []
            for phrase in skill.phrases():
                (exact if phrase in skill.case_sensitive else lower).append(nlp.make_doc(phrase))
            if lower:
                self.lower.add(skill.id, lower)
            if exact:
                self.exact.add(skill.id, exact)

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[Evidence]] = {}
        counts: dict[str, int] = {}
        matches = [*self.lower(doc), *self.exact(doc)]
        matches.sort(key=lambda m: (m[1], -m[2]))
        taken_until = -1
        for match_id, start, end in matches:
            if start < taken_until:
                continue  # a longer phrase at the same place won
            taken_until = end
            skill_id = self.vocab.strings[match_id]
            counts[skill_id] = counts.get(skill_id, 0) + 1
            proofs = found.setdefault(skill_id, [])
            if len(proofs) < MAX_EVIDENCE_PER_ITEM:
                span = doc[start:end]
                proofs.append(evidence(text_of(doc), span.start_char, span.end_char))
        skills = []
        weights: dict[str, float] = {}
        for skill_id, proofs in found.items():
            skill = self.skills[skill_id]
            skills.append(
                SkillMatch(id=skill.id, label=skill.label, family=skill.family, evidence=proofs)
            )
            if skill.family:
                weight = 1 + 0.25 * min(counts[skill_id] - 1, 3)
                weights[skill.family] = weights.get(skill.family, 0.0) + weight
        total = sum(weights.values())
        families = []
        for family_id, weight in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])):
            family = self.families.get(family_id)
            label = family.label if family is not None else family_id
            families.append(FamilyScore(id=family_id, label=label, score=round(weight / total, 3)))
        doc._.norec_skills = skills
        doc._.norec_families = families[:MAX_FAMILIES]
        return doc


# --- SDGs ----------------------------------------------------------------------------------


class SdgTagger:
    def __init__(self, nlp, name: str = "norec_sdgs") -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.goals: dict[str, Any] = {}

    def initialize(self, get_examples=None, *, nlp=None) -> None:
        taxonomy = load_taxonomy()
        self.matcher = PhraseMatcher(self.vocab, attr="LOWER")
        if taxonomy is None or nlp is None:
            return
        for goal in taxonomy.sdgs:
            key = f"sdg_{goal.number}"
            self.goals[key] = goal
            self.matcher.add(key, [nlp.make_doc(term) for term in goal.terms])

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[Evidence]] = {}
        for match_id, start, end in self.matcher(doc):
            proofs = found.setdefault(self.vocab.strings[match_id], [])
            if len(proofs) < MAX_EVIDENCE_PER_ITEM:
                span = doc[start:end]
                proofs.append(evidence(text_of(doc), span.start_char, span.end_char))
        tags = [
            SdgTag(goal=self.goals[key].number, label=self.goals[key].label, evidence=proofs)
            for key, proofs in found.items()
        ]
        tags.sort(key=lambda tag: tag.goal)
        doc._.norec_sdgs = tags
        return doc
