"""PDF documents from HTML with WeasyPrint, with no web or database knowledge.

Everything a document may load is bundled under templates/pdf (stylesheet, fonts): the URL fetcher
serves those files and data: URLs, nothing from the network or elsewhere on disk. Fonts are cut down
ahead of time (see templates/pdf/fonts/README.md), so the per-document subsetting WeasyPrint still
does works on a few hundred glyphs, never on a large font. (Embedding them whole was measured slower:
compressing the fonts again for every document costs more than subsetting them.) The stylesheet and
font configuration are built once per process.
Rendering is CPU work: call it off the event loop (`render_in_thread`, or a process pool for batches).
"""

from __future__ import annotations

import mimetypes
from functools import cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import anyio.to_thread
from pypdf import PdfWriter
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS_DIR = Path(__file__).resolve().parents[2] / "templates" / "pdf"


class BundledAssets(URLFetcher):
    """Serves files from ASSETS_DIR and data: URLs; refuses every other address."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve()
        if parts.scheme != "file" or not path.is_relative_to(ASSETS_DIR) or not path.is_file():
            raise ValueError(f"not a bundled asset: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, _read(path), headers={"Content-Type": content_type})


@cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


@cache
def _toolkit() -> tuple[BundledAssets, FontConfiguration, CSS]:
    fetcher = BundledAssets(fail_on_errors=True)
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(ASSETS_DIR / "receipt.css"), font_config=fonts, url_fetcher=fetcher)
    return fetcher, fonts, stylesheet


def render(html: str) -> bytes:
    fetcher, fonts, stylesheet = _toolkit()
    document = HTML(string=html, base_url=str(ASSETS_DIR) + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


async def render_in_thread(html: str) -> bytes:
    return await anyio.to_thread.run_sync(render, html)


def merge(documents: list[bytes]) -> bytes:
    """One PDF with the pages of every document, in order."""
    writer = PdfWriter()
    for document in documents:
        writer.append(BytesIO(document))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()
