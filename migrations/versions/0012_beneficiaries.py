"""beneficiaries: the registry of people and households in hardship, their reviews, consents and
duplicate suspicions; the shared list of hardship categories; how long a unit's verification holds

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:08:55.762927
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEW_MONTHS = "review_months BETWEEN 1 AND 60"
# The hardship categories every unit starts with (name, folded key); coordinators add their own.
CATEGORIES = [
    ("Hộ nghèo", "ho ngheo"),
    ("Hộ cận nghèo", "ho can ngheo"),
    ("Người cao tuổi neo đơn", "nguoi cao tuoi neo don"),
    ("Người khuyết tật", "nguoi khuyet tat"),
    ("Trẻ mồ côi", "tre mo coi"),
    ("Bệnh nhân nghèo", "benh nhan ngheo"),
    ("Học sinh nghèo", "hoc sinh ngheo"),
    ("Gia đình chính sách", "gia dinh chinh sach"),
    ("Nạn nhân thiên tai", "nan nhan thien tai"),
    ("Phụ nữ đơn thân nuôi con nhỏ", "phu nu don than nuoi con nho"),
]


def upgrade() -> None:
    op.create_table(
        "beneficiary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("hamlet", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("id_number", sa.String(length=12), nullable=False),
        sa.Column("poor_cert_number", sa.String(length=50), nullable=False),
        sa.Column("poor_cert_year", sa.Integer(), nullable=True),
        sa.Column("circumstances", sa.String(length=2000), nullable=False),
        sa.Column("health", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_until", sa.Date(), nullable=True),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("sort_key", sa.String(length=300), nullable=False),
        sa.Column("search_basic", sa.String(length=400), nullable=False),
        sa.Column("search_text", sa.String(length=2000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(status = 'erased') = (erased_at IS NOT NULL)",
            name=op.f("ck_beneficiary_erased_when_status_erased"),
        ),
        sa.CheckConstraint("kind IN ('person', 'household')", name=op.f("ck_beneficiary_kind")),
        sa.CheckConstraint("name <> ''", name=op.f("ck_beneficiary_name_not_empty")),
        sa.CheckConstraint("sex IN ('female', 'male', '')", name=op.f("ck_beneficiary_sex")),
        sa.CheckConstraint(
            "status <> 'verified' OR (reviewed_by IS NOT NULL AND review_until IS NOT NULL)",
            name=op.f("ck_beneficiary_verified_with_review"),
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'verified', 'rejected', 'erased')", name=op.f("ck_beneficiary_status")
        ),
        sa.CheckConstraint("length(id_number) IN (0, 12)", name=op.f("ck_beneficiary_id_number_length")),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["user_account.id"], name=op.f("fk_beneficiary_proposed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["user_account.id"], name=op.f("fk_beneficiary_reviewed_by_user_account")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_beneficiary_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary")),
    )
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_beneficiary_id_number"), ["id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_beneficiary_phone"), ["phone"], unique=False)
        batch_op.create_index("ix_beneficiary_unit_id_status", ["unit_id", "status"], unique=False)

    op.create_table(
        "hardship_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("name <> ''", name=op.f("ck_hardship_category_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_hardship_category_created_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hardship_category")),
        sa.UniqueConstraint("key", name=op.f("uq_hardship_category_key")),
    )
    categories = sa.table(
        "hardship_category",
        sa.column("name", sa.String),
        sa.column("key", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(categories, [{"name": name, "key": key, "created_at": now} for name, key in CATEGORIES])
    op.create_table(
        "beneficiary_category",
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
            name=op.f("fk_beneficiary_category_beneficiary_id_beneficiary"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["hardship_category.id"],
            name=op.f("fk_beneficiary_category_category_id_hardship_category"),
        ),
        sa.PrimaryKeyConstraint("beneficiary_id", "category_id", name=op.f("pk_beneficiary_category")),
    )
    with op.batch_alter_table("beneficiary_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_beneficiary_category_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "beneficiary_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relation", sa.String(length=50), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.CheckConstraint("name <> ''", name=op.f("ck_beneficiary_member_name_not_empty")),
        sa.CheckConstraint("sex IN ('female', 'male', '')", name=op.f("ck_beneficiary_member_sex")),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
            name=op.f("fk_beneficiary_member_beneficiary_id_beneficiary"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_member")),
        sa.UniqueConstraint(
            "beneficiary_id", "position", name=op.f("uq_beneficiary_member_beneficiary_id_position")
        ),
    )
    with op.batch_alter_table("beneficiary_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_beneficiary_member_beneficiary_id"), ["beneficiary_id"], unique=False
        )

    op.create_table(
        "beneficiary_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("minutes_number", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(decision = 'verified') = (valid_until IS NOT NULL)",
            name=op.f("ck_beneficiary_review_valid_until_when_verified"),
        ),
        sa.CheckConstraint(
            "decision IN ('verified', 'rejected')", name=op.f("ck_beneficiary_review_decision")
        ),
        sa.CheckConstraint(
            "meeting_date IS NOT NULL OR minutes_number <> ''",
            name=op.f("ck_beneficiary_review_meeting_date_or_minutes"),
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
            name=op.f("fk_beneficiary_review_beneficiary_id_beneficiary"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_beneficiary_review_decided_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_review")),
    )
    with op.batch_alter_table("beneficiary_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_beneficiary_review_beneficiary_id"), ["beneficiary_id"], unique=False
        )

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("for_support", sa.Boolean(), nullable=False),
        sa.Column("for_public_listing", sa.Boolean(), nullable=False),
        sa.Column("for_contact", sa.Boolean(), nullable=False),
        sa.Column("for_sensitive_data", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("witness", sa.String(length=200), nullable=False),
        sa.Column("given_by", sa.String(length=20), nullable=False),
        sa.Column("guardian_name", sa.String(length=200), nullable=False),
        sa.Column("guardian_relation", sa.String(length=50), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_by", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "given_by <> 'guardian' OR guardian_name <> ''", name=op.f("ck_consent_guardian_named")
        ),
        sa.CheckConstraint("given_by IN ('self', 'guardian')", name=op.f("ck_consent_given_by")),
        sa.CheckConstraint(
            "method <> 'in_person' OR witness <> ''", name=op.f("ck_consent_witness_in_person")
        ),
        sa.CheckConstraint("method IN ('signed_form', 'in_person')", name=op.f("ck_consent_method")),
        sa.CheckConstraint(
            "(withdrawn_on IS NULL AND withdrawn_by IS NULL AND withdrawn_at IS NULL) OR (withdrawn_on IS NOT NULL AND withdrawn_by IS NOT NULL AND withdrawn_at IS NOT NULL)",
            name=op.f("ck_consent_withdrawn_whole"),
        ),
        sa.CheckConstraint(
            "for_support OR for_public_listing OR for_contact OR for_sensitive_data",
            name=op.f("ck_consent_some_purpose"),
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"], ["beneficiary.id"], name=op.f("fk_consent_beneficiary_id_beneficiary")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_consent_recorded_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by"], ["user_account.id"], name=op.f("fk_consent_withdrawn_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_beneficiary_id"), ["beneficiary_id"], unique=False)

    op.create_table(
        "duplicate_suspicion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("on_id_number", sa.Boolean(), nullable=False),
        sa.Column("on_phone", sa.Boolean(), nullable=False),
        sa.Column("on_name", sa.Boolean(), nullable=False),
        sa.Column("name_score", sa.Integer(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissed_by", sa.Integer(), nullable=True),
        sa.Column("dismiss_reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "(dismissed_at IS NULL AND dismissed_by IS NULL AND dismiss_reason = '') OR (dismissed_at IS NOT NULL AND dismissed_by IS NOT NULL AND dismiss_reason <> '')",
            name=op.f("ck_duplicate_suspicion_dismissed_with_reason"),
        ),
        sa.CheckConstraint("first_id < second_id", name=op.f("ck_duplicate_suspicion_pair_in_order")),
        sa.CheckConstraint(
            "on_id_number OR on_phone OR on_name", name=op.f("ck_duplicate_suspicion_some_match")
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by"],
            ["user_account.id"],
            name=op.f("fk_duplicate_suspicion_dismissed_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["first_id"], ["beneficiary.id"], name=op.f("fk_duplicate_suspicion_first_id_beneficiary")
        ),
        sa.ForeignKeyConstraint(
            ["second_id"], ["beneficiary.id"], name=op.f("fk_duplicate_suspicion_second_id_beneficiary")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_suspicion")),
        sa.UniqueConstraint("first_id", "second_id", name=op.f("uq_duplicate_suspicion_first_id_second_id")),
    )
    with op.batch_alter_table("duplicate_suspicion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duplicate_suspicion_first_id"), ["first_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duplicate_suspicion_second_id"), ["second_id"], unique=False)

    # A plain ALTER, as in 0007: on SQLite a batch copy of the unit table would trip the foreign keys
    # that point at it, and SQLite adds a CHECK only with its column.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column(
        "unit",
        sa.Column(
            "review_months",
            sa.Integer(),
            sa.CheckConstraint(REVIEW_MONTHS, name="ck_unit_review_months_range") if sqlite else None,
            server_default="12",
            nullable=False,
        ),
    )
    if not sqlite:
        op.create_check_constraint("review_months_range", "unit", REVIEW_MONTHS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column together with the CHECK written on it, without copying the table.
        op.execute("ALTER TABLE unit DROP COLUMN review_months")
    else:
        op.drop_constraint("review_months_range", "unit", type_="check")
        op.drop_column("unit", "review_months")

    with op.batch_alter_table("duplicate_suspicion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duplicate_suspicion_second_id"))
        batch_op.drop_index(batch_op.f("ix_duplicate_suspicion_first_id"))

    op.drop_table("duplicate_suspicion")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_beneficiary_id"))

    op.drop_table("consent")
    with op.batch_alter_table("beneficiary_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beneficiary_review_beneficiary_id"))

    op.drop_table("beneficiary_review")
    with op.batch_alter_table("beneficiary_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beneficiary_member_beneficiary_id"))

    op.drop_table("beneficiary_member")
    with op.batch_alter_table("beneficiary_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beneficiary_category_category_id"))

    op.drop_table("beneficiary_category")
    op.drop_table("hardship_category")
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.drop_index("ix_beneficiary_unit_id_status")
        batch_op.drop_index(batch_op.f("ix_beneficiary_phone"))
        batch_op.drop_index(batch_op.f("ix_beneficiary_id_number"))

    op.drop_table("beneficiary")
