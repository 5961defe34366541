"""The region table (UN M49) and the grade guide: data files read without a database."""

from __future__ import annotations

import pycountry
import pytest

from vacancies.grade_guide import explain_grade
from vacancies.regions import areas_of, countries_in, regions


def test_every_iso_country_but_antarctica_has_a_region():
    iso = {country.alpha_3 for country in pycountry.countries}
    assert iso - set(regions().region_of) == {"ATA"}


@pytest.mark.parametrize(
    ("country", "region", "sub_region"),
    [
        ("NOR", "europe", "northern-europe"),
        ("TUR", "asia", "western-asia"),
        ("MEX", "americas", "latin-america-caribbean"),
        ("SSD", "africa", "sub-saharan-africa"),
        ("EGY", "africa", "northern-africa"),
        ("FJI", "oceania", "melanesia"),
        ("XKX", "europe", "southern-europe"),
    ],
)
def test_country_lies_in_its_m49_region_and_sub_region(country, region, sub_region):
    assert [area.slug for area in areas_of(country)] == [region, sub_region]


def test_a_region_stands_for_the_countries_of_its_sub_regions():
    assert countries_in(["central-asia"]) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert len(countries_in(["africa"])) == len(countries_in(["northern-africa"])) + len(
        countries_in(["sub-saharan-africa"])
    )


def test_region_names_in_three_languages():
    eastern_asia = regions().by_slug["eastern-asia"]
    assert [eastern_asia.name(lang) for lang in ("en", "nb", "nn")] == [
        "Eastern Asia",
        "Øst-Asia",
        "Aust-Asia",
    ]


def test_grade_guide_gives_the_un_minimums():
    assert explain_grade("P-4", "professional", "en") == [
        "Experienced professional: usually at least 7 years of relevant experience and an "
        "advanced university degree (master's or equivalent)."
    ]


def test_grade_guide_explains_a_scale_by_its_prefix():
    assert explain_grade("NO-B", "national_officer", "nb")[0].startswith(
        "Nasjonal fagstilling (NO-A til NO-E)"
    )


def test_grade_guide_adds_the_category_when_it_says_more_than_the_code():
    texts = explain_grade("P-2", "jpo", "en")
    assert len(texts) == 2
    assert texts[1].startswith("Junior Professional Officer (JPO): an entry-level post")


def test_grade_guide_falls_back_to_the_category():
    assert explain_grade("Intern", "intern", "nn") == [
        "Praksisplass for studentar og nyutdanna, vanlegvis i to til seks månader. Mange "
        "praksisplassar i FN er ulønte; nokre organisasjonar betaler eit stipend."
    ]


def test_grade_guide_knows_nothing_of_an_unknown_grade():
    assert explain_grade("XYZ-9", None, "en") == []
