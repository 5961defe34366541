from __future__ import annotations

import pytest

from vacancies.nlp import Evidence, Requirements, extract, prepare_text


def assert_evidence(text: str, evidence: Evidence) -> None:
    """Evidence points at the prepared text: the substring it quotes."""
    prepared = prepare_text(text)
    assert prepared[evidence.start : evidence.end] == evidence.text
    assert evidence.text


def check_all_evidence(text: str, result: Requirements) -> None:
    items = [
        *(item.evidence for item in result.languages),
        *(item.evidence for item in result.education),
        *(item.evidence for item in result.experience),
        *(item.evidence for item in result.mentions),
        *result.jpo.evidence,
        *(e for skill in result.skills for e in skill.evidence),
        *(e for tag in result.sdgs for e in tag.evidence),
    ]
    if result.in_lieu is not None:
        items.append(result.in_lieu.evidence)
    for evidence in items:
        assert_evidence(text, evidence)


@pytest.fixture
def read():
    """extract() that also checks every evidence span against the text."""

    def run(text: str, lang: str = "en", **kwargs) -> Requirements:
        result = extract(text, lang, **kwargs)
        check_all_evidence(text, result)
        return result

    return run
