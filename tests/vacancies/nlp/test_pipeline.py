from __future__ import annotations

import pytest
import spacy

from vacancies.nlp import (
    PIPELINE_VERSION,
    Requirements,
    build_nlp,
    extract,
    extract_many,
    get_nlp,
    pipeline_version,
    prepare_text,
)
from vacancies.nlp.components import COMPONENTS
from vacancies.nlp.pipeline import ModelNotInstalledError, load_config

FULL_TEXT = """Programme Specialist (Social Protection), P-4
Fixed-term appointment, 12 months with possibility of extension.

Background
UNICEF works in 190 countries and territories. For 10 years the programme has supported
cash transfers in French-speaking countries.

Duties and Responsibilities
• Translate documents into Arabic.
• Lead project management and monitoring and evaluation of social protection programmes.

Required Skills and Experience
Education: Advanced university degree (Master's degree or equivalent) in economics, public \
policy or a related field. A first-level university degree in combination with two additional \
years of qualifying experience may be accepted in lieu of the advanced university degree.
Experience: A minimum of seven years of progressively responsible experience in social \
protection at the international level is required.
Languages: Fluency in English is required; knowledge of French is desirable. Knowledge of \
another UN official language is an asset.
"""


def test_config_registers_namespaced_factories():
    nlp = get_nlp("en")
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["lemmatizer", *COMPONENTS]
    assert "norec_languages" in nlp.pipe_names
    assert all(name.startswith("norec_") for name in COMPONENTS)
    for name in COMPONENTS:
        assert nlp.get_pipe_meta(name).factory == name


def test_config_file_and_language_override():
    config = load_config("nb")
    assert config["nlp"]["lang"] == "nb"
    assert config["components"]["lemmatizer"]["factory"] == "norec_lookup_lemmatizer"
    assert get_nlp("nb").lang == "nb"
    assert get_nlp("no") is get_nlp("nb")


def test_pipelines_are_built_once_per_language():
    assert get_nlp("en") is get_nlp("en")


def test_lookup_lemmatizer_matches_spacys():
    text = "The countries were running better programmes for refugees"
    reference = spacy.blank("en")
    reference.add_pipe("lemmatizer", config={"mode": "lookup"})
    reference.initialize()
    assert [t.lemma_ for t in get_nlp("en")(text)] == [t.lemma_ for t in reference(text)]


def test_missing_model_is_a_clear_error():
    with pytest.raises(ModelNotInstalledError, match="not installed"):
        build_nlp("en", model="en_core_web_not_installed")


def test_unsupported_language():
    with pytest.raises(ValueError, match="unsupported language"):
        extract("Hola", "es")


def test_full_posting(read):
    result = read(FULL_TEXT)
    assert result.lang == "en"
    assert [(i.code, i.need, i.level) for i in result.languages] == [
        ("en", "required", "fluent"),
        ("fr", "desirable", None),
    ]
    assert result.education_min == "master"
    assert (result.in_lieu.level, result.in_lieu.extra_years) == ("bachelor", 2)
    assert result.experience_min_years == 7
    assert result.experience[0].scope == "international"
    assert [(m.kind, m.value) for m in result.mentions] == [
        ("grade", "P-4"),
        ("contract", "fixed-term"),
        ("duration", "12 months"),
        ("duration", "extension possible"),
    ]
    assert result.jpo.is_jpo is False
    assert result.truncated is False


def test_json_round_trip():
    result = extract(FULL_TEXT)
    data = result.model_dump(mode="json")
    assert Requirements.model_validate(data) == result
    assert data["version"].startswith(PIPELINE_VERSION + "+")


def test_version_names_pipeline_and_taxonomy():
    version = extract("").version
    code, _, fingerprint = version.partition("+")
    assert code == PIPELINE_VERSION
    assert fingerprint


def test_extract_many_matches_extract():
    texts = [FULL_TEXT, "", "Fluency in English is required.", "<p>Master&#39;s degree</p>"]
    assert list(extract_many(texts, batch_size=2)) == [extract(text) for text in texts]


def test_norwegian_posting(read):
    text = (
        "Rådgiver, helse\n\nKvalifikasjoner\n• Mastergrad i folkehelse eller tilsvarende\n"
        "• Minst tre års relevant arbeidserfaring fra internasjonalt arbeid\n"
        "• Flytende engelsk er et krav, fransk er en fordel\n"
    )
    result = read(text, "nb")
    assert result.lang == "nb"
    assert result.education_min == "master"
    assert result.experience_min_years == 3
    assert result.experience[0].scope == "international"
    assert [(i.code, i.need, i.level) for i in result.languages] == [
        ("en", "required", "fluent"),
        ("fr", "desirable", None),
    ]


def test_html_is_turned_into_text_and_offsets_refer_to_it(read):
    html = (
        "<h2>Languages</h2><p>Fluency in <b>English</b> is required.</p>"
        "<ul><li>Master&#39;s degree in law</li></ul>"
    )
    prepared = prepare_text(html)
    assert "<" not in prepared
    result = read(html)
    assert [i.code for i in result.languages] == ["en"]
    assert result.education_min == "master"
    evidence = result.languages[0].evidence
    assert prepared[evidence.start : evidence.end] == "Fluency in English is required."


def test_extract_many_with_titles():
    texts = ["The post supports education.", "The post supports education."]
    results = list(extract_many(texts, titles=["Associate Expert (Education)", None]))
    assert [r.jpo.is_jpo for r in results] == [True, False]


def test_pipeline_version_is_the_results_version():
    assert pipeline_version("en") == extract("x").version
