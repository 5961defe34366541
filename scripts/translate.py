"""Fill in Bokmål and Nynorsk translations from a JSON file, for translators and
developers after ``make messages``.

The JSON maps each English message to its translations::

    {"Statistics": {"nb": "Statistikk", "nn": "Statistikk"},
     "%(count)s candidate": {"nb": ["%(count)s kandidat", "%(count)s kandidatar"], ...}}

A plural message is keyed by its singular and takes a list (one form per plural form).
Entries given here lose their ``fuzzy`` flag. Messages not in the catalogs are reported
and the script exits with 1, so a typo does not pass silently.

    python scripts/translate.py translations.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "portal" / "web" / "locales"


def translate(translations: dict[str, dict[str, str | list[str]]]) -> list[str]:
    """Write the translations into each locale's catalog; returns the unknown messages."""
    unknown: set[str] = set()
    for locale in ("nb", "nn"):
        path = LOCALES / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        by_singular = {
            (message.id[0] if isinstance(message.id, tuple) else message.id): message
            for message in catalog
            if message.id
        }
        for english, forms in translations.items():
            message = by_singular.get(english)
            if message is None:
                unknown.add(english)
                continue
            text = forms[locale]
            message.string = tuple(text) if isinstance(text, list) else text
            message.flags.discard("fuzzy")
            message.previous_id = []
        with path.open("wb") as handle:
            write_po(handle, catalog, width=88)
    return sorted(unknown)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    unknown = translate(translations)
    for english in unknown:
        print(f"not in the catalogs (run `make messages` first?): {english!r}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
