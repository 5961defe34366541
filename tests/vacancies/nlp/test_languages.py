from __future__ import annotations

import pytest


def languages(result):
    return [(item.code, item.need, item.level) for item in result.languages]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Fluency in English is required; knowledge of French is desirable.",
            [("en", "required", "fluent"), ("fr", "desirable", None)],
        ),
        (
            "Fluency in English and French is required.",
            [("en", "required", "fluent"), ("fr", "required", "fluent")],
        ),
        (
            "Fluency in English with working knowledge of French. Knowledge of Spanish is an "
            "asset.",
            [
                ("en", "required", "fluent"),
                ("fr", "required", "working"),
                ("es", "desirable", None),
            ],
        ),
        (
            "Excellent written and spoken English is essential; proficiency in Arabic would be "
            "an advantage.",
            [("en", "required", "fluent"), ("ar", "desirable", "working")],
        ),
        (
            "Good knowledge of Portuguese is required. Basic knowledge of Swahili is preferred.",
            [("pt", "required", "working"), ("sw", "desirable", "basic")],
        ),
        (
            "Some knowledge of Russian or Chinese is considered an asset.",
            [("ru", "desirable", "basic"), ("zh", "desirable", "basic")],
        ),
        (
            "Full proficiency in English; native-level Japanese is welcome.",
            [("en", "required", "fluent"), ("ja", "desirable", "fluent")],
        ),
        (
            "Proficient in Farsi and Pashto is a plus.",
            [("fa", "desirable", "working"), ("ps", "desirable", "working")],
        ),
        (
            "Excellent command of English is required, and knowledge of Amharic would be "
            "beneficial.",
            [("en", "required", "fluent"), ("am", "desirable", None)],
        ),
        (
            "Required: English; Desirable: French",
            [("en", "required", None), ("fr", "desirable", None)],
        ),
        (
            "Working Knowledge (level C) of English and limited knowledge (level B) of French "
            "or Spanish.",
            [
                ("en", "required", "working"),
                ("fr", "required", "basic"),
                ("es", "required", "basic"),
            ],
        ),
    ],
)
def test_language_requirements(read, text, expected):
    assert languages(read(text)) == expected


def test_languages_section_lists_without_cue_words(read):
    text = "Languages\nEnglish (fluent)\nFrench - basic\nPortuguese is a plus\n"
    assert languages(read(text)) == [
        ("en", "required", "fluent"),
        ("fr", "required", "basic"),
        ("pt", "desirable", None),
    ]


def test_desirable_heading_makes_its_languages_desirable(read):
    text = "Desirable qualifications\nKnowledge of Turkish, Urdu or Hindi.\n"
    assert languages(read(text)) == [
        ("tr", "desirable", None),
        ("ur", "desirable", None),
        ("hi", "desirable", None),
    ]


def test_un_boilerplate_another_official_language_names_no_language(read):
    text = (
        "Languages\nEnglish and French are the working languages of the United Nations "
        "Secretariat. For this position, fluency in English is required. Knowledge of another "
        "UN official language is an asset."
    )
    assert languages(read(text)) == [("en", "required", "fluent")]


@pytest.mark.parametrize(
    "text",
    [
        "Experience working in French-speaking countries is an asset.",
        "This post is open to Norwegian nationals only, as required by the donor.",
        "The position is funded by the Swedish International Development Cooperation Agency.",
        "The French Government requires knowledge of procurement rules.",
        "Duties and Responsibilities\n• Translate documents into Arabic.\n"
        "• Support English and Spanish speakers in the region.",
    ],
)
def test_languages_that_are_not_requirements(read, text):
    assert read(text).languages == []


def test_language_evidence_is_the_sentence(read):
    text = "Education\nMaster's degree.\n\nLanguages\nFluency in English is required."
    result = read(text)
    assert [item.evidence.text for item in result.languages] == ["Fluency in English is required."]
    assert result.languages[0].name == "English"


def test_norwegian_language_requirements(read):
    text = (
        "Kvalifikasjoner\n• Flytende engelsk er et krav, fransk er en fordel.\n"
        "• Gode kunnskaper i arabisk eller spansk er også en fordel.\n• Norsk er ikke et krav.\n"
    )
    assert languages(read(text, "nb")) == [
        ("en", "required", "fluent"),
        ("fr", "desirable", None),
        ("ar", "desirable", "working"),
        ("es", "desirable", "working"),
    ]


def test_norwegian_bokmal_names_and_code(read):
    result = read("Du må beherske norsk og engelsk skriftlig og muntlig.", "nb")
    assert [(item.code, item.name, item.need) for item in result.languages] == [
        ("no", "Norwegian", "required"),
        ("en", "English", "required"),
    ]


def test_same_language_twice_keeps_the_strongest(read):
    text = "Knowledge of French is desirable. Fluency in French and English is required."
    assert languages(read(text)) == [("fr", "required", "fluent"), ("en", "required", "fluent")]
