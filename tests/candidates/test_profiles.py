"""The profile service (candidates/profiles.py): checks against the data, all errors at
once, upserts, who may have a profile, saved vacancies and the editor's choices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from candidates import accounts, profiles
from candidates.profile_models import LanguageSkill, ProfileIn
from candidates.profiles import ProfileRefused
from candidates.tables import CandidateProfile, Role, SavedVacancy
from vacancies.tables import Source, Vacancy, VacancyStatus

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

KARI = ProfileIn(
    citizenships=["no"],
    birth_year=1994,
    education_level="master",
    education_field="Public health",
    education_year=2019,
    languages=[
        LanguageSkill(code="nb", level="native"),
        LanguageSkill(code="en", level="C1"),
        LanguageSkill(code="fr", level="B1"),
    ],
    experience_years=6,
    international_years=3.5,
    skills=["epidemiology", "project-management", "monitoring-evaluation"],
    job_families=["health"],
    organizations=["who", "UNICEF"],
    regions=["sub-saharan-africa"],
    duty_stations=["ken", "UGA"],
    grades=["p2", "P-3"],
    contract_types=["professional", "jpo"],
    available_from=date(2027, 2, 1),
    summary="Epidemiologist with field experience from Kenya and Uganda.",
)


async def candidate(email: str = "kari.nordmann@example.no", *roles: Role) -> int:
    user = await accounts.create_user(email, roles or [Role.candidate], now=NOW)
    return user.id


async def add_vacancy(title: str, *, status: str = "open", external_id: str | None = None) -> int:
    """A vacancy as a harvest would store it (UNICEF's feed)."""
    if not await Source.exists().where(Source.id == "unicef-rss"):
        await Source.insert(
            Source(id="unicef-rss", name="UNICEF", adapter="rss", base_url="https://unicef.test/")
        )
    rows = await Vacancy.insert(
        Vacancy(
            source="unicef-rss",
            external_id=external_id or title,
            url="https://jobs.unicef.org/en-us/job/581234",
            title=title,
            organization_acronym="UNICEF",
            organization_name="United Nations Children's Fund",
            grade="P-3",
            category="professional",
            duty_station="Nairobi",
            country="KEN",
            posted_at=NOW - timedelta(days=10),
            deadline=NOW + timedelta(days=14),
            description="UNICEF is looking for a health specialist.",
            content_hash="0" * 64,
            status=status,
            first_seen=NOW - timedelta(days=10),
            last_seen=NOW,
            closed_at=NOW if status == VacancyStatus.closed else None,
        )
    )
    return rows[0]["id"]


async def test_a_profile_is_saved_with_its_codes_normalised(db):
    kari = await candidate()
    saved = await profiles.save_profile(kari, KARI, now=NOW)
    assert saved.user_id == kari
    assert saved.citizenships == ["NO"]
    assert [(lang.code, lang.level) for lang in saved.languages] == [
        ("no", "native"),
        ("en", "C1"),
        ("fr", "B1"),
    ]
    assert saved.organizations == ["WHO", "UNICEF"]
    assert saved.duty_stations == ["KEN", "UGA"]
    assert saved.grades == ["P-2", "P-3"]
    assert saved.available_from == date(2027, 2, 1)
    assert saved.created_at == saved.updated_at == NOW
    assert await profiles.get_profile(kari) == saved
    assert await CandidateProfile.count() == 1


async def test_saving_again_replaces_the_profile_and_keeps_its_creation_time(db):
    kari = await candidate()
    await profiles.save_profile(kari, KARI, now=NOW)
    later = NOW + timedelta(days=2)
    again = await profiles.save_profile(
        kari,
        ProfileIn(skills=["data-analysis"], experience_years=4.3, international_years=0.1),
        now=later,
    )
    assert (again.created_at, again.updated_at) == (NOW, later)
    assert again.skills == ["data-analysis"]
    assert (again.experience_years, again.international_years) == (4.3, 0.1)
    assert again.languages == [] and again.birth_year is None and again.summary == ""
    assert await CandidateProfile.count() == 1


async def test_every_problem_is_reported_at_once_and_nothing_is_written(db):
    kari = await candidate()
    wrong = ProfileIn(
        citizenships=["QQ"],
        birth_year=2020,
        languages=[LanguageSkill(code="xx", level="B2")],
        experience_years=2,
        international_years=4,
        skills=["epidemiology", "basket-weaving", "juggling"],
        job_families=["astrology"],
        organizations=["ACME"],
        regions=["atlantis"],
        duty_stations=["ZZZ"],
        grades=["P-9"],
    )
    with pytest.raises(ProfileRefused) as refused:
        await profiles.save_profile(kari, wrong, now=NOW)
    assert refused.value.errors == {
        "skills": "unknown skill ids 'basket-weaving', 'juggling'",
        "job_families": "unknown job family id 'astrology'",
        "citizenships": "unknown country code 'QQ'",
        "duty_stations": "unknown country code 'ZZZ'",
        "regions": "unknown region 'atlantis'",
        "languages": "unknown ISO 639-1 language code 'xx'",
        "grades": "unknown grade 'P-9'",
        "organizations": "unknown organisation 'ACME'",
        "birth_year": "a birth year after 2011 is not plausible",
        "international_years": "international experience cannot exceed the total experience",
    }
    assert refused.value.values["skills"] == ["basket-weaving", "juggling"]
    assert await CandidateProfile.count() == 0


async def test_bokmal_and_nynorsk_are_one_language(db):
    kari = await candidate()
    both = ProfileIn(
        languages=[LanguageSkill(code="nb", level="native"), LanguageSkill(code="nn", level="C1")]
    )
    with pytest.raises(ProfileRefused) as refused:
        await profiles.save_profile(kari, both, now=NOW)
    assert refused.value.errors == {"languages": "language listed twice: 'nn'"}


async def test_only_candidates_have_profiles(db):
    staff = await candidate("saksbehandler@norec.no", Role.staff)
    with pytest.raises(ProfileRefused) as refused:
        await profiles.save_profile(staff, KARI, now=NOW)
    assert refused.value.errors == {
        "user": "only an active account with the candidate role can have a profile"
    }
    with pytest.raises(ProfileRefused):
        await profiles.save_profile(999_999, KARI, now=NOW)
    kari = await candidate()
    await accounts.disable_user(kari, actor_id=None, now=NOW)
    with pytest.raises(ProfileRefused):
        await profiles.save_profile(kari, KARI, now=NOW)
    assert await CandidateProfile.count() == 0


async def test_delete_profile_is_idempotent(db):
    kari = await candidate()
    await profiles.save_profile(kari, KARI, now=NOW)
    await profiles.delete_profile(kari)
    await profiles.delete_profile(kari)
    assert await profiles.get_profile(kari) is None


async def test_saved_vacancies_newest_first_with_closed_ones_marked(db):
    kari = await candidate()
    nairobi = await add_vacancy("Health Specialist, P-3, Nairobi")
    kampala = await add_vacancy("Epidemiologist, P-2, Kampala", status="closed")
    await profiles.save_vacancy(kari, nairobi, now=NOW)
    await profiles.save_vacancy(kari, kampala, now=NOW + timedelta(hours=1))
    await profiles.save_vacancy(kari, nairobi, now=NOW + timedelta(hours=2))  # idempotent
    saved = await profiles.saved_vacancies(kari)
    assert [(s.vacancy_id, s.title, s.closed, s.saved_at) for s in saved] == [
        (kampala, "Epidemiologist, P-2, Kampala", True, NOW + timedelta(hours=1)),
        (nairobi, "Health Specialist, P-3, Nairobi", False, NOW),
    ]
    assert saved[1].organization == "UNICEF" and saved[1].country == "KEN"
    assert await profiles.is_saved(kari, nairobi)
    await profiles.unsave_vacancy(kari, nairobi)
    await profiles.unsave_vacancy(kari, nairobi)
    assert not await profiles.is_saved(kari, nairobi)
    assert await SavedVacancy.count() == 1


async def test_saving_an_unknown_vacancy_is_a_lookup_error(db):
    kari = await candidate()
    with pytest.raises(LookupError):
        await profiles.save_vacancy(kari, 424_242, now=NOW)


def test_the_editor_choices():
    options = profiles.profile_options("nb")
    assert len(options.skills) == 444
    assert [f.value for f in options.job_families][:3] == ["mgmt", "ict", "pol"]
    assert [o.label for o in options.languages[:8]] == [
        "Engelsk",
        "Fransk",
        "Spansk",
        "Arabisk",
        "Russisk",
        "Kinesisk",
        "Portugisisk",
        "Norsk",
    ]
    assert not {"nb", "nn"} & {o.value for o in options.languages}
    norway = next(c for c in options.countries if c.alpha_2 == "NO")
    assert (norway.alpha_3, norway.name) == ("NOR", "Norge")
    assert options.regions[0].value == "africa" and options.regions[1].parent == "africa"
    assert [g.value for g in options.grades][:7] == [
        "P-1",
        "P-2",
        "P-3",
        "P-4",
        "P-5",
        "D-1",
        "D-2",
    ]
    assert [c.value for c in options.cefr_levels] == ["A1", "A2", "B1", "B2", "C1", "C2", "native"]
    assert profiles.profile_options("en").languages[0].label == "English"
