"""CV files built at test time (no binary is committed): PDFs with fpdf2, DOCX files with
python-docx, and the broken or misleading files a CV upload must refuse.

The CVs are invented people written the way Norwegian applicants to UN posts write them:
an English PDF of a development economist with a UNICEF/UNDP career, a Norwegian (bokmål)
DOCX, and a DOCX laid out in a two-column table.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

ECONOMIST_LINES = [
    "Ingrid Haugen",
    "Development Economist",
    "Oslo, Norway | ingrid.haugen@example.no | +47 912 34 567",
    "Nationality: Norwegian",
    "",
    "PROFILE",
    "Development economist with ten years of experience in public finance and monitoring "
    "and evaluation of development programmes in East Africa.",
    "",
    "PROFESSIONAL EXPERIENCE",
    "March 2019 – present: Programme Specialist, Economic Governance, UNDP, Nairobi, Kenya",
    "Leads the country office's work on public financial management; budget analysis "
    "and donor reporting for a portfolio of USD 12 million.",
    "01/2017–06/2019: Junior Professional Officer (JPO), Social Policy, UNICEF, "
    "Dar es Salaam, Tanzania",
    "Cash transfer programmes and poverty analysis.",
    "08/2016–12/2016: Adviser, Norad, Oslo",
    "Evaluation of Norwegian development cooperation; statistical analysis in Stata.",
    "",
    "EDUCATION",
    "MSc in Development Economics, University of Oslo, 2016",
    "BA in Economics, Norwegian School of Economics, 2013",
    "",
    "LANGUAGES",
    "Norwegian – native",
    "English – fluent",
    "French (B2)",
    "Swahili: basic",
    "",
    "SKILLS",
    "Econometrics, Stata, project management, monitoring and evaluation",
]

NORWEGIAN_LINES = [
    "Kari Nordmann",
    "Statsborgerskap: norsk",
    "",
    "Arbeidserfaring",
    "2020–2024: Rådgiver, Utenriksdepartementet, Oslo",
    "Arbeid med humanitær bistand og migrasjon.",
    "2016–2019: Programkoordinator, Flyktninghjelpen, Amman, Jordan",
    "Koordinering av humanitær respons for flyktninger.",
    "",
    "Utdanning",
    "Master i samfunnsøkonomi, NTNU, 2014",
    "Bachelor i statsvitenskap, Universitetet i Bergen, 2012",
    "",
    "Språk",
    "Norsk: morsmål",
    "Engelsk: flytende",
    "Arabisk: grunnleggende",
]


def _pdf_text(text: str, unicode_font: bool) -> str:
    return text if unicode_font else text.replace("–", "-")


def text_pdf(lines: list[str]) -> bytes:
    """A one-column PDF with the lines as text (DejaVu when installed, else Helvetica)."""
    pdf = FPDF()
    pdf.add_page()
    unicode_font = DEJAVU.exists()
    if unicode_font:
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=10)
    else:
        pdf.set_font("Helvetica", size=10)
    for line in lines:
        if line:
            pdf.multi_cell(0, 5, _pdf_text(line, unicode_font), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(5)
    return bytes(pdf.output())


def long_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` pages, each saying which page it is ("Page 7 of 35")."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {number} of {pages}")
    return bytes(pdf.output())


def economist_pdf() -> bytes:
    return text_pdf(ECONOMIST_LINES)


def png_image() -> bytes:
    """A small grey PNG (a scanned page stands in for it)."""
    import struct
    import zlib

    width, height = 40, 40
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def scanned_pdf() -> bytes:
    """Two pages that are only an image each, as a scanner makes them: no text layer."""
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(io.BytesIO(png_image()), x=10, y=10, w=190)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(economist_pdf())))
    writer.encrypt(user_password="secret-cv", owner_password="owner-cv")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def norwegian_docx() -> bytes:
    document = docx.Document()
    for line in NORWEGIAN_LINES:
        document.add_paragraph(line)
    return _docx_bytes(document)


def table_docx() -> bytes:
    """A two-column layout: headings in the left column, content in the right, with a
    paragraph before and after the table (text must come out in document order)."""
    document = docx.Document()
    document.add_paragraph("Ola Berg – Curriculum Vitae")
    table = document.add_table(rows=3, cols=2)
    rows = [
        ("Languages", "English (C1)\nSpanish: fluent\nNorwegian – mother tongue"),
        ("Education", "PhD in Public Health, University of Bergen, 2018"),
        (
            "Work experience",
            "09/2018–08/2021: Epidemiologist, WHO, Geneva, Switzerland\n"
            "09/2021–present: Senior Adviser, Norwegian Institute of Public Health, Oslo",
        ),
    ]
    for row, (left, right) in zip(table.rows, rows, strict=True):
        row.cells[0].text = left
        row.cells[1].text = right
    document.add_paragraph("References on request.")
    return _docx_bytes(document)


def xlsx_named_docx() -> bytes:
    """A minimal spreadsheet package: a ZIP, but not a Word document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def corrupt_docx() -> bytes:
    """The first 600 bytes of a real DOCX: a ZIP whose directory is missing."""
    return norwegian_docx()[:600]


def bomb_docx() -> bytes:
    """A DOCX whose document part inflates to 60 MB (it compresses to a few dozen KB)."""
    source = zipfile.ZipFile(io.BytesIO(norwegian_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b" " * 60_000_000 + b"</w:body>")
            archive.writestr(item.filename, data)
    return out.getvalue()
