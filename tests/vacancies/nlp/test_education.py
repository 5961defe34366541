from __future__ import annotations

import pytest

UN_EDUCATION = (
    "Education\n"
    "Advanced university degree (Master's degree or equivalent) in economics, public policy "
    "or a related field. A first-level university degree in combination with two additional "
    "years of qualifying experience may be accepted in lieu of the advanced university degree."
)


def test_un_advanced_degree_with_in_lieu_rule(read):
    result = read(UN_EDUCATION)
    assert result.education_min == "master"
    assert result.education[0].level == "master"
    assert result.education[0].fields == ["economics", "public policy"]
    assert result.in_lieu is not None
    assert (result.in_lieu.level, result.in_lieu.extra_years) == ("bachelor", 2)
    assert result.in_lieu.evidence.text.startswith("A first-level university degree")
    assert result.experience == []  # the two additional years are not a requirement


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Education: PhD in epidemiology or a related discipline.", "doctorate"),
        ("A doctorate in physics is required.", "doctorate"),
        ("Qualifications\nMA/MSc/MBA/MPH in a relevant field.", "master"),
        ("Master's degree in international relations.", "master"),
        ("Bachelor's degree in accounting is required.", "bachelor"),
        ("Education\nUniversity degree in law.", "bachelor"),
        ("Education\nFirst-level university degree in engineering.", "bachelor"),
        ("Minimum Qualifications\nHigh school diploma.", "secondary"),
        ("Completion of secondary education is required.", "secondary"),
        ("Bachelor's or Master's degree in engineering.", "bachelor"),
        ("Master's degree required; PhD preferred.", "master"),
        ("Bachelor's degree required. A Master's degree is an asset.", "bachelor"),
    ],
)
def test_education_levels(read, text, level):
    assert read(text).education_min == level


def test_phd_desirable_is_listed_but_not_the_minimum(read):
    result = read("Master's degree required; PhD preferred.")
    assert [(item.level, item.need) for item in result.education] == [
        ("master", "required"),
        ("doctorate", "desirable"),
    ]


def test_education_fields_stop_at_the_experience_clause(read):
    result = read(
        "Master's degree in public health, epidemiology or nutrition with a minimum of five "
        "years of relevant experience."
    )
    assert result.education[0].fields == ["public health", "epidemiology", "nutrition"]


@pytest.mark.parametrize(
    "text",
    [
        "Duties and Responsibilities\n• Support the master's programme of the university.",
        "Background\nThe project supports secondary education in rural areas.",
        "Skills in data management and master data are an asset.",
        "The MS Office suite is used daily.",
    ],
)
def test_not_education_requirements(read, text):
    assert read(text).education_min is None


def test_alternatives_with_their_own_years_first_is_main(read):
    text = (
        "Education\n"
        "• Master's degree in Medicine or Public Health with at least two years of relevant "
        "professional experience; or\n"
        "• University degree in the above fields with four years of relevant professional "
        "experience.\n"
    )
    result = read(text)
    assert result.education_min == "master"
    assert (result.in_lieu.level, result.in_lieu.extra_years) == ("bachelor", 2)
    assert result.experience_min_years == 2


def test_alternatives_from_the_lowest_degree_are_no_in_lieu_rule(read):
    text = (
        "Years of Experience / Degree Level\n"
        "For P3/NOC - 6 years relevant experience with Undergraduate degree; or 5 years relevant "
        "experience with Graduate degree; or 4 years relevant experience with Doctorate degree\n"
    )
    result = read(text)
    assert result.education_min == "bachelor"
    assert result.in_lieu is None
    assert result.experience_min_years == 6
    assert [(item.min_years, item.degree) for item in result.experience] == [
        (6, "bachelor"),
        (5, "master"),
        (4, "doctorate"),
    ]


def test_in_lieu_years_given_as_total_years(read):
    text = (
        "Education:\n"
        "• Advanced university degree (Master's or equivalent) in civil engineering is required "
        "with 5 years of relevant experience; or\n"
        "• First-level university degree (Bachelor's or equivalent) in civil engineering with 7 "
        "years of relevant experience may be accepted in lieu of the advanced university "
        "degree.\n"
    )
    result = read(text)
    assert result.education_min == "master"
    assert (result.in_lieu.level, result.in_lieu.extra_years) == ("bachelor", 2)
    assert result.experience_min_years == 5


def test_in_lieu_with_considered_wording(read):
    text = (
        "Qualifications\n• Master's degree in transport economics. University degree in the "
        "above fields combined with at least 3 years of specialized experience may be "
        "considered in lieu of a master's degree.\n"
        "• At least 8 years of relevant professional experience in transport projects.\n"
    )
    result = read(text)
    assert result.education_min == "master"
    assert (result.in_lieu.level, result.in_lieu.extra_years) == ("bachelor", 3)
    assert result.experience_min_years == 8


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Kvalifikasjoner\nMastergrad i samfunnsøkonomi eller tilsvarende.", "master"),
        ("Kvalifikasjoner\nDu har bachelorgrad i sykepleie.", "bachelor"),
        ("Kvalifikasjoner\nDoktorgrad innen klimaforskning.", "doctorate"),
        ("Kvalifikasjoner\nFullført videregående skole.", "secondary"),
        ("Kvalifikasjoner\nHøyere utdanning innen økonomi er et krav.", "bachelor"),
        ("Kvalifikasjoner\nRelevant master innen folkehelse.", "master"),
    ],
)
def test_norwegian_education(read, text, level):
    assert read(text, "nb").education_min == level


def test_norwegian_in_lieu(read):
    text = (
        "Kvalifikasjoner\n• Mastergrad innen økonomi eller tilsvarende. Bachelorgrad kombinert "
        "med minst to års ytterligere relevant erfaring kan erstatte mastergrad\n"
        "• Minimum fem års relevant arbeidserfaring med kontantbasert bistand\n"
    )
    result = read(text, "nb")
    assert result.education_min == "master"
    assert result.education[0].fields == ["økonomi"]
    assert (result.in_lieu.level, result.in_lieu.extra_years) == ("bachelor", 2)
    assert result.experience_min_years == 5
