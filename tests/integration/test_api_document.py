"""The OpenAPI document an integrator reads at /schema/openapi.json."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

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
        public = (path, method) in {("/api/auth/token", "post"), ("/health", "get")}
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
