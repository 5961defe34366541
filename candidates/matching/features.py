"""What the matcher reads of candidates and vacancies, as arrays: one row per candidate
or vacancy, so a score for every pair is a handful of matrix operations.

Pure: no database, no HTTP. Built once per index (``engine.MatchIndex.build``).

How each vacancy's skills are weighed (``Requirements.skills`` with their evidence):

* a skill in a sentence that calls it desirable ("an asset", "desirable", "would be an
  advantage", "ønskelig", "en fordel") is a *desirable* skill;
* otherwise it is a required skill, counting in full when found in a section that says
  what the post asks for (qualifications, competencies, skills, education, experience,
  languages) or when the text has no such section, and ``skills.elsewhere_weight``
  when found only in the duties or the background.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from candidates.matching.config import Weights
from candidates.matching.models import CandidateFacts, VacancyFacts
from candidates.profile_models import CEFR_ORDER
from vacancies.nlp.models import EDUCATION_ORDER, Requirements, SkillMatch
from vacancies.regions import countries_in, regions
from vacancies.taxonomy import load_taxonomy

ASKING_SECTIONS = frozenset(
    {"competencies", "education", "experience", "languages", "qualifications", "skills"}
)
DESIRABLE = re.compile(
    r"\b(?:desirable|an?\s+(?:added\s+)?(?:asset|advantage|plus)|advantageous|"
    r"preferred|preferably|nice\s+to\s+have|ønskelig|en\s+fordel)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;!?\n]")
PREFERENCE_KINDS = ("organization", "place", "grade", "contract")
LANGUAGE_ALIASES = {"nb": "no", "nn": "no"}
_FIELD_WORD = re.compile(r"[^\W\d_]{3,}")
_FIELD_STOP = frozenset(
    [
        "and",
        "the",
        "related",
        "field",
        "fields",
        "relevant",
        "other",
        "similar",
        "studies",
        "study",
        "science",
        "sciences",
        "area",
        "areas",
        "discipline",
        "disciplines",
        "degree",
        "such",
    ]
)


def language_code(code: str) -> str:
    return LANGUAGE_ALIASES.get(code, code)


def field_words(text: str) -> frozenset[str]:
    """Content words of an education field, for comparing the post's with the profile's."""
    return frozenset(w for w in _FIELD_WORD.findall(text.casefold()) if w not in _FIELD_STOP)


# --- Vacancy side ----------------------------------------------------------------------


def _sentence_around(text: str, start: int, end: int) -> str:
    if not (0 <= start <= end <= len(text)):
        return ""
    left = max(
        (m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 300), start)),
        default=max(0, start - 300),
    )
    right_match = _SENTENCE_END.search(text, end, end + 300)
    right = right_match.start() if right_match else min(len(text), end + 300)
    return text[left:right]


def skill_weights(
    req: Requirements, description: str, elsewhere: float
) -> tuple[dict[str, float], list[str]]:
    """(required skill id -> weight, desirable skill ids) of one analysed post."""
    asking = [s for s in req.sections if s.kind in ASKING_SECTIONS]
    required: dict[str, float] = {}
    desirable: list[str] = []
    for skill in req.skills:
        kind = _skill_kind(skill, req, description, bool(asking))
        if kind == "desirable":
            desirable.append(skill.id)
        else:
            required[skill.id] = 1.0 if kind == "asked" else elsewhere
    return required, desirable


def _skill_kind(skill: SkillMatch, req: Requirements, description: str, has_asking: bool) -> str:
    if not skill.evidence:
        return "asked"
    in_asking = False
    all_desirable = True
    for evidence in skill.evidence:
        if not DESIRABLE.search(_sentence_around(description, evidence.start, evidence.end)):
            all_desirable = False
        for section in req.sections:
            if section.start <= evidence.start < section.end and section.kind in ASKING_SECTIONS:
                in_asking = True
    if all_desirable:
        return "desirable"
    return "asked" if in_asking or not has_asking else "elsewhere"


def post_language_rank(level: str | None, weights: Weights) -> int:
    return int(weights.languages.get(level or "unspecified", weights.languages["unspecified"]))


def asked_years(vacancy: VacancyFacts, weights: Weights) -> float | None:
    """Years of experience asked: the post's minimum, else the grade's usual one."""
    req = vacancy.requirements
    if req is not None and req.experience_min_years is not None:
        return float(req.experience_min_years)
    years = weights.grade_years.get(vacancy.grade or "")
    return None if years is None else float(years)


def international_years(vacancy: VacancyFacts) -> float | None:
    req = vacancy.requirements
    if req is None:
        return None
    asked = [e.min_years for e in req.experience if e.scope == "international"]
    return float(max(asked)) if asked else None


@dataclass(frozen=True)
class Vocab:
    """Column numbering shared by both sides."""

    skills: dict[str, int]
    families: dict[str, int]
    languages: dict[str, int]
    fields: dict[str, int]
    preferences: dict[str, int]


def _index(values) -> dict[str, int]:
    return {value: i for i, value in enumerate(sorted(set(values)))}


def build_vocab(candidates: Sequence[CandidateFacts], vacancies: Sequence[VacancyFacts]) -> Vocab:
    taxonomy = load_taxonomy()
    skills: set[str] = {s.id for s in taxonomy.skills}
    langs: set[str] = set()
    fields: set[str] = set()
    prefs: set[str] = set()
    for c in candidates:
        p = c.profile
        skills.update(p.skills)
        langs.update(language_code(item.code) for item in p.languages)
    for v in vacancies:
        req = v.requirements
        prefs.update(_vacancy_preferences(v))
        if req is None:
            continue
        skills.update(s.id for s in req.skills)
        langs.update(language_code(item.code) for item in req.languages)
        for item in req.education:
            for name in item.fields:
                fields.update(field_words(name))
    return Vocab(
        skills=_index(skills),
        families=_index(f.id for f in taxonomy.families),
        languages=_index(langs),
        fields=_index(fields),
        preferences=_index(prefs),
    )


def _vacancy_preferences(v: VacancyFacts) -> list[str]:
    out = []
    if v.organization:
        out.append(f"organization:{v.organization}")
    if v.country:
        out.append(f"place:{v.country}")
    if v.grade:
        out.append(f"grade:{v.grade}")
    if v.category:
        out.append(f"contract:{v.category}")
    return out


def _csr(rows: list[dict[int, float]], width: int) -> sparse.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for row in rows:
        for col in sorted(row):
            indices.append(col)
            data.append(row[col])
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
        shape=(len(rows), width),
    )


@dataclass
class Groups:
    """Vacancies grouped by an equal requirement (few distinct values among many posts):
    a component computed once per (candidate, group) and gathered per vacancy."""

    keys: list[tuple]
    of: np.ndarray
    """Group number of each vacancy."""

    @classmethod
    def of_keys(cls, keys: Sequence[tuple]) -> Groups:
        numbers: dict[tuple, int] = {}
        of = np.fromiter((numbers.setdefault(k, len(numbers)) for k in keys), dtype=np.int32)
        return cls(keys=list(numbers), of=of)


@dataclass
class VacancyFeatures:
    ids: np.ndarray
    skills_required: sparse.csr_matrix
    skills_desirable: sparse.csr_matrix
    languages: Groups
    """Key: tuple of (language column, rank asked, required, weight)."""
    education: Groups
    """Key: (rank asked, in-lieu rank, extra years, years asked) or () when none."""
    fields: sparse.csr_matrix
    has_fields: np.ndarray
    experience: Groups
    """Key: (years asked, international years asked or -1) or () when none."""
    families: np.ndarray
    """Dense (n, families): each family's score divided by the post's top score."""
    preferences: sparse.csr_matrix
    preference_unknown: np.ndarray
    """(n, 4): 1 where the post does not give that preference's value."""
    applies: np.ndarray
    """(components, n) bool: which components apply to each post (text: has text)."""
    organization: np.ndarray
    grade: np.ndarray
    country: np.ndarray
    is_jpo: np.ndarray
    skill_split: list[tuple[dict[str, float], list[str]]]
    """Per post: (required skill id -> weight, desirable skill ids), for the sentences."""


