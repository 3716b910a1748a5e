"""Text stamped into a form's slots: it fits its slot, whatever its length, and reads back exactly."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charity.paper.fonts import open_font
from charity.paper.form import Form, font_file
from charity.paper.stamp import MIN_SIZE, DoesNotFit, Sheet, fit, place
from charity.paper.writer import PdfDocument
from tests.support import pdf_pages

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
WORDS = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + "0123456789.,«»()-", min_size=1, max_size=30)
TEXTS = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)
# As long as a field's value usually is: it fits its slot at some readable size.
FIELDS = st.lists(
    st.text(alphabet=VIETNAMESE + "0123456789", min_size=1, max_size=8), min_size=1, max_size=6
).map(" ".join)

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
    sheet = Sheet(0)
    for name, text in texts.items():
        (slot,) = form.slots[name]
        sheet.fill(slot, text)
    document = PdfDocument()
    font = open_font(font_file())
    place(document, form.drawing, sheet.overlay(), {font.name: font})
    return document.finish("thử")


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, name=st.sampled_from(["one", "two"]))
def test_text_fits_its_slot_in_order_or_is_refused_only_when_it_cannot_be_read(
    form: Form, text: str, name: str
) -> None:
    (slot,) = form.slots[name]
    font = open_font(font_file())
    try:
        lines = fit(slot, [(text, font)])
    except DoesNotFit:
        # Refused only when even one line of the smallest type would not hold it.
        assert font.width(text, MIN_SIZE) > slot.lines[0].width
        return
    assert 1 <= len(lines) <= len(slot.lines)
    for line, words, size in lines:
        assert MIN_SIZE <= size <= slot.size
        assert sum(font.width(word, size) for word, font in words) <= line.width + 0.01
    assert "".join(word for _, words, _ in lines for word, _ in words if word != " ") == text.replace(" ", "")


def test_short_text_keeps_the_forms_size_long_text_wraps_then_shrinks_then_is_refused(form: Form) -> None:
    (slot,) = form.slots["two"]
    font = open_font(font_file())
    (short,) = fit(slot, [("Gạo", font)])
    assert short[2] == slot.size
    wrapped = fit(slot, [("Nguyễn Thị Hồng " * 4, font)])
    assert len(wrapped) == 2
    assert {size for _, _, size in wrapped} == {slot.size}
    shrunk = fit(slot, [("Nguyễn Thị Hồng " * 7, font)])
    assert len(shrunk) == 2
    assert MIN_SIZE <= shrunk[0][2] < slot.size
    with pytest.raises(DoesNotFit):
        fit(slot, [("Nguyễn Thị Hồng " * 20, font)])


@pytest.mark.parametrize("text", ["陳文德 Trần Văn Đức", "Иван Петров", "Nhóm bạn 🙏"])
def test_a_character_the_fonts_lack_is_refused_rather_than_printed_as_something_else(
    form: Form, text: str
) -> None:
    (slot,) = form.slots["one"]
    with pytest.raises(DoesNotFit):
        Sheet(0).fill(slot, text)


@settings(max_examples=25, deadline=None)
@given(one=FIELDS, two=FIELDS)
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
