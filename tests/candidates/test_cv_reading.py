"""What a CV's text proposes for the profile (candidates.cv_reading.propose): the same
spaCy pipeline as vacancies plus the CV's own ways of writing levels, degrees and dates."""

from __future__ import annotations

from datetime import date

import pytest

from candidates.cv_reading import is_international, language_level, propose
from tests.cv_files import ECONOMIST_LINES, NORWEGIAN_LINES

TODAY = date(2026, 11, 22)


def cv(*lines: str) -> str:
    return "\n".join(lines)


@pytest.fixture(scope="module")
def economist():
    return propose(cv(*ECONOMIST_LINES), "en", today=TODAY)


@pytest.fixture(scope="module")
def norwegian():
    return propose(cv(*NORWEGIAN_LINES), "nb", today=TODAY)


def test_economist_skills_are_taxonomy_ids_with_the_cv_words(economist):
    assert [s.id for s in economist.skills] == [
        "development-economics",
        "public-financial-management",
        "monitoring-evaluation",
        "budgeting",
        "donor-relations",
        "social-policy",
        "social-protection",
        "poverty-analysis",
        "development-cooperation",
        "statistics",
        "statistical-software",
        "econometrics",
        "project-management",
    ]
    skills = {s.id: s for s in economist.skills}
    assert skills["statistical-software"].evidence == ["Stata"]
    assert skills["public-financial-management"].evidence == [
        "public finance",
        "public financial management",
    ]
    assert skills["social-protection"].evidence == ["Cash transfer programmes"]


def test_economist_languages_get_cefr_levels_as_the_cv_writes_them(economist):
    assert [(x.code, x.level, x.evidence) for x in economist.languages] == [
        ("no", "native", "Norwegian – native"),
        ("en", "C1", "English – fluent"),
        ("fr", "B2", "French (B2)"),
        ("sw", "A2", "Swahili: basic"),
    ]


def test_economist_highest_degree_with_field_and_year(economist):
    education = economist.education
    assert (education.level, education.field, education.year) == (
        "master",
        "Development Economics",
        2016,
    )
    assert education.evidence == "MSc in Development Economics, University of Oslo, 2016"


def test_economist_years_count_overlapping_months_once(economist):
    # Aug–Dec 2016 (5 months) + Jan 2017 – Nov 2026 (119 months; the UNICEF and UNDP
    # periods overlap March–June 2019) = 124 months.
    assert economist.experience_years == 10.3
    # UNICEF (Tanzania) and UNDP (Kenya): Jan 2017 – Nov 2026; Norad in Oslo is not.
    assert economist.international_years == 9.9
    assert [(p.start, p.end, p.international) for p in economist.periods] == [
        (date(2019, 3, 1), date(2026, 11, 1), True),
        (date(2017, 1, 1), date(2019, 6, 1), True),
        (date(2016, 8, 1), date(2016, 12, 1), False),
    ]
    assert economist.periods[2].evidence == "08/2016–12/2016: Adviser, Norad, Oslo"


def test_economist_family_and_stated_nationality(economist):
    assert [(f.id, f.score) for f in economist.job_families] == [("econ", 0.789)]
    assert "Econometrics" in economist.job_families[0].evidence
    assert [(c.code, c.evidence) for c in economist.citizenships] == [
        ("NO", "Nationality: Norwegian")
    ]


def test_norwegian_cv(norwegian):
    assert [(x.code, x.level, x.evidence) for x in norwegian.languages] == [
        ("no", "native", "Norsk: morsmål"),
        ("en", "C1", "Engelsk: flytende"),
        ("ar", "A2", "Arabisk: grunnleggende"),
    ]
    education = norwegian.education
    assert (education.level, education.field, education.year) == ("master", "samfunnsøkonomi", 2014)
    # 2020–2024 in Oslo (four years) and 2016–2019 in Amman, Jordan (three years).
    assert (norwegian.experience_years, norwegian.international_years) == (7.0, 3.0)
    assert [c.code for c in norwegian.citizenships] == ["NO"]


def test_month_ranges_are_inclusive_and_present_ends_this_month():
    found = propose(
        cv(
            "Work experience",
            "01/2020–06/2022: Analyst, Statistics Norway, Oslo",
            "September 2025 – present: Adviser, Ministry of Foreign Affairs, Oslo",
        ),
        "en",
        today=TODAY,
    )
    # January 2020 – June 2022 (30 months) + September 2025 – November 2026 (15 months).
    assert found.experience_years == round(45 / 12, 1)
    assert found.international_years == 0.0


def test_dates_outside_the_experience_section_are_not_experience():
    found = propose(
        cv("Education", "2010–2015: MA in International Relations, University of Oslo"), "en"
    )
    assert found.periods == []
    assert found.experience_years is None
    assert found.education.year == 2015


def test_text_where_nothing_is_found_proposes_nothing():
    found = propose("Ingrid Haugen\nStorgata 1\n0155 Oslo\nTelefon 912 34 567", "nb")
    assert found.is_empty()
    assert found.model_dump() == {
        "skills": [],
        "languages": [],
        "education": None,
        "experience_years": None,
        "international_years": None,
        "periods": [],
        "job_families": [],
        "citizenships": [],
    }


def test_empty_text_proposes_nothing():
    assert propose("", "en").is_empty()


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("English – native", "native"),
        ("French (B2)", "B2"),
        ("Spanish: fluent", "C1"),
        ("Portuguese: basic", "A2"),
        ("Norsk: morsmål", "native"),
        ("German - upper intermediate", "B2"),
        ("Russian: intermediate", "B1"),
        ("Arabic: fluent (C2)", "C2"),
        ("Italian", None),
    ],
)
def test_language_level_words(line, level):
    assert language_level(line) == level


@pytest.mark.parametrize(
    ("entry", "international"),
    [
        ("2019–2021: Programme Officer, UNDP, Oslo", True),
        ("2019–2021: Rådgiver, Ambassaden i Maputo, Mosambik", True),
        ("2019–2021: Adviser, Norad, Oslo, Norway", False),
        ("2019–2021: Rådgiver, Utenriksdepartementet, Oslo, Norge", False),
        ("2015–2017: Consultant, World Bank, Washington", True),
        ("2015–2017: Programme Adviser, Norwegian Church Aid, Nairobi", True),
        ("2015–2017: Adviser, Norwegian Refugee Council, Oslo", False),
    ],
)
def test_international_entries(entry, international):
    assert is_international(entry) is international


def test_no_citizenship_unless_stated():
    found = propose(cv("Norwegian development economist", "Born in Bergen"), "en")
    assert found.citizenships == []
