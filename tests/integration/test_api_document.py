"""The OpenAPI document an integrator reads at /schema/openapi.json, and the Swagger UI page at /schema."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.security_headers import CONTENT_SECURITY_POLICY

BEARER = [{"BearerToken": []}]


async def _document(client: AsyncTestClient[Litestar]) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema itself, where the document refers to one of its components."""
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


async def test_every_api_operation_but_signing_in_asks_for_the_bearer_token(
    client: AsyncTestClient[Litestar],
) -> None:
    document = await _document(client)
    scheme = document["components"]["securitySchemes"]["BearerToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    operations = _operations(document)
    assert len(operations) > 40
    for path, method, operation in operations:
        public = (path, method) in {
            ("/api/auth/token", "post"),
            ("/health", "get"),
            ("/api/public/units/{unit_id}/beneficiaries", "get"),
        }
        assert operation.get("security") == (None if public else BEARER), (method, path)


async def test_the_document_describes_the_json_api_and_no_page(client: AsyncTestClient[Litestar]) -> None:
    paths = set((await _document(client))["paths"])
    assert "/api/donations" in paths
    assert "/health" in paths
    assert [path for path in paths if not path.startswith("/api/") and path != "/health"] == []


async def test_every_operation_has_a_summary_and_a_description(client: AsyncTestClient[Litestar]) -> None:
    for path, method, operation in _operations(await _document(client)):
        assert operation.get("summary", "").strip(), (method, path)
        assert operation.get("description", "").strip(), (method, path)
        # Litestar's fallback summary is the handler's name in CamelCase: a person wrote this one.
        assert " " in operation["summary"], (method, path, operation["summary"])


async def test_every_json_answer_has_a_schema(client: AsyncTestClient[Litestar]) -> None:
    document = await _document(client)
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            for media_type, content in response.get("content", {}).items():
                if media_type == "application/json" and status != "204":
                    schema = _schema(document, content["schema"])
                    assert schema.get("properties") or schema.get("oneOf"), (method, path, status)


async def test_the_token_answer_is_described_property_by_property(client: AsyncTestClient[Litestar]) -> None:
    document = await _document(client)
    created = document["paths"]["/api/auth/token"]["post"]["responses"]["201"]
    schema = _schema(document, created["content"]["application/json"]["schema"])
    properties = schema["properties"]
    assert set(properties) == {"access_token", "token_type", "expires_at"}
    assert properties["access_token"]["type"] == "string"
    assert properties["token_type"]["const"] == "bearer"
    assert properties["expires_at"] == {"type": "string", "format": "date-time"}


class _Assets(HTMLParser):
    """The scripts and style sheets a page loads, and the text of any inline script."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = True
            if attributes.get("src"):
                self.urls.append(str(attributes["src"]))
        elif tag == "link" and attributes.get("href"):
            self.urls.append(str(attributes["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


async def test_the_viewer_is_a_page_whose_scripts_are_ours(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get("/schema")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    # The site's policy, not one loosened for this page: it runs no inline script.
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assets = _Assets()
    assets.feed(page.text)
    assert assets.inline == []
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets.urls)
    for url in assets.urls:
        # A path on this server: no scheme, no host.
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url
