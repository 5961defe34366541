"""The JPO reader: JPO posts, their sponsoring donor country and who may apply."""

from __future__ import annotations

import pytest

from vacancies.jpo import JpoFacts, read_jpo

UNICEF_ACCRA_TITLE = (
    "Child Protection Officer, (P-2), Accra, Ghana (Junior Professional Officer Position)"
    "-Open to Norwegian nationals only"
)
UNICEF_ACCRA_TEXT = (
    "UNICEF Ghana is seeking a dynamic Child Protection Officer to join our team. The "
    "assignment will contribute to evidence generation, systems strengthening, and "
    "preparedness efforts. This is a Junior Professional Officer (JPO) position. "
    "Opportunity is open to Norwegian nationals only."
)
UNICEF_LUANDA_TITLE = (
    "JPO-Education Officer (digital learning), P-2, Luanda/Angola (For Finnish Nationals only)"
)
UNICEF_LUANDA_TEXT = (
    "JPO Education Officer (Digital Learning), P-2, Luanda, Angola.\n\n"
    "Join UNICEF Angola as a Junior Professional Officer (JPO) – Education Officer (Digital "
    "Learning) and help accelerate innovative learning solutions that reach every child. This "
    "P‑2 role, funded by the Government of Finland, offers an exceptional opportunity for a "
    "motivated early‑career professional."
)
UNDP_JPO_TEXT = (
    "Junior Professional Officer (JPO) Programme\n"
    "This JPO position is financed by the Government of the Netherlands and is open to "
    "nationals of the Netherlands only. Candidates from other countries will not be "
    "considered. The JPO will support the Country Office in climate finance."
)

