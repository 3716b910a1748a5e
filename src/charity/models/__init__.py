"""Table models, one module per aggregate. Importing this package registers every table on `metadata`."""

from charity.models.accounts import Membership, Role, User
from charity.models.audit import AuditEvent
from charity.models.auth import ApiToken, LoginAttempt, SetupToken, WebSession
from charity.models.base import MAX_AMOUNT, MAX_AMOUNT_TEXT, MAX_ID, metadata, utcnow
from charity.models.beneficiaries import (
    Beneficiary,
    BeneficiaryCategory,
    BeneficiaryImport,
    BeneficiaryKind,
    BeneficiaryMember,
    BeneficiaryReview,
    BeneficiaryStatus,
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    DuplicateSuspicion,
    HardshipCategory,
    ReviewDecision,
    Sex,
)
from charity.models.donations import Donation, DonationItem, PaymentMethod
from charity.models.donors import Donor, DonorKind
from charity.models.drives import Drive, DriveItemType, DriveKind, DriveStatus
from charity.models.item_types import ItemType
from charity.models.ledger import EntrySource, LedgerEntry
from charity.models.periods import ClosedPeriod
from charity.models.printing import ReceiptPrint, ReceiptVerification
from charity.models.receipts import BookStatus, Receipt, ReceiptBook, ReceiptStatus
from charity.models.units import LARGE_GIFT_DEFAULT, REVIEW_MONTHS_DEFAULT, ReceiptForm, ReceiptPaper, Unit

__all__ = [
    "LARGE_GIFT_DEFAULT",
    "MAX_AMOUNT",
    "MAX_AMOUNT_TEXT",
    "MAX_ID",
    "REVIEW_MONTHS_DEFAULT",
    "ApiToken",
    "AuditEvent",
    "Beneficiary",
    "BeneficiaryCategory",
    "BeneficiaryImport",
    "BeneficiaryKind",
    "BeneficiaryMember",
    "BeneficiaryReview",
    "BeneficiaryStatus",
    "BookStatus",
    "ClosedPeriod",
    "Consent",
    "ConsentGiver",
    "ConsentMethod",
    "ConsentPurpose",
    "Donation",
    "DonationItem",
    "Donor",
    "DonorKind",
    "Drive",
    "DriveItemType",
    "DriveKind",
    "DriveStatus",
    "DuplicateSuspicion",
    "EntrySource",
    "HardshipCategory",
    "ItemType",
    "LedgerEntry",
    "LoginAttempt",
    "Membership",
    "PaymentMethod",
    "Receipt",
    "ReceiptBook",
    "ReceiptForm",
    "ReceiptPaper",
    "ReceiptPrint",
    "ReceiptStatus",
    "ReceiptVerification",
    "ReviewDecision",
    "Role",
    "SetupToken",
    "Sex",
    "Unit",
    "User",
    "WebSession",
    "metadata",
    "utcnow",
]
