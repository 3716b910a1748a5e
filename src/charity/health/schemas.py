from __future__ import annotations

from typing import Literal

import msgspec


class HealthOut(msgspec.Struct):
    status: Literal["ok", "unavailable"]
