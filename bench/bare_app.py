"""The baseline: a bare Litestar endpoint that decodes the same JSON body and answers 201."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, post
from litestar.params import JSONBody


@post("/bare", status_code=201)
async def bare(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    return {"received": len(data)}


app = Litestar([bare])
