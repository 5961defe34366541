"""What a post asks for, on the vacancy page and in the API: each line linked to the
words of the description it was read from, in English and Norwegian; a vacancy not
read yet says so."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.portal.recorded_site import (
    COX_BAZAR,
    harvest_recorded_sources,
    portal_client,
    text,
    texts,
    vacancy_id,
)
from vacancies.analysis import analyse_pending
from vacancies.nlp import prepare_text
from vacancies.tables import Vacancy


@pytest.fixture
async def site(db):
    await harvest_recorded_sources()
    await analyse_pending()
    async with portal_client() as client:
        yield client


async def page(site, url: str, lang: str = "en") -> LexborHTMLParser:
    response = await site.get(url, params={"lang": lang})
    assert response.status_code == 200, response.text
    return LexborHTMLParser(response.text)


def requirement_lines(tree: LexborHTMLParser) -> dict[str, list[str]]:
    """Each heading of the requirements list and its lines, without the link texts
    (which it removes from ``tree``)."""
    found: dict[str, list[str]] = {}
    for term, detail in zip(
        tree.css("#requirements dl dt"), tree.css("#requirements dl dd"), strict=True
    ):
        lines = []
        for item in detail.css("li"):
            for link in item.css("a.evidence-link"):
                link.decompose()
            lines.append(text(item))
        found[text(term)] = lines or [text(detail)]
    return found


async def test_the_page_lists_what_the_post_asks_for_each_line_linked_to_its_words(site):
    tree = await page(site, f"/vacancies/{await vacancy_id(COX_BAZAR)}")
    assert texts(tree, "#requirements-heading") == ["What the post asks for"]
    marks = {mark.attributes["id"]: text(mark) for mark in tree.css(".description mark[id]")}
    links = [a.attributes["href"] for a in tree.css("#requirements a.evidence-link")]
    assert requirement_lines(tree) == {
        "Education": ["Master's degree in social work, psychology, law"],
        "Experience": ["At least 5 years of experience"],
        "Languages": ["English: required, fluent", "Bangla: desirable"],
        "Skills": ["Child protection", "Mental health and psychosocial support"],
        "Job family": ["Health, Political, peace and humanitarian"],
    }
    assert links and all(href[1:] in marks for href in links)
    assert [marks[href[1:]] for href in links[:3]] == [
        "Advanced university degree in social work, psychology or law.",
        "A minimum of five years of relevant experience, including in emergencies.",
        "Fluency in English is required; Bangla is an asset.",
    ]
    # The description around the marks is the whole text, as before.
    assert " ".join(texts(tree, ".description")).startswith(
        "UNICEF works in some of the world's toughest places"
    )


async def test_the_lines_read_in_norwegian(site):
    tree = await page(site, f"/vacancies/{await vacancy_id(COX_BAZAR)}", lang="nb")
    lines = requirement_lines(tree)
    assert texts(tree, "#requirements-heading") == ["Hva stillingen krever"]
    assert lines["Utdanning"] == ["Mastergrad i social work, psychology, law"]
    assert lines["Erfaring"] == ["Minst 5 års erfaring"]
    assert lines["Språk"] == ["Engelsk: krav, flytende", "Bengali: ønskelig"]


async def test_a_vacancy_not_read_yet_says_so(site):
    vacancy = await vacancy_id(COX_BAZAR)
    await Vacancy.update({Vacancy.requirements: None, Vacancy.requirements_version: None}).where(
        Vacancy.id == vacancy
    )
    tree = await page(site, f"/vacancies/{vacancy}")
    assert texts(tree, "#requirements p") == [
        "Not read yet: the portal reads what a new or changed vacancy asks for within "
        "minutes of its harvest."
    ]
    assert tree.css(".description mark") == []


async def test_the_api_gives_the_requirements_with_spans_into_the_description(site):
    vacancy = await vacancy_id(COX_BAZAR)
    detail = (await site.get(f"/api/vacancies/{vacancy}")).json()
    found = detail["requirements"]
    assert (found["education_min"], found["experience_min_years"]) == ("master", 5)
    assert [(x["code"], x["need"], x["level"]) for x in found["languages"]] == [
        ("en", "required", "fluent"),
        ("bn", "desirable", None),
    ]
    described = prepare_text(detail["description"])
    for item in [*found["languages"], *found["education"], *found["experience"]]:
        span = item["evidence"]
        assert described[span["start"] : span["end"]] == span["text"]

    schema = (await site.get("/schema/openapi.json")).json()
    assert "Requirements" in schema["components"]["schemas"]
