"""Integrity of the matching labelled set in tests/data/matching/.

The set measures how well the matcher ranks (benchmarks/matching_quality.py). These
tests check that the files are well formed, that every profile is a valid ProfileIn
over ids that exist, and that the hand-written grades keep the promises README.md makes
and never contradict a programme's published nationality, age or degree rule. They do
not run the matcher and do not recompute any grade.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pycountry
import pytest

from candidates.profile_models import CONTRACT_TYPES, ProfileIn
from vacancies.taxonomy import load_taxonomy

SET_DIR = Path(__file__).resolve().parent.parent / "data" / "matching"
REQUIREMENTS_DIR = SET_DIR.parent / "requirements"
VACANCY_DATA = Path(__file__).resolve().parents[2] / "vacancies" / "data"

SPLITS = {"dev", "test"}
CANDIDATE_ID = re.compile(r"^c\d{2}$")
VACANCY_ID = re.compile(r"^v\d{2}$")
YEAR = 2026
"""The year the set was judged in: ages are ``YEAR - birth_year`` (see README.md)."""

VACANCY_KEYS = {"id", "file", "lang", "split", "title", "category", "deadline"}
VACANCY_OPTIONAL = {
    "organization",
    "grade",
    "country",
    "duty_station",
    "is_jpo",
    "jpo_sponsors",
    "open_to_nationalities",
    "note",
}


def _load(name: str) -> dict:
    with (SET_DIR / name).open("rb") as fh:
        return tomllib.load(fh)


@cache
def candidates() -> tuple[dict, ...]:
    data = _load("candidates.toml")
    assert set(data) == {"candidate"}
    return tuple(data["candidate"])


@cache
def vacancies() -> tuple[dict, ...]:
    data = _load("vacancies.toml")
    assert set(data) == {"vacancy"}
    return tuple(data["vacancy"])


@cache
def grades() -> tuple[dict, ...]:
    data = _load("judgements.toml")
    assert set(data) == {"grades"}
    return tuple(data["grades"])


def profiles() -> dict[str, ProfileIn]:
    return {c["id"]: ProfileIn.model_validate(c["profile"]) for c in candidates()}


def _acronyms() -> set[str]:
    with (VACANCY_DATA / "organizations.toml").open("rb") as fh:
        data = tomllib.load(fh)
    (orgs,) = data.values()
    return {org["acronym"] for org in orgs}


def _regions() -> set[str]:
    text = (VACANCY_DATA / "regions.toml").read_text(encoding="utf-8")
    return set(re.findall(r'^slug = "([a-z-]+)"', text, flags=re.MULTILINE))


def _alpha2(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None


def _alpha3(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None


# ------------------------------------------------------------------- candidates


def test_candidates_size_ids_and_splits() -> None:
    rows = candidates()
    assert len(rows) >= 36
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert all(CANDIDATE_ID.match(i) for i in ids), ids
    for row in rows:
        assert set(row) == {"id", "split", "label", "profile"}, row["id"]
        assert row["split"] in SPLITS
        assert row["label"].strip()
    splits = Counter(row["split"] for row in rows)
    assert abs(splits["dev"] - splits["test"]) <= 1, splits


def test_every_profile_validates() -> None:
    for row in candidates():
        profile = ProfileIn.model_validate(row["profile"])
        # Nothing is dropped or rewritten by validation: the file is already canonical.
        assert profile.model_dump(exclude_unset=True, mode="json") == {
            key: (value.isoformat() if isinstance(value, dt.date) else value)
            for key, value in row["profile"].items()
        }, row["id"]
        assert 100 <= len(profile.summary) <= 600, row["id"]


def test_profile_ids_exist_in_the_data() -> None:
    taxonomy = load_taxonomy()
    skills = {skill.id for skill in taxonomy.skills}
    families = {family.id for family in taxonomy.families}
    acronyms, regions = _acronyms(), _regions()
    for cid, profile in profiles().items():
        assert set(profile.skills) <= skills, (cid, set(profile.skills) - skills)
        assert set(profile.job_families) <= families, cid
        assert set(profile.organizations) <= acronyms, (cid, set(profile.organizations) - acronyms)
        assert set(profile.regions) <= regions, (cid, set(profile.regions) - regions)
        assert all(_alpha2(code) for code in profile.citizenships), cid
        assert all(_alpha3(code) for code in profile.duty_stations), cid
        assert set(profile.contract_types) <= set(CONTRACT_TYPES), cid
        assert profile.skills and profile.job_families and profile.languages, cid
        assert profile.birth_year is not None and profile.education_level is not None, cid


def test_candidate_mix() -> None:
    rows = profiles()
    ages = [YEAR - p.birth_year for p in rows.values() if p.birth_year]
    assert sum(age <= 32 for age in ages) >= 12, "young graduates aiming at JPO/YPP"
    assert sum(age > 32 for age in ages) >= 12, "people above the JPO age"
    assert sum(len(p.citizenships) > 1 for p in rows.values()) >= 2, "dual citizens"
    assert sum("NO" not in p.citizenships for p in rows.values()) >= 1, "a non-Norwegian"
    levels = Counter(p.education_level for p in rows.values())
    assert levels["bachelor"] >= 3 and levels["doctorate"] >= 1 and levels["secondary"] >= 1
    spoken = Counter(lang.code for p in rows.values() for lang in p.languages)
    assert spoken["en"] == len(rows)
    for code in ("fr", "es", "ar", "ru", "pt"):
        assert spoken[code] >= 2, code
    families = Counter(f for p in rows.values() for f in p.job_families)
    assert len(families) >= 12, families


# -------------------------------------------------------------------- vacancies


def test_vacancies_size_ids_and_files() -> None:
    rows = vacancies()
    assert len(rows) >= 70
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert all(VACANCY_ID.match(i) for i in ids), ids
    files = [row["file"] for row in rows]
    assert len(set(files)) == len(files)
    for row in rows:
        assert VACANCY_KEYS <= set(row) <= VACANCY_KEYS | VACANCY_OPTIONAL, row["id"]
        path = (SET_DIR / row["file"]).resolve()
        assert path.is_file(), row["file"]
        assert len(path.read_text(encoding="utf-8")) > 500, row["file"]
        assert row["lang"] in {"en", "nb"}
        assert row["split"] in SPLITS
    splits = Counter(row["split"] for row in rows)
    assert abs(splits["dev"] - splits["test"]) <= 2, splits


def test_all_requirement_texts_are_reused_with_their_split() -> None:
    with (REQUIREMENTS_DIR / "labels.toml").open("rb") as fh:
        labels = tomllib.load(fh)["text"]
    by_file = {(REQUIREMENTS_DIR / label["file"]).resolve(): label for label in labels}
    reused = {}
    for row in vacancies():
        path = (SET_DIR / row["file"]).resolve()
        if path in by_file:
            reused[path] = row
    assert set(reused) == set(by_file)
    for path, row in reused.items():
        label = by_file[path]
        assert row["split"] == label["split"], row["id"]
        assert row["lang"] == label["lang"], row["id"]
        assert row.get("is_jpo", False) == label["jpo"], row["id"]


def test_vacancy_columns() -> None:
    acronyms = _acronyms()
    for row in vacancies():
        vid = row["id"]
        assert row["title"].strip()
        assert row["category"] in CONTRACT_TYPES, vid
        assert isinstance(row["deadline"], dt.date), vid
        assert row["deadline"] > dt.date(2026, 3, 1), vid
        if "organization" in row:
            assert row["organization"] in acronyms, vid
        if "country" in row:
            assert _alpha3(row["country"]), vid
        for key in ("jpo_sponsors", "open_to_nationalities"):
            assert all(_alpha2(code) for code in row.get(key, [])), vid
        is_jpo = row.get("is_jpo", False)
        assert is_jpo == (row["category"] == "jpo"), vid
        assert bool(row.get("jpo_sponsors")) == is_jpo, vid
        if is_jpo:
            assert row["open_to_nationalities"] == row["jpo_sponsors"], vid


def test_vacancy_mix() -> None:
    rows = vacancies()
    jpo = [row for row in rows if row.get("is_jpo")]
    assert sum("NO" in row["jpo_sponsors"] for row in jpo) >= 8
    assert sum("NO" not in row["jpo_sponsors"] for row in jpo) >= 5
    assert sum(row["lang"] == "nb" for row in rows) >= 7
    grades_seen = {row.get("grade") for row in rows}
    assert {"P-1", "P-2", "P-3", "P-4", "P-5", "D-1", "GF", "UNV", "Consultant"} <= grades_seen
    categories = Counter(row["category"] for row in rows)
    for category in ("professional", "director", "consultant", "volunteer", "jpo", "intern"):
        assert categories[category] >= 1, category


# ------------------------------------------------------------------- judgements


def test_judgements_refer_to_existing_ids_once() -> None:
    cids = {row["id"] for row in candidates()}
    vids = {row["id"] for row in vacancies()}
    pairs = [(g["candidate"], g["vacancy"]) for g in grades()]
    assert len(set(pairs)) == len(pairs), [p for p, n in Counter(pairs).items() if n > 1]
    for g in grades():
        assert set(g) <= {"candidate", "vacancy", "grade", "note"}, g
        assert g["candidate"] in cids, g
        assert g["vacancy"] in vids, g
        assert g["grade"] in {0, 1, 2, 3}, g


def test_notes_where_the_readme_promises_them() -> None:
    for g in grades():
        if g["grade"] >= 2:
            assert g.get("note", "").strip(), g
        if g["grade"] == 0:
            assert g.get("note", "").startswith("Excluded: "), g


def _relevant() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    by_candidate: dict[str, list[int]] = defaultdict(list)
    by_vacancy: dict[str, list[int]] = defaultdict(list)
    for g in grades():
        if g["grade"] >= 1:
            by_candidate[g["candidate"]].append(g["grade"])
            by_vacancy[g["vacancy"]].append(g["grade"])
    return by_candidate, by_vacancy


def test_both_directions_are_informative() -> None:
    by_candidate, by_vacancy = _relevant()
    exchange_only = {"c16", "c17"}
    for row in candidates():
        found = by_candidate[row["id"]]
        assert max(found, default=0) >= 2, row["id"]
        if row["id"] not in exchange_only:
            assert len(found) >= 2, row["id"]
    assert len(by_vacancy) >= 60
    assert sum(len(found) >= 2 for found in by_vacancy.values()) >= 30
    assert sum(3 in found for found in by_candidate.values()) >= len(candidates()) - 2
    counts = Counter(g["grade"] for g in grades())
    assert counts[3] >= 40 and counts[2] >= 20 and counts[1] >= 40


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_each_split_has_judged_items(split: str) -> None:
    by_candidate, by_vacancy = _relevant()
    assert sum(1 for c in candidates() if c["split"] == split and c["id"] in by_candidate) >= 18
    assert sum(1 for v in vacancies() if v["split"] == split and v["id"] in by_vacancy) >= 30


def test_no_relevant_grade_breaks_a_published_programme_rule() -> None:
    """A pair graded 1 or more must pass the nationality rule of the post, the JPO age
    (32) and degree (master's) rules: the labels apply them as README.md says."""
    people = profiles()
    posts = {row["id"]: row for row in vacancies()}
    for g in grades():
        if g["grade"] < 1:
            continue
        person, post = people[g["candidate"]], posts[g["vacancy"]]
        allowed = set(post.get("open_to_nationalities", []))
        if allowed:
            assert allowed & set(person.citizenships), g
        if post.get("is_jpo"):
            assert YEAR - person.birth_year <= 32, g
            assert person.education_level in {"master", "doctorate"}, g


def test_listed_exclusions_do_fail_a_rule_or_a_language() -> None:
    """Spot-check that the exclusions named in notes are real: nationality and age."""
    people = profiles()
    posts = {row["id"]: row for row in vacancies()}
    for g in grades():
        note = g.get("note", "")
        if g["grade"] != 0:
            continue
        person, post = people[g["candidate"]], posts[g["vacancy"]]
        if "nationals" in note or "programme (" in note:
            allowed = set(post.get("open_to_nationalities", []))
            assert allowed and not allowed & set(person.citizenships), g
        if "age limit 32" in note:
            assert YEAR - person.birth_year > 32, g
