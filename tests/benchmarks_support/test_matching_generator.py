"""The matching benchmark's generated population (benchmarks/matching.py) is what its
docstring says: seeded, valid profiles and vacancies, evidence pointing at the text."""

from __future__ import annotations

from collections import Counter

from benchmarks.matching import generate
from vacancies.taxonomy import load_taxonomy


def test_the_population_is_seeded_and_consistent():
    candidates, vacancies = generate(0.01)
    again, _ = generate(0.01)

    assert (len(candidates), len(vacancies)) == (200, 100)
    assert [c.profile for c in candidates] == [c.profile for c in again]
    known = {s.id for s in load_taxonomy().skills}
    assert all(5 <= len(c.profile.skills) <= 25 for c in candidates)
    assert all(set(c.profile.skills) <= known for c in candidates)
    levels = Counter(c.profile.education_level for c in candidates)
    assert levels.most_common(1)[0][0] == "master"
    english = sum(any(i.code == "en" for i in c.profile.languages) for c in candidates)
    assert english > 0.8 * len(candidates)
    for v in vacancies:
        req = v.requirements
        assert req is not None and req.skills
        for skill in req.skills:
            assert skill.id in known
            for evidence in skill.evidence:
                assert v.description[evidence.start : evidence.end] == evidence.text
        assert len(v.description.split()) > 300
