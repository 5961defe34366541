"""The text extraction reads: HTML turned to text, control characters replaced, long
runs of non-space characters broken, cut at ``MAX_CHARS``. Every evidence offset refers to
this text. No spaCy here: the web pages use it to show the text the offsets point into.
"""

from __future__ import annotations

import re

from vacancies.normalize import html_to_text

MAX_CHARS = 200_000
"""Longer input is cut here (at a line or word break) and marked ``truncated``."""
MAX_RAW_CHARS = 4 * MAX_CHARS
"""Raw input is cut here before HTML is parsed, to bound the time spent."""

_HTML = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|span|table|tr|td|th|strong|b|em|i|a|body|html"
    r"|section|article)\b[^<>]{0,500}>|&(?:nbsp|amp|lt|gt|quot|#\d{1,6});",
    re.IGNORECASE,
)
MAX_RUN = 200
_LONG_RUN = re.compile(rf"[^\s]{{{MAX_RUN}}}(?=[^\s])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def prepare(raw: str | None) -> tuple[str, bool]:
    """The prepared text and whether the input was cut."""
    if not raw:
        return "", False
    truncated = len(raw) > MAX_RAW_CHARS
    text = raw[:MAX_RAW_CHARS]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _HTML.search(text, 0, 20_000):
        text = html_to_text(text)
    text = _CONTROL.sub(" ", text)
    # spaCy's tokenizer strips affixes from a run of non-space characters one at a time,
    # in time quadratic in its length: a space after every MAX_RUN characters bounds it.
    text = _LONG_RUN.sub(r"\g<0> ", text)
    if len(text) > MAX_CHARS:
        truncated = True
        cut = max(text.rfind("\n", MAX_CHARS - 2_000, MAX_CHARS),
                  text.rfind(" ", MAX_CHARS - 2_000, MAX_CHARS))  # fmt: skip
        text = text[: cut if cut > 0 else MAX_CHARS]
    return text, truncated


def prepare_text(raw: str | None) -> str:
    """The text extraction reads, and that every evidence offset refers to."""
    return prepare(raw)[0]
