from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient


@pytest.mark.parametrize(
    "path", ["/health", "/login", "/static/app.css", "/api/me", "/", "/no-such-page", "/schema/openapi.json"]
)
async def test_every_response_carries_the_security_headers(
    client: AsyncTestClient[Litestar], path: str
) -> None:
    response = await client.get(path, follow_redirects=False)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_pages_escape_what_users_typed(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/login")
    token = response.text.split('name="_csrf_token" value="')[1].split('"')[0]
    page = await client.post(
        "/login", data={"username": "<script>alert(1)</script>", "password": "x", "_csrf_token": token}
    )
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
