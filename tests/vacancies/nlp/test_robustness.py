"""Pathological input: never an exception, a bounded amount of work, a well-formed result."""

from __future__ import annotations

import random

import pytest

from vacancies.nlp import MAX_CHARS, Requirements, extract, extract_many, prepare_text


def well_formed(result: Requirements) -> None:
    assert isinstance(result, Requirements)
    assert Requirements.model_validate(result.model_dump(mode="json")) == result


@pytest.mark.parametrize("text", ["", "   \n\n\t ", None, ".", "\n" * 1000])
def test_empty_input(text):
    result = extract(text)
    well_formed(result)
    assert result.languages == [] and result.education == [] and result.experience == []
    assert result.truncated is False


def test_one_megabyte_of_one_word():
    text = "experience " * 100_000
    result = extract(text)
    well_formed(result)
    assert result.truncated is True
    assert result.experience == []
    assert len(prepare_text(text)) <= MAX_CHARS


def test_one_megabyte_without_spaces():
    result = extract("a" * 1_000_000)
    well_formed(result)
    assert result.truncated is True


def test_repeated_requirement_sentences_are_capped():
    text = "Fluency in English is required. At least 5 years of experience in law. " * 5_000
    result = extract(text)
    well_formed(result)
    assert result.truncated is True
    assert [i.code for i in result.languages] == ["en"]
    assert result.experience_min_years == 5


def test_binary_junk():
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(200_000)).decode("utf-8", errors="replace")
    result = extract(junk + "\x00\x00Fluency in English is required.\x00")
    well_formed(result)
    assert "\x00" not in prepare_text(junk)


def test_nul_bytes_and_control_characters_are_replaced():
    text = "Languages\x00\nFluency\x07 in English\x1b is required."
    prepared = prepare_text(text)
    assert prepared == "Languages \nFluency  in English  is required."
    assert [i.code for i in extract(text).languages] == ["en"]


def test_mixed_scripts():
    text = (
        "المؤهلات: شهادة جامعية. 中文要求：流利。 Требования: опыт работы.\n"
        "Languages\nFluency in English and Arabic is required; knowledge of Chinese or Russian "
        "is desirable. العربية مطلوبة"
    )
    result = extract(text)
    well_formed(result)
    assert [(i.code, i.need) for i in result.languages] == [
        ("en", "required"),
        ("ar", "required"),
        ("zh", "desirable"),
        ("ru", "desirable"),
    ]


def test_extremely_long_lines():
    line = ", ".join(["knowledge of English"] * 10_000)  # one line, no full stop
    result = extract("Languages\n" + line + " is required")
    well_formed(result)
    assert [i.code for i in result.languages] == ["en"]


def test_adversarial_patterns_do_not_backtrack():
    pieces = [
        "years " * 5_000,
        "5 " * 20_000,
        "(" * 10_000 + ")" * 10_000,
        "degree in " * 5_000,
        "Master " * 10_000,
        "-" * 50_000,
        "P-" * 20_000,
        "Education:" * 5_000,
        "English, " * 10_000,
        "(" * 10_000 + ")" * 10_000,
        "Education:" * 5_000,
    ]
    for result in extract_many(pieces):
        well_formed(result)


def test_norwegian_pipeline_on_junk():
    well_formed(extract("\x00" * 1000 + "ÆØÅ" * 10_000, "nb"))


def test_long_runs_without_spaces_are_broken_for_the_tokenizer():
    prepared = prepare_text("x" * 450)
    assert prepared == "x" * 200 + " " + "x" * 200 + " " + "x" * 50
    url = "https://example.org/" + "a" * 150
    assert prepare_text(url) == url
