"""``portal extract``, ``portal analyse`` and ``portal taxonomy import-esco`` as an
operator runs them: real processes on the test database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.portal.test_cli import portal
from vacancies.tables import Vacancy

DATA = Path(__file__).resolve().parents[1] / "data"
POSTING = """Education: Advanced university degree (Master's degree or equivalent) in economics.
A first-level university degree in combination with two additional years of qualifying
experience may be accepted in lieu of the advanced university degree.

Experience: A minimum of five years of progressively responsible experience in
development finance is required.

Languages: Fluency in English is required; knowledge of French is desirable."""


def test_extract_reads_a_file_and_prints_json(tmp_path: Path):
    path = tmp_path / "posting.html"
    path.write_text("<div><p>" + POSTING.replace("\n\n", "</p><p>") + "</p></div>")
    result = portal("extract", str(path), "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["education_min"], found["experience_min_years"]) == ("master", 5)
    assert (found["in_lieu"]["level"], found["in_lieu"]["extra_years"]) == ("bachelor", 2)
    assert [(x["code"], x["need"], x["level"]) for x in found["languages"]] == [
        ("en", "required", "fluent"),
        ("fr", "desirable", None),
    ]


def test_extract_reads_standard_input_and_shows_the_evidence():
    result = portal("extract", "-", input_text=POSTING)
    assert result.returncode == 0, result.stderr
    assert "English (en): required, fluent" in result.stdout
    assert "minimum education: master" in result.stdout
    assert "minimum experience: 5 years" in result.stdout


def test_extract_reads_norwegian_and_survives_binary_junk(tmp_path: Path):
    norwegian = portal(
        "extract",
        "-",
        "--json",
        input_text="Kvalifikasjoner\nMastergrad i statsvitenskap. Minst tre års relevant "
        "arbeidserfaring. Flytende engelsk er et krav, fransk er en fordel.",
    )
    assert norwegian.returncode == 0, norwegian.stderr
    found = json.loads(norwegian.stdout)
    assert found["lang"] == "nb"
    assert (found["education_min"], found["experience_min_years"]) == ("master", 3)
    assert [(x["code"], x["need"]) for x in found["languages"]] == [
        ("en", "required"),
        ("fr", "desirable"),
    ]

    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 400)
    result = portal("extract", str(junk), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["languages"] == []


def test_extract_of_a_missing_file_is_a_clear_error(tmp_path: Path):
    result = portal("extract", str(tmp_path / "nope.txt"))
    assert result.returncode == 1
    assert "cannot read" in result.stderr and "nope.txt" in result.stderr


def test_analyse_reads_what_the_demo_stored_once(db):
    from portal.settings import REPO_ROOT

    env = {"PORTAL_SOURCES_FILE": str(REPO_ROOT / "sources.toml")}
    assert portal("demo", "--json", env=env).returncode == 0
    again = portal("analyse", "--json", env=env)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["analysed"] == 0  # the demo read them already


async def test_an_esco_import_joins_the_taxonomy_and_has_everything_read_again(db, tmp_path):
    env = {"PORTAL_TAXONOMY_DIR": str(tmp_path / "taxonomy")}
    from tests.portal.recorded_site import harvest_recorded_sources

    await harvest_recorded_sources()
    first = portal("analyse", "--json", env=env)
    assert first.returncode == 0, first.stderr
    analysed = json.loads(first.stdout)
    assert analysed["analysed"] == await Vacancy.count()

    sample = DATA / "esco" / "skills_en_sample.csv"
    imported = portal("taxonomy", "import-esco", str(sample), "--json", env=env)
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert (summary["imported"], summary["merged"], summary["skipped"]) == (14, 2, 4)
    assert Path(summary["path"]) == tmp_path / "taxonomy" / "esco_skills.toml"

    again = json.loads(portal("analyse", "--json", env=env).stdout)
    assert again["version"] != analysed["version"]
    assert again["analysed"] == analysed["analysed"]


def test_an_esco_file_without_its_columns_is_refused_and_nothing_written(tmp_path: Path):
    env = {"PORTAL_TAXONOMY_DIR": str(tmp_path / "taxonomy")}
    result = portal(
        "taxonomy", "import-esco", str(DATA / "esco" / "broken_missing_columns.csv"), env=env
    )
    assert result.returncode == 1
    assert "conceptUri" in result.stderr
    assert not (tmp_path / "taxonomy" / "esco_skills.toml").exists()
