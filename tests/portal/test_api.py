"""The JSON API over real harvested data: search, filters, detail, sources, errors."""

from __future__ import annotations

import pytest

from tests.portal.recorded_site import NOW, harvest_recorded_sources, portal_client


@pytest.fixture
async def harvested(db):
    await harvest_recorded_sources()


@pytest.fixture
async def api(harvested):
    # httpx's ASGI transport runs the app on the test's own event loop, where the
    # database pool lives (Litestar's test clients run it on a thread of their own).
    async with portal_client() as client:
        yield client


async def test_health(api):
    response = await api.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_openapi_schema_documents_the_api(api):
    schema = (await api.get("/schema/openapi.json")).json()
    assert {"/api/vacancies", "/api/vacancies/{vacancy_id}", "/api/sources"} <= set(schema["paths"])


async def test_list_is_paginated_and_sorted_by_deadline(api):
    response = await api.get("/api/vacancies", params={"per_page": 5})
    body = response.json()
    assert response.status_code == 200
    assert body["total"] == 32 + 6 + 8
    assert (body["page"], body["per_page"], len(body["items"])) == (1, 5, 5)
    deadlines = [i["deadline"] for i in body["items"] if i["deadline"]]
    assert deadlines == sorted(deadlines)

    page_2 = (await api.get("/api/vacancies", params={"per_page": 5, "page": 2})).json()
    assert not {i["id"] for i in page_2["items"]} & {i["id"] for i in body["items"]}


async def test_full_text_search_finds_words_in_title_and_description(api):
    body = (await api.get("/api/vacancies", params={"q": "portfolio strategist"})).json()
    titles = [i["title"] for i in body["items"]]
    assert body["total"] >= 1
    assert any("Portfolio Strategist" in t for t in titles)


async def test_filters_by_organization_and_grade(api):
    body = (await api.get("/api/vacancies", params={"organization": "WBG", "per_page": 100})).json()
    assert body["total"] == 6
    assert {i["organization"] for i in body["items"]} == {"WBG"}

    p3 = (await api.get("/api/vacancies", params={"grade": "P-3", "organization": "unicef"})).json()
    assert p3["total"] >= 1
    assert {i["grade"] for i in p3["items"]} == {"P-3"}


async def test_filter_by_country(api):
    body = (await api.get("/api/vacancies", params={"country": "USA", "per_page": 100})).json()
    assert body["total"] >= 6
    assert {i["country"] for i in body["items"]} == {"USA"}


async def test_vacancy_detail_has_clean_description(api):
    first = (
        await api.get("/api/vacancies", params={"organization": "UNICEF", "per_page": 1})
    ).json()["items"][0]
    response = await api.get(f"/api/vacancies/{first['id']}")
    detail = response.json()
    assert response.status_code == 200
    assert detail["id"] == first["id"]
    assert detail["description"]
    assert "<" not in detail["description"]
    assert detail["sample"] is False


async def test_jpo_filters_and_fields(api):
    body = (await api.get("/api/vacancies", params={"jpo": "true"})).json()
    assert body["total"] == 2
    facts = {
        (i["is_jpo"], tuple(i["jpo_sponsors"]), tuple(i["open_to_nationalities"]))
        for i in body["items"]
    }
    assert facts == {(True, (), ("NO",)), (True, ("FI",), ("FI",))}

    finnish = (await api.get("/api/vacancies", params={"sponsor": "fi"})).json()
    assert [i["jpo_sponsors"] for i in finnish["items"]] == [["FI"]]
    detail = (await api.get(f"/api/vacancies/{finnish['items'][0]['id']}")).json()
    assert (detail["is_jpo"], detail["jpo_sponsors"], detail["open_to_nationalities"]) == (
        True,
        ["FI"],
        ["FI"],
    )

    ordinary = (await api.get("/api/vacancies", params={"country": "USA", "per_page": 1})).json()
    item = ordinary["items"][0]
    assert (item["is_jpo"], item["jpo_sponsors"], item["open_to_nationalities"]) == (
        False,
        [],
        [],
    )


async def test_a_sponsor_must_be_an_alpha2_code(api):
    response = await api.get("/api/vacancies", params={"sponsor": "NOR"})
    assert response.status_code == 400
    assert "alpha-2" in response.text


