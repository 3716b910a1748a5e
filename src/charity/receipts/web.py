"""The public page a receipt's QR code opens: is this receipt real, and is it still valid?"""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select

from charity.accounts.access import public
from charity.clock import VIETNAM
from charity.http import DbSession
from charity.models import ReceiptStatus, ReceiptVerification
from charity.money import format_vnd
from charity.pages import message_page, page
from charity.receipts.printing import ANONYMOUS, masked_name
from charity.receipts.service import load


@get("/verify/{token:str}", opt=public())
async def verify(request: Request, session: DbSession, token: FromPath[str]) -> Template:
    receipt_id = (
        await session.execute(
            select(ReceiptVerification.receipt_id).where(ReceiptVerification.token == token[:32])
        )
    ).scalar_one_or_none()
    if receipt_id is None:
        return message_page(
            request,
            "Không tìm thấy biên nhận",
            "Mã kiểm tra không khớp với biên nhận nào. Biên nhận này có thể không do hệ thống phát hành.",
            status_code=404,
        )
    (receipt,) = await load(session, [receipt_id])
    donor = masked_name(receipt.donor.name) if receipt.donor and not receipt.anonymous else ANONYMOUS
    return page(
        request,
        "verify",
        title="Kiểm tra biên nhận",
        receipt=receipt,
        valid=receipt.status == ReceiptStatus.ISSUED,
        donor=donor,
        total=format_vnd(receipt.total_value),
        issued_on=receipt.issued_at.astimezone(VIETNAM).strftime("%d/%m/%Y"),
        voided_on=receipt.voided_at.astimezone(VIETNAM).strftime("%d/%m/%Y") if receipt.voided_at else "",
    )
