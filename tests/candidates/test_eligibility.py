"""Eligibility rules (candidates/eligibility.py with the shipped eligibility.toml)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from candidates.eligibility import (
    FAIL,
    PASS,
    UNKNOWN,
    CandidateArrays,
    RulesError,
    check,
    load_rules,
    rule_specs,
    status,
    status_vector,
)
from candidates.matching.models import VacancyFacts
from candidates.profile_models import ProfileIn

TODAY = date(2026, 11, 23)
DEADLINE = datetime(2026, 12, 15, 23, 59, tzinfo=UTC)


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def norwegian(**changes) -> ProfileIn:
    data = {
        "citizenships": ["NO"],
        "birth_year": 1996,
        "education_level": "master",
        "education_field": "Development economics",
        "experience_years": 3.0,
        "languages": [{"code": "en", "level": "C1"}, {"code": "no", "level": "native"}],
    }
    return ProfileIn(**(data | changes))


def jpo_post(**changes) -> VacancyFacts:
    data = {
        "id": 1,
        "title": "Junior Professional Officer - Programme Analyst",
        "organization": "UNDP",
        "grade": "P-2",
        "category": "jpo",
        "deadline": DEADLINE,
        "is_jpo": True,
        "jpo_sponsors": ["NO"],
        "open_to_nationalities": ["NO"],
        "description": "This JPO position is sponsored by the Government of Norway.",
    }
    return VacancyFacts(**(data | changes))


def by_rule(eligibility):
    return {c.rule: (c.passed, c.hard) for c in eligibility.checks}


def test_a_norwegian_jpo_post_checks_the_programme_and_the_grade(rules):
    result = check(norwegian(), jpo_post(), rules, today=TODAY)

    assert result.eligible
    assert by_rule(result) == {
        "jpo.nationality": (True, True),
        "jpo.age": (True, True),
        "jpo.degree": (True, True),
        "jpo.experience": (True, True),
        "grade.P-2": (True, True),
    }
    age = next(c for c in result.checks if c.rule == "jpo.age")
    assert age.explanation == (
        "Junior Professional Officer programme (Norway): age limit 32 at the deadline; "
        "born in 1996, you are at most 30 then."
    )
    assert age.message % age.params == age.explanation


def test_a_jpo_post_of_the_netherlands_fails_the_nationality_rule_for_a_norwegian(rules):
    post = jpo_post(jpo_sponsors=["NL"], open_to_nationalities=["NL"])

    result = check(norwegian(), post, rules, today=TODAY)

    assert not result.eligible
    assert [c.rule for c in result.failed] == ["jpo.nationality"]
    # Norway's age, degree and experience rules are not the Dutch programme's
    assert set(by_rule(result)) == {"jpo.nationality", "grade.P-2"}
    assert result.failed[0].explanation == (
        "Junior Professional Officer programme (Norway): open only to nationals of NL; "
        "your profile gives NO."
    )


def test_a_dual_citizen_passes_the_dutch_nationality_rule(rules):
    post = jpo_post(jpo_sponsors=["NL"], open_to_nationalities=["NL"])
    assert check(norwegian(citizenships=["NO", "NL"]), post, rules, today=TODAY).eligible


@pytest.mark.parametrize(
    ("birth_year", "expected"),
    [
        (1994, PASS),  # 32 in 2026: exactly at the limit
        (1993, UNKNOWN),  # 33 in 2026, or still 32 on 15 December: depends on the birthday
        (1992, FAIL),  # at least 33 at the deadline
    ],
)
def test_the_age_limit_at_the_deadline(rules, birth_year, expected):
    specs = {s.rule: s for s in rule_specs(jpo_post(), rules, today=TODAY)}
    assert status(specs["jpo.age"], norwegian(birth_year=birth_year)) == expected


def test_the_age_is_counted_at_the_deadline_year_not_today(rules):
    post = jpo_post(deadline=datetime(2027, 1, 10, tzinfo=UTC))
    specs = {s.rule: s for s in rule_specs(post, rules, today=TODAY)}
    assert status(specs["jpo.age"], norwegian(birth_year=1994)) == UNKNOWN  # 33 in 2027


def test_a_borderline_age_is_unknown_and_soft_so_the_post_stays_offered(rules):
    result = check(norwegian(birth_year=1993), jpo_post(), rules, today=TODAY)

    assert result.eligible
    age = next(c for c in result.checks if c.rule == "jpo.age")
    assert (age.passed, age.hard) == (False, False)
    assert "32 or 33 then, depending on your birthday" in age.explanation


def test_missing_data_is_unknown_with_what_to_add(rules):
    profile = norwegian(birth_year=None, citizenships=[], education_level=None)

    result = check(profile, jpo_post(), rules, today=TODAY)

    assert result.eligible  # nothing failed: an incomplete profile hides no post
    unknown = {c.rule: c.explanation for c in result.checks if not c.passed}
    assert set(unknown) == {"jpo.nationality", "jpo.age", "jpo.degree", "grade.P-2"}
    assert all(not c.hard for c in result.checks if not c.passed)
    assert unknown["jpo.age"].endswith("Add your year of birth to your profile.")
    assert unknown["jpo.nationality"].endswith("Add your citizenship to your profile.")
    assert unknown["jpo.degree"].endswith("Add your education to your profile.")


def test_jpo_degree_and_experience_are_hard(rules):
    result = check(
        norwegian(education_level="bachelor", experience_years=1.5), jpo_post(), rules, today=TODAY
    )
    assert {c.rule for c in result.failed} == {"jpo.degree", "jpo.experience", "grade.P-2"}


@pytest.mark.parametrize(
    ("grade", "level", "years", "eligible"),
    [
        ("P-2", "master", 2, True),
        ("P-2", "master", 1.5, False),
        ("P-2", "bachelor", 4, True),  # bachelor's + 4 in lieu of master's + 2
        ("P-2", "bachelor", 3, False),
        ("P-3", "master", 5, True),
        ("P-3", "bachelor", 7, True),
        ("P-3", "bachelor", 6.9, False),
        ("P-4", "doctorate", 7, True),
        ("P-5", "master", 9, False),
        ("D-1", "master", 15, True),
        ("P-1", "bachelor", 0, True),
        ("P-1", "secondary", 10, False),
    ],
)
def test_grade_minimums(rules, grade, level, years, eligible):
    post = VacancyFacts(id=2, title="Programme Officer", grade=grade, category="professional")
    profile = norwegian(education_level=level, experience_years=years)
    assert check(profile, post, rules, today=TODAY).eligible is eligible


def test_a_post_without_grade_or_programme_has_no_checks(rules):
    post = VacancyFacts(id=3, title="Consultant", category="consultant")
    assert check(norwegian(), post, rules, today=TODAY).checks == []


def test_un_ypp_without_this_years_list_is_unknown_not_failed(rules):
    post = VacancyFacts(
        id=4,
        title="Young Professionals Programme (YPP) examination",
        organization="UN",
        description="The UN Young Professionals Programme is a recruitment initiative.",
        deadline=DEADLINE,
    )

    result = check(norwegian(birth_year=1990), post, rules, today=TODAY)

    rules_seen = by_rule(result)
    assert rules_seen["un_ypp.nationality"] == (False, False)
    assert rules_seen["un_ypp.age"] == (False, True)
    assert not result.eligible


def test_world_bank_ypp_needs_its_own_words_and_organisation(rules):
    post = VacancyFacts(
        id=5,
        title="World Bank Group Young Professionals Program 2027",
        organization="WBG",
        description="The Young Professionals Program is for people aged 32 or under.",
        deadline=DEADLINE,
    )
    result = check(norwegian(experience_years=2), post, rules, today=TODAY)
    assert {c.rule for c in result.checks} == {"wb_ypp.age", "wb_ypp.degree", "wb_ypp.experience"}
    assert [c.rule for c in result.failed] == ["wb_ypp.experience"]


def test_un_volunteers_specialist_and_youth(rules):
    specialist = VacancyFacts(
        id=6, title="UN Volunteer Specialist", category="volunteer", deadline=DEADLINE
    )
    youth = VacancyFacts(
        id=7,
        title="International UN Youth Volunteer",
        category="volunteer",
        deadline=DEADLINE,
    )
    young = norwegian(birth_year=2003, education_level="bachelor", experience_years=0)

    assert {c.rule for c in check(young, specialist, rules, today=TODAY).failed} == {
        "unv.age",
        "unv.experience",
    }
    assert check(young, youth, rules, today=TODAY).eligible
    assert not check(norwegian(birth_year=1990), youth, rules, today=TODAY).eligible


def test_only_nationality_and_age_rules_read_citizenship_and_birth_year(rules):
    post = jpo_post()
    specs = rule_specs(post, rules, today=TODAY)
    base = norwegian()
    for spec in specs:
        if spec.kind in ("nationality", "age_max", "age_min"):
            continue
        for other in (
            norwegian(citizenships=["SE"]),
            norwegian(birth_year=1950),
            norwegian(citizenships=[], birth_year=None),
        ):
            assert status(spec, other) == status(spec, base)


def test_the_vectorised_status_agrees_with_the_single_one(rules):
    profiles = [
        norwegian(),
        norwegian(citizenships=["NL"], birth_year=1993),
        norwegian(birth_year=None, education_level=None, experience_years=0),
        norwegian(education_level="bachelor", experience_years=4),
        norwegian(education_level="doctorate", birth_year=2000, citizenships=[]),
        norwegian(education_level="secondary", experience_years=30, birth_year=1960),
    ]
    posts = [
        jpo_post(),
        jpo_post(jpo_sponsors=[], open_to_nationalities=[]),
        VacancyFacts(id=8, title="Officer", grade="P-3"),
        VacancyFacts(id=9, title="UN Volunteer", category="volunteer", deadline=DEADLINE),
        VacancyFacts(id=10, title="UN Youth Volunteer", category="volunteer"),
    ]
    arrays = CandidateArrays.of(profiles)
    for post in posts:
        for spec in rule_specs(post, rules, today=TODAY):
            expected = [status(spec, p) for p in profiles]
            assert status_vector(spec, arrays).tolist() == expected, spec.rule
    assert np.int8(PASS) == 0


def test_an_unreadable_or_wrong_rules_file_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "rules.toml"
    bad.write_text('[programme.x]\n[[programme.x.rule]]\nid = "a"\nkind = "height"\n')
    with pytest.raises(RulesError, match="kind must be one of"):
        load_rules(bad)
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.toml")


def test_a_replacement_rules_file_changes_the_limit(tmp_path: Path):
    shipped = Path(__file__).parents[2] / "candidates" / "data" / "eligibility.toml"
    text = shipped.read_text().replace(
        "value = 32\nhard = true\n[[programme.jpo", "value = 35\nhard = true\n[[programme.jpo", 1
    )
    custom = tmp_path / "rules.toml"
    custom.write_text(text)

    result = check(norwegian(birth_year=1992), jpo_post(), load_rules(custom), today=TODAY)

    assert by_rule(result)["jpo.age"] == (True, True)


def test_a_post_open_only_to_other_nationals_is_not_offered_to_a_norwegian(rules):
    """A national post ("open to Ecuadorian nationals only") is not a JPO post: the
    post's own restriction is the rule, so a Norwegian fails it and an Ecuadorian-
    Norwegian dual citizen passes."""
    post = VacancyFacts(
        id=7,
        title="National UN Volunteer - Community Development Officer",
        organization="UNV",
        category="volunteer",
        country="ECU",
        deadline=DEADLINE,
        open_to_nationalities=["EC"],
        description="This assignment is open to Ecuadorian nationals only.",
    )

    refused = check(norwegian(), post, rules, today=TODAY)
    dual = check(norwegian(citizenships=["NO", "EC"]), post, rules, today=TODAY)

    assert not refused.eligible
    assert [c.rule for c in refused.failed] == ["restricted.nationality"]
    assert dual.eligible
    assert by_rule(dual)["restricted.nationality"] == (True, True)


def test_an_unrestricted_post_has_no_nationality_check(rules):
    post = jpo_post(
        is_jpo=False,
        category="professional",
        jpo_sponsors=[],
        open_to_nationalities=[],
        title="Programme Analyst",
        description="Programme analyst in the country office.",
    )

    result = check(norwegian(), post, rules, today=TODAY)

    assert "restricted.nationality" not in by_rule(result)
