"""Staff pages and API over candidates who consent to be visible, and the statistics page
and API: what each shows, what is audited, and that nothing personal is cached."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from candidates import accounts, audit, consents
from candidates.privacy import erase_user
from candidates.tables import ConsentPurpose, Role
from tests.portal.account_site import (
    NOW,
    PASSWORD,
    account_client,
    page,
    submit,
    text,
)

VISIBLE = ConsentPurpose.visible_to_staff


async def log_in(client: httpx.AsyncClient, email: str, *roles: Role) -> int:
    user = await accounts.create_user(email, roles, password=PASSWORD, now=NOW)
    answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
    assert answer.status_code == 303, answer.text
    return user.id


async def candidate(email: str, *purposes: ConsentPurpose) -> int:
    user = await accounts.create_user(email, [Role.candidate], password=PASSWORD, now=NOW)
    for purpose in purposes:
        await consents.give_consent(user.id, purpose, now=NOW - timedelta(days=3))
    return user.id


@pytest.fixture
async def staff_client(db, smtp_port):
    async with account_client(smtp_port) as client:
        client.staff_id = await log_in(client, "saksbehandler@norec.no", Role.staff)
        yield client


async def audited(action: str) -> list[tuple[int | None, int | None]]:
    return [(e.actor_id, e.subject_id) for e in await audit.entries(action=action)]


async def test_the_list_shows_visible_candidates_only(staff_client):
    kari = await candidate("kari@example.no", VISIBLE, ConsentPurpose.vacancy_alerts)
    await candidate("hidden@example.no", ConsentPurpose.vacancy_alerts)
    response = await staff_client.get("/staff/candidates", params={"lang": "en"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    html = page(response)
    rows = html.css("#candidates tbody tr")
    assert [row.attributes["id"] for row in rows] == [f"candidate-{kari}"]
    assert [text(cell) for cell in rows[0].css("th, td")] == [
        "kari@example.no",
        "November 22, 2026",
        "Never",
        "November 19, 2026",
    ]
    assert text(html.css_first("#candidate-count")) == "1 visible candidate"
    assert html.css_first("a[aria-current=page]").attributes["href"] == "/staff/candidates"
    # Seeing the list is not a look at one candidate's data.
    assert await audited("candidate_viewed") == []


async def test_a_candidate_page_shows_the_data_and_records_the_view(staff_client):
    kari = await candidate("kari@example.no", VISIBLE, ConsentPurpose.statistics)
    response = await staff_client.get(f"/staff/candidates/{kari}", params={"lang": "en"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    html = page(response)
    assert text(html.css_first("h1")) == "kari@example.no"
    assert [text(row.css_first("th")) for row in html.css("#candidate-consents tbody tr")] == [
        "Visible to Norec staff",
        "Anonymous statistics",
    ]
    assert await audited("candidate_viewed") == [(staff_client.staff_id, kari)]


async def test_the_download_is_a_json_attachment_and_is_audited(staff_client):
    kari = await candidate("kari@example.no", VISIBLE)
    response = await staff_client.get(f"/staff/candidates/{kari}/data")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="candidate-{kari}.json"'
    )
    assert response.headers["cache-control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["exported_by"] == staff_client.staff_id
    assert data["candidate"]["email"] == "kari@example.no"
    assert data["candidate"]["consents"] == [
        {"purpose": "visible_to_staff", "given_at": "2026-11-19T12:00:00Z"}
    ]
    assert await audited("candidate_exported") == [(staff_client.staff_id, kari)]
    assert await audited("candidate_viewed") == []


async def test_withdrawn_consent_gives_404_on_the_next_request(staff_client, smtp_port):
    kari = await candidate("kari@example.no", VISIBLE)
    assert (await staff_client.get(f"/staff/candidates/{kari}")).status_code == 200
    # Kari withdraws on her account page, in her own browser.
    async with account_client(smtp_port) as own:
        await submit(own, "/account/log-in", email="kari@example.no", password=PASSWORD)
        withdrawn = await submit(
            own, "/account", to=f"/account/consents/{VISIBLE}", action="withdraw"
        )
        assert withdrawn.status_code == 303
    for path in (
        f"/staff/candidates/{kari}",
        f"/staff/candidates/{kari}/data",
        f"/api/staff/candidates/{kari}",
    ):
        assert (await staff_client.get(path)).status_code == 404, path
    listed = page(await staff_client.get("/staff/candidates"))
    assert listed.css("#candidates") == []
    assert await audited("candidate_viewed") == [(staff_client.staff_id, kari)]
    assert await audited("candidate_exported") == []


async def test_a_hidden_candidate_and_an_unknown_id_answer_alike(staff_client):
    hidden = await candidate("hidden@example.no")
    unknown = hidden + 1000
    answers = [
        (await staff_client.get(f"/api/staff/candidates/{n}")).json()["detail"]
        for n in (hidden, unknown)
    ]
    assert answers == [
        f"no visible candidate with id {hidden}",
        f"no visible candidate with id {unknown}",
    ]
    shown = await staff_client.get(f"/staff/candidates/{hidden}", params={"lang": "en"})
    assert shown.status_code == 404
    assert "hidden@example.no" not in shown.text
    assert await audited("candidate_viewed") == []


async def test_the_api_lists_and_shows_visible_candidates(staff_client):
    ids = [await candidate(f"c{n}@example.no", VISIBLE) for n in range(3)]
    listed = (await staff_client.get("/api/staff/candidates", params={"per_page": 2})).json()
    assert [c["email"] for c in listed["items"]] == ["c0@example.no", "c1@example.no"]
    assert (listed["total"], listed["page"], listed["per_page"]) == (3, 1, 2)
    shown = await staff_client.get(f"/api/staff/candidates/{ids[2]}")
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "private, no-store"
    assert shown.json() == {
        "id": ids[2],
        "email": "c2@example.no",
        "registered_at": "2026-11-22T12:00:00Z",
        "last_active_at": None,
        "consents": [{"purpose": "visible_to_staff", "given_at": "2026-11-19T12:00:00Z"}],
        "profile": None,
        "cv_text": None,
    }
    assert await audited("candidate_viewed") == [(staff_client.staff_id, ids[2])]


@pytest.mark.parametrize("params", [{"per_page": "101"}, {"page": "0"}, {"page": "many"}], ids=str)
async def test_bad_list_parameters_are_a_400(staff_client, params):
    assert (await staff_client.get("/api/staff/candidates", params=params)).status_code == 400
    assert (await staff_client.get("/staff/candidates", params=params)).status_code == 400


SUPPRESSED = ":not shown for confidentiality"
"""A suppressed cell's text: the symbol ":" (hidden from screen readers), then the words
(shown to screen readers only)."""


async def test_the_ministry_reaches_statistics_and_nothing_personal(db, smtp_port):
    kari = await candidate("kari@example.no", VISIBLE, ConsentPurpose.statistics)
    await candidate("ola@example.no", VISIBLE, ConsentPurpose.statistics)
    for n in range(4):
        await candidate(f"c{n}@example.no", VISIBLE)
    await erase_user(await candidate("gone@example.no"), now=NOW)
    async with account_client(smtp_port) as client:
        await log_in(client, "embetsperson@mfa.no", Role.ministry)
        response = await client.get("/statistics", params={"lang": "en"})
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-store"
        html = page(response)
        assert text(html.css_first("#registered-candidates")) == "Registered candidates: 6"
        consents_shown = {
            text(row.css_first("th")): text(row.css_first("td"))
            for row in html.css("#consents tbody tr")
        }
        assert consents_shown == {
            "Visible to Norec staff": "6",
            "Vacancy alerts": "0",
            "Career follow-up": "0",
            "Anonymous statistics": SUPPRESSED,
        }
        assert text(html.css_first("#sign-ups caption")) == (
            "Sign-ups per year (deleted accounts included)"
        )
        # 7 sign-ups = 6 registered + 1 deleted: suppressed, or they would show the 1.
        assert [text(row) for row in html.css("#sign-ups tr")] == [
            "Year Number",
            f"2026 {SUPPRESSED}",
            f"Total {SUPPRESSED}",
        ]
        assert [text(row) for row in html.css("#erasures tbody tr, #erasures tfoot tr")] == [
            f"2026 {SUPPRESSED}",
            f"Total {SUPPRESSED}",
        ]
        # Kari and Ola consent to statistics and have never used the portal: 2.
        assert [text(row) for row in html.css("#activity tbody tr, #activity tfoot tr")] == [
            "In the last 90 days 0",
            "90 days to a year ago 0",
            f"More than a year ago, or never {SUPPRESSED}",
            f"Total {SUPPRESSED}",
        ]
        # Every suppressed cell: ":" for the eye, words for a screen reader.
        cells = html.css("td.numeric:has(.ds-sr-only)")
        assert len(cells) == 7  # consent, 2 sign-ups, 2 erasures, 2 activity
        for td in cells:
            symbol, words = td.css("span")
            assert (symbol.attributes, symbol.text()) == ({"aria-hidden": "true"}, ":")
            assert words.text() == "not shown for confidentiality"
            assert td.text() == SUPPRESSED
        assert text(html.css_first("#statistics-consenting")) == SUPPRESSED
        assert text(html.css_first("#suppression-legend")) == (
            "“:” Not shown for confidentiality: a count of 1 or 2 people, or a figure from "
            "which such a count could be worked out."
        )
        assert "@" not in html.css_first("main").text()

        norsk = page(await client.get("/statistics", params={"lang": "nb"}))
        assert text(norsk.css_first("#sign-ups tfoot td")) == (
            ":vises ikke av konfidensialitetshensyn"
        )
        assert text(norsk.css_first("#suppression-legend")).startswith(
            "«:» Vises ikke av konfidensialitetshensyn: et antall på 1 eller 2 personer"
        )

        figures = (await client.get("/api/statistics")).json()
        assert figures["registered_candidates"] == {"count": 6, "suppressed": None}
        assert figures["smallest_shown"] == 3
        assert figures["activity"]["total"] == {"count": None, "suppressed": "small"}
        assert figures["consents_by_purpose"]["rows"][3] == {
            "key": "statistics",
            "cell": {"count": None, "suppressed": "small"},
        }
        assert figures["sign_ups_by_year"] == {
            "rows": [{"key": "2026", "cell": {"count": None, "suppressed": "secondary"}}],
            "total": {"count": None, "suppressed": "secondary"},
        }

        for path in (
            "/staff/candidates",
            f"/staff/candidates/{kari}",
            f"/api/staff/candidates/{kari}",
        ):
            assert (await client.get(path)).status_code == 403, path
    assert await audited("candidate_viewed") == []
