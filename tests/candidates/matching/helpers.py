"""Rows for matching tests on the database: candidates with profiles and consents, open
and closed vacancies with analysed requirements."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from candidates import accounts, consents
from candidates.profile_models import ProfileIn
from candidates.tables import CandidateProfile, ConsentPurpose, Role
from tests.candidates.matching.test_engine import DESCRIPTION, requirements
from vacancies.tables import Source, Vacancy

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def profile(**changes) -> ProfileIn:
    data = {
        "citizenships": ["NO"],
        "birth_year": 1990,
        "education_level": "master",
        "education_field": "Economics",
        "languages": [{"code": "en", "level": "C1"}, {"code": "no", "level": "native"}],
        "experience_years": 6,
        "skills": ["monitoring-evaluation", "data-analysis"],
        "job_families": ["econ"],
        "summary": "Monitoring and evaluation of development programmes.",
    }
    return ProfileIn(**(data | changes))


async def candidate(email: str, *, visible: bool = True, at=NOW, **changes) -> int:
    user = await accounts.create_user(email, [Role.candidate], now=at)
    if visible:
        await consents.give_consent(user.id, ConsentPurpose.visible_to_staff, now=at)
    await save(user.id, profile(**changes), at=at)
    return user.id


async def save(user_id: int, data: ProfileIn, *, at=NOW) -> None:
    """Write the profile row as the profile service stores it (validated model dumped)."""
    columns = data.model_dump(mode="json")
    columns["available_from"] = data.available_from
    if await CandidateProfile.exists().where(CandidateProfile.user == user_id):
        await CandidateProfile.update(
            {**{getattr(CandidateProfile, k): v for k, v in columns.items()}, "updated_at": at}
        ).where(CandidateProfile.user == user_id)
    else:
        await CandidateProfile.insert(
            CandidateProfile(user=user_id, created_at=at, updated_at=at, **columns)
        )


async def source() -> None:
    if not await Source.exists().where(Source.id == "test-matching"):
        await Source.insert(
            Source(
                id="test-matching",
                name="Matching tests",
                adapter="rss",
                base_url="https://careers.example.org/feed.xml",
                enabled=False,
            )
        )


async def vacancy(
    external_id: str,
    *,
    title: str = "Programme Officer (Monitoring and Evaluation)",
    status: str = "open",
    analysed: bool = True,
    **changes,
) -> int:
    await source()
    req = requirements() if analysed else None
    row = Vacancy(
        source="test-matching",
        external_id=external_id,
        url=f"https://careers.example.org/{external_id}",
        title=title,
        organization_acronym=changes.pop("organization", "UNDP"),
        grade=changes.pop("grade", "P-3"),
        category=changes.pop("category", "professional"),
        country=changes.pop("country", "KEN"),
        deadline=NOW + timedelta(days=20),
        description=changes.pop("description", DESCRIPTION),
        requirements=None if req is None else req.model_dump(mode="json"),
        requirements_version=None if req is None else req.version,
        content_hash=external_id.ljust(64, "0")[:64],
        status=status,
        first_seen=NOW,
        last_seen=NOW,
        **changes,
    )
    await Vacancy.insert(row)
    return row.id
