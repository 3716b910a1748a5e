"""The bounded types of what a request carries, the same on every route: ids, paging and text.

An id no row can have (the keys are 32-bit on PostgreSQL) is refused before any query, and text with
characters no person types (NUL and other control characters, bidirectional overrides that could
make a printed receipt read differently from what is stored) never reaches the database.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec
from litestar.params import PathParameter, QueryParameter

from charity.models import MAX_AMOUNT, MAX_ID
from charity.money import Dong
from charity.text import TYPED

DEFAULT_PAGE = 50
MAX_PAGE = 200
# Past any list anyone pages through, and inside every engine's integer range.
MAX_OFFSET = MAX_ID
YEARS = {"ge": 2000, "le": 2100}
# A hard cap for any one text field of a request; each field's own, smaller limit is the service's.
TEXT_MAX = 5000
UNTYPED = "Có ký tự điều khiển hoặc ký tự đảo chiều văn bản không được phép."

# In a JSON body.
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Text = Annotated[str, msgspec.Meta(pattern=TYPED, max_length=TEXT_MAX)]
Year = Annotated[int, msgspec.Meta(**YEARS)]
# Money and goods as the services bound them, for the API's document only: the services check them and
# name the line that is wrong (a `Dong` takes no msgspec constraints), a quantity up to 10^12 with at
# most three decimals.
Amount = Annotated[Dong, msgspec.Meta(extra_json_schema={"extra": {"minimum": 1, "maximum": MAX_AMOUNT}})]
UnitValue = Annotated[Dong, msgspec.Meta(extra_json_schema={"extra": {"minimum": 0, "maximum": MAX_AMOUNT}})]
Quantity = Annotated[
    Decimal, msgspec.Meta(extra_json_schema={"extra": {"pattern": r"^[0-9]{1,12}(\.[0-9]{1,3})?$"}})
]
# In a path (an id out of range answers 404, as one that does not exist) or a query.
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
PathText = Annotated[str, PathParameter(pattern=TYPED, max_length=TEXT_MAX)]
QueryText = Annotated[str, QueryParameter(pattern=TYPED, max_length=TEXT_MAX)]
QueryYear = Annotated[int | None, QueryParameter(**YEARS)]
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)]
