"""Text stamped into a form's slots: it fits its slot, whatever its length, and reads back exactly."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charity.paper.fonts import open_font
from charity.paper.form import Form, font_file
from charity.paper.stamp import Sheet, fit, place
from charity.paper.writer import PdfDocument
from tests.support import pdf_pages

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
WORDS = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + "0123456789.,«»()-", min_size=1, max_size=30)
TEXTS = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)

FORM_HTML = """<!doctype html><html lang="vi"><body style="margin: 0">
<p class="field" style="width: 80mm"><span class="label">Họ và tên:</span>
<span class="slot" data-slot="one">&nbsp;</span></p>
<p class="field" style="width: 80mm"><span class="label">Ghi chú:</span>
<span class="slot" data-slot="two"><b>&nbsp;</b><br>&nbsp;</span></p>
</body></html>"""


@pytest.fixture(scope="module")
def form() -> Form:
    return Form(FORM_HTML)


def _stamped(form: Form, texts: dict[str, str]) -> bytes:
    fonts = (open_font(font_file()),)
    sheet = Sheet(0, fonts)
    for name, text in texts.items():
        (slot,) = form.slots[name]
        sheet.fill(slot, text)
    document = PdfDocument()
    place(document, form, sheet.overlay(), fonts)
    return document.finish("thử")


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, name=st.sampled_from(["one", "two"]))
def test_any_text_fits_its_slot_in_order_and_never_grows(form: Form, text: str, name: str) -> None:
    (slot,) = form.slots[name]
    font = open_font(font_file())
    lines = fit(slot, [(text, font)])
    assert 1 <= len(lines) <= len(slot.lines)
    for line, words, size in lines:
        assert size <= slot.size
        assert sum(font.width(word, size) for word, font in words) <= line.width + 0.01
    assert "".join(word for _, words, _ in lines for word, _ in words if word != " ") == text.replace(" ", "")


def test_short_text_keeps_the_forms_size_and_long_text_wraps_then_shrinks(form: Form) -> None:
    (slot,) = form.slots["two"]
    font = open_font(font_file())
    (short,) = fit(slot, [("Gạo", font)])
    assert short[2] == slot.size
    wrapped = fit(slot, [("Nguyễn Thị Hồng " * 4, font)])
    assert len(wrapped) == 2
    assert {size for _, _, size in wrapped} == {slot.size}
    shrunk = fit(slot, [("Nguyễn Thị Hồng " * 12, font)])
    assert len(shrunk) == 2
    assert shrunk[0][2] < slot.size


@settings(max_examples=25, deadline=None)
@given(one=TEXTS, two=TEXTS)
def test_stamped_text_reads_back_exactly(form: Form, one: str, two: str) -> None:
    (page,) = pdf_pages(_stamped(form, {"one": one, "two": two}))
    read = " ".join(page.split())
    for text in (one, two):
        assert " ".join(unicodedata.normalize("NFC", text).split()) in read


def test_a_slot_has_the_font_and_lines_of_the_form(form: Form) -> None:
    (one,), (two,) = form.slots["one"], form.slots["two"]
    assert len(one.lines) == 1
    assert len(two.lines) == 2
    assert one.lines[0].x > 0  # after its label
    assert two.lines[0].baseline > two.lines[1].baseline  # PDF pages count upwards
    assert one.font.name == "NotoSerif-Regular"


def test_runs_keep_their_own_fonts(form: Form) -> None:
    bold = open_font(font_file(bold=True))
    (slot,) = form.slots["one"]
    ((_, words, _),) = fit(slot, [("1.250.000 đ", bold), (" (tiền mặt)", slot.font)])
    assert [font for word, font in words if word.strip()] == [bold, bold, slot.font, slot.font]
