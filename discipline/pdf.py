"""PDF documents of the discipline ledger (xhtml2pdf), with Vietnamese text intact.

xhtml2pdf's own fonts have no Vietnamese glyphs and drop diacritics silently, so every
document uses DejaVu Sans (regular, bold and oblique) shipped in `static/fonts/`, declared
with @font-face and resolved to files by `link_callback`. The HTML is normalised to NFC, and
long tables are cut into tables of `ROWS_PER_TABLE` rows, which keeps layout time linear.
"""

import unicodedata
from io import BytesIO
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from xhtml2pdf import pisa

ROWS_PER_TABLE = 40


class PdfError(RuntimeError):
    """xhtml2pdf reported errors while rendering a document."""


def chunks(rows, size: int = ROWS_PER_TABLE) -> list[list]:
    """`rows` cut into lists of at most `size`, for one table each."""
    iterator = iter(rows)
    return list(iter(lambda: list(islice(iterator, size)), []))


def link_callback(uri: str, rel: str) -> str:
    """The file behind a static URL (fonts, images); anything else is refused."""
    if uri.startswith(settings.STATIC_URL) or uri.startswith("/" + settings.STATIC_URL):
        name = uri.split(settings.STATIC_URL, 1)[1]
        found = finders.find(name)
        if found:
            return str(Path(found).resolve())
    raise PdfError(f"refused resource {uri!r}")


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` (an HTML page extending discipline/pdf_base.html) to PDF."""
    html = unicodedata.normalize("NFC", render_to_string(template_name, context))
    output = BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8", link_callback=link_callback)
    if result.err:
        raise PdfError(f"{template_name}: {result.err} error(s)")
    return output.getvalue()


def pdf_response(template_name: str, context: dict, filename: str) -> HttpResponse:
    """An inline PDF download named `filename`."""
    response = HttpResponse(render_pdf(template_name, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
