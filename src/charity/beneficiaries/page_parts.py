"""What the beneficiary pages share: the words for what a role may not see, the notices after a
change, and how two records are set side by side."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from charity.beneficiaries.privacy import View
from charity.beneficiaries.schemas import (
    BeneficiaryOut,
    MatchOut,
    SuspicionOut,
)
from charity.clock import VIETNAM
from charity.labels import (
    BENEFICIARY_STATUSES,
)

LIST_PAGE = 50


# The same, where records are compared in narrow columns.
HIDDEN_SHORT = "Không hiển thị"


DONE = {
    "proposed": "Đã đề xuất đối tượng. Hồ sơ chờ một điều phối viên bình xét và công nhận.",
    "updated": "Đã lưu thay đổi.",
    "verified": "Đã công nhận đối tượng.",
    "rejected": "Đã ghi nhận: không công nhận đối tượng.",
    "consent": "Đã ghi nhận sự đồng ý.",
    "withdrawn": "Đã ghi nhận việc rút lại sự đồng ý.",
    "erased": "Đã xóa hồ sơ theo yêu cầu: chỉ còn mã hồ sơ và những gì đối tượng đã nhận.",
    "dismissed": "Đã ghi nhận: hai hồ sơ là hai người khác nhau.",
    "category": "Đã thêm diện hoàn cảnh.",
}


# What the side-by-side comparison of likely duplicates shows, each as the reader may see it.
COMPARED = (
    ("name", "Họ và tên"),
    ("hamlet", "Thôn, ấp, tổ"),
    ("birth_year", "Năm sinh"),
    ("phone", "Số điện thoại"),
    ("id_number", "Số CCCD"),
)


def sentence(text: str) -> str:
    """The first letter a capital, the rest as written ("số CCCD" stays so)."""
    return text[:1].upper() + text[1:]


def at(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def why_alike(match: MatchOut | SuspicionOut) -> list[str]:
    """Why two records may be one person (a match or a suspicion)."""
    reasons = []
    if match.on_id_number:
        reasons.append("Trùng số CCCD")
    if match.on_phone:
        reasons.append("Trùng số điện thoại")
    if match.on_name:
        reasons.append(f"Tên gần giống ({match.name_score}%)")
    return reasons


def compared(out: BeneficiaryOut) -> dict[str, Any]:
    """A record as the comparison of likely duplicates shows it."""
    return {
        "id": out.id,
        "title": out.code,
        "unit": out.unit_name,
        "status": BENEFICIARY_STATUSES[out.status],
        # A record outside the reader's scope (another commune's) opens nowhere for them.
        "link": f"/beneficiaries/{out.id}" if out.view != View.OUTSIDE else "",
        "hidden": set(out.hidden),
        **{name: getattr(out, name) for name, _ in COMPARED},
    }
