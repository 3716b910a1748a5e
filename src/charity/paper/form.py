"""A form laid out once by WeasyPrint: its drawing, page by page, and the slots left in it.

A slot is an element with a `data-slot` name holding one no-break space per line it offers (lines
separated by <br>). WeasyPrint lays the form out as usual; the slot keeps the box, the baselines and
the font its text would have had, so that text stamped into it later sits exactly where WeasyPrint
would have put it. The drawing is copied into each document as one Form XObject per page.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO
from itertools import islice
from pathlib import Path
from typing import Any

import weasyprint
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject, StreamObject
from weasyprint.formatting_structure.boxes import Box, LineBox, TextBox

from charity import pdf
from charity.paper.fonts import Font, open_font
from charity.paper.writer import PdfDocument

PT_PER_PX = 0.75
# The laid-out boxes that slots are read from are not public API: the WeasyPrint release stamping was
# tested with (pyproject.toml pins it). With any other, every receipt is laid out whole (`can_stamp`).
TESTED_WEASYPRINT = "70"
FONTS_DIR = pdf.ASSETS_DIR / "fonts"
FONT_FILES = {
    (False, False): FONTS_DIR / "NotoSerif-Regular.ttf",
    (True, False): FONTS_DIR / "NotoSerif-Bold.ttf",
    (False, True): FONTS_DIR / "NotoSerif-Italic.ttf",
    (True, True): FONTS_DIR / "NotoSerif-Bold.ttf",
}


def can_stamp() -> bool:
    return weasyprint.__version__.split(".")[0] == TESTED_WEASYPRINT


def font_file(*, bold: bool = False, italic: bool = False) -> Path:
    return FONT_FILES[bold, italic]


@dataclass(frozen=True, slots=True)
class Line:
    x: float
    baseline: float
    width: float


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a slot is on its page, in PDF points from the page's bottom left corner."""

    page: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[Line, ...]
    font: Font
    size: float
    align: str
    uppercase: bool
    color: tuple[float, float, float]
    opacity: float
    padding: float
    border: float  # the width of the box's border, drawn only by `Sheet.stamp`
    border_color: tuple[float, float, float]
    rotation: float  # degrees counterclockwise about the box's centre, from a CSS rotate()


@dataclass(frozen=True, slots=True)
class Page:
    width: float
    height: float


class Form:
    """A form laid out by WeasyPrint: its drawing and its slots."""

    def __init__(self, html: str) -> None:
        document = pdf.layout(html)
        # A slot can be on several pages: a table's header is repeated on each page the table is on.
        self.slots: dict[str, list[Slot]] = {}
        for number, page in enumerate(document.pages):
            # Not public API: see TESTED_WEASYPRINT.
            for name, slot in _slots(page._page_box, number, page.height * PT_PER_PX).items():
                self.slots.setdefault(name, []).append(slot)
        self._document = document

    @cached_property
    def drawing(self) -> Drawing:
        """Drawn when first needed (a worker process that only stamps receipts never needs it); the
        layout is let go then."""
        drawing = Drawing(self._document.write_pdf())
        del self._document
        return drawing


def _slots(page_box: Box, page: int, height: float) -> dict[str, Slot]:
    slots = {}
    for box in page_box.descendants(placeholders=True):
        element = getattr(box, "element", None)
        name = element.get("data-slot") if element is not None else None
        if name is None or name in slots or box.element_tag != element.tag:
            continue
        style = box.style
        lines = tuple(
            Line(
                box.content_box_x() * PT_PER_PX,
                height - (text.position_y + text.baseline) * PT_PER_PX,
                box.width * PT_PER_PX,
            )
            for line in box.descendants(placeholders=True)
            if isinstance(line, LineBox)
            # A line's baseline is where its first piece of text sits.
            for text in islice((t for t in line.descendants(placeholders=True) if isinstance(t, TextBox)), 1)
        )
        color, border_color = style["color"], style["border_top_color"]
        if border_color == "currentcolor":
            border_color = color
        rotation = sum(-math.degrees(angle) for name, angle in style["transform"] if name == "rotate")
        slots[name] = Slot(
            page=page,
            x=box.content_box_x() * PT_PER_PX,
            y=height - (box.content_box_y() + box.height) * PT_PER_PX,
            width=box.width * PT_PER_PX,
            height=box.height * PT_PER_PX,
            lines=lines,
            font=open_font(
                font_file(bold=style["font_weight"] >= 600, italic=style["font_style"] != "normal")
            ),
            size=style["font_size"] * PT_PER_PX,
            align={"center": "center", "right": "right", "end": "right"}.get(style["text_align_all"], "left"),
            uppercase=style["text_transform"] == "uppercase",
            color=_rgb(color),
            opacity=color.alpha,
            padding=box.padding_top * PT_PER_PX,
            border=style["border_top_width"] * PT_PER_PX,
            border_color=_rgb(border_color),
            rotation=rotation,
        )
    return slots


