"""Reading an uploaded CV: which kind of file it is, decided by its content, and its text
(pure library: no database, no HTTP).

A file is a PDF when it starts with ``%PDF-`` and pypdf opens it; a DOCX when it is a ZIP
whose ``[Content_Types].xml`` declares a Word main document and python-docx opens it.
The name and the type the browser declared are never trusted: a PNG called ``cv.pdf``
or a spreadsheet called ``cv.docx`` is refused. Anything that cannot be read gives a
:class:`CvRefused` with a reason code and an English message (the pages translate the
code); nothing here raises anything else on bad input.

Pathological files are bounded before they cost much: at most ``MAX_PAGES`` PDF pages
are read, at most ``MAX_CHARS`` characters kept, and a DOCX whose parts would inflate
beyond ``MAX_UNZIPPED_BYTES`` (or that holds too many parts) is refused from the ZIP's
directory, before anything is decompressed.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from typing import Literal

from pydantic import BaseModel

from vacancies.analysis import guess_language

log = logging.getLogger(__name__)

MAX_PAGES = 30
"""PDF pages read; a CV longer than this is read in part (``truncated``)."""
MAX_CHARS = 200_000
"""Characters kept from any file (``truncated`` when cut)."""
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
"""Total uncompressed size of a DOCX's parts; a real CV is a few hundred kilobytes."""
MAX_ZIP_ENTRIES = 2_000

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DOCX_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)

RefusalCode = Literal["too_large", "empty", "not_pdf_or_docx", "unreadable", "encrypted", "no_text"]


class CvRefused(ValueError):
    """The file cannot be used; ``code`` says why (the pages show a message per code)."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(message)
        self.code: RefusalCode = code
        self.message = message


class CvText(BaseModel):
    """The text read from a CV file."""

    filename: str
    media_type: str
    size: int
    text: str
    """Whitespace normalised, line breaks kept, at most ``MAX_CHARS`` characters."""
    lang: Literal["en", "nb"]
    pages: int | None = None
    """PDF pages in the file (None for a DOCX)."""
    truncated: bool = False
    """True when pages or characters beyond the limits were left unread."""


def read_cv(filename: str, data: bytes, *, max_bytes: int) -> CvText:
    """The text of a PDF or DOCX CV, or :class:`CvRefused` saying why there is none."""
    if not data:
        raise CvRefused("empty", "The file is empty.")
    if len(data) > max_bytes:
        raise CvRefused(
            "too_large", f"The file is {len(data)} bytes; the limit is {max_bytes} bytes."
        )
    if data.startswith(b"%PDF-"):
        media_type, raw, pages, truncated = PDF_TYPE, *_pdf_text(data)
    elif data.startswith(b"PK\x03\x04"):
        media_type, pages = DOCX_TYPE, None
        raw, truncated = _docx_text(data)
    else:
        raise CvRefused("not_pdf_or_docx", "The file is neither a PDF nor a Word (DOCX) document.")
    text = normalise(raw)
    if len(text) > MAX_CHARS:
        text, truncated = text[:MAX_CHARS], True
    if not any(ch.isalpha() for ch in text):
        raise CvRefused(
            "no_text",
            "No text could be read from the file: it may be a scanned image. "
            "Upload a PDF with a text layer or a DOCX.",
        )
    return CvText(
        filename=_clean_name(filename),
        media_type=media_type,
        size=len(data),
        text=text,
        lang="nb" if guess_language(text) == "nb" else "en",
        pages=pages,
        truncated=truncated,
    )


# --- PDF --------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> tuple[str, int, bool]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise CvRefused(
                "encrypted",
                "The PDF is protected by a password. Save it without protection and "
                "upload it again.",
            )
        count = len(reader.pages)
        parts: list[str] = []
        length = 0
        for page in reader.pages[:MAX_PAGES]:
            page_text = page.extract_text() or ""
            parts.append(page_text)
            length += len(page_text)
            if length > MAX_CHARS:
                break
    except CvRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        log.info("unreadable PDF: %s", exc)
        raise CvRefused("unreadable", "The PDF is damaged and cannot be read.") from exc
    return "\n".join(parts), count, count > MAX_PAGES or length > MAX_CHARS


# --- DOCX -------------------------------------------------------------------------------


def _docx_text(data: bytes) -> tuple[str, bool]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CvRefused("unreadable", "The file is a damaged ZIP archive.") from exc
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNZIPPED_BYTES:
        raise CvRefused(
            "unreadable", "The document would unpack to far more than any CV; it is refused."
        )
    if not _declares_word_document(archive):
        raise CvRefused("not_pdf_or_docx", "The file is neither a PDF nor a Word (DOCX) document.")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        return _document_text(document)
    except CvRefused:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds
        log.info("unreadable DOCX: %s", exc)
        raise CvRefused("unreadable", "The Word document is damaged and cannot be read.") from exc


def _declares_word_document(archive: zipfile.ZipFile) -> bool:
    try:
        types = archive.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return False
    return any(kind.encode() in types for kind in _DOCX_MAIN)


def _document_text(document) -> tuple[str, bool]:
    """Paragraphs and table cells in document order (a table row's cells side by side on
    one line each, so a two-column CV keeps a heading next to its content)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    length = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
        length = sum(len(line) for line in lines)
        if length > MAX_CHARS:
            return "\n".join(lines), True
    return "\n".join(lines), False


def _table_lines(table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per grid column
                continue
            seen.add(id(cell._tc))
            lines.extend(cell.text.split("\n"))
        lines.append("")
    return lines


# --- text -------------------------------------------------------------------------------

_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def normalise(text: str) -> str:
    """NFC, control characters and runs of spaces made single spaces, lines trimmed, at
    most one blank line in a row; line breaks kept (the reading relies on them)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub(" ", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _clean_name(filename: str) -> str:
    """The file's own name, without any folder a browser sent, at most 255 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = _CONTROL.sub("", name).strip()
    return name[:255] or "cv"
