"""The profile and saved-vacancy API (/api/me/profile, /api/me/saved): JSON in and out,
the CSRF header on unsafe methods, every refused field at once, candidates only."""

from __future__ import annotations

import httpx
import pytest

from candidates import accounts, profiles
from candidates.tables import CandidateProfile, Role
from tests.candidates.test_profiles import add_vacancy
from tests.portal.account_site import NOW, PASSWORD, account_client, page, submit

KARI = {
    "citizenships": ["NO"],
    "birth_year": 1994,
    "education_level": "master",
    "education_field": "Public health",
    "education_year": 2019,
    "languages": [{"code": "nb", "level": "native"}, {"code": "en", "level": "C1"}],
    "experience_years": 6,
    "international_years": 3.5,
    "skills": ["epidemiology", "public-health"],
    "job_families": ["health"],
    "organizations": ["who"],
    "regions": ["sub-saharan-africa"],
    "duty_stations": ["KEN"],
    "grades": ["P2"],
    "contract_types": ["professional"],
    "available_from": "2027-02-01",
    "summary": "Epidemiologist.",
}


async def log_in(client: httpx.AsyncClient, email: str, *roles: Role) -> int:
    user = await accounts.create_user(email, roles, password=PASSWORD, now=NOW)
    answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
    assert answer.status_code == 303, answer.text
    shown = page(await client.get("/account"))
    client.headers["X-CSRFToken"] = shown.css_first("meta[name='csrf-token']").attributes["content"]
    return user.id


@pytest.fixture
async def api(db, smtp_port):
    async with account_client(smtp_port) as client:
        client.user_id = await log_in(client, "kari.nordmann@example.no", Role.candidate)
        yield client


async def test_profile_round_trip(api):
    assert (await api.get("/api/me/profile")).status_code == 404
    saved = await api.put("/api/me/profile", json=KARI)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body == {
        **KARI,
        "languages": [{"code": "no", "level": "native"}, {"code": "en", "level": "C1"}],
        "organizations": ["WHO"],
        "grades": ["P-2"],
        "experience_years": 6.0,
        "user_id": api.user_id,
        "created_at": "2026-11-22T12:00:00Z",
        "updated_at": "2026-11-22T12:00:00Z",
    }
    assert (await api.get("/api/me/profile")).json() == body
    assert (await api.delete("/api/me/profile")).status_code == 204
    assert (await api.get("/api/me/profile")).status_code == 404
    assert (await api.delete("/api/me/profile")).status_code == 204


async def test_a_refused_profile_lists_every_field_and_saves_nothing(api):
    wrong = {
        **KARI,
        "skills": ["epidemiology", "alchemy"],
        "regions": ["narnia"],
        "grades": ["Z-9"],
    }
    answer = await api.put("/api/me/profile", json=wrong)
    assert answer.status_code == 400
    assert answer.json()["extra"] == {
        "errors": {
            "skills": "unknown skill id 'alchemy'",
            "regions": "unknown region 'narnia'",
            "grades": "unknown grade 'Z-9'",
        }
    }
    shape = await api.put("/api/me/profile", json={**KARI, "birth_year": 1850, "colour": "blue"})
    assert shape.status_code == 400
    assert await CandidateProfile.count() == 0


async def test_unsafe_methods_need_the_csrf_header(api):
    del api.headers["X-CSRFToken"]
    assert (await api.put("/api/me/profile", json=KARI)).status_code == 403
    assert (await api.put("/api/me/saved/1")).status_code == 403
    assert await CandidateProfile.count() == 0


async def test_saved_vacancies(api):
    nairobi = await add_vacancy("Health Specialist, P-3, Nairobi")
    kampala = await add_vacancy("Epidemiologist, P-2, Kampala", status="closed")
    assert (await api.get("/api/me/saved")).json() == []
    first = await api.put(f"/api/me/saved/{nairobi}")
    assert first.status_code == 200, first.text
    await api.put(f"/api/me/saved/{kampala}")
    listed = (await api.put(f"/api/me/saved/{nairobi}")).json()
    # Saved at the same (frozen) time: the later save first.
    assert [(s["vacancy_id"], s["closed"]) for s in listed] == [(kampala, True), (nairobi, False)]
    assert listed[1] == {
        "vacancy_id": nairobi,
        "title": "Health Specialist, P-3, Nairobi",
        "organization": "UNICEF",
        "organization_name": "United Nations Children's Fund",
        "grade": "P-3",
        "duty_station": "Nairobi",
        "country": "KEN",
        "deadline": "2026-12-06T12:00:00Z",
        "closed": False,
        "saved_at": "2026-11-22T12:00:00Z",
    }
    assert (await api.put("/api/me/saved/987654")).status_code == 404
    left = await api.delete(f"/api/me/saved/{nairobi}")
    assert left.status_code == 200
    assert [s["vacancy_id"] for s in left.json()] == [kampala]
    assert (await api.delete(f"/api/me/saved/{nairobi}")).status_code == 200
    assert not await profiles.is_saved(api.user_id, nairobi)


async def test_only_candidates(db, smtp_port):
    async with account_client(smtp_port) as visitor:
        for method, path in [("GET", "/api/me/profile"), ("GET", "/api/me/saved")]:
            assert (await visitor.request(method, path)).status_code == 401
        await log_in(visitor, "saksbehandler@norec.no", Role.staff)
        assert (await visitor.get("/api/me/profile")).status_code == 403
        assert (await visitor.put("/api/me/profile", json=KARI)).status_code == 403
        assert (await visitor.get("/api/me/saved")).status_code == 403


async def test_the_operations_are_in_the_schema(api):
    schema = (await api.get("/schema/openapi.json")).json()
    operations = {
        op["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/me/profile") or path.startswith("/api/me/saved")
        for op in item.values()
    }
    assert operations == {
        "getMyProfile",
        "saveMyProfile",
        "deleteMyProfile",
        "listMySavedVacancies",
        "saveVacancy",
        "unsaveVacancy",
    }
