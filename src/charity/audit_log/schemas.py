from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AuditOut(msgspec.Struct):
    id: int
    occurred_at: datetime
    actor_id: int | None  # None: the command line on the server
    actor_name: str
    actor_ip: str
    action: str
    object_type: str
    object_id: int | None
    unit_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
