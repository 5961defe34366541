"""The CV page (/me/cv): upload, proposals as unticked checkboxes with the CV's words,
adding only what is ticked, refusals shown with their reason, and who may see it."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

from candidates import cv_service
from candidates.profiles import get_profile
from candidates.tables import Role
from portal.settings import get_settings
from tests import cv_files
from tests.admin_helpers import sign_in
from tests.portal.account_site import account_client, csrf_token, page, text

PDF = "application/pdf"


@pytest.fixture
async def browser(db, smtp):
    """A candidate signed in, reading English."""
    async with account_client(smtp[1]) as client:
        client.headers["Accept-Language"] = "en"
        user = await sign_in(client, "ingrid@example.no", Role.candidate)
        client.user = user
        yield client


async def upload(client: httpx.AsyncClient, filename: str, data: bytes) -> httpx.Response:
    token = csrf_token(await client.get("/me/cv"))
    return await client.post(
        "/me/cv", data={"_csrf_token": token}, files={"file": (filename, data, PDF)}
    )


async def apply(client: httpx.AsyncClient, fields: list[tuple[str, str]]) -> httpx.Response:
    token = csrf_token(await client.get("/me/cv"))
    return await client.post(
        "/me/cv/apply",
        content=urlencode([("_csrf_token", token), *fields]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


async def test_without_a_cv_the_page_offers_the_upload_form(browser):
    shown = page(await browser.get("/me/cv"))
    field = shown.css_first("input#field-file")
    assert field.attributes["type"] == "file"
    assert field.attributes["accept"].startswith(".pdf,.docx")
    assert text(shown.css_first("label[for=field-file]")) == "Your CV (PDF or Word)"
    assert text(shown.css_first("#field-file-hint")) == (
        "A PDF or DOCX file of at most 5 MB. We keep only the text we read, not the file."
    )
    form = shown.css_first("form.cv-upload")
    assert form.attributes["enctype"] == "multipart/form-data"


async def test_upload_shows_unticked_proposals_with_their_evidence(browser):
    answer = await upload(browser, "haugen.pdf", cv_files.economist_pdf())
    assert answer.status_code == 303
    assert answer.headers["location"] == "/me/cv?done=uploaded"
    shown = page(await browser.get("/me/cv"))
    boxes = shown.css(".cv-proposals input[type=checkbox]")
    assert len(boxes) == 13 + 1 + 4 + 1 + 2 + 1
    assert not any("checked" in box.attributes for box in boxes)
    assert text(shown.css_first("label[for=skill-statistical-software]")) == "Statistical software"
    assert text(shown.css_first("#skill-statistical-software-why")) == "From your CV: Stata"
    level = shown.css_first("#field-level-fr option[selected]")
    assert level.attributes["value"] == "B2"
    assert text(shown.css_first("#language-sw-why")) == "From your CV: Swahili: basic"
    assert shown.css_first("#field-experience-years-value").attributes["value"] == "10.3"
    assert shown.css_first("#field-education-year").attributes["value"] == "2016"
    assert text(shown.css_first("#cv-text summary")) == "The text we read from your CV"
    assert "Nationality: Norwegian" in shown.css_first("#cv-text .cv-text__body").text()
    assert await get_profile(browser.user.id) is None


async def test_adding_the_ticked_items_only(browser):
    await upload(browser, "haugen.pdf", cv_files.economist_pdf())
    answer = await apply(
        browser,
        [
            ("skill", "econometrics"),
            ("skill", "development-economics"),
            ("language", "fr"),
            ("level-fr", "C1"),
            ("level-en", "C2"),  # edited but not ticked: not added
            ("education", "1"),
            ("education_level", "master"),
            ("education_field", "Development economics"),
            ("education_year", "2016"),
            ("experience_years", "1"),
            ("experience_years_value", "10,5"),
            ("all", "0"),
        ],
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/me/cv?done=applied"
    profile = await get_profile(browser.user.id)
    assert profile.skills == ["econometrics", "development-economics"]
    assert [(x.code, x.level) for x in profile.languages] == [("fr", "C1")]
    assert (profile.education_level, profile.education_field, profile.education_year) == (
        "master",
        "Development economics",
        2016,
    )
    assert (profile.experience_years, profile.international_years) == (10.5, 0.0)
    assert (profile.citizenships, profile.job_families) == ([], [])
    notice = page(await browser.get(answer.headers["location"])).css_first("[role=status]")
    assert text(notice) == ("The selected proposals were added to your profile. Go to your profile")
    assert notice.css_first("a").attributes["href"] == "/me/profile"


async def test_add_all_adds_every_proposal_as_shown(browser):
    await upload(browser, "cv.docx", cv_files.norwegian_docx())
    shown = page(await browser.get("/me/cv"))
    fields = [
        (node.attributes["name"], node.attributes.get("value") or "")
        for node in shown.css(".cv-proposals input[type=text]")
    ] + [
        (node.attributes["name"], node.css_first("option[selected]").attributes["value"])
        for node in shown.css(".cv-proposals select")
    ]
    answer = await apply(browser, [*fields, ("all", "1")])
    assert answer.status_code == 303, answer.text
    profile = await get_profile(browser.user.id)
    assert [(x.code, x.level) for x in profile.languages] == [
        ("no", "native"),
        ("en", "C1"),
        ("ar", "A2"),
    ]
    assert (profile.education_level, profile.education_field) == ("master", "samfunnsøkonomi")
    assert (profile.experience_years, profile.international_years) == (7.0, 3.0)
    assert profile.citizenships == ["NO"]


async def test_an_invalid_edited_value_comes_back_with_the_error(browser):
    await upload(browser, "haugen.pdf", cv_files.economist_pdf())
    answer = await apply(
        browser,
        [("skill", "econometrics"), ("experience_years", "1"), ("experience_years_value", "x")],
    )
    assert answer.status_code == 400
    shown = page(answer)
    error = shown.css_first("#field-experience-years-value-error")
    assert text(error) == "Write a number of years between 0 and 70."
    link = shown.css_first("#error-summary a")
    assert link.attributes["href"] == "#field-experience-years-value"
    assert "checked" in shown.css_first("#skill-econometrics").attributes
    assert await get_profile(browser.user.id) is None


@pytest.mark.parametrize(
    ("filename", "build", "status", "message"),
    [
        (
            "photo.pdf",
            cv_files.png_image,
            415,
            "The file is neither a PDF nor a Word document (DOCX). Save your CV as PDF or "
            "DOCX and upload it again.",
        ),
        (
            "scan.pdf",
            cv_files.scanned_pdf,
            400,
            "We could not read any text in the file. It may be a scanned image. Upload a PDF "
            "with text in it, or a Word document.",
        ),
        (
            "locked.pdf",
            cv_files.encrypted_pdf,
            400,
            "The PDF is protected by a password. Save it without protection and upload it again.",
        ),
    ],
)
async def test_a_refused_file_is_shown_with_its_reason_and_the_earlier_cv_stays(
    browser, filename, build, status, message
):
    await upload(browser, "cv.docx", cv_files.norwegian_docx())
    before = await cv_service.get_cv(browser.user.id)
    answer = await upload(browser, filename, build())
    assert answer.status_code == status
    shown = page(answer)
    assert text(shown.css_first("#field-file-error")) == message
    assert shown.css_first("#field-file").attributes["aria-invalid"] == "true"
    assert text(shown.css_first("#error-summary a")) == message
    assert shown.css_first("#proposed-languages") is not None  # the earlier CV is shown
    assert await cv_service.get_cv(browser.user.id) == before


async def test_an_oversize_file_is_refused_with_the_limit(browser):
    oversize = cv_files.economist_pdf() + b"x" * get_settings().cv_max_bytes
    answer = await upload(browser, "huge.pdf", oversize)
    assert answer.status_code == 413
    error = page(answer).css_first("#field-file-error")
    assert text(error) == "The file is too large. The limit is 5 MB."
    assert await cv_service.get_cv(browser.user.id) is None


async def test_a_body_far_over_the_route_limit_is_refused_on_the_page(browser):
    token = csrf_token(await browser.get("/me/cv"))
    huge = b"%PDF-" + b"x" * (get_settings().cv_max_bytes + 200_000)
    answer = await browser.post(
        "/me/cv", data={"_csrf_token": token}, files={"file": ("huge.pdf", huge, PDF)}
    )
    assert answer.status_code == 413
    error = page(answer).css_first("#field-file-error")
    assert text(error) == "The file is too large. The limit is 5 MB."
    assert await cv_service.get_cv(browser.user.id) is None


async def test_no_file_chosen(browser):
    token = csrf_token(await browser.get("/me/cv"))
    answer = await browser.post("/me/cv", data={"_csrf_token": token}, files={})
    assert answer.status_code == 400
    assert text(page(answer).css_first("#field-file-error")) == "Choose a file to upload."


async def test_a_cv_with_nothing_to_propose_says_so(browser):
    lines = ["Ingrid Haugen", "Storgata 1, 0155 Oslo", "Telefon 912 34 567"]
    await upload(browser, "cv.pdf", cv_files.text_pdf(lines))
    shown = page(await browser.get("/me/cv"))
    assert text(shown.css_first("#nothing-found")).startswith(
        "We found nothing in this CV that we could propose for your profile"
    )
    assert shown.css_first(".cv-proposals") is None


async def test_delete(browser):
    await upload(browser, "haugen.pdf", cv_files.economist_pdf())
    token = csrf_token(await browser.get("/me/cv"))
    answer = await browser.post("/me/cv/delete", data={"_csrf_token": token})
    assert answer.headers["location"] == "/me/cv?done=deleted"
    assert await cv_service.get_cv(browser.user.id) is None


async def test_the_page_is_in_bokmal_by_default_and_in_nynorsk(browser):
    del browser.headers["Accept-Language"]
    shown = page(await browser.get("/me/cv"))
    assert text(shown.css_first("h1")) == "Din CV"
    assert text(shown.css_first("label[for=field-file]")) == "Din CV (PDF eller Word)"
    nynorsk = page(await browser.get("/me/cv", params={"lang": "nn"}))
    assert text(nynorsk.css_first("#field-file-hint")) == (
        "Ei PDF- eller DOCX-fil på høgst 5 MB. Vi tek berre vare på teksten vi les, ikkje fila."
    )


async def test_visitors_log_in_and_staff_are_refused(db, smtp):
    async with account_client(smtp[1]) as client:
        answer = await client.get("/me/cv")
        assert (answer.status_code, answer.headers["location"]) == (303, "/account/log-in")
        await sign_in(client, "staff@norec.no", Role.staff)
        assert (await client.get("/me/cv")).status_code == 403