def vacancy_features(
    vacancies: Sequence[VacancyFacts], vocab: Vocab, weights: Weights, components: Sequence[str]
) -> VacancyFeatures:
    from candidates.eligibility import vacancy_is_jpo

    n = len(vacancies)
    elsewhere = weights.skills.get("elsewhere_weight", 0.5)
    required_rows: list[dict[int, float]] = []
    desirable_rows: list[dict[int, float]] = []
    lang_keys: list[tuple] = []
    edu_keys: list[tuple] = []
    exp_keys: list[tuple] = []
    field_rows: list[dict[int, float]] = []
    pref_rows: list[dict[int, float]] = []
    split: list[tuple[dict[str, float], list[str]]] = []
    families = np.zeros((n, len(vocab.families)), dtype=np.float32)
    unknown = np.zeros((n, len(PREFERENCE_KINDS)), dtype=np.float32)
    for i, v in enumerate(vacancies):
        req = v.requirements
        required, desirable = skill_weights(req, v.description, elsewhere) if req else ({}, [])
        split.append((required, desirable))
        total = sum(required.values())
        required_rows.append({vocab.skills[s]: w / total for s, w in required.items()})
        desirable_rows.append({vocab.skills[s]: 1 / len(desirable) for s in desirable})
        lang_keys.append(_language_key(req, vocab, weights))
        years = asked_years(v, weights)
        edu_keys.append(_education_key(req, years))
        field_rows.append(
            {
                vocab.fields[w]: 1.0
                for e in (req.education if req else [])
                for f in e.fields
                for w in field_words(f)
            }
        )
        intl = international_years(v)
        exp_keys.append(() if years is None else (years, -1.0 if intl is None else intl))
        if req is not None and req.job_families:
            top = max(f.score for f in req.job_families) or 1.0
            for f in req.job_families:
                if f.id in vocab.families:
                    families[i, vocab.families[f.id]] = f.score / top
        values = _vacancy_preferences(v)
        pref_rows.append({vocab.preferences[value]: 1.0 for value in values})
        given = {value.split(":", 1)[0] for value in values}
        unknown[i] = [kind not in given for kind in PREFERENCE_KINDS]
    fields = _csr(field_rows, len(vocab.fields))
    features = VacancyFeatures(
        ids=np.array([v.id for v in vacancies], dtype=np.int64),
        skills_required=_csr(required_rows, len(vocab.skills)),
        skills_desirable=_csr(desirable_rows, len(vocab.skills)),
        languages=Groups.of_keys(lang_keys),
        education=Groups.of_keys(edu_keys),
        fields=fields,
        has_fields=np.diff(fields.indptr) > 0,
        experience=Groups.of_keys(exp_keys),
        families=families,
        preferences=_csr(pref_rows, len(vocab.preferences)),
        preference_unknown=unknown,
        applies=np.ones((len(components), n), dtype=bool),
        organization=np.array([v.organization or "" for v in vacancies], dtype=object),
        grade=np.array([v.grade or "" for v in vacancies], dtype=object),
        country=np.array([v.country or "" for v in vacancies], dtype=object),
        is_jpo=np.array([vacancy_is_jpo(v) for v in vacancies], dtype=bool),
        skill_split=split,
    )
    applies = features.applies
    at = {name: k for k, name in enumerate(components)}
    applies[at["required_skills"]] = np.diff(features.skills_required.indptr) > 0
    applies[at["desirable_skills"]] = np.diff(features.skills_desirable.indptr) > 0
    applies[at["languages"]] = [bool(k) for k in lang_keys]
    applies[at["education"]] = [bool(k) for k in edu_keys]
    applies[at["experience"]] = [bool(k) for k in exp_keys]
    applies[at["job_family"]] = families.any(axis=1)
    return features


