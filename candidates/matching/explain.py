"""The sentence of each component, for the rows a query returns (never for all pairs).

Every sentence is a msgid marked with ``_`` (extracted by ``pybabel extract``) and its
parameters; ``explanation`` is the English text (``message % params``), the pages
translate ``message`` and fill in the same parameters. Parameters are names, codes and
numbers as the profile and the post give them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from candidates.matching import features as feat
from candidates.matching.models import COMPONENTS, CandidateFacts, Component, VacancyFacts
from candidates.profile_models import CEFR_ORDER
from vacancies.nlp.models import EDUCATION_ORDER
from vacancies.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from candidates.matching.engine import MatchIndex

LISTED = 8
"""Names listed in one sentence before "and N more"."""
TERMS = 6
LEVELS = {name: rank for rank, name in enumerate(("", "A1", "A2", "B1", "B2", "C1", "C2"))}
RANK_NAMES = {rank: name for name, rank in CEFR_ORDER.items()}
POST_LEVELS = {"fluent": "fluent", "working": "working knowledge of", "basic": "basic"}
DEGREES = {
    "secondary": "secondary education",
    "bachelor": "bachelor's degree",
    "master": "master's degree",
    "doctorate": "doctorate",
}
DEGREE_OF_RANK = {rank: DEGREES[name] for name, rank in EDUCATION_ORDER.items()}


def _(message: str) -> str:
    """Marks a msgid for extraction (babel keyword ``_``); translated where shown."""
    return message


MESSAGES: dict[str, str] = {
    "unanalysed": _("The post has not been analysed yet, so this does not count."),
    "skills.none": _("The post names no skills the portal recognises, so this does not count."),
    "skills.all": _("You have all %(total)s skills the post asks for: %(matched)s."),
    "skills.some": _(
        "You have %(have)s of the %(total)s skills the post asks for: %(matched)s. "
        "Not in your profile: %(missing)s."
    ),
    "skills.zero": _("You have none of the %(total)s skills the post asks for: %(missing)s."),
    "desirable.none": _("The post names no desirable skills, so this does not count."),
    "desirable.all": _("You have all %(total)s desirable skills: %(matched)s."),
    "desirable.some": _(
        "You have %(have)s of the %(total)s desirable skills: %(matched)s. "
        "Not in your profile: %(missing)s."
    ),
    "desirable.zero": _("You have none of the %(total)s desirable skills: %(missing)s."),
    "languages.none": _("The post names no language requirement, so this does not count."),
    "languages.met": _("You meet the post's language requirements: %(languages)s."),
    "languages.partly": _("You partly meet the post's language requirements: %(languages)s."),
    "languages.missing": _(
        "The post requires %(level)s %(language)s; your profile gives %(yours)s. "
        "Without it the whole score is capped at %(cap)s."
    ),
    "education.none": _("The post states no education requirement, so this does not count."),
    "education.met": _("The post asks for a %(level)s; you have a %(yours)s."),
    "education.in_lieu": _(
        "The post asks for a %(level)s, or a %(in_lieu)s with %(extra)s more years of "
        "experience; you have a %(yours)s and %(years)s years."
    ),
    "education.in_lieu_short": _(
        "The post asks for a %(level)s, or a %(in_lieu)s with %(extra)s more years of "
        "experience; you have a %(yours)s but %(years)s years, fewer than that."
    ),
    "education.below": _("The post asks for a %(level)s; your profile gives a %(yours)s."),
    "education.missing": _("The post asks for a %(level)s. Add your education to your profile."),
    "education.fields": _("The post names fields of study: %(fields)s."),
    "education.field_met": _(
        "The post names fields of study (%(fields)s); your field, %(yours)s, is among them."
    ),
    "education.field_other": _(
        "The post names fields of study (%(fields)s); your field is %(yours)s."
    ),
    "experience.none": _(
        "The post states no experience requirement and no grade, so this does not count."
    ),
    "experience.met": _("The post asks for %(asked)s years of experience; you have %(years)s."),
    "experience.short": _(
        "The post asks for %(asked)s years of experience; you have %(years)s, fewer than asked."
    ),
    "experience.over": _(
        "The post asks for %(asked)s years of experience; with %(years)s you may be more "
        "senior than the post."
    ),
    "experience.grade_met": _(
        "A %(grade)s post usually asks for %(asked)s years of experience; you have %(years)s."
    ),
    "experience.grade_short": _(
        "A %(grade)s post usually asks for %(asked)s years of experience; you have "
        "%(years)s, fewer than that."
    ),
    "experience.grade_over": _(
        "A %(grade)s post usually asks for %(asked)s years of experience; with %(years)s "
        "you may be more senior than the post."
    ),
    "experience.international": _(
        "The post asks for %(asked)s years of experience, %(intl_asked)s of them "
        "international; you have %(years)s, %(intl)s of them international."
    ),
    "family.none": _("The post's job family is not known, so this does not count."),
    "family.met": _("The post is in %(families)s; so is your profile."),
    "family.partly": _(
        "The post is mainly in %(families)s; your profile is closest through %(yours)s."
    ),
    "family.other": _("The post is in %(families)s; your profile is in %(yours)s."),
    "family.unknown": _(
        "The post is in %(families)s. Add job families or skills to your profile to compare."
    ),
    "preferences.none": _(
        "You stated no preferences (organisation, duty station, grade or contract), so "
        "they do not count."
    ),
    "preferences.all": _("The post matches your preferences: %(met)s."),
    "preferences.some": _("The post matches your preferences for %(met)s, not for %(unmet)s."),
    "preferences.zero": _("The post matches none of your preferences: %(unmet)s."),
    "text.none": _("Add a summary or upload a CV to compare your experience with the post's text."),
    "text.post": _("The post has no text to compare with."),
    "text.shared": _(
        "Your summary and CV use words of the post such as %(terms)s "
        "(text similarity %(similarity)s)."
    ),
    "text.little": _("Your summary and CV have little text in common with the post."),
}


def _list(names: list[str]) -> str:
    if len(names) <= LISTED:
        return ", ".join(names)
    return ", ".join(names[:LISTED]) + f" (+{len(names) - LISTED})"


def _num(value: float) -> str:
    return f"{value:g}"


def explain(
    index: MatchIndex,
    candidate: CandidateFacts,
    vacancy: VacancyFacts,
    scores: dict[str, float],
    applies: dict[str, bool],
    *,
    language_fail: bool,
) -> list[Component]:
    """The eight components of one pair, with weights, contributions and sentences."""
    weights = {name: index.weights.weight(name) if applies[name] else 0.0 for name in COMPONENTS}
    total = max(sum(weights.values()), float(index.min_weight)) or 1.0
    builders = {
        "required_skills": _required,
        "desirable_skills": _desirable,
        "languages": _languages,
        "education": _education,
        "experience": _experience,
        "job_family": _family,
        "preferences": _preferences,
        "text": _text,
    }
    out = []
    for name in COMPONENTS:
        score = round(min(1.0, max(0.0, scores[name])), 4) if applies[name] else 0.0
        key, params = builders[name](index, candidate, vacancy, language_fail=language_fail)
        message = MESSAGES[key]
        out.append(
            Component(
                name=name,
                score=score,
                weight=weights[name],
                contribution=round(min(1.0, weights[name] * score / total), 4),
                explanation=message % params,
                message=message,
                params=params,
            )
        )
    return out


def _skill_sentence(prefix, ids, have, taxonomy) -> tuple[str, dict]:
    def label(skill_id: str) -> str:
        try:
            return taxonomy.skill(skill_id).label
        except KeyError:
            return skill_id

    matched = [label(s) for s in ids if s in have]
    missing = [label(s) for s in ids if s not in have]
    params = {
        "total": len(ids),
        "have": len(matched),
        "matched": _list(matched),
        "missing": _list(missing),
    }
    if not missing:
        return f"{prefix}.all", params
    return (f"{prefix}.some" if matched else f"{prefix}.zero"), params


def _required(index, candidate, vacancy, **_kw) -> tuple[str, dict]:
    req = vacancy.requirements
    if req is None:
        return "unanalysed", {}
    required, _desirable_ids = index.v.skill_split[index.vac_pos[vacancy.id]]
    if not required:
        return "skills.none", {}
    ordered = sorted(required, key=lambda s: -required[s])
    return _skill_sentence("skills", ordered, set(candidate.profile.skills), load_taxonomy())


def _desirable(index, candidate, vacancy, **_kw) -> tuple[str, dict]:
    req = vacancy.requirements
    if req is None:
        return "unanalysed", {}
    _required_ids, desirable = index.v.skill_split[index.vac_pos[vacancy.id]]
    if not desirable:
        return "desirable.none", {}
    return _skill_sentence("desirable", desirable, set(candidate.profile.skills), load_taxonomy())


def _language_levels(candidate: CandidateFacts) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in candidate.profile.languages:
        code = feat.language_code(item.code)
        out[code] = max(out.get(code, 0), CEFR_ORDER[item.level])
    return out


def _languages(index, candidate, vacancy, *, language_fail: bool) -> tuple[str, dict]:
    req = vacancy.requirements
    if req is None:
        return "unanalysed", {}
    if not req.languages:
        return "languages.none", {}
    have = _language_levels(candidate)
    decisive = index.weights.languages.get("decisive_below", 4)
    parts = []
    all_met = True
    for group in feat.language_alternatives(req):
        item = group[0]
        asked = feat.post_language_rank(item.level, index.weights)
        best = max(group, key=lambda i: have.get(feat.language_code(i.code), 0))
        mine = have.get(feat.language_code(best.code), 0)
        name = " or ".join(i.name for i in group)
        yours = f"{best.name} at {RANK_NAMES[mine]}" if mine else f"no {name}"
        if language_fail and item.need == "required" and mine < min(decisive, asked):
            return "languages.missing", {
                "language": name,
                "level": POST_LEVELS.get(item.level or "", ""),
                "yours": yours,
                "cap": _num(index.weights.languages["cap"]),
            }
        all_met &= mine >= asked
        need = "required" if item.need == "required" else "desirable"
        level = f"{item.level}, " if item.level else ""
        shown = (
            f"{best.name} {RANK_NAMES[mine]}"
            if len(group) > 1 and mine
            else (RANK_NAMES[mine] if mine else "none")
        )
        parts.append(f"{name} ({level}{need}): {shown}")
    return ("languages.met" if all_met else "languages.partly"), {"languages": "; ".join(parts)}


def _education(index, candidate, vacancy, **_kw) -> tuple[str, dict]:
    req = vacancy.requirements
    if req is None:
        return "unanalysed", {}
    profile = candidate.profile
    fields = [f for e in req.education for f in e.fields]
    yours = DEGREES.get(profile.education_level or "", "")
    if req.education_min is None:
        if not fields:
            return "education.none", {}
        return _field_sentence(fields, profile.education_field)
    rank = EDUCATION_ORDER.get(profile.education_level or "", 0)
    asked = EDUCATION_ORDER[req.education_min]
    params = {"level": DEGREES[req.education_min], "yours": yours}
    if rank == 0:
        return "education.missing", params
    if rank >= asked:
        return "education.met", params
    lieu = req.in_lieu
    if lieu is not None and EDUCATION_ORDER[lieu.level] <= rank:
        extra = 2 if lieu.extra_years is None else lieu.extra_years
        years = feat.asked_years(vacancy, index.weights) or 0
        params |= {
            "in_lieu": DEGREES[lieu.level],
            "extra": extra,
            "years": _num(profile.experience_years),
        }
        enough = profile.experience_years >= years + extra
        return ("education.in_lieu" if enough else "education.in_lieu_short"), params
    return "education.below", params


def _field_sentence(fields: list[str], mine: str) -> tuple[str, dict]:
    params = {"fields": _list(list(dict.fromkeys(fields))), "yours": mine}
    if not mine:
        return "education.fields", params
    words = feat.field_words(mine)
    met = any(words & feat.field_words(f) for f in fields)
    return ("education.field_met" if met else "education.field_other"), params


def _experience(index, candidate, vacancy, **_kw) -> tuple[str, dict]:
    asked = feat.asked_years(vacancy, index.weights)
    if asked is None:
        return "experience.none", {}
    profile = candidate.profile
    years = profile.experience_years
    params = {"asked": _num(asked), "years": _num(years), "grade": vacancy.grade or ""}
    intl = feat.international_years(vacancy)
    if intl is not None:
        params |= {"intl_asked": _num(intl), "intl": _num(profile.international_years)}
        return "experience.international", params
    from_post = vacancy.requirements is not None and (
        vacancy.requirements.experience_min_years is not None
    )
    prefix = "experience." if from_post else "experience.grade_"
    after = index.weights.experience.get("over_after", 10)
    if years > asked + after:
        return prefix + "over", params
    return prefix + ("met" if years >= asked else "short"), params


def _family(index, candidate, vacancy, **_kw) -> tuple[str, dict]:
    req = vacancy.requirements
    if req is None:
        return "unanalysed", {}
    if not req.job_families:
        return "family.none", {}
    taxonomy = load_taxonomy()
    row = index.c.families[index.cand_pos[candidate.id]]
    ranked = sorted(req.job_families, key=lambda f: -f.score)
    top = ranked[0].score or 1.0
    main = [f.label for f in ranked if f.score >= top / 2]
    params = {"families": _list(main)}
    mine = [
        f for f in ranked if f.id in index.vocab.families and row[index.vocab.families[f.id]] > 0
    ]
    score = float(np.minimum(1, sum(row[index.vocab.families[f.id]] * f.score / top for f in mine)))
    if mine:
        params["yours"] = _list([f.label for f in mine])
        return ("family.met" if score >= 0.99 else "family.partly"), params
    own = [taxonomy.family(fid).label for fid, col in index.vocab.families.items() if row[col] > 0]
    if not own:
        return "family.unknown", params
    params["yours"] = _list(own)
    return "family.other", params


def _preferences(index, candidate, vacancy, **_kw) -> tuple[str, dict]:
    p = candidate.profile
    from vacancies.regions import countries_in, regions

    slugs = [r for r in p.regions if r in regions().by_slug]
    places = {*p.duty_stations, *countries_in(slugs)}
    checks = []
    if p.organizations:
        checks.append(
            (f"organisation {vacancy.organization or '?'}", vacancy.organization in p.organizations)
        )
    if places:
        checks.append(
            (
                f"duty station {vacancy.duty_station or vacancy.country or '?'}",
                vacancy.country in places,
            )
        )
    if p.grades:
        checks.append((f"grade {vacancy.grade or '?'}", vacancy.grade in p.grades))
    if p.contract_types:
        checks.append((f"contract {vacancy.category or '?'}", vacancy.category in p.contract_types))
    if not checks:
        return "preferences.none", {}
    met = [name for name, ok in checks if ok]
    unmet = [name for name, ok in checks if not ok]
    params = {"met": ", ".join(met), "unmet": ", ".join(unmet)}
    if not unmet:
        return "preferences.all", params
    return ("preferences.some" if met else "preferences.zero"), params


def _text(index, candidate, vacancy, **_kw) -> tuple[str, dict]:
    c_idx, c_val = _row(index.c_text, index.cand_pos[candidate.id])
    v_idx, v_val = _row(index.v_text, index.vac_pos[vacancy.id])
    if not len(v_idx):
        return "text.post", {}
    if not len(c_idx):
        return "text.none", {}
    common, in_c, in_v = np.intersect1d(c_idx, v_idx, assume_unique=True, return_indices=True)
    products = c_val[in_c] * v_val[in_v]
    similarity = float(products.sum())
    if not len(common) or similarity < 0.02:
        return "text.little", {}
    order = np.lexsort((common, -products))[:TERMS]
    terms = [str(index.text_model.terms[common[i]]) for i in order]
    return "text.shared", {"terms": ", ".join(terms), "similarity": f"{similarity:.2f}"}


def _row(matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:end], matrix.data[start:end]
