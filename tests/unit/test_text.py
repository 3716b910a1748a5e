from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from charity.text import ascii_slug, clean, fold


def test_fold_drops_diacritics_and_case() -> None:
    assert fold("Nguyễn Thị Hồng") == "nguyen thi hong"
    assert fold("TRẦN VĂN ĐỨC") == "tran van duc"
    assert fold("Đặng  Thị\tNgọc Ánh ") == "dang thi ngoc anh"


def test_clean_stores_one_code_point_per_letter() -> None:
    decomposed = unicodedata.normalize("NFD", "Hồng")
    assert decomposed != "Hồng"
    assert clean(f"  {decomposed} ") == "Hồng"


@given(st.text())
def test_fold_is_ascii_stable_for_vietnamese_letters(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert "đ" not in folded
    assert folded == folded.lower()


@given(st.text())
def test_a_slug_is_a_safe_file_name_part(text: str) -> None:
    slug = ascii_slug(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|x", slug)
    assert len(slug) <= 60


def test_a_slug_reads_as_the_name_without_its_marks() -> None:
    assert ascii_slug("Hũ gạo tiết kiệm – Đợt 2/2026") == "hu-gao-tiet-kiem-dot-2-2026"
