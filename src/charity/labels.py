"""What each stored code is called in Vietnamese, on pages and printed receipts."""

from __future__ import annotations

from charity.models import (
    Absence,
    AdjustmentReason,
    BeneficiaryKind,
    BeneficiaryStatus,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    DistributionStatus,
    DonorKind,
    DriveKind,
    DriveStatus,
    MovementKind,
    MovementStatus,
    PaymentMethod,
    Purpose,
    ReceiptForm,
    ReceiptPaper,
    ReceiptStatus,
    ReviewDecision,
    Role,
    RoundStatus,
    Sex,
)

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
RECEIPT_FORMS = {
    ReceiptForm.ENTERPRISE: "Phiếu thu mẫu 01-TT (kế toán doanh nghiệp)",
    ReceiptForm.PUBLIC_SECTOR: "Phiếu thu mẫu C40-BB (kế toán hành chính, sự nghiệp)",
    ReceiptForm.PLAIN: "Biên nhận đóng góp (không theo mẫu kế toán)",
}
RECEIPT_PAPERS = {
    ReceiptPaper.A5: "Khổ A5, mỗi tờ một biên nhận",
    ReceiptPaper.A4_TWO: "Khổ A4, hai liên trên một tờ",
    ReceiptPaper.A4_THREE: "Khổ A4, ba liên trên một tờ",
}
# How a unit reads a zero tens digit before a unit digit, as in 105.
ZERO_TENS_WORDS = {"linh": "linh (một trăm linh năm)", "lẻ": "lẻ (một trăm lẻ năm)"}
BENEFICIARY_STATUSES = {
    BeneficiaryStatus.PROPOSED: "Đề xuất",
    BeneficiaryStatus.VERIFIED: "Đã công nhận",
    BeneficiaryStatus.REJECTED: "Không công nhận",
    BeneficiaryStatus.ERASED: "Đã xóa",
}
BENEFICIARY_KINDS = {BeneficiaryKind.HOUSEHOLD: "Hộ gia đình", BeneficiaryKind.PERSON: "Cá nhân"}
SEXES = {Sex.UNKNOWN: "—", Sex.FEMALE: "Nữ", Sex.MALE: "Nam"}
CONSENT_METHODS = {
    ConsentMethod.SIGNED_FORM: "Phiếu đồng ý có chữ ký",
    ConsentMethod.IN_PERSON: "Trực tiếp, có người làm chứng",
}
CONSENT_GIVERS = {ConsentGiver.SELF: "Bản thân đối tượng", ConsentGiver.GUARDIAN: "Người giám hộ"}
REVIEW_DECISIONS = {ReviewDecision.VERIFIED: "Công nhận", ReviewDecision.REJECTED: "Không công nhận"}
# What each purpose of a consent allows, as the forms and the consent form name it.
CONSENT_PURPOSES = {
    ConsentPurpose.SUPPORT: "nhận hỗ trợ",
    ConsentPurpose.PUBLIC_LISTING: "công khai tên (đã che) và xã trong danh sách công khai",
    ConsentPurpose.CONTACT: "được liên hệ",
    ConsentPurpose.SENSITIVE_DATA: "lưu số CCCD và thông tin sức khỏe, khuyết tật",
}
# What a distribution is for; the first nine as khoản 1 Điều 11 Nghị định 93/2021/NĐ-CP lists them.
PURPOSES = {
    Purpose.CASUALTIES: "Hỗ trợ người bị thương nặng, gia đình có người chết, mất tích",
    Purpose.ESSENTIALS: "Lương thực, thực phẩm, nước uống, thuốc chữa bệnh, nhu yếu phẩm",
    Purpose.HOUSING: "Sửa chữa, xây dựng lại nhà ở; di dời nhà ở khẩn cấp",
    Purpose.RELOCATION: "Di chuyển người dân khỏi vùng thiên tai, dịch bệnh, sự cố",
    Purpose.SHELTER: "Dựng lán trại tạm thời",
    Purpose.SANITATION: "Vệ sinh môi trường, phòng chống bệnh truyền nhiễm",
    Purpose.MEDICAL_SUPPLIES: "Trang thiết bị, vật tư y tế phòng, chống dịch bệnh",
    Purpose.PRODUCTION: "Giống cây trồng, vật nuôi, vật tư, phương tiện sản xuất",
    Purpose.PUBLIC_WORKS: "Sửa chữa, khôi phục công trình công cộng",
    Purpose.LIVING: "Hỗ trợ đời sống",
    Purpose.STUDY: "Hỗ trợ học tập",
    Purpose.HEALTHCARE: "Hỗ trợ khám, chữa bệnh",
    Purpose.MEALS: "Suất ăn, bữa cơm từ thiện",
}
DISTRIBUTION_STATUSES = {
    DistributionStatus.DRAFT: "Dự thảo",
    DistributionStatus.PLANNED: "Chờ trao",
    DistributionStatus.HANDED_OVER: "Đã trao",
    DistributionStatus.VOID: "Đã hủy",
}
ABSENCES = {Absence.ABSENT: "Vắng mặt", Absence.REFUSED: "Từ chối nhận"}
ROUND_STATUSES = {
    RoundStatus.DRAFT: "Dự thảo, chờ duyệt",
    RoundStatus.APPROVED: "Đã duyệt, chờ trao",
    RoundStatus.HANDED_OVER: "Đã trao",
    RoundStatus.CANCELLED: "Đã hủy",
}
MOVEMENT_KINDS = {
    MovementKind.CONVERSION: "Bán hàng (chuyển đổi)",
    MovementKind.ADJUSTMENT: "Kiểm kê",
    MovementKind.TRANSFER: "Điều chuyển",
}
MOVEMENT_STATUSES = {
    MovementStatus.POSTED: "Đã ghi sổ",
    MovementStatus.PENDING: "Chờ duyệt",
    MovementStatus.REJECTED: "Đã từ chối",
}
ADJUSTMENT_REASONS = {
    AdjustmentReason.SPOILED: "Hư hỏng, mốc, hết hạn",
    AdjustmentReason.LOST: "Hao hụt, mất",
    AdjustmentReason.MISCOUNTED: "Ghi sai khi nhận",
    AdjustmentReason.FOUND: "Thừa khi kiểm kê",
}
