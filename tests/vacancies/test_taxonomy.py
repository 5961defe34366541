"""The skills taxonomy: shipped data, the loader's rules, and the ESCO importer."""

from __future__ import annotations

import csv
import io
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from vacancies.taxonomy import (
    GENERIC_LABELS,
    SHIPPED_DIR,
    EscoImport,
    JobFamily,
    SdgGoal,
    Skill,
    Taxonomy,
    TaxonomyError,
    esco_family,
    import_esco,
    is_generic_label,
    load_taxonomy,
    phrase_key,
    skills_toml,
    toml_string,
)

ESCO_DIR = Path(__file__).parents[1] / "data" / "esco"
SAMPLE = ESCO_DIR / "skills_en_sample.csv"
BROKEN = ESCO_DIR / "broken_missing_columns.csv"
ESCO_COLUMNS = [
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "modifiedDate",
    "scopeNote",
    "definition",
    "inScheme",
    "description",
]
SKILL_URI = "http://data.europa.eu/esco/skill/"
BUDGETS_URI = SKILL_URI + "3f1c9a2e-7b4d-4e0a-9c51-2d8e6f0a1b37"
SPREADSHEETS_URI = SKILL_URI + "5b7e9d1f-2a4c-4f6e-8b0d-1c3e5a7b9d2f"
PROGRESS_ID = "esco-a8d2e4f6-1c3b-4a5d-8e7f-9b0c1d2e3f40"


@pytest.fixture(scope="module")
def shipped() -> Taxonomy:
    return load_taxonomy()


def esco_csv(path: Path, rows: list[dict[str, str]], *, bom: bool = False) -> Path:
    """A CSV in ESCO's format (all cells quoted, every column) with the given cells."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ESCO_COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"conceptType": "KnowledgeSkillCompetence", "status": "released", **row})
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    return path


# --- Shipped data ------------------------------------------------------------------------


def test_shipped_data_loads_with_several_hundred_skills(shipped: Taxonomy) -> None:
    assert len(shipped.skills) >= 350
    assert all(isinstance(skill, Skill) for skill in shipped.skills)
    assert all(isinstance(family, JobFamily) for family in shipped.families)
    assert load_taxonomy() is shipped  # cached


def test_families_cover_the_un_job_networks(shipped: Taxonomy) -> None:
    ids = {family.id for family in shipped.families}
    assert {"mgmt", "ict", "pol", "econ", "legal", "info", "safety", "finance", "supply"} <= ids
    assert {"health", "science", "hr", "education", "other"} <= ids
    assert shipped.family("ict").network == "ITECNET"
    assert shipped.family("pol").label == "Political, peace and humanitarian"
    assert len(ids) == len(shipped.families)


def test_every_family_has_skills(shipped: Taxonomy) -> None:
    counts = Counter(skill.family for skill in shipped.skills)
    assert {family.id for family in shipped.families} == set(counts)
    assert all(counts[family] >= 10 for family in counts), counts


def test_skill_ids_are_unique_slugs(shipped: Taxonomy) -> None:
    ids = [skill.id for skill in shipped.skills]
    assert len(ids) == len(set(ids))
    assert shipped.skill("monitoring-evaluation").label == "Monitoring and evaluation"
    assert "M&E" in shipped.skill("monitoring-evaluation").case_sensitive


def test_no_phrase_belongs_to_two_skills(shipped: Taxonomy) -> None:
    owners: dict[str, str] = {}
    for skill in shipped.skills:
        for phrase in skill.phrases():
            assert owners.setdefault(phrase_key(phrase), skill.id) == skill.id, phrase


def test_short_phrases_are_case_sensitive_and_none_is_generic(shipped: Taxonomy) -> None:
    for skill in shipped.skills:
        for phrase in skill.phrases():
            assert phrase_key(phrase) not in GENERIC_LABELS, (skill.id, phrase)
            if is_generic_label(phrase):  # only acronyms such as "GIS" may be this short
                assert phrase in skill.case_sensitive, (skill.id, phrase)
    assert {"GIS"} <= shipped.skill("gis").case_sensitive
    assert {"WASH"} <= shipped.skill("wash").case_sensitive


@pytest.mark.parametrize(
    ("skill_id", "phrase"),
    [
        ("monitoring-evaluation", "monitoring, evaluation and learning"),
        ("cash-based-transfers", "cash and voucher assistance"),
        ("ipsas", "International Public Sector Accounting Standards"),
        ("ppp", "public-private partnership"),
        ("gbv", "SGBV"),
        ("sap", "S/4HANA"),
        ("climate-adaptation", "climate change adaptation"),
    ],
)
def test_skills_know_how_postings_write_them(shipped: Taxonomy, skill_id: str, phrase: str) -> None:
    assert phrase in shipped.skill(skill_id).phrases()


def test_all_17_sdgs_with_terms(shipped: Taxonomy) -> None:
    assert [goal.number for goal in shipped.sdgs] == list(range(1, 18))
    assert all(isinstance(goal, SdgGoal) and goal.label for goal in shipped.sdgs)
    assert all(8 <= len(goal.terms) <= 25 for goal in shipped.sdgs)
    assert shipped.sdgs[4].label == "Gender equality"
    assert "gender-based violence" in shipped.sdgs[4].terms
    assert "Paris Agreement" in shipped.sdgs[12].terms


def test_phrases_are_label_then_synonyms_without_repeats() -> None:
    skill = Skill(
        "x", "Data analysis", "ict", ("data analytics", "Data  Analysis", "data analytics")
    )
    assert skill.phrases() == ("Data analysis", "data analytics")


def test_unknown_ids_raise_key_error(shipped: Taxonomy) -> None:
    with pytest.raises(KeyError, match="no skill"):
        shipped.skill("basket-weaving")
    with pytest.raises(KeyError, match="no job family"):
        shipped.family("nope")


# --- Fingerprint and extra files ---------------------------------------------------------

EXTRA = """
[[skill]]
id = "budgeting"
label = "Budget work"
family = "other"
synonyms = ["budget drafting", "Budget Preparation", "spreadsheet software"]
esco_uri = "http://example.org/esco/budget"

