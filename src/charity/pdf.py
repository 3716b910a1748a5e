"""WeasyPrint with what the printed forms may use, with no web or database knowledge.

Everything a document may load is bundled under templates/pdf (stylesheet, fonts): the URL fetcher
serves those files and data: URLs, nothing from the network or elsewhere on disk. Fonts are cut down
ahead of time to Vietnamese (see templates/pdf/fonts/README.md). The stylesheet and font
configuration are built once per process.
"""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS_DIR = Path(__file__).resolve().parents[2] / "templates" / "pdf"

templates = Environment(
    loader=FileSystemLoader(ASSETS_DIR), autoescape=select_autoescape(default=True), trim_blocks=True
)


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
def toolkit(stylesheet_name: str) -> tuple[BundledAssets, FontConfiguration, CSS]:
    fetcher = BundledAssets(fail_on_errors=True)
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(ASSETS_DIR / stylesheet_name), font_config=fonts, url_fetcher=fetcher)
    return fetcher, fonts, stylesheet


def layout(html: str, stylesheet_name: str = "receipt.css") -> Document:
    """The HTML laid out with a bundled stylesheet and the fonts (`write_pdf()` makes the PDF)."""
    fetcher, fonts, stylesheet = toolkit(stylesheet_name)
    document = HTML(string=html, base_url=str(ASSETS_DIR) + "/", url_fetcher=fetcher)
    return document.render(stylesheets=[stylesheet], font_config=fonts)
