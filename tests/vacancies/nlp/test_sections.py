from __future__ import annotations

import pytest

from vacancies.nlp import get_nlp
from vacancies.nlp.sections import SectionSegmenter


@pytest.fixture(scope="module")
def segmenter() -> SectionSegmenter:
    return get_nlp("en").get_pipe("norec_sections")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Duties and Responsibilities", "responsibilities"),
        ("KEY RESPONSIBILITIES:", "responsibilities"),
        ("Responsibilities", "responsibilities"),
        ("Competencies", "competencies"),
        ("Core competencies", "competencies"),
        ("Education", "education"),
        ("Academic qualifications", "education"),
        ("Education / Certification", "education"),
        ("Work Experience", "experience"),
        ("Experience:", "experience"),
        ("Required Skills and Experience", "qualifications"),
        ("Languages", "languages"),
        ("Language requirements", "languages"),
        ("Desired qualifications", "qualifications"),
        ("Qualifications", "qualifications"),
        ("Skills", "skills"),
        ("About the organisation", "background"),
        ("Background", "background"),
        ("Organizational Setting", "background"),
        ("How to apply", "application"),
        ("Remuneration", "other"),
        ("3. EDUCATION", "education"),
        ("SELECTION CRITERIA (including desirable skills, knowledge and experience):",
         "qualifications"),
        ("Knowledge, Skills, Experience & Qualifications", "qualifications"),
        ("Use of Language Skills", "languages"),
        ("Arbeidsoppgaver", "responsibilities"),
        ("Kvalifikasjoner", "qualifications"),
        ("Utdanning", "education"),
        ("Erfaring", "experience"),
        ("Språk:", "languages"),
    ],
)  # fmt: skip
def test_heading_variants(segmenter, line, kind):
    assert segmenter.kind_of(line, inline=False) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Experience in project management",
        "• Proven experience with donors.",
        "Education Specialist (Learning Assessment), P-3, Dakar, Senegal",
        "Categories: Education",
        "The Education sector is a priority for the country office and its partners.",
    ],
)
def test_lines_that_are_not_headings(segmenter, line):
    assert segmenter.kind_of(line, inline=False) is None


def test_sections_cover_the_text_and_inline_labels_cover_their_line(read):
    text = (
        "Programme Officer\n\nBackground\nUNICEF works in 190 countries.\n\n"
        "Required Skills and Experience\n"
        "Education: Advanced university degree in law.\n"
        "Some other line.\n"
        "Languages:\nFluency in English.\n"
    )
    result = read(text)
    assert [(s.kind, s.heading) for s in result.sections] == [
        ("other", ""),
        ("background", "Background"),
        ("qualifications", "Required Skills and Experience"),
        ("education", "Education"),
        ("qualifications", "Required Skills and Experience"),
        ("languages", "Languages:"),
    ]
    assert result.sections[0].start == 0
    assert result.sections[-1].end == len(text)
    for before, after in zip(result.sections, result.sections[1:], strict=False):
        assert before.end == after.start
    education = result.sections[3]
    assert text[education.start : education.end].strip() == (
        "Education: Advanced university degree in law."
    )


def test_sections_are_doc_spans():
    doc = get_nlp("en")("Duties\nDo things.\n\nLanguages\nEnglish.")
    assert [span.label_ for span in doc.spans["norec_sections"]] == [
        "responsibilities",
        "languages",
    ]
