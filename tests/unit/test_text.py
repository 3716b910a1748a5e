from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from charity.text import clean, fold


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
