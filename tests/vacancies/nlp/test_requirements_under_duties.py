"""Requirements listed under a duties heading: many postings (ReliefWeb's UNICEF ones,
for one) put the requirement bullets under "How can you make a difference?". A bullet
that states a requirement is read; a duty is not."""

from __future__ import annotations

from vacancies.nlp import extract

UNICEF_STYLE = """UNICEF works in some of the world's toughest places to reach the world's most \
disadvantaged children.

How can you make a difference?

Under the supervision of the Child Protection Manager, the specialist leads case management \
for refugee children.

• Translate case files into Arabic and French for the partners.
• Supervise two staff with ten years of experience in the camps.
• Advanced university degree in social work, psychology or law.
• A minimum of five years of relevant experience, including in emergencies.
• Fluency in English is required; Bangla is an asset."""


def test_requirement_bullets_under_a_duties_heading_are_read():
    found = extract(UNICEF_STYLE)
    assert [(e.level, e.fields) for e in found.education] == [
        ("master", ["social work", "psychology", "law"])
    ]
    assert found.experience_min_years == 5
    assert [e.evidence.text for e in found.experience] == [
        "A minimum of five years of relevant experience, including in emergencies."
    ]
    assert [(lang.code, lang.need, lang.level) for lang in found.languages] == [
        ("en", "required", "fluent"),
        ("bn", "desirable", None),
    ]


def test_duties_that_name_languages_or_years_are_no_requirements():
    duties = UNICEF_STYLE.split("• Advanced")[0]
    found = extract(duties)
    assert (found.languages, found.education, found.experience) == ([], [], [])


def test_a_nationality_adjective_before_a_noun_is_no_language_requirement():
    # From a recorded UNICEF posting (the demo's Kharkiv education specialist).
    found = extract(
        "The Specialist provides technical guidance, ensuring that all Ukrainian children, "
        "including adolescents, acquire the competencies required for their well-being."
    )
    assert found.languages == []
    named = extract("Fluency in Ukrainian and English is required.")
    assert [(lang.code, lang.need) for lang in named.languages] == [
        ("uk", "required"),
        ("en", "required"),
    ]