async def test_missing_vacancy_is_404(api):
    response = await api.get("/api/vacancies/999999")
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"country": "Norway"},
        {"category": "astronaut"},
        {"page": "0"},
        {"per_page": "1000"},
        {"sort": "random"},
        {"deadline_after": "next tuesday"},
    ],
)
async def test_bad_query_is_a_clear_400(api, params):
    response = await api.get("/api/vacancies", params=params)
    assert response.status_code == 400
    assert response.json()["detail"]


async def test_sources_report_last_run_and_health(api):
    sources = {s["id"]: s for s in (await api.get("/api/sources")).json()}
    unicef = sources["unicef-rss"]
    assert unicef["last_run"]["status"] == "ok"
    assert unicef["last_run"]["new"] == 32
    assert unicef["open_vacancies"] == 32
    assert unicef["consecutive_failures"] == 0
    assert sources["unhcr-cinfo-rss"]["enabled"] is False
    assert sources["unhcr-cinfo-rss"]["last_run"] is None

    runs = (await api.get("/api/sources/unicef-rss/runs")).json()
    assert [r["status"] for r in runs] == ["ok"]
    assert (await api.get("/api/sources/nope/runs")).status_code == 404


async def test_sort_by_posting_date_newest_first(api):
    body = (await api.get("/api/vacancies", params={"sort": "posted", "per_page": 100})).json()
    posted = [i["posted_at"] for i in body["items"]]
    assert posted == sorted(posted, reverse=True)


async def test_relevance_sort_puts_title_matches_first(api):
    body = (
        await api.get(
            "/api/vacancies", params={"q": "protection", "sort": "relevance", "per_page": 100}
        )
    ).json()
    assert body["total"] >= 1
    assert "protection" in body["items"][0]["title"].lower()


@pytest.mark.parametrize("q", ['"P-3" AND (', "NEAR(x y)", "*", "-", "officer OR"])
async def test_search_text_with_operator_characters_is_safe(api, q):
    response = await api.get("/api/vacancies", params={"q": q})
    assert response.status_code == 200
    assert response.json()["total"] >= 0


async def test_duplicates_are_listed_once_unless_asked(api):
    from tests.vacancies.test_ingest import ingest, unicef_record
    from vacancies.tables import Source

    await Source.insert(
        Source(id="unicef-mirror", name="mirror", adapter="rss", base_url="https://m.test/")
    )
    original = (await api.get("/api/vacancies", params={"organization": "UNICEF"})).json()
    first = original["items"][0]
    copy = unicef_record(
        "copy-1",
        url="https://m.test/copy-1",
        title=first["title"],
        organization="UNICEF",
        duty_station=first["duty_station"],
        deadline=None,
        posted_at=None,
    )
    await ingest("unicef-mirror", [copy], now=NOW)

    listed = (await api.get("/api/vacancies", params={"organization": "UNICEF"})).json()
    assert listed["total"] == original["total"]
    everything = (
        await api.get(
            "/api/vacancies", params={"organization": "UNICEF", "include_duplicates": "true"}
        )
    ).json()
    assert everything["total"] == original["total"] + 1
    detail = (await api.get(f"/api/vacancies/{first['id']}")).json()
    assert len(detail["duplicates"]) == 1


async def test_undated_vacancies_come_last_in_both_orders(api):
    from tests.vacancies.test_ingest import ingest, unicef_record
    from vacancies.tables import Source

    await Source.insert(
        Source(id="undated", name="undated", adapter="rss", base_url="https://u.test/")
    )
    await ingest(
        "undated",
        [
            unicef_record(
                "u1",
                url="https://u.test/1",
                title="Undated Post Officer",
                posted_at=None,
                deadline=None,
            )
        ],
        now=NOW,
    )
    posted = (await api.get("/api/vacancies", params={"sort": "posted", "per_page": 100})).json()
    assert posted["items"][-1]["title"] == "Undated Post Officer"
    by_deadline = (await api.get("/api/vacancies", params={"per_page": 100})).json()["items"]
    has_deadline = [item["deadline"] is not None for item in by_deadline]
    assert has_deadline == sorted(has_deadline, reverse=True)  # dated first, undated last
