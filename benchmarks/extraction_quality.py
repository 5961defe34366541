"""Extraction quality: vacancies.nlp.extract against the labelled set in tests/data/requirements.

Every labelled text (labels.toml, ``[[text]]`` tables) is read with the language its label
gives and the result compared with the label, field by field, on the "dev" split, the
"test" split and all texts. Targets: precision and recall >= 0.9 for every field on all.

Scoring (counts summed over texts, then precision = TP / (TP + FP) and
recall = TP / (TP + FN); a ratio with nothing to count is 1.0):

  languages             the set of (code, need) pairs: each predicted pair that is
                        labelled is a TP, each other predicted pair an FP, each labelled
                        pair not predicted an FN. Levels are not scored here (they are
                        reported as "language level agreement" over the TP pairs whose
                        label gives a level).
  education_min,        single-valued fields; the label "none" (education) and 0
  experience_min_years  (experience) mean "no value". A prediction equal to the label is
  in_lieu               a TP; a different non-empty prediction is an FP and an FN; no
                        prediction where the label has a value is an FN; a prediction
                        where the label has none is an FP. in_lieu is the pair
                        (level, extra_years).
  jpo                   a binary field with "is a JPO post" as the positive class: TP
                        predicted and labelled JPO, FP predicted only, FN labelled only.

Usage:
  .venv/bin/python benchmarks/extraction_quality.py                # table, exit 1 on a miss
  .venv/bin/python benchmarks/extraction_quality.py --split dev --show-errors
Writes the raw numbers to benchmarks/results/extraction_quality.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "requirements"
RESULTS = ROOT / "benchmarks" / "results" / "extraction_quality.json"
TARGET = 0.9
FIELDS = ("languages", "education_min", "experience_min_years", "in_lieu", "jpo")
SPLITS = ("dev", "test", "all")


def load_labels() -> list[dict]:
    with (DATA / "labels.toml").open("rb") as handle:
        return tomllib.load(handle)["text"]


def expected(label: dict) -> dict:
    education = label.get("education_min", "none")
    in_lieu = label.get("in_lieu")
    return {
        "languages": {(item["code"], item["need"]) for item in label.get("languages", [])},
        "levels": {item["code"]: item.get("level") for item in label.get("languages", [])},
        "education_min": None if education in (None, "none") else education,
        "experience_min_years": label.get("experience_min_years") or None,
        "in_lieu": (in_lieu["level"], in_lieu.get("extra_years")) if in_lieu else None,
        "jpo": bool(label.get("jpo", False)),
    }


def predicted(result) -> dict:
    return {
        "languages": {(item.code, item.need) for item in result.languages},
        "levels": {item.code: item.level for item in result.languages},
        "education_min": result.education_min,
        "experience_min_years": result.experience_min_years or None,
        "in_lieu": (result.in_lieu.level, result.in_lieu.extra_years) if result.in_lieu else None,
        "jpo": result.jpo.is_jpo,
    }


def score(field: str, want, got) -> tuple[int, int, int]:
    """(TP, FP, FN) of one text for one field (see the module docstring)."""
    if field == "languages":
        return len(want & got), len(got - want), len(want - got)
    if field == "jpo":
        return int(want and got), int(got and not want), int(want and not got)
    if want is None and got is None:
        return 0, 0, 0
    if want == got:
        return 1, 0, 0
    return 0, int(got is not None), int(want is not None)


def ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=SPLITS, default="all", help="texts to evaluate")
    parser.add_argument("--show-errors", action="store_true", help="list every disagreement")
    args = parser.parse_args()

    from vacancies.nlp import extract

    labels = [
        label for label in load_labels() if args.split == "all" or label["split"] == args.split
    ]
    counts = {split: {field: [0, 0, 0] for field in FIELDS} for split in SPLITS}  # TP, FP, FN
    level_agree = {split: [0, 0] for split in SPLITS}
    errors: list[str] = []
    started = time.perf_counter()
    for label in labels:
        text = (DATA / label["file"]).read_text(encoding="utf-8")
        result = extract(text, label.get("lang", "en"))
        want, got = expected(label), predicted(result)
        for field in FIELDS:
            tp, fp, fn = score(field, want[field], got[field])
            for split in (label["split"], "all"):
                bucket = counts[split][field]
                bucket[0] += tp
                bucket[1] += fp
                bucket[2] += fn
            if fp or fn:
                errors.append(
                    f"{label['id']} [{label['split']}] {field}: "
                    f"label={_show(want[field])} got={_show(got[field])}"
                )
        for code, level in want["levels"].items():
            if level is None or code not in got["levels"]:
                continue
            for split in (label["split"], "all"):
                level_agree[split][0] += int(got["levels"][code] == level)
                level_agree[split][1] += 1
    elapsed = time.perf_counter() - started

    report: dict = {"texts": len(labels), "seconds": round(elapsed, 3), "target": TARGET}
    missed = []
    print(f"{'split':<6} {'field':<22} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} "
          f"{'recall':>8}")  # fmt: skip
    for split in SPLITS:
        report[split] = {}
        for field in FIELDS:
            tp, fp, fn = counts[split][field]
            if tp + fp + fn == 0:
                continue
            precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
            report[split][field] = {
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "precision": round(precision, 4),
                "recall": round(recall, 4),
            }
            flag = ""
            if split == "all" and (precision < TARGET or recall < TARGET):
                missed.append(field)
                flag = "  < target"
            print(f"{split:<6} {field:<22} {tp:>4} {fp:>4} {fn:>4} {precision:>10.3f} "
                  f"{recall:>8.3f}{flag}")  # fmt: skip
        agree, total = level_agree[split]
        if total:
            report[split]["language_level_agreement"] = round(agree / total, 4)
            print(f"{split:<6} {'language level agree.':<22} {agree:>4}/{total:<4}"
                  f" {agree / total:>15.3f}")  # fmt: skip
    report["missed"] = missed
    print(f"{len(labels)} texts in {elapsed:.2f}s")
    if args.show_errors:
        print("\nDisagreements:")
        for line in errors:
            print("  " + line)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    if args.split == "all" and missed:
        print(f"FAILED: below {TARGET} on all texts: {', '.join(missed)}")
        return 1
    return 0


def _show(value) -> str:
    if isinstance(value, set):
        return "{" + ", ".join(f"{a}:{b}" for a, b in sorted(value)) + "}"
    return repr(value)


if __name__ == "__main__":
    sys.exit(main())