def language_alternatives(req: Requirements) -> list[list]:
    """The post's language requirements, grouped where the text offers a choice:
    requirements read from the same words, at the same level and need, joined by "or"
    ("English or French", "limited knowledge of French or Spanish") are one requirement
    any of which meets it. Others stand alone. In the order the post names them."""
    groups: dict[tuple, list] = {}
    for item in req.languages:
        text = f" {item.evidence.text.casefold()} "
        choice = " or " in text or " eller " in text
        key = (
            (item.evidence.start, item.evidence.end, item.level, item.need)
            if choice
            else (id(item),)
        )
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def _language_key(req: Requirements | None, vocab: Vocab, weights: Weights) -> tuple:
    """Per requirement: (alternative language columns, rank asked, required, weight)."""
    if req is None:
        return ()
    desirable = weights.languages.get("desirable_weight", 0.5)
    items = set()
    for group in language_alternatives(req):
        first = group[0]
        cols = tuple(sorted({vocab.languages[language_code(i.code)] for i in group}))
        required = first.need == "required"
        rank = post_language_rank(first.level, weights)
        items.add((cols, rank, required, 1.0 if required else desirable))
    return tuple(sorted(items))


def _education_key(req: Requirements | None, years: float | None) -> tuple:
    if req is None or req.education_min is None:
        if req is not None and any(e.fields for e in req.education):
            return (0, 0, 0.0, 0.0)
        return ()
    rank = EDUCATION_ORDER[req.education_min]
    if req.in_lieu is None:
        return (rank, 0, 0.0, 0.0)
    extra = 2.0 if req.in_lieu.extra_years is None else float(req.in_lieu.extra_years)
    return (rank, EDUCATION_ORDER[req.in_lieu.level], extra, years or 0.0)