# (title, text, extra) -> (is_jpo, sponsors, nationalities)
CASES = [
    pytest.param(UNICEF_ACCRA_TITLE, UNICEF_ACCRA_TEXT, {}, (True, (), ("NO",)), id="unicef-accra"),
    pytest.param(
        UNICEF_LUANDA_TITLE, UNICEF_LUANDA_TEXT, {}, (True, ("FI",), ("FI",)), id="unicef-luanda"
    ),
    pytest.param("Programme Analyst", UNDP_JPO_TEXT, {}, (True, ("NL",), ("NL",)), id="undp-nl"),
    pytest.param(
        "Programme Specialist (JPO)",
        "This position is sponsored by the Government of Norway. The position is open to "
        "Norwegian nationals only.",
        {},
        (True, ("NO",), ("NO",)),
        id="sponsored-by-government-of-norway",
    ),
    pytest.param(
        "Associate Expert in Social Protection",
        "The ILO Associate Experts Programme. Funded by the Ministry of Foreign Affairs of "
        "Denmark. This position is open to candidates with Danish, Finnish or Swedish "
        "nationality.",
        {},
        (True, ("DK",), ("DK", "FI", "SE")),
        id="ilo-associate-expert",
    ),
    pytest.param(
        "Associate Professional Officer (Fisheries)",
        "FAO Associate Professional Officer (APO) Programme of the Government of Japan. "
        "Candidates must be citizens of Japan.",
        {},
        (True, ("JP",), ("JP",)),
        id="fao-apo-japan",
    ),
    pytest.param(
        "Health Officer, P-2",
        "This is a Norwegian-funded JPO post in Nairobi. Only Norwegian nationals are eligible.",
        {},
        (True, ("NO",), ("NO",)),
        id="norwegian-funded",
    ),
    pytest.param(
        "Water Engineer",
        "The post is offered under the Norwegian JPO programme, financed by Norad.",
        {},
        (True, ("NO",), ()),
        id="norad-and-programme",
    ),
    pytest.param(
        "Gender Specialist",
        "This is a Junior Professional Officer assignment. Open to nationals of the following "
        "countries: Denmark, Finland, Iceland, Norway and Sweden.",
        {},
        (True, (), ("DK", "FI", "IS", "NO", "SE")),
        id="following-countries",
    ),
    pytest.param(
        "Programme Officer",
        "Sponsoring country: Germany. Contract type: JPO. The post is only open to nationals "
        "of Germany.",
        {},
        (True, ("DE",), ("DE",)),
        id="labels",
    ),
    pytest.param(
        "Policy Officer",
        "This post is funded by the Governments of Switzerland and Luxembourg through the JPO "
        "Programme. Open to Swiss or Luxembourgish nationals only.",
        {},
        (True, ("CH", "LU"), ("CH", "LU")),
        id="two-sponsors",
    ),
    pytest.param(
        "Rådgiver (JPO)",
        "Stillingen er kun åpen for norske statsborgere.",
        {},
        (True, (), ("NO",)),
        id="norsk",
    ),
    pytest.param(
        "Data Analyst",
        "Candidates must be citizens of the Republic of Korea.",
        {"jpo": True},
        (True, (), ("KR",)),
        id="adapter-flag",
    ),
    pytest.param(
        "Associate Programme Officer",
        "Reporting to the head of office.",
        {"grade_raw": "JPO"},
        (True, (), ()),
        id="raw-grade",
    ),
    pytest.param(
        "Humanitarian Affairs Officer (JPO)",
        "This JPO position is sponsored by the Government of Norway. The project is funded by "
        "the Government of Sweden and the European Union.",
        {},
        (True, ("NO",), ()),
        id="project-funding-is-not-the-sponsor",
    ),
    pytest.param(
        "Protection Officer",
        "UNHCR offers this post through the JPO Programme. Candidates must hold United States "
        "citizenship or be U.S. nationals.",
        {},
        (True, (), ("US",)),
        id="us",
    ),
    # --- negatives ---------------------------------------------------------------------
    pytest.param(
        "Senior Economist",
        "Open to all nationalities. Nationals of Norway are encouraged to apply. The incumbent "
        "supervises two JPOs and the junior professional staff of the unit.",
        {},
        (False, (), ()),
        id="encouragement-and-mentions",
    ),
    pytest.param(
        "Economist, Donor-Funded Staff",
        "This is a Donor-Funded Staff (DFS) position funded by the Government of Norway. "
        "Open to all nationalities.",
        {},
        (False, (), ()),
        id="world-bank-dfs",
    ),
    pytest.param(
        "Junior Professional Associate",
        "The World Bank Group's Junior Professional Associates programme is for recent "
        "graduates. Preference will be given to nationals of Denmark.",
        {},
        (False, (), ()),
        id="world-bank-jpa",
    ),
    pytest.param(
        "Programme Analyst, JPO Service Centre",
        "The JPO Service Centre administers the JPO Programme for 20 donor countries.",
        {},
        (False, (), ()),
        id="jpo-service-centre",
    ),
    pytest.param(
        "Professional Officer, Junior Level",
        "Experience with national systems. Work with national counterparts in Norway.",
        {},
        (False, (), ()),
        id="junior-professional-officer-words",
    ),
    pytest.param(
        "Programme Manager",
        "Previous experience managing the Junior Professional Officer programme is an asset. "
        "Nationals of non- and under-represented member states are encouraged to apply.",
        {},
        (False, (), ()),
        id="programme-management",
    ),
    pytest.param(
        "National Programme Officer (NOB)",
        "This position is open to nationals of Kenya only. The incumbent works with national "
        "partners.",
        {},
        (False, (), ("KE",)),
        id="national-officer-restriction",
    ),
    pytest.param(
        "Consultant",
        "The position is open to Norwegian nationals and to nationals of all other countries.",
        {},
        (False, (), ()),
        id="open-to-all-others-too",
    ),
    pytest.param(
        "Finance Assistant",
        "International and national candidates are welcome. Candidates from all member states "
        "may apply. We value Danish design.",
        {},
        (False, (), ()),
        id="no-restriction",
    ),
    pytest.param(
        "Legal Officer",
        "Nationality: any. Citizens of Norway, Denmark and Sweden do not need a visa.",
        {},
        (False, (), ()),
        id="visa-note",
    ),
]


@pytest.mark.parametrize(("title", "text", "extra", "expected"), CASES)
def test_read_jpo(title: str, text: str, extra: dict, expected: tuple) -> None:
    facts = read_jpo(title, text, extra)
    assert (facts.is_jpo, facts.sponsors, facts.nationalities) == expected
    if facts.is_jpo or facts.nationalities:
        assert facts.evidence
    assert all(len(sentence) <= 242 for sentence in facts.evidence)


def test_evidence_is_the_sentences_that_said_so() -> None:
    facts = read_jpo(UNICEF_LUANDA_TITLE, UNICEF_LUANDA_TEXT, {})
    assert facts == JpoFacts(
        is_jpo=True,
        sponsors=("FI",),
        nationalities=("FI",),
        evidence=(
            UNICEF_LUANDA_TITLE,
            "This P‑2 role, funded by the Government of Finland, offers an exceptional "
            "opportunity for a motivated early‑career professional.",
        ),
    )


def test_nothing_said_is_the_empty_answer() -> None:
    assert read_jpo("Programme Officer", "Work on national systems.", None) == JpoFacts()


def test_long_sentences_are_cut_around_the_words() -> None:
    text = (
        "word " * 200
        + "This is a JPO position sponsored by the Government of Norway "
        + ("and more " * 100)
    )
    facts = read_jpo("Officer", text, {})
    assert facts.is_jpo and facts.sponsors == ("NO",)
    assert all("JPO" in e or "Norway" in e for e in facts.evidence)
    assert all(len(e) <= 242 for e in facts.evidence)
