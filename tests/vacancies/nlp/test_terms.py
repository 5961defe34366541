from __future__ import annotations

import pytest


def mentions(result, kind):
    return [m.value for m in result.mentions if m.kind == kind]


@pytest.mark.parametrize(
    ("text", "grades"),
    [
        ("Programme Management Officer, P-4", ["P-4"]),
        ("Grade: P3", ["P-3"]),
        ("Level: GF", ["GF"]),
        ("Senior Driver (G-5)", ["G-5"]),
        ("National Officer, NO-B, Kampala", ["NO-B"]),
        ("This is an IPSA-10 position. Another post is NPSA-8.", ["IPSA-10", "NPSA-8"]),
        ("Director, D-1", ["D-1"]),
        ("COVID-19 response in G20 countries; SDG-5.", []),
    ],
)
def test_grades(read, text, grades):
    assert mentions(read(text), "grade") == grades


@pytest.mark.parametrize(
    ("text", "contracts"),
    [
        ("Contract type: Fixed-term appointment", ["fixed-term"]),
        ("This is a temporary appointment for six months.", ["temporary"]),
        ("Continuing appointment", ["continuing"]),
        ("Type of contract: Individual Contractor (IC)", ["individual-contractor"]),
        ("Consultancy: national consultant, home-based", ["consultancy"]),
        ("This is a UN Volunteer assignment.", ["unv"]),
        ("Internship, unpaid", ["internship"]),
        ("Contract: Service Contract (SB-4)", ["service-contract"]),
        ("Local ICA, Specialist", ["local-ica"]),
        ("This is a non-staff position.", ["non-staff"]),
        ("Vi tilbyr et vikariat i ett år.", ["temporary"]),
    ],
)
def test_contracts(read, text, contracts):
    assert mentions(read(text), "contract") == contracts


@pytest.mark.parametrize(
    ("text", "durations"),
    [
        ("Duration of contract: 12 months with possibility of extension.",
         ["12 months", "extension possible"]),
        ("Initial appointment for one year, renewable.", ["1 year", "extension possible"]),
        ("A two-year fixed-term contract.", ["2 years"]),
        ("Consultancy duration: 6 months (120 working days).", ["6 months"]),
        ("At least 5 years of experience in the contract management field.", []),
        ("For 10 years the programme has run.", []),
    ],
)  # fmt: skip
def test_durations(read, text, durations):
    assert mentions(read(text), "duration") == durations


def test_mention_evidence_is_the_phrase(read):
    result = read("Contract: Fixed-term appointment, P-3, 12 months.")
    assert [(m.kind, m.evidence.text) for m in result.mentions] == [
        ("grade", "P-3"),
        ("contract", "Fixed-term appointment"),
        ("duration", "12 months"),
    ]
