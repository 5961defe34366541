"""Integrity of the labelled vacancy texts in tests/data/requirements/.

The set is used to measure precision and recall of the requirement extractor
(benchmarks/extraction_quality.py). These tests only check that the labels file is
well formed and consistent with the texts; they do not run the extractor.
"""

import re
import tomllib
from collections import Counter
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "requirements"
LABELS_FILE = DATA_DIR / "labels.toml"

EDUCATION_LEVELS = {"secondary", "bachelor", "master", "doctorate", "none"}
IN_LIEU_LEVELS = {"secondary", "bachelor", "master"}
EDUCATION_RANK = {"none": 0, "secondary": 1, "bachelor": 2, "master": 3, "doctorate": 4}
ORIGINS = {"real", "composed"}
TEXT_LANGS = {"en", "nb"}
SPLITS = {"dev", "test"}
NEEDS = {"required", "desirable"}
LEVELS = {"fluent", "working", "basic"}
# ISO 639-1 (two letters); ISO 639-3 (three letters) only for languages without a 639-1 code.
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

REQUIRED_KEYS = {
    "id",
    "file",
    "origin",
    "provenance",
    "style",
    "lang",
    "split",
    "education_min",
    "experience_min_years",
    "jpo",
    "languages",
}
OPTIONAL_KEYS = {"in_lieu", "notes"}


def load_texts() -> list[dict]:
    with LABELS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    assert set(data) == {"text"}, f"unexpected top-level keys: {sorted(data)}"
    texts = data["text"]
    assert isinstance(texts, list)
    return texts


def test_set_size_and_composition() -> None:
    texts = load_texts()
    assert len(texts) >= 40
    origins = Counter(t["origin"] for t in texts)
    assert origins["real"] >= 7
    assert origins["composed"] >= 33
    assert sum(t["lang"] == "nb" for t in texts) >= 5
    assert sum(t["jpo"] is True for t in texts) >= 8
    splits = Counter(t["split"] for t in texts)
    assert splits["dev"] > 0 and splits["test"] > 0
    assert sum(t["split"] == "test" and t["origin"] == "real" for t in texts) >= 3
    assert sum(t["split"] == "test" and t["lang"] == "nb" for t in texts) >= 2


def test_ids_unique_and_files_referenced_once() -> None:
    texts = load_texts()
    ids = [t["id"] for t in texts]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    files = [t["file"] for t in texts]
    assert len(files) == len(set(files)), [f for f, n in Counter(files).items() if n > 1]
    on_disk = {p.relative_to(DATA_DIR).as_posix() for p in (DATA_DIR / "texts").glob("*.txt")}
    assert on_disk == set(files), {
        "unlabelled": sorted(on_disk - set(files)),
        "missing": sorted(set(files) - on_disk),
    }


def test_files_exist_and_are_non_empty() -> None:
    for text in load_texts():
        path = DATA_DIR / text["file"]
        assert path.is_file(), path
        content = path.read_text(encoding="utf-8")
        assert content.strip(), path
        assert text["file"] == f"texts/{text['id']}.txt", text["id"]


def test_fields_have_allowed_values() -> None:
    for text in load_texts():
        tid = text.get("id")
        keys = set(text)
        assert keys >= REQUIRED_KEYS, (tid, REQUIRED_KEYS - keys)
        assert keys <= REQUIRED_KEYS | OPTIONAL_KEYS, (tid, keys - REQUIRED_KEYS - OPTIONAL_KEYS)
        assert ID_PATTERN.match(tid), tid
        assert text["origin"] in ORIGINS, tid
        assert text["origin"] in tid, tid
        assert isinstance(text["provenance"], str) and text["provenance"].strip(), tid
        assert isinstance(text["style"], str) and text["style"].strip(), tid
        assert text["lang"] in TEXT_LANGS, tid
        assert text["split"] in SPLITS, tid
        assert text["education_min"] in EDUCATION_LEVELS, tid
        years = text["experience_min_years"]
        assert isinstance(years, int) and not isinstance(years, bool), tid
        assert 0 <= years <= 30, tid
        assert isinstance(text["jpo"], bool), tid
        if "notes" in text:
            assert isinstance(text["notes"], str) and text["notes"].strip(), tid
        if text["origin"] == "composed":
            assert "not a real posting" in text["provenance"], tid


def test_in_lieu_is_consistent() -> None:
    for text in load_texts():
        if "in_lieu" not in text:
            continue
        tid = text["id"]
        in_lieu = text["in_lieu"]
        assert set(in_lieu) == {"level", "extra_years"}, tid
        assert in_lieu["level"] in IN_LIEU_LEVELS, tid
        extra = in_lieu["extra_years"]
        assert isinstance(extra, int) and not isinstance(extra, bool) and extra > 0, tid
        assert EDUCATION_RANK[in_lieu["level"]] < EDUCATION_RANK[text["education_min"]], tid


def test_language_entries() -> None:
    for text in load_texts():
        tid = text["id"]
        languages = text["languages"]
        assert isinstance(languages, list), tid
        codes = []
        for entry in languages:
            assert isinstance(entry, dict), tid
            assert {"code", "need"} <= set(entry) <= {"code", "need", "level"}, (tid, entry)
            assert LANGUAGE_CODE.match(entry["code"]), (tid, entry)
            assert entry["need"] in NEEDS, (tid, entry)
            if "level" in entry:
                assert entry["level"] in LEVELS, (tid, entry)
            codes.append(entry["code"])
        assert len(codes) == len(set(codes)), (tid, codes)


def test_real_texts_come_from_recorded_pages() -> None:
    for text in load_texts():
        if text["origin"] == "real":
            assert "vacancy-pages" in text["provenance"], text["id"]
            assert "fp-snippet" in text["provenance"], text["id"]
