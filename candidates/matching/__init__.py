"""Explainable matching of candidates and vacancies (issue 7).

* ``engine.MatchIndex``: the pure, vectorised scorer (no database);
* ``explain``: the sentence of each component;
* ``service``: live queries over the database with a cached index, and recomputes;
* ``store``: stored matches (``candidate_match``).
"""

from candidates.matching.service import (
    NoProfile,
    match_pair,
    matches_for_candidate,
    matches_for_vacancy,
    not_visible_count,
    recompute_all,
    recompute_candidate,
)
from candidates.matching.store import StoredVacancyMatch, stored_matches_for_candidate

__all__ = [
    "NoProfile",
    "StoredVacancyMatch",
    "match_pair",
    "matches_for_candidate",
    "matches_for_vacancy",
    "not_visible_count",
    "recompute_all",
    "recompute_candidate",
    "stored_matches_for_candidate",
]
