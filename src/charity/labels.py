"""What each stored code is called in Vietnamese, on pages and printed receipts."""

from __future__ import annotations

from charity.models import DonorKind, DriveKind, DriveStatus, PaymentMethod, ReceiptStatus, Role

ROLES = {
    Role.VOLUNTEER: "Tình nguyện viên",
    Role.COORDINATOR: "Điều phối viên",
    Role.AUDITOR: "Kiểm tra viên",
}
PAYMENT_METHODS = {
    PaymentMethod.CASH: "tiền mặt",
    PaymentMethod.BANK_TRANSFER: "chuyển khoản",
    PaymentMethod.E_WALLET: "ví điện tử",
}
DRIVE_KINDS = {
    DriveKind.FUND: "Quỹ",
    DriveKind.APPEAL: "Kêu gọi khẩn cấp (thiên tai, dịch bệnh, bệnh hiểm nghèo)",
    DriveKind.RICE_JAR: "Hũ gạo tiết kiệm",
    DriveKind.PIGGY_BANK: "Nuôi lợn đất",
    DriveKind.NOTEBOOKS: "Quyển vở tình thương",
    DriveKind.CHARITY_MEALS: "Bữa cơm từ thiện",
    DriveKind.GOODS: "Quyên góp hiện vật",
}
DRIVE_STATUSES = {
    DriveStatus.DRAFT: "Nháp",
    DriveStatus.OPEN: "Đang nhận",
    DriveStatus.CLOSED: "Đã kết thúc",
}
RECEIPT_STATUSES = {ReceiptStatus.ISSUED: "Hợp lệ", ReceiptStatus.VOID: "Đã hủy"}
DONOR_KINDS = {DonorKind.PERSON: "Cá nhân", DonorKind.ORGANISATION: "Tổ chức"}