# --- Candidate side -----------------------------------------------------------------------


@dataclass
class CandidateFeatures:
    ids: np.ndarray
    skills: sparse.csr_matrix
    languages: np.ndarray
    """(n, languages) int8: CEFR rank (0 = not spoken)."""
    education: np.ndarray
    experience: np.ndarray
    international: np.ndarray
    fields: sparse.csr_matrix
    families: np.ndarray
    """(n, families) float32: 1 for a family stated; else a third per skill of that
    family the candidate has, at most 1."""
    preferences: sparse.csr_matrix
    stated: np.ndarray
    """(n, 4) float32: 1 where the candidate stated that kind of preference."""
    applies: np.ndarray
    """(components, n) bool."""


def candidate_features(
    candidates: Sequence[CandidateFacts], vocab: Vocab, components: Sequence[str]
) -> CandidateFeatures:
    taxonomy = load_taxonomy()
    family_of = {s.id: s.family for s in taxonomy.skills}
    n = len(candidates)
    languages = np.zeros((n, len(vocab.languages)), dtype=np.int8)
    families = np.zeros((n, len(vocab.families)), dtype=np.float32)
    stated = np.zeros((n, len(PREFERENCE_KINDS)), dtype=np.float32)
    skill_rows, field_rows, pref_rows = [], [], []
    region_table = regions()
    for i, c in enumerate(candidates):
        p = c.profile
        skill_rows.append({vocab.skills[s]: 1.0 for s in p.skills if s in vocab.skills})
        for item in p.languages:
            col = vocab.languages.get(language_code(item.code))
            if col is not None:
                languages[i, col] = max(languages[i, col], CEFR_ORDER[item.level])
        field_rows.append(
            {vocab.fields[w]: 1.0 for w in field_words(p.education_field) if w in vocab.fields}
        )
        for s in p.skills:
            col = vocab.families.get(family_of.get(s, ""))
            if col is not None:
                families[i, col] = min(1.0, families[i, col] + 1 / 3)
        for f in p.job_families:
            if f in vocab.families:
                families[i, vocab.families[f]] = 1.0
        slugs = [r for r in p.regions if r in region_table.by_slug]
        values = {
            "organization": [f"organization:{o}" for o in p.organizations],
            "place": [f"place:{c}" for c in {*p.duty_stations, *countries_in(slugs)}],
            "grade": [f"grade:{g}" for g in p.grades],
            "contract": [f"contract:{t}" for t in p.contract_types],
        }
        row = {}
        for k, kind in enumerate(PREFERENCE_KINDS):
            stated[i, k] = bool(values[kind])
            row.update({vocab.preferences[v]: 1.0 for v in values[kind] if v in vocab.preferences})
        pref_rows.append(row)
    applies = np.ones((len(components), n), dtype=bool)
    applies[list(components).index("preferences")] = stated.any(axis=1)
    return CandidateFeatures(
        ids=np.array([c.id for c in candidates], dtype=np.int64),
        skills=_csr(skill_rows, len(vocab.skills)),
        languages=languages,
        education=np.array(
            [EDUCATION_ORDER.get(c.profile.education_level or "", 0) for c in candidates],
            dtype=np.int8,
        ),
        experience=np.array([c.profile.experience_years for c in candidates], dtype=np.float32),
        international=np.array(
            [c.profile.international_years for c in candidates], dtype=np.float32
        ),
        fields=_csr(field_rows, len(vocab.fields)),
        families=families,
        preferences=_csr(pref_rows, len(vocab.preferences)),
        stated=stated,
        applies=applies,
    )


