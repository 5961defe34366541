from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("A minimum of five (5) years of progressively responsible experience is required.", 5),
        ("At least 7 years of relevant professional experience in finance.", 7),
        ("7+ years of experience in software engineering.", 7),
        ("3-5 years of relevant professional experience in banking.", 3),
        ("Three to five years of experience in logistics.", 3),
        ("Not less than ten years of experience in humanitarian coordination.", 10),
        ("Minimum 2 years' experience in grant management.", 2),
        ("Experience: 4 years in procurement.", 4),
        ("Work experience of at least six years in public health.", 6),
        ("Over 12 years of work experience in energy policy.", 12),
        ("Two years working in a UN agency is required.", 2),
    ],
)
def test_minimum_years(read, text, years):
    assert read(text).experience_min_years == years


@pytest.mark.parametrize(
    "text",
    [
        "The assignment supports a two-year project in the Sahel.",
        "The contract of one year may be renewed.",
        "For 10 years the programme has built national experience in cash transfers.",
        "Over the past five years UNICEF has gained experience in the region.",
        "Background\nUNDP has ten years of experience in Somalia.",
        "The Ten-Year Strategy (2023 - 2032) guides the Bank.",
    ],
)
def test_years_that_are_not_experience(read, text):
    result = read(text)
    assert result.experience == []
    assert result.experience_min_years is None


def test_field_and_scope(read):
    result = read(
        "A minimum of five years of progressively responsible experience in social protection "
        "at the international level is required."
    )
    [item] = result.experience
    assert item.min_years == 5
    assert item.field == "social protection at the international level"
    assert item.scope == "international"
    assert item.need == "required"


def test_national_scope(read):
    [item] = read("Minimum 3 years of experience at the national level in water supply.").experience
    assert item.scope == "national"


def test_desirable_experience_does_not_set_the_minimum_when_one_is_required(read):
    result = read(
        "7+ years of experience in water supply. 3-5 years of experience at the national level "
        "is desirable."
    )
    assert [(item.min_years, item.need) for item in result.experience] == [
        (7, "required"),
        (3, "desirable"),
    ]
    assert result.experience_min_years == 7


def test_smallest_general_requirement_is_the_minimum(read):
    result = read(
        "Experience\nAt least 5 years of experience in project management. At least 2 years of "
        "experience in Africa."
    )
    assert result.experience_min_years == 2


def test_alternative_years_in_brackets(read):
    text = (
        "Experience:\n• Minimum 7 years (with secondary education) or 4 years (with bachelor's "
        "degree) of relevant experience in administration is required.\n"
        "Education:\nSecondary education is required.\n"
    )
    result = read(text)
    assert [(item.min_years, item.degree) for item in result.experience] == [
        (7, "secondary"),
        (4, "bachelor"),
    ]
    assert result.education_min == "secondary"
    assert result.experience_min_years == 7


def test_experience_evidence_is_the_sentence(read):
    text = "Experience\nAt least 5 years of relevant experience. Good humour."
    [item] = read(text).experience
    assert item.evidence.text == "At least 5 years of relevant experience."


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Kvalifikasjoner\nMinst tre års relevant arbeidserfaring.", 3),
        ("Kvalifikasjoner\n5 års erfaring fra humanitært arbeid.", 5),
        ("Kvalifikasjoner\nMinimum fem års erfaring fra FN-systemet.", 5),
        ("Kvalifikasjoner\nDu har minst 2 års erfaring med prosjektledelse.", 2),
    ],
)
def test_norwegian_experience(read, text, years):
    assert read(text, "nb").experience_min_years == years


def test_norwegian_experience_field(read):
    [item] = read("Vi søker\n5 års erfaring fra humanitært arbeid.", "nb").experience
    assert item.field == "humanitært arbeid"