def _rgb(color: Any) -> tuple[float, float, float]:
    red, green, blue = color.to("srgb").coordinates
    return red, green, blue


class Drawing:
    """The pages of a PDF (WeasyPrint's) as Form XObjects, with what they use (fonts, images, states).

    They are serialised once, with references counted from the first of them, and copied into each
    document at the numbers it has free, once per document.
    """

    def __init__(self, content: bytes) -> None:
        reader = PdfReader(BytesIO(content))
        numbers: dict[int, int] = {}
        self._objects: list[tuple[bytes, bytes | None]] = []

        def serialize(value: PdfObject) -> bytes:
            if isinstance(value, IndirectObject):
                if value.idnum not in numbers:
                    numbers[value.idnum] = len(self._objects)
                    self._objects.append((b"", None))
                    self._objects[numbers[value.idnum]] = serialize_object(value.get_object())
                return b"\x00%d\x00 0 R" % numbers[value.idnum]
            if isinstance(value, DictionaryObject):
                return (
                    b"<<"
                    + b" ".join(serialize(key) + b" " + serialize(item) for key, item in value.items())
                    + b">>"
                )
            if isinstance(value, ArrayObject):
                return b"[" + b" ".join(serialize(item) for item in value) + b"]"
            output = BytesIO()
            value.write_to_stream(output)
            return output.getvalue()

        def serialize_object(value: PdfObject) -> tuple[bytes, bytes | None]:
            if not isinstance(value, StreamObject):
                return serialize(value), None
            entries = DictionaryObject(
                {
                    key: item
                    for key, item in value.items()
                    if key not in ("/Length", "/Filter", "/DecodeParms")
                }
            )
            return serialize(entries), value.get_data()

        self.pages: list[Page] = []
        self._forms: list[int] = []
        for page in reader.pages:
            form = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/XObject"),
                    NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): page.mediabox,
                    NameObject("/Resources"): page.raw_get("/Resources"),
                }
            )
            head = serialize(form)
            self.pages.append(Page(float(page.mediabox.width), float(page.mediabox.height)))
            self._forms.append(len(self._objects))
            self._objects.append((head, page.get_contents().get_data()))
        self._objects = [
            (head, None if data is None else zlib.compress(data, 6)) for head, data in self._objects
        ]

    def written(self, document: PdfDocument) -> list[int]:
        """The Form XObject of each page in `document`, copied there the first time it is asked for."""
        return document.once(self, lambda: self._write(document))

    def _write(self, document: PdfDocument) -> list[int]:
        base = document.reserve_many(len(self._objects))

        def reference(match: re.Match[bytes]) -> bytes:
            return b"%d" % (base + int(match[1]))

        for index, (head, data) in enumerate(self._objects):
            head = _PLACEHOLDER.sub(reference, head)
            if data is not None:
                head = (
                    head[:-2]
                    + b" /Filter /FlateDecode /Length %d>>\nstream\n" % len(data)
                    + data
                    + b"\nendstream"
                )
            document.put(base + index, head)
        return [base + index for index in self._forms]


_PLACEHOLDER = re.compile(rb"\x00(\d+)\x00")
