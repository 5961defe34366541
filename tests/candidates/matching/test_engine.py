"""The pure matching engine: components, the score, order, eligibility beside the score."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from candidates.matching.config import load_weights
from candidates.matching.engine import MatchIndex
from candidates.matching.models import (
    COMPONENTS,
    CandidateFacts,
    CandidateFilters,
    VacancyFacts,
    VacancyFilters,
)
from candidates.profile_models import ProfileIn
from vacancies.nlp.models import (
    EducationRequirement,
    Evidence,
    ExperienceRequirement,
    FamilyScore,
    InLieu,
    LanguageRequirement,
    Requirements,
    Section,
    SkillMatch,
)

TODAY = date(2026, 11, 23)
DEADLINE = datetime(2026, 12, 20, tzinfo=UTC)

DESCRIPTION = (
    "Responsibilities\n"
    "Lead project management and budgeting for the country office.\n"
    "Qualifications\n"
    "Experience in monitoring and evaluation and data analysis is required. "
    "Knowledge of GIS would be an asset.\n"
    "Fluency in English is required. Working knowledge of French is desirable.\n"
)


def _evidence(text: str, phrase: str) -> Evidence:
    start = text.index(phrase)
    return Evidence(start=start, end=start + len(phrase), text=phrase)


def requirements(**changes) -> Requirements:
    """What the pipeline reads of DESCRIPTION, written out so every number is known."""
    text = DESCRIPTION
    split = text.index("Qualifications")
    skills = [
        ("project-management", "Project management", "mgmt", "project management"),
        ("budgeting", "Budgeting", "finance", "budgeting"),
        ("monitoring-evaluation", "Monitoring and evaluation", "econ", "monitoring and evaluation"),
        ("data-analysis", "Data analysis", "ict", "data analysis"),
        ("gis", "GIS", "ict", "GIS"),
    ]
    data = {
        "version": "test",
        "lang": "en",
        "sections": [
            Section(kind="responsibilities", heading="Responsibilities", start=0, end=split),
            Section(kind="qualifications", heading="Qualifications", start=split, end=len(text)),
        ],
        "skills": [
            SkillMatch(id=i, label=label, family=family, evidence=[_evidence(text, phrase)])
            for i, label, family, phrase in skills
        ],
        "languages": [
            LanguageRequirement(
                code="en",
                name="English",
                level="fluent",
                need="required",
                evidence=_evidence(text, "Fluency in English"),
            ),
            LanguageRequirement(
                code="fr",
                name="French",
                level="working",
                need="desirable",
                evidence=_evidence(text, "Working knowledge of French"),
            ),
        ],
        "education": [
            EducationRequirement(
                level="master", fields=["economics"], evidence=_evidence(text, "Qualifications")
            )
        ],
        "education_min": "master",
        "in_lieu": InLieu(level="bachelor", extra_years=2, evidence=_evidence(text, "Lead")),
        "experience": [
            ExperienceRequirement(min_years=5, evidence=_evidence(text, "Experience in")),
        ],
        "experience_min_years": 5,
        "job_families": [
            FamilyScore(id="econ", label="Economic, social and development", score=0.5),
            FamilyScore(id="mgmt", label="Management and administration", score=0.3),
            FamilyScore(id="finance", label="Finance, budget and audit", score=0.2),
        ],
    }
    return Requirements(**(data | changes))


def post(vacancy_id: int = 100, **changes) -> VacancyFacts:
    data = {
        "id": vacancy_id,
        "title": "Programme Officer (Monitoring and Evaluation)",
        "organization": "UNDP",
        "grade": "P-4",
        "category": "professional",
        "country": "KEN",
        "duty_station": "Nairobi",
        "deadline": DEADLINE,
        "description": DESCRIPTION,
        "requirements": requirements(),
    }
    return VacancyFacts(**(data | changes))


def person(candidate_id: int = 1, cv_text: str = "", **changes) -> CandidateFacts:
    data = {
        "citizenships": ["NO"],
        "birth_year": 1988,
        "education_level": "master",
        "education_field": "Development economics",
        "languages": [{"code": "en", "level": "C1"}, {"code": "fr", "level": "B1"}],
        "experience_years": 6,
        "international_years": 2,
        "skills": ["monitoring-evaluation", "data-analysis", "budgeting"],
        "job_families": ["econ"],
        "organizations": ["UNDP"],
        "grades": ["P-3"],
        "summary": "Evaluation specialist: monitoring and evaluation of development programmes.",
    }
    return CandidateFacts(id=candidate_id, profile=ProfileIn(**(data | changes)), cv_text=cv_text)


def components(match) -> dict[str, float]:
    return {c.name: c.score for c in match.components}


def weighted_mean(match) -> float:
    """The documented mean: over the weights that apply, at least min_known_share of all."""
    weights = load_weights()
    floor = weights.scoring["min_known_share"] * sum(weights.weights.values())
    total = max(sum(c.weight for c in match.components), floor)
    return sum(c.weight * c.score for c in match.components) / total


def build(candidates, vacancies) -> MatchIndex:
    return MatchIndex.build(candidates, vacancies, today=TODAY)


def test_each_component_of_a_hand_checked_pair():
    match = build([person()], [post()]).pair(1, 100)

    scores = components(match)
    # skills: M&E and data analysis (asked, 1 each) + budgeting (duties only, 0.5) of
    # 1 + 1 + 0.5 + 0.5 (project management, not held)
    assert scores["required_skills"] == pytest.approx(2.5 / 3, abs=1e-4)
    assert scores["desirable_skills"] == 0.0  # GIS "would be an asset"
    # English C1 meets fluent (1, weight 1); French B1 one level below working (0.75, weight 0.5)
    assert scores["languages"] == pytest.approx((1 + 0.5 * 0.75) / 1.5, abs=1e-4)
    assert scores["education"] == 1.0  # master's, and "economics" is in the field
    assert scores["experience"] == 1.0
    assert scores["job_family"] == 1.0
    assert scores["preferences"] == 0.5  # UNDP yes, P-3 not the post's P-4
    assert 0 < scores["text"] <= 1
    assert match.score == pytest.approx(weighted_mean(match), abs=1e-3)
    weights = load_weights()
    assert [c.weight for c in match.components] == [weights.weight(n) for n in COMPONENTS]
    assert sum(c.contribution for c in match.components) == pytest.approx(match.score, abs=1e-3)


def test_sentences_say_what_matched_in_words_a_candidate_reads():
    match = build([person()], [post()]).pair(1, 100)
    said = {c.name: c.explanation for c in match.components}

    assert said["required_skills"] == (
        "You have 3 of the 4 skills the post asks for: Monitoring and evaluation, "
        "Data analysis, Budgeting. Not in your profile: Project management."
    )
    assert said["desirable_skills"] == "You have none of the 1 desirable skills: GIS."
    assert said["languages"] == (
        "You partly meet the post's language requirements: English (fluent, required): C1; "
        "French (working, desirable): B1."
    )
    assert said["preferences"] == (
        "The post matches your preferences for organisation UNDP, not for grade P-4."
    )
    assert said["text"].startswith("Your summary and CV use words of the post such as")
    for component in match.components:
        assert component.message % component.params == component.explanation


def test_a_bachelors_degree_with_enough_extra_years_is_accepted_in_lieu():
    index = build(
        [
            person(1, education_level="bachelor", experience_years=7, education_field="Law"),
            person(2, education_level="bachelor", experience_years=6, education_field="Law"),
        ],
        [post()],
    )

    in_lieu, short = index.pair(1, 100), index.pair(2, 100)

    # level met in lieu (7 >= 5 + 2), field not among the post's: 0.75 * 1 + 0.25 * 0
    assert components(in_lieu)["education"] == 0.75
    # in lieu but one year short: 0.6 for the level
    assert components(short)["education"] == pytest.approx(0.75 * 0.6, abs=1e-4)
    education = next(c for c in short.components if c.name == "education")
    assert education.explanation == (
        "The post asks for a master's degree, or a bachelor's degree with 2 more years of "
        "experience; you have a bachelor's degree but 6 years, fewer than that."
    )


def test_experience_below_the_minimum_and_international_experience():
    intl = requirements(
        experience=[
            ExperienceRequirement(min_years=5, evidence=_evidence(DESCRIPTION, "Experience in")),
            ExperienceRequirement(
                min_years=2, scope="international", evidence=_evidence(DESCRIPTION, "data")
            ),
        ]
    )
    index = build(
        [person(1, experience_years=3, international_years=1)],
        [post(100), post(101, requirements=intl)],
    )

    assert components(index.pair(1, 100))["experience"] == pytest.approx(0.6, abs=1e-4)
    # 0.7 * (3 / 5) + 0.3 * (1 / 2)
    assert components(index.pair(1, 101))["experience"] == pytest.approx(0.57, abs=1e-4)


def test_a_required_language_missing_zeroes_the_component_and_caps_the_score():
    index = build(
        [
            person(1),
            person(2, languages=[{"code": "en", "level": "B1"}, {"code": "fr", "level": "C2"}]),
        ],
        [post()],
    )

    good, lacking = index.pair(1, 100), index.pair(2, 100)

    assert components(lacking)["languages"] == 0.0
    cap = load_weights().languages["cap"]
    assert lacking.score == pytest.approx(min(cap, weighted_mean(lacking)), abs=1e-3)
    assert lacking.score <= cap < good.score
    languages = next(c for c in lacking.components if c.name == "languages")
    assert languages.explanation == (
        "The post requires fluent English; your profile gives English at B1. "
        f"Without it the whole score is capped at {cap:g}."
    )


@pytest.mark.parametrize(
    "change",
    [
        {"birth_year": 1960},
        {"birth_year": None},
        {"citizenships": ["NL"]},
        {"citizenships": []},
    ],
)
def test_age_and_citizenship_never_change_the_score_only_eligibility(change):
    jpo = post(
        200,
        title="Junior Professional Officer, Programme Analyst",
        grade="P-2",
        category="jpo",
        is_jpo=True,
        jpo_sponsors=["NO"],
        open_to_nationalities=["NO"],
    )
    base = person(1, birth_year=1996, experience_years=3)
    changed = person(2, **({"birth_year": 1996, "experience_years": 3} | change))
    index = build([base, changed], [jpo])

    a, b = index.pair(1, 200), index.pair(2, 200)

    assert (a.score, components(a)) == (b.score, components(b))
    assert a.eligibility.eligible
    assert [(c.rule, c.passed) for c in a.eligibility.checks] != [
        (c.rule, c.passed) for c in b.eligibility.checks
    ]


def test_jpo_posts_of_norway_and_of_the_netherlands():
    norway = post(
        300, title="JPO Programme Analyst", grade="P-2", category="jpo", is_jpo=True,
        jpo_sponsors=["NO"], open_to_nationalities=["NO"],
    )  # fmt: skip
    netherlands = post(
        301, title="JPO Programme Analyst", grade="P-2", category="jpo", is_jpo=True,
        jpo_sponsors=["NL"], open_to_nationalities=["NL"],
    )  # fmt: skip
    norwegian = person(1, birth_year=1996, experience_years=3)
    dutch = person(2, birth_year=1996, experience_years=3, citizenships=["NL"])
    index = build([norwegian, dutch], [norway, netherlands])

    offered = index.top_vacancies(1, 10)
    assert [m.vacancy_id for m in offered] == [300]

    everything = index.top_vacancies(1, 10, filters=VacancyFilters(include_ineligible=True))
    assert [(m.vacancy_id, m.eligibility.eligible) for m in everything] == [
        (300, True),
        (301, False),
    ]
    assert [c.rule for c in everything[1].eligibility.failed] == ["jpo.nationality"]

    # staff see both candidates for the Dutch post: the eligible one first, the other marked
    ranked = index.top_candidates(301, 10)
    assert [(m.candidate_id, m.eligibility.eligible) for m in ranked] == [(2, True), (1, False)]
    only = index.top_candidates(301, 10, filters=CandidateFilters(eligible_only=True))
    assert [m.candidate_id for m in only] == [2]


def test_a_post_not_analysed_yet_is_scored_on_what_is_known():
    waiting = post(400, requirements=None, grade="P-3")
    match = build([person()], [waiting]).pair(1, 400)

    weights = {c.name: c.weight for c in match.components}
    assert {name for name, w in weights.items() if w} == {"experience", "preferences", "text"}
    said = {c.name: c.explanation for c in match.components}
    assert said["required_skills"] == "The post has not been analysed yet, so this does not count."
    assert said["experience"] == "A P-3 post usually asks for 5 years of experience; you have 6."
    assert match.score == pytest.approx(weighted_mean(match), abs=1e-3)


def test_no_preferences_stated_is_neutral_and_said_so():
    match = build([person(organizations=[], grades=[])], [post()]).pair(1, 100)
    preferences = next(c for c in match.components if c.name == "preferences")
    assert (preferences.weight, preferences.contribution) == (0.0, 0.0)
    assert preferences.explanation.startswith("You stated no preferences")


def _population(seed: int):
    rng = random.Random(seed)
    skills = ["monitoring-evaluation", "data-analysis", "budgeting", "project-management", "gis"]
    people = [
        person(
            i,
            skills=rng.sample(skills, rng.randint(0, 5)),
            experience_years=rng.choice([0, 2, 4, 6, 12, 25]),
            education_level=rng.choice(["bachelor", "master", "doctorate"]),
            organizations=rng.choice([[], ["UNDP"], ["UNICEF"]]),
            languages=rng.choice(
                [[{"code": "en", "level": "C2"}], [{"code": "en", "level": "B1"}], []]
            ),
        )
        for i in range(1, 41)
    ]
    posts = [
        post(
            1000 + j,
            organization=rng.choice(["UNDP", "UNICEF", "WFP"]),
            grade=rng.choice(["P-2", "P-3", "P-4"]),
            country=rng.choice(["KEN", "NOR", "CHE"]),
        )
        for j in range(25)
    ]
    return people, posts


def test_scores_and_order_are_deterministic_whatever_the_input_order():
    people, posts = _population(7)
    first = build(people, posts)
    shuffled = people[:]
    random.Random(1).shuffle(shuffled)
    second = build(shuffled, list(reversed(posts)))

    for cid in (1, 17, 33):
        a = [(m.vacancy_id, m.score) for m in first.top_vacancies(cid, 10)]
        b = [(m.vacancy_id, m.score) for m in second.top_vacancies(cid, 10)]
        assert a == b
    ranked = first.top_candidates(1003, 40)
    a = [(m.candidate_id, m.score) for m in ranked]
    assert a == [(m.candidate_id, m.score) for m in second.top_candidates(1003, 40)]
    # eligible first, then by score, ties to the lower id
    keys = [(not m.eligibility.eligible, -m.score, m.candidate_id) for m in ranked]
    assert keys == sorted(keys)
    assert len({k[:2] for k in keys}) < len(keys)  # there are ties to break


def test_lists_agree_with_the_pairs_and_follow_the_documented_order():
    people, posts = _population(11)
    index = build(people, posts)

    ranked = index.top_candidates(1004, 40)
    assert len(ranked) == 40
    keys = [(not m.eligibility.eligible, -m.score, m.candidate_id) for m in ranked]
    assert keys == sorted(keys)
    for m in ranked[:5]:
        pair = index.pair(m.candidate_id, 1004)
        assert (pair.score, components(pair)) == (m.score, components(m))


def test_all_top_keeps_the_best_k_of_both_sides():
    people, posts = _population(3)
    index = build(people, posts)
    k = 4

    rows = {(r.candidate_id, r.vacancy_id): r for r in index.all_top(k)}

    keys = {
        (c.id, v.id): (m.eligibility.eligible, m.score)
        for c in people
        for v in posts
        for m in [index.pair(c.id, v.id)]
    }

    def must_and_may(pairs):
        ranked = sorted(pairs, key=lambda p: keys[p], reverse=True)
        kth = keys[ranked[k - 1]]
        return {p for p in pairs if keys[p] > kth}, {p for p in pairs if keys[p] >= kth}

    allowed: set[tuple[int, int]] = set()
    for c in people:
        must, may = must_and_may([(c.id, v.id) for v in posts])
        assert must <= set(rows), c.id
        assert sum(1 for p in rows if p[0] == c.id) >= k
        allowed |= may
    for v in posts:
        must, may = must_and_may([(c.id, v.id) for c in people])
        assert must <= set(rows), v.id
        allowed |= may
    assert set(rows) <= allowed
    for pair, row in rows.items():
        match = index.pair(*pair)
        assert (row.score, row.eligible) == (match.score, match.eligibility.eligible)
        assert row.components == {c.name: c.score for c in match.components if c.weight > 0}


def test_filters_narrow_the_lists():
    people, posts = _population(5)
    index = build(people, posts)

    undp = index.top_vacancies(1, 50, filters=VacancyFilters(organizations=["UNDP"]))
    assert undp and all(
        index.vacancies[index.vac_pos[m.vacancy_id]].organization == "UNDP" for m in undp
    )
    europe = index.top_vacancies(
        1, 50, filters=VacancyFilters(regions=["europe"], include_ineligible=True)
    )
    assert {index.vacancies[index.vac_pos[m.vacancy_id]].country for m in europe} <= {"NOR", "CHE"}

    english = index.top_candidates(1000, 50, filters=CandidateFilters(languages=["en"]))
    assert english and all(
        any(
            i.code == "en" and i.level in ("B2", "C1", "C2")
            for i in index.candidates[index.cand_pos[m.candidate_id]].profile.languages
        )
        for m in english
    )
    strong = index.top_candidates(1000, 50, filters=CandidateFilters(min_score=0.6))
    assert all(m.score >= 0.6 for m in strong)
    with pytest.raises(ValueError, match="unknown region"):
        index.top_vacancies(1, filters=VacancyFilters(regions=["atlantis"]))


def test_unknown_ids_are_lookup_errors():
    index = build([person()], [post()])
    with pytest.raises(LookupError, match="no candidate 9"):
        index.top_vacancies(9)
    with pytest.raises(LookupError, match="no open vacancy 9"):
        index.top_candidates(9)


def test_languages_offered_as_a_choice_are_met_by_either():
    text = "Working knowledge of English and limited knowledge of French or Spanish is required."
    either = Evidence(start=0, end=len(text), text=text)
    choice = requirements(
        languages=[
            LanguageRequirement(code=code, name=name, level=level, evidence=either)
            for code, name, level in (
                ("en", "English", "working"),
                ("fr", "French", "basic"),
                ("es", "Spanish", "basic"),
            )
        ]
    )
    spanish = person(1, languages=[{"code": "en", "level": "C1"}, {"code": "es", "level": "B1"}])
    neither = person(2, languages=[{"code": "en", "level": "C1"}, {"code": "de", "level": "C2"}])
    index = build([spanish, neither], [post(500, requirements=choice)])

    met, lacking = index.pair(1, 500), index.pair(2, 500)

    assert components(met)["languages"] == 1.0
    said = next(c.explanation for c in met.components if c.name == "languages")
    assert said == (
        "You meet the post's language requirements: English (working, required): C1; "
        "French or Spanish (basic, required): Spanish B1."
    )
    assert components(lacking)["languages"] == 0.0
    said = next(c.explanation for c in lacking.components if c.name == "languages")
    assert said.startswith("The post requires basic French or Spanish; your profile gives no")