def stack_candidates(
    old: CandidateFeatures, keep: np.ndarray, new: CandidateFeatures
) -> CandidateFeatures:
    """``old``'s rows ``keep``, then ``new``'s rows (same vocabulary)."""
    return CandidateFeatures(
        ids=np.concatenate([old.ids[keep], new.ids]),
        skills=sparse.vstack([old.skills[keep], new.skills]).tocsr(),
        languages=np.concatenate([old.languages[keep], new.languages]),
        education=np.concatenate([old.education[keep], new.education]),
        experience=np.concatenate([old.experience[keep], new.experience]),
        international=np.concatenate([old.international[keep], new.international]),
        fields=sparse.vstack([old.fields[keep], new.fields]).tocsr(),
        families=np.concatenate([old.families[keep], new.families]),
        preferences=sparse.vstack([old.preferences[keep], new.preferences]).tocsr(),
        stated=np.concatenate([old.stated[keep], new.stated]),
        applies=np.concatenate([old.applies[:, keep], new.applies], axis=1),
    )


# --- Per (candidate, group) tables ---------------------------------------------------------


def language_table(
    c: CandidateFeatures, groups: Groups, weights: Weights
) -> tuple[np.ndarray, np.ndarray]:
    """(score, decisive failure), each (candidates, groups)."""
    step = weights.languages.get("step", 0.25)
    decisive = weights.languages.get("decisive_below", 4)
    n = c.languages.shape[0]
    score = np.zeros((n, len(groups.keys)), dtype=np.float32)
    fail = np.zeros((n, len(groups.keys)), dtype=bool)
    for g, key in enumerate(groups.keys):
        if not key:
            continue
        total = np.zeros(n, dtype=np.float32)
        for cols, rank, required, weight in key:
            have = c.languages[:, list(cols)].max(axis=1).astype(np.float32)
            total += weight * np.clip(1 - (rank - have) * step, 0, 1)
            if required:
                fail[:, g] |= have < min(decisive, rank)
        score[:, g] = np.where(fail[:, g], 0, total / sum(k[3] for k in key))
    return score, fail


def education_table(c: CandidateFeatures, groups: Groups, weights: Weights) -> np.ndarray:
    short = weights.education.get("in_lieu_short", 0.6)
    below = weights.education.get("one_below", 0.4)
    n = len(c.education)
    out = np.zeros((n, len(groups.keys)), dtype=np.float32)
    rank = c.education.astype(np.int16)
    for g, key in enumerate(groups.keys):
        if not key:
            continue
        asked, lieu, extra, years = key
        if asked == 0:
            out[:, g] = 1.0  # fields only: the level part is met by definition
            continue
        score = np.where(rank >= asked, 1.0, np.where(rank == asked - 1, below, 0.0))
        if lieu:
            in_lieu = (rank >= lieu) & (rank < asked)
            enough = c.experience >= years + extra
            score = np.where(in_lieu, np.where(enough, 1.0, np.maximum(short, score)), score)
        score[rank == 0] = 0.0
        out[:, g] = score
    return out


def experience_table(c: CandidateFeatures, groups: Groups, weights: Weights) -> np.ndarray:
    cfg = weights.experience
    after, step, floor = (
        cfg.get("over_after", 10),
        cfg.get("over_step", 0.05),
        cfg.get("over_floor", 0.5),
    )
    share = cfg.get("international_share", 0.3)
    n = len(c.experience)
    out = np.zeros((n, len(groups.keys)), dtype=np.float32)
    years = c.experience
    for g, key in enumerate(groups.keys):
        if not key:
            continue
        asked, intl = key
        base = np.ones(n, dtype=np.float32) if asked <= 0 else np.minimum(1, years / asked)
        over = years - asked - after
        base = np.where(over > 0, np.maximum(floor, 1 - over * step), base)
        if intl >= 0:
            part = (
                np.ones(n, dtype=np.float32) if intl <= 0 else np.minimum(1, c.international / intl)
            )
            base = (1 - share) * base + share * part
        out[:, g] = base
    return out
