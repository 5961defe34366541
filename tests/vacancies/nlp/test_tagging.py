from __future__ import annotations

import pytest

JPO_TEXT = (
    "Junior Professional Officer (JPO) in Social Policy\n\n"
    "This is a Junior Professional Officer (JPO) position sponsored by the Government of "
    "Norway. The position is only open to Norwegian nationals.\n"
)


def test_jpo_reuses_read_jpo_and_maps_evidence(read):
    result = read(JPO_TEXT)
    assert result.jpo.is_jpo is True
    assert result.jpo.sponsors == ["NO"]
    assert result.jpo.nationalities == ["NO"]
    assert result.jpo.evidence  # spans of the sentences read_jpo quoted
    assert any("open to Norwegian nationals" in e.text for e in result.jpo.evidence)


def test_jpo_title_argument(read):
    result = read("The post supports education in emergencies.", title="Associate Expert (Energy)")
    assert result.jpo.is_jpo is True


def test_not_a_jpo_post(read):
    result = read("The officer supervises two JPOs and works with national staff.")
    assert result.jpo.is_jpo is False
    assert result.jpo.evidence == []


def test_norwegian_jpo_title_line(read):
    text = (
        "Junior Professional Officer (JPO) i UNICEF – Utdanning, Bamako\n\n"
        "Stillingen er kun åpen for norske statsborgere.\n"
    )
    result = read(text, "nb")
    assert result.jpo.is_jpo is True
    assert result.jpo.nationalities == ["NO"]


taxonomy = pytest.importorskip("vacancies.taxonomy")


def test_skills_and_job_families(read):
    text = (
        "Experience in project management, GIS and monitoring and evaluation (M&E) of "
        "social protection programmes. Strong project management skills."
    )
    result = read(text)
    by_id = {skill.id: skill for skill in result.skills}
    assert {"project-management", "gis", "monitoring-evaluation"} <= set(by_id)
    assert [e.text for e in by_id["project-management"].evidence] == [
        "project management",
        "project management",
    ]
    assert [e.text for e in by_id["monitoring-evaluation"].evidence] == [
        "monitoring and evaluation",
        "M&E",
    ]
    assert by_id["gis"].family == "ict"
    scores = [family.score for family in result.job_families]
    assert scores == sorted(scores, reverse=True)
    assert abs(sum(scores) - 1) < 0.01 or len(result.job_families) == 5


def test_case_sensitive_skill_phrases(read):
    assert "gis" not in {skill.id for skill in read("The gis of it is this.").skills}


def test_sdg_tags(read):
    result = read("The programme focuses on poverty reduction and social protection.")
    assert [tag.goal for tag in result.sdgs] == [1]
    assert [e.text for e in result.sdgs[0].evidence] == ["poverty reduction", "social protection"]


def test_extra_skill_files_join_the_matcher(tmp_path):
    from vacancies.nlp import build_nlp

    extra = tmp_path / "esco.toml"
    extra.write_text(
        '[[skill]]\nid = "esco-beekeeping"\nlabel = "Beekeeping"\nfamily = "econ"\n'
        'synonyms = ["apiculture"]\n'
    )
    nlp = build_nlp("en", extra_skill_files=[extra])
    doc = nlp("Knowledge of apiculture is an asset.")
    assert [skill.id for skill in doc._.norec_skills] == ["esco-beekeeping"]
