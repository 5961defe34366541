"""The candidate's pages: the profile editor (/me/profile), saved vacancies (/me/saved)
and the vacancy page's actions for candidates and staff."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from candidates import accounts, consents, profiles
from candidates.tables import ConsentPurpose, Role
from tests.candidates.test_profiles import KARI, add_vacancy
from tests.portal.account_site import (
    NOW,
    PASSWORD,
    account_client,
    csrf_token,
    page,
    submit,
    text,
)

EMAIL = "kari.nordmann@example.no"

FILLED = {
    "citizenships": ["NO", ""],
    "birth_year": "1994",
    "education_level": "master",
    "education_field": "Public health",
    "education_year": "2019",
    "language-0-code": "nb",
    "language-0-level": "native",
    "language-1-code": "en",
    "language-1-level": "C1",
    "language-2-code": "",
    "language-2-level": "",
    "experience_years": "6",
    "international_years": "3,5",
    "skills": ["epidemiology", "public-health"],
    "job_families": ["health"],
    "organizations": ["WHO", "UNICEF"],
    "regions": ["sub-saharan-africa"],
    "duty_stations": ["KEN", "", "UGA"],
    "grades": ["P-2", "P-3"],
    "contract_types": ["professional", "jpo"],
    "available_from": "2027-02-01",
    "summary": "Epidemiologist with field experience from Kenya and Uganda.",
}


async def log_in(client: httpx.AsyncClient, email: str, *roles: Role) -> int:
    user = await accounts.create_user(email, roles, password=PASSWORD, now=NOW)
    answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
    assert answer.status_code == 303, answer.text
    return user.id


@pytest.fixture
async def kari(db, smtp_port):
    async with account_client(smtp_port) as client:
        client.user_id = await log_in(client, EMAIL, Role.candidate)
        yield client


async def post_form(client: httpx.AsyncClient, fields: dict, lang: str = "en") -> httpx.Response:
    shown = await client.get("/me/profile", params={"lang": lang})
    return await client.post("/me/profile", data={"_csrf_token": csrf_token(shown), **fields})


def checked(tree, name: str) -> list[str]:
    return [n.attributes["value"] for n in tree.css(f"input[name='{name}'][checked]")]


def selected(tree, selector: str) -> list[str]:
    return [n.attributes.get("value", "") for n in tree.css(f"{selector} option[selected]")]


async def test_the_empty_editor(kari):
    response = await kari.get("/me/profile", params={"lang": "en"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    tree = page(response)
    assert text(tree.css_first("h1")) == "Your profile"
    assert [text(n) for n in tree.css("form#profile-form > fieldset > legend")] == [
        "About you",
        "Education",
        "Languages",
        "Experience",
        "Skills and job families",
        "What you are looking for",
        "Summary",
    ]
    assert len(tree.css("select[name^='language-'][name$='-code']")) == 5
    assert len(tree.css("select[name='citizenships']")) == 3
    assert len(tree.css("select[name='duty_stations']")) == 5
    assert len(tree.css("details.profile-family")) == 15  # 14 job families, organisations
    assert len(tree.css("input[name='skills']")) == 444
    assert tree.css_first("#cv-link").attributes["href"] == "/me/cv"
    assert text(tree.css_first("#visibility-note")) == (
        "Norec staff cannot see your profile: you have not consented to it. "
        "Change this on your account page."
    )
    hint = text(tree.css_first("#field-birth-year-hint"))
    assert hint.startswith("Used only to check the age limits some programmes publish")
    assert tree.css_first("a[aria-current=page]").attributes["href"] == "/me/profile"
    assert tree.css_first("#error-summary") is None


async def test_a_filled_in_form_is_saved_and_shown_again(kari):
    answer = await post_form(kari, FILLED)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/me/profile?done=saved"
    saved = await profiles.get_profile(kari.user_id)
    assert saved.model_dump(exclude={"user_id", "created_at", "updated_at"}) == {
        "citizenships": ["NO"],
        "birth_year": 1994,
        "education_level": "master",
        "education_field": "Public health",
        "education_year": 2019,
        "languages": [{"code": "no", "level": "native"}, {"code": "en", "level": "C1"}],
        "experience_years": 6.0,
        "international_years": 3.5,
        "skills": ["epidemiology", "public-health"],
        "job_families": ["health"],
        "organizations": ["WHO", "UNICEF"],
        "regions": ["sub-saharan-africa"],
        "duty_stations": ["KEN", "UGA"],
        "grades": ["P-2", "P-3"],
        "contract_types": ["professional", "jpo"],
        "available_from": date(2027, 2, 1),
        "summary": "Epidemiologist with field experience from Kenya and Uganda.",
    }
    assert saved.created_at == saved.updated_at == NOW

    tree = page(await kari.get("/me/profile", params={"lang": "en", "done": "saved"}))
    assert text(tree.css_first("#profile-notice")) == "Your profile is saved."
    assert checked(tree, "skills") == ["epidemiology", "public-health"]
    assert checked(tree, "organizations") == ["UNICEF", "WHO"]
    assert checked(tree, "grades") == ["P-2", "P-3"]
    assert checked(tree, "contract_types") == ["professional", "jpo"]
    assert selected(tree, "#field-language-0-code") == ["nb"]
    assert selected(tree, "#field-language-1-level") == ["C1"]
    assert selected(tree, "#field-citizenship-0") == ["NO"]
    assert selected(tree, "#field-duty-station-1") == ["UGA"]
    assert tree.css_first("#field-international-years").attributes["value"] == "3.5"
    assert tree.css_first("#field-available-from").attributes["value"] == "2027-02-01"
    assert text(tree.css_first("#field-summary")) == FILLED["summary"]
    # The health family, with chosen skills, starts open; the others closed.
    assert "open" in tree.css_first("#family-health").attributes
    assert "open" not in tree.css_first("#family-ict").attributes
    assert text(tree.css_first("#family-health summary")).endswith("(2 chosen)")


async def test_mistakes_are_listed_at_the_top_and_the_form_keeps_the_values(kari):
    wrong = {
        **FILLED,
        "birth_year": "2019",
        "education_year": "nineteen",
        "language-1-level": "",
        "experience_years": "2",
        "international_years": "4",
        "skills": ["epidemiology", "crystal-healing"],
    }
    answer = await post_form(kari, wrong)
    assert answer.status_code == 400
    tree = page(answer)
    assert text(tree.css_first("title")).startswith("Error: Your profile")
    links = [(n.attributes["href"], text(n)) for n in tree.css("#error-summary a")]
    assert links == [
        (
            "#field-birth-year",
            "Year of birth: Enter your own year of birth: it must be 2011 or earlier.",
        ),
        (
            "#field-education-year",
            "Year of the degree: Enter the year of the degree between 1940 and 2100, like 2019.",
        ),
        (
            "#field-language-0-code",
            "Languages: Choose a language and a level on every language row you fill in.",
        ),
        (
            "#field-international-years",
            "Years of international experience: International experience cannot be longer "
            "than your total experience.",
        ),
        ("#skills-first", "Skills: Not recognised: crystal-healing. Choose from the list."),
    ]
    birth = tree.css_first("#field-birth-year")
    assert birth.attributes["value"] == "2019" and birth.attributes["aria-invalid"] == "true"
    assert "field-birth-year-error" in birth.attributes["aria-describedby"]
    assert tree.css_first("#field-education-year").attributes["value"] == "nineteen"
    # The half-filled language row is shown again as entered.
    assert selected(tree, "#field-language-1-code") == ["en"]
    assert selected(tree, "#field-language-1-level") == []
    assert checked(tree, "skills") == ["epidemiology", "crystal-healing"][:1]
    assert await profiles.get_profile(kari.user_id) is None


async def test_errors_in_norwegian(kari):
    answer = await post_form(kari, {**FILLED, "skills": ["heksekunst"]}, lang="nb")
    assert answer.status_code == 400
    tree = page(answer)
    assert [text(n) for n in tree.css("#error-summary a")] == [
        "Ferdigheter: Ukjent: heksekunst. Velg fra listen."
    ]


async def test_the_editor_shows_visibility_consent(kari):
    await consents.give_consent(kari.user_id, ConsentPurpose.visible_to_staff, now=NOW)
    tree = page(await kari.get("/me/profile", params={"lang": "en"}))
    assert text(tree.css_first("#visibility-note")).startswith(
        "Norec staff can see your profile, because you consent to it."
    )


@pytest.mark.parametrize("path", ["/me/profile", "/me/saved"])
async def test_staff_get_the_forbidden_page_and_visitors_the_log_in(db, smtp_port, path):
    async with account_client(smtp_port) as visitor:
        answer = await visitor.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/account/log-in")
        await log_in(visitor, "saksbehandler@norec.no", Role.staff)
        refused = await visitor.get(path, params={"lang": "en"})
        assert refused.status_code == 403
        assert text(page(refused).css_first("h1")) == "Not available to your account"


async def test_saving_a_vacancy_from_its_page_and_removing_it_from_the_list(kari):
    vacancy = await add_vacancy("Health Specialist, P-3, Nairobi")
    shown = page(await kari.get(f"/vacancies/{vacancy}", params={"lang": "en"}))
    form = shown.css_first("form#save-vacancy")
    assert form.attributes["action"] == f"/me/saved/{vacancy}"
    assert text(form.css_first("button")) == "Save"
    assert shown.css_first("#my-match-link").attributes["href"] == f"/me/matches/{vacancy}"
    assert shown.css_first("#staff-candidates-link") is None

    token = csrf_token(await kari.get(f"/vacancies/{vacancy}"))
    answer = await kari.post(f"/me/saved/{vacancy}", data={"_csrf_token": token})
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        f"/vacancies/{vacancy}#save-vacancy",
    )
    assert await profiles.is_saved(kari.user_id, vacancy)
    shown = page(await kari.get(f"/vacancies/{vacancy}", params={"lang": "en"}))
    form = shown.css_first("form#save-vacancy")
    assert form.attributes["action"] == f"/me/saved/{vacancy}/remove"
    assert text(form.css_first("button")) == "Saved (remove)"

    listed = page(await kari.get("/me/saved", params={"lang": "en"}))
    assert text(listed.css_first("#saved-count")) == ("1 saved vacancy, most recently saved first.")
    item = listed.css_first(f"#saved-{vacancy}")
    assert text(item.css_first("h2")) == "Health Specialist, P-3, Nairobi"
    assert text(item.css("p")[0]) == "UNICEF · P-3 · Nairobi"
    assert text(item.css("p")[1]) == "Deadline Dec 6, 2026 · Saved Nov 22, 2026"

    token = csrf_token(await kari.get("/me/saved"))
    removed = await kari.post(f"/me/saved/{vacancy}/remove", data={"_csrf_token": token})
    assert (removed.status_code, removed.headers["location"]) == (303, "/me/saved?done=removed")
    after = page(await kari.get("/me/saved", params={"lang": "en", "done": "removed"}))
    assert text(after.css_first("#saved-notice")) == "The vacancy is removed from your list."
    assert after.css_first("#saved-empty") is not None
    assert not await profiles.is_saved(kari.user_id, vacancy)


async def test_a_closed_saved_vacancy_stays_listed_and_marked(kari):
    closed = await add_vacancy("Epidemiologist, P-2, Kampala", status="closed")
    await profiles.save_vacancy(kari.user_id, closed, now=NOW)
    listed = page(await kari.get("/me/saved", params={"lang": "en"}))
    assert text(listed.css_first(f"#saved-{closed} .ds-tag")) == "Closed"


async def test_saving_an_unknown_vacancy_is_a_404_page(kari):
    token = csrf_token(await kari.get("/me/saved"))
    answer = await kari.post("/me/saved/987654", data={"_csrf_token": token})
    assert answer.status_code == 404


async def test_staff_see_the_candidates_link_and_no_save_button(db, smtp_port):
    vacancy = await add_vacancy("Health Specialist, P-3, Nairobi")
    async with account_client(smtp_port) as staff:
        await log_in(staff, "saksbehandler@norec.no", Role.staff)
        shown = page(await staff.get(f"/vacancies/{vacancy}", params={"lang": "en"}))
    link = shown.css_first("#staff-candidates-link")
    assert link.attributes["href"] == f"/staff/vacancies/{vacancy}/candidates"
    assert text(link) == "Candidates for this post"
    assert shown.css_first("#save-vacancy") is None


async def test_visitors_see_no_actions(db, smtp_port):
    vacancy = await add_vacancy("Health Specialist, P-3, Nairobi")
    async with account_client(smtp_port) as visitor:
        shown = page(await visitor.get(f"/vacancies/{vacancy}"))
    assert shown.css_first("#vacancy-actions") is None


async def test_the_staff_candidate_page_shows_the_profile_and_the_cv(db, smtp_port):
    from candidates.tables import CandidateCv

    kari_user = await accounts.create_user(EMAIL, [Role.candidate], now=NOW)
    await consents.give_consent(kari_user.id, ConsentPurpose.visible_to_staff, now=NOW)
    await profiles.save_profile(kari_user.id, KARI, now=NOW)
    await CandidateCv.insert(
        CandidateCv(
            user=kari_user.id,
            filename="kari.pdf",
            media_type="application/pdf",
            size=30000,
            text="Kari Nordmann\nEpidemiologist",
            lang="en",
            suggestions={},
            uploaded_at=NOW,
        )
    )
    async with account_client(smtp_port) as staff:
        await log_in(staff, "saksbehandler@norec.no", Role.staff)
        tree = page(await staff.get(f"/staff/candidates/{kari_user.id}", params={"lang": "en"}))
    facts = {
        text(dt): text(dd)
        for dt, dd in zip(
            tree.css("#candidate-profile dt"), tree.css("#candidate-profile dd"), strict=True
        )
    }
    assert facts == {
        "Citizenship": "Norway",
        "Year of birth": "1994",
        "Education": "Master's degree · Public health · 2019",
        "Languages": "Norwegian (Native language), English (C1), French (B1)",
        "Experience": "6 years, of which 3.5 international",
        "Skills": "Epidemiology, Project management, Monitoring and evaluation",
        "Job families": "Health: public health and medical",
        "Preferred organisations": "WHO, UNICEF",
        "Preferred regions": "Sub-Saharan Africa",
        "Preferred duty-station countries": "Kenya, Uganda",
        "Grades": "P-2, P-3",
        "Contract types": "Professional, Junior Professional Officer (JPO)",
        "Available from": "February 1, 2027",
        "Summary": "Epidemiologist with field experience from Kenya and Uganda.",
    }
    details = tree.css_first("details#candidate-cv")
    assert text(details.css_first("summary")) == "CV text"
    assert text(details.css_first("pre")) == "Kari Nordmann Epidemiologist"


async def test_the_staff_candidate_page_without_a_profile(db, smtp_port):
    kari_user = await accounts.create_user(EMAIL, [Role.candidate], now=NOW)
    await consents.give_consent(kari_user.id, ConsentPurpose.visible_to_staff, now=NOW)
    async with account_client(smtp_port) as staff:
        await log_in(staff, "saksbehandler@norec.no", Role.staff)
        tree = page(await staff.get(f"/staff/candidates/{kari_user.id}", params={"lang": "en"}))
    assert text(tree.css_first("#no-profile")) == "The candidate has not filled in a profile yet."
    assert tree.css_first("#candidate-cv") is None


@pytest.mark.parametrize(
    ("lang", "heading", "legend"),
    [("nb", "Profilen din", "Om deg"), ("nn", "Profilen din", "Om deg")],
)
async def test_the_pages_in_norwegian(kari, lang, heading, legend):
    vacancy = await add_vacancy("Health Specialist, P-3, Nairobi")
    await profiles.save_vacancy(kari.user_id, vacancy, now=NOW)
    tree = page(await kari.get("/me/profile", params={"lang": lang}))
    assert text(tree.css_first("h1")) == heading
    assert text(tree.css_first("form#profile-form > fieldset > legend")) == legend
    saved = await kari.get("/me/saved", params={"lang": lang})
    assert saved.status_code == 200
    assert (
        text(page(saved).css_first("#saved-count"))
        == {
            "nb": "1 lagret stilling, sist lagrede først.",
            "nn": "1 lagra stilling, sist lagra først.",
        }[lang]
    )
