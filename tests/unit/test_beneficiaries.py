"""The pure parts of the beneficiary registry: CCCD numbers, masks, the duplicate matcher and the
review period's end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from charity.beneficiaries.cleaning import sort_key
from charity.beneficiaries.identity import (
    PROVINCE_CODES,
    BadIdNumber,
    clean_id_number,
    mask_id_number,
    mask_name,
)
from charity.beneficiaries.matching import Known, Matcher
from charity.beneficiaries.service import months_after
from charity.text import fold

years = st.integers(min_value=1900, max_value=2099)
provinces = st.sampled_from(sorted(PROVINCE_CODES))
serials = st.integers(min_value=0, max_value=999_999)


def cccd(province: str, year: int, female: bool, serial: int) -> str:
    century = (year - 1900) // 100
    return f"{province}{century * 2 + int(female)}{year % 100:02d}{serial:06d}"


@given(provinces, years, st.booleans(), serials)
def test_a_well_formed_number_is_accepted_with_its_own_year_and_sex(
    province: str, year: int, female: bool, serial: int
) -> None:
    number = cccd(province, year, female, serial)
    assert clean_id_number(number, birth_year=year, female=female) == number
    spaced = f"{number[:3]} {number[3:6]}.{number[6:]}"
    assert clean_id_number(spaced) == number


@given(provinces, years, st.booleans(), serials, years)
def test_a_number_that_says_another_year_is_refused(
    province: str, year: int, female: bool, serial: int, other: int
) -> None:
    assume(other != year)
    number = cccd(province, year, female, serial)
    with pytest.raises(BadIdNumber, match=f"năm sinh {year}"):
        clean_id_number(number, birth_year=other)


@given(provinces, years, st.booleans(), serials)
def test_a_number_that_says_the_other_sex_is_refused(
    province: str, year: int, female: bool, serial: int
) -> None:
    with pytest.raises(BadIdNumber, match="giới tính"):
        clean_id_number(cccd(province, year, female, serial), female=not female)


@pytest.mark.parametrize(
    "number", ["04816800123", "0481680012345", "04816800123a", "003168001234", "048468001234", "000000000000"]
)
def test_malformed_numbers_are_refused(number: str) -> None:
    with pytest.raises(BadIdNumber):
        clean_id_number(number)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_a_masked_number_shows_only_its_last_four_digits(number: str) -> None:
    masked = mask_id_number(number)
    assert masked == "*" * 8 + number[-4:]


@pytest.mark.parametrize(
    ("name", "masked"),
    [("Nguyễn Thị Hồng", "Nguyễn T. H."), ("Võ   Văn Tư", "Võ V. T."), ("Lụa", "L."), ("", "")],
)
def test_a_public_name_keeps_the_family_name_and_initials(name: str, masked: str) -> None:
    assert mask_name(name) == masked


names = st.lists(
    st.sampled_from(["Nguyễn", "Trần", "Lê", "Phạm", "Thị", "Văn", "Hồng", "Lan", "Minh", "Tuấn", "Thanh"]),
    min_size=2,
    max_size=4,
).map(" ".join)


def known(
    record_id: int, name: str, *, unit: int = 1, year: int | None = 1970, phone: str = "", number: str = ""
) -> Known:
    return Known(record_id, unit, fold(name), year, phone, number)


@given(st.lists(names, min_size=1, max_size=30), st.data())
def test_a_record_entered_again_is_always_found(registry: list[str], data: st.DataObject) -> None:
    records = [known(i, name) for i, name in enumerate(registry, start=1)]
    matcher = Matcher(records)
    twin = data.draw(st.sampled_from(records))
    found = {m.other_id for m in matcher.find(Known(0, twin.unit_id, twin.name_key, twin.birth_year, "", ""))}
    assert twin.id in found
    # And the record is never its own duplicate.
    assert twin.id not in {m.other_id for m in matcher.find(twin)}


@given(names, st.integers(min_value=1900, max_value=2020))
def test_names_are_compared_within_one_unit_and_one_birth_year(name: str, year: int) -> None:
    matcher = Matcher([known(1, name, unit=1, year=year)])
    assert matcher.find(known(0, name, unit=2, year=year)) == []
    assert matcher.find(known(0, name, unit=1, year=year + 2)) == []
    assert [m.other_id for m in matcher.find(known(0, name, unit=1, year=None))] == [1]


def test_the_cccd_number_and_phone_match_anywhere_and_come_first() -> None:
    matcher = Matcher(
        [
            known(1, "Nguyễn Thị Hồng", unit=1, year=1968),
            known(2, "Lê Văn Tám", unit=9, year=1950, phone="0903512846"),
            known(3, "Trần Văn Ba", unit=7, year=1970, number="048168001234"),
        ]
    )
    found = matcher.find(
        known(0, "Nguyễn Thị Hông", unit=1, year=1968, phone="0903512846", number="048168001234")
    )
    assert [(m.other_id, m.on_id_number, m.on_phone, m.on_name) for m in found] == [
        (3, True, False, False),
        (2, False, True, False),
        (1, False, False, True),
    ]


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(min_value=1, max_value=60)
)
def test_a_review_period_ends_the_same_day_months_later_or_at_that_month_s_end(
    day: date, months: int
) -> None:
    end = months_after(day, months)
    assert (end.year - day.year) * 12 + end.month - day.month == months
    # The same day, or the last day of a month too short to have it.
    assert end.day == day.day or (end.day < day.day and (end + timedelta(days=1)).day == 1)


def test_lists_sort_by_given_name_first() -> None:
    people = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Thị Đào", "Phạm Văn An"]
    assert sorted(people, key=sort_key) == ["Phạm Văn An", "Trần Thị An", "Nguyễn Văn Bình", "Lê Thị Đào"]