[[skill]]
id = "water-diplomacy"
label = "Water diplomacy"
family = "pol"
synonyms = ["hydro-diplomacy", "GIS", "transboundary water cooperation"]
case_sensitive = ["GIS"]

[[skill]]
id = "ocean-diplomacy"
label = "data analytics"
family = "pol"
synonyms = ["blue diplomacy"]
"""


def test_fingerprint_is_stable_and_changes_with_an_extra_file(
    shipped: Taxonomy, tmp_path: Path
) -> None:
    assert len(shipped.fingerprint) == 64
    assert load_taxonomy().fingerprint == shipped.fingerprint
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA, encoding="utf-8")
    with_extra = load_taxonomy([extra])
    assert with_extra.fingerprint != shipped.fingerprint
    assert load_taxonomy([extra]).fingerprint == with_extra.fingerprint
    extra.write_text(EXTRA.replace("hydro-diplomacy", "hydrodiplomacy"), encoding="utf-8")
    assert load_taxonomy([extra]).fingerprint != with_extra.fingerprint  # not cached


def test_extra_skills_merge_without_sharing_phrases(shipped: Taxonomy, tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA, encoding="utf-8")
    taxonomy = load_taxonomy([extra])
    budgeting = taxonomy.skill("budgeting")
    assert (budgeting.label, budgeting.family) == ("Budgeting", "finance")  # shipped wins
    original = shipped.skill("budgeting").synonyms
    # Its new label and synonyms are added; a phrase it has or another skill owns is not.
    assert budgeting.synonyms == (*original, "Budget work", "budget drafting")
    assert budgeting.esco_uri == "http://example.org/esco/budget"
    water = taxonomy.skill("water-diplomacy")
    assert water.synonyms == ("hydro-diplomacy", "transboundary water cooperation")
    assert water.case_sensitive == frozenset()
    # A skill whose label is another skill's phrase merges into that skill.
    with pytest.raises(KeyError):
        taxonomy.skill("ocean-diplomacy")
    assert "blue diplomacy" in taxonomy.skill("data-analysis").synonyms
    assert len(taxonomy.skills) == len(shipped.skills) + 1
    test_no_phrase_belongs_to_two_skills(taxonomy)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[skill]]\nid = "a"\nlabel = "x y"\nfamily = "nope"\n', "unknown family 'nope'"),
        ('[[skill]]\nid = "a"\nlabel = " "\nfamily = "ict"\n', "'label' is empty"),
        ('[[skill]]\nid = "A B"\nlabel = "x y"\nfamily = "ict"\n', "not a lowercase slug"),
        ('[[skill]]\nid = "a"\nlabel = "xy"\nfamily = "ict"\n', "short phrase"),
        ('[[skill]]\nid = "a"\nlabel = "x y"\nfamily = "ict"\nsynonym = ["z"]\n', "unknown key"),
        (
            '[[skill]]\nid = "a"\nlabel = "x y"\nfamily = "ict"\ncase_sensitive = ["Q"]\n',
            "are not its label or synonyms",
        ),
        (
            '[[skill]]\nid = "a"\nlabel = "x y"\nfamily = "ict"\n' * 2,
            "duplicate skill id",
        ),
        ('[[skill]\nid = "a"\n', "not valid UTF-8 TOML"),
    ],
)
def test_bad_extra_files_are_named_in_the_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError, match=message) as caught:
        load_taxonomy([path])
    assert "bad.toml" in str(caught.value)


def test_missing_extra_file_is_a_taxonomy_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy([tmp_path / "missing.toml"])


def test_shipped_dir_holds_the_data_files() -> None:
    names = {path.name for path in SHIPPED_DIR.glob("*.toml")}
    assert {"job_families.toml", "skills.toml", "sdgs.toml"} <= names


# --- TOML writing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ['say "hello"', "back\\slash", "new\nline", "tab\there", "bell\x07", "déjà vu"]
)
def test_toml_string_round_trips(text: str) -> None:
    assert tomllib.loads(f"value = {toml_string(text)}")["value"] == text


def test_skills_toml_round_trips() -> None:
    skill = Skill(
        "quote-skill",
        'the "quoted" C:\\path skill',
        "other",
        ("SQL-ish", 'say "x"'),
        frozenset({"SQL-ish"}),
        "http://example.org/1",
    )
    data = tomllib.loads(skills_toml([skill], header="a header\nline two"))
    assert data["skill"] == [
        {
            "id": "quote-skill",
            "label": 'the "quoted" C:\\path skill',
            "family": "other",
            "synonyms": ["SQL-ish", 'say "x"'],
            "case_sensitive": ["SQL-ish"],
            "esco_uri": "http://example.org/1",
        }
    ]


# --- ESCO import -------------------------------------------------------------------------


def test_import_esco_counts_the_sample(tmp_path: Path) -> None:
    out = tmp_path / "esco_skills.toml"
    result = import_esco(SAMPLE, out)
    assert isinstance(result, EscoImport)
    assert (result.imported, result.merged, result.skipped) == (14, 2, 4)
    assert result.path == out
    assert len(result.problems) == 4
    reasons = "\n".join(result.problems)
    assert "preferredLabel 'R' too generic" in reasons
    assert "status 'draft', not released" in reasons
    assert "no preferredLabel" in reasons
    assert f"already a phrase of {PROGRESS_ID!r}" in reasons


def test_import_esco_output_round_trips_through_load_taxonomy(
    shipped: Taxonomy, tmp_path: Path
) -> None:
    out = import_esco(SAMPLE, tmp_path / "esco_skills.toml").path
    taxonomy = load_taxonomy(extra_skill_files=[out])
    assert len(taxonomy.skills) == len(shipped.skills) + 14
    budgeting = taxonomy.skill("budgeting")
    assert budgeting.esco_uri == BUDGETS_URI
    assert {"manage budgets", "administer budgets", "oversee budgets"} <= set(budgeting.synonyms)
    assert "budget" not in budgeting.synonyms  # too generic
    spreadsheets = taxonomy.skill("spreadsheets")
    assert spreadsheets.esco_uri == SPREADSHEETS_URI
    assert "use spreadsheets software" in spreadsheets.synonyms
    assert "use spreadshets software" not in spreadsheets.synonyms  # hidden labels unused
    progress = taxonomy.skill(PROGRESS_ID)
    assert progress.label == "monitor project progress"
    assert progress.family == "mgmt"
    assert progress.esco_uri == SKILL_URI + PROGRESS_ID.removeprefix("esco-")
    assert "track project progress" in progress.synonyms
    test_no_phrase_belongs_to_two_skills(taxonomy)


@pytest.mark.parametrize(
    ("uuid", "family"),
    [
        ("c4a6e8f0-3b5d-4c7e-9f1a-2b4d6e8f0a13", "supply"),  # develop procurement strategies
        ("0e2f4a6c-8d1b-4e3f-a5c7-9e1b3d5f7a24", "ict"),  # design database scheme
        ("7d9f1b3e-5a2c-4d8e-b6f0-1a3c5e7b9d35", "finance"),  # prepare financial statements
        ("5c7e9a1b-3d8f-4a4c-b2e6-0f2a4c6e8b46", "finance"),  # by its description
        ("b6d8f0a2-4e3c-4b7d-8f5a-0c2e4a6d8f80", "education"),  # develop curriculum
        ("d2f4b6c8-0a9e-4b5d-8c3f-1a3c5e7b9d57", "other"),  # no keyword anywhere
    ],
)
def test_imported_skills_get_a_family_by_keywords(tmp_path: Path, uuid: str, family: str) -> None:
    out = import_esco(SAMPLE, tmp_path / "esco_skills.toml").path
    assert load_taxonomy([out]).skill(f"esco-{uuid}").family == family


def test_esco_family_rule() -> None:
    families = ["finance", "ict", "supply", "mgmt", "other"]
    assert esco_family(["manage budgets"], "", families) == "finance"
    assert esco_family(["procure software"], "", families) == "supply"  # tie: listed first
    assert esco_family(["juggle"], "Uses a computer.", families) == "ict"
    assert esco_family(["juggle"], "", families) == "other"
    assert esco_family(["teach pupils"], "", families) == "other"  # no education family


def test_missing_columns_raise_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "esco_skills.toml"
    with pytest.raises(TaxonomyError, match=r"missing column.*conceptUri") as caught:
        import_esco(BROKEN, out)
    assert "broken_missing_columns.csv" in str(caught.value)
    assert "preferredLabel" not in str(caught.value).split("missing column")[1].split("(")[0]
    assert list(tmp_path.iterdir()) == []


def test_failed_import_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "esco_skills.toml"
    out.write_text("# previous import\n", encoding="utf-8")
    with pytest.raises(TaxonomyError):
        import_esco(BROKEN, out)
    assert out.read_text(encoding="utf-8") == "# previous import\n"
    assert [path.name for path in tmp_path.iterdir()] == ["esco_skills.toml"]


def test_bom_is_accepted(tmp_path: Path) -> None:
    with_bom = tmp_path / "skills_bom.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    result = import_esco(with_bom, tmp_path / "out.toml")
    assert (result.imported, result.merged, result.skipped) == (14, 2, 4)


def test_special_characters_in_labels_round_trip(tmp_path: Path) -> None:
    label = 'apply the "do no harm" principle in C:\\field\\work'
    rows = [
        {
            "conceptUri": SKILL_URI + "11111111-2222-4333-8444-555555555555",
            "preferredLabel": label,
            "altLabels": 'use conflict-sensitive "DNH" checks\nweigh children\'s risks',
            "description": "Check that aid does not feed conflict.",
        }
    ]
    csv_path = esco_csv(tmp_path / "special.csv", rows, bom=True)
    result = import_esco(csv_path, tmp_path / "out.toml")
    assert (result.imported, result.merged, result.skipped) == (1, 0, 0)
    skill = load_taxonomy([result.path]).skill("esco-11111111-2222-4333-8444-555555555555")
    assert skill.label == label
    assert skill.synonyms == ('use conflict-sensitive "DNH" checks', "weigh children's risks")
    assert skill.family == "pol"


def test_generic_alt_labels_are_not_synonyms_and_do_not_merge(tmp_path: Path) -> None:
    rows = [
        {
            "conceptUri": SKILL_URI + "aaaaaaaa-0000-4000-8000-000000000001",
            "preferredLabel": "oversee office moves",
            "altLabels": "management\nIT\nplan office relocations",
        }
    ]
    result = import_esco(esco_csv(tmp_path / "generic.csv", rows), tmp_path / "out.toml")
    assert (result.imported, result.merged) == (1, 0)  # "IT" does not merge it into anything
    skill = load_taxonomy([result.path]).skill("esco-aaaaaaaa-0000-4000-8000-000000000001")
    assert skill.synonyms == ("plan office relocations",)


def test_rows_without_uri_or_repeated_are_skipped(tmp_path: Path) -> None:
    uri = SKILL_URI + "bbbbbbbb-0000-4000-8000-000000000002"
    rows = [
        {"conceptUri": uri, "preferredLabel": "calibrate rain gauges", "status": "Released"},
        {"conceptUri": uri, "preferredLabel": "calibrate rain gauges again"},
        {"conceptUri": "", "preferredLabel": "read river levels"},
        {"conceptUri": SKILL_URI + "not a uuid!", "preferredLabel": "read tide tables"},
    ]
    result = import_esco(esco_csv(tmp_path / "dupes.csv", rows), tmp_path / "out.toml")
    assert (result.imported, result.merged, result.skipped) == (1, 0, 3)
    assert [problem.split(": ", 1)[1] for problem in result.problems] == [
        "conceptUri repeated",
        "no conceptUri",
        "conceptUri 'http://data.europa.eu/esco/skill/not a uuid!' has no usable last segment",
    ]


def test_problems_are_capped_at_twenty(tmp_path: Path) -> None:
    rows = [
        {"conceptUri": f"{SKILL_URI}{n:08d}", "preferredLabel": f"skill {n}", "status": "draft"}
        for n in range(25)
    ]
    result = import_esco(esco_csv(tmp_path / "drafts.csv", rows), tmp_path / "out.toml")
    assert result.skipped == 25
    assert len(result.problems) == 20
    assert load_taxonomy([result.path]).skills == load_taxonomy().skills  # empty file loads


def test_not_utf8_is_a_taxonomy_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(",".join(ESCO_COLUMNS).encode() + b'\n"x","\xe9"\n')
    with pytest.raises(TaxonomyError, match="not UTF-8"):
        import_esco(path, tmp_path / "out.toml")
    assert not (tmp_path / "out.toml").exists()
