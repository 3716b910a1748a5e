"""Stamping a form: the page's drawing, then text fitted into its slots, shapes and QR codes.

Text that does not fit a slot at the form's size is wrapped over the slot's lines and, if it still
does not fit, made smaller until it does: a long name or amount in words is never cut.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from charity.paper.fonts import Font
from charity.paper.form import Form, Line, Slot
from charity.paper.writer import PdfDocument

SMALLEST_SCALE = 0.05
WHITESPACE = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a slot's text, in the slot's own font unless given another."""

    text: str
    font: Font | None = None


Text = str | Sequence[Run]


@dataclass(frozen=True, slots=True)
class Overlay:
    """What was stamped on one page of a form: small enough to send between processes."""

    page: int
    content: bytes  # compressed
    states: tuple[tuple[bytes, bytes], ...]


class Sheet:
    """One page of a form being stamped. `fonts` are the fonts text may use, in the order `place`
    will be given them."""

    def __init__(self, page: int, fonts: Sequence[Font]) -> None:
        self._fonts = {font: f"F{index}".encode() for index, font in enumerate(fonts)}
        self._page = page
        self._ops: list[bytes] = [b"q /Form Do Q"]
        self._states: dict[bytes, bytes] = {}

    def fill(self, slot: Slot, text: Text) -> None:
        runs = [Run(text)] if isinstance(text, str) else list(text)
        pieces = [(_printable(run.text, slot.uppercase), run.font or slot.font) for run in runs]
        if not any(text for text, _ in pieces):
            return
        self._ops.append(b"q %s%.3f %.3f %.3f rg" % (self._opacity(slot), *slot.color))
        for line, placed, size in fit(slot, pieces):
            self._draw_line(line, placed, size, slot.align)
        self._ops.append(b"Q")

    def stamp(self, frame: Slot, texts: Sequence[tuple[Slot, Text]]) -> None:
        """A stamp: the frame's border and the texts of its slots, turned as the frame is."""
        centre_x, centre_y = frame.x + frame.width / 2, frame.y + frame.height / 2
        outset = frame.padding + frame.border / 2
        self._ops.append(
            b"q %s %s%.3f %.3f %.3f RG %.2f w %.2f %.2f %.2f %.2f re S"
            % (
                rotation(frame.rotation, centre_x, centre_y),
                self._opacity(frame),
                *frame.border_color,
                frame.border,
                frame.x - outset,
                frame.y - outset,
                frame.width + 2 * outset,
                frame.height + 2 * outset,
            )
        )
        for slot, text in texts:
            self.fill(slot, text)
        self._ops.append(b"Q")

    def _opacity(self, slot: Slot) -> bytes:
        if slot.opacity >= 1:
            return b""
        name = b"A%d" % round(slot.opacity * 100)
        self._states[name] = b"<</ca %.2f /CA %.2f>>" % (slot.opacity, slot.opacity)
        return b"/%s gs " % name

    def _draw_line(self, line: Line, words: list[tuple[str, Font]], size: float, align: str) -> None:
        # Neighbouring words in one font are drawn as one piece of text.
        pieces: list[tuple[str, Font]] = []
        for text, font in words:
            if pieces and pieces[-1][1] is font:
                pieces[-1] = (pieces[-1][0] + text, font)
            else:
                pieces.append((text, font))
        widths = [font.width(text, size) for text, font in pieces]
        free = line.width - sum(widths)
        x = line.x + {"left": 0, "center": free / 2, "right": free}[align]
        ops = [b"BT"]
        for (text, font), width in zip(pieces, widths, strict=True):
            ops.append(
                b"/%s %.2f Tf 1 0 0 1 %.2f %.2f Tm %s Tj"
                % (self._fonts[font], size, x, line.baseline, font.encode(text))
            )
            x += width
        ops.append(b"ET")
        self._ops.append(b" ".join(ops))

    def qr(self, slot: Slot, matrix: Sequence[Sequence[int]]) -> None:
        """A QR code filling the slot's box, as one path of dark modules (one rectangle per run)."""
        count = len(matrix)
        module = min(slot.width, slot.height) / count
        top = slot.y + slot.height
        rectangles = []
        for row_number, row in enumerate(matrix):
            y = top - (row_number + 1) * module
            column = 0
            while column < count:
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < count and row[column]:
                    column += 1
                rectangles.append(
                    b"%.2f %.2f %.2f %.2f re"
                    % (slot.x + start * module, y, (column - start) * module, module)
                )
        self._ops.append(b"q 0 g " + b" ".join(rectangles) + b" f Q")

    def overlay(self) -> Overlay:
        return Overlay(self._page, zlib.compress(b"\n".join(self._ops), 6), tuple(self._states.items()))


def place(document: PdfDocument, form: Form, overlay: Overlay, fonts: Sequence[Font]) -> None:
    """A page of `document`: the form's page with the overlay stamped on it."""
    page = form.pages[overlay.page]
    drawing = form.drawings(document)[overlay.page]
    named = b" ".join(b"/F%d %d 0 R" % (index, font.embed(document)) for index, font in enumerate(fonts))
    states = b" ".join(b"/%s %s" % state for state in overlay.states)
    resources = b"<</XObject <</Form %d 0 R>> /Font <<%s>> /ExtGState <<%s>>>>" % (drawing, named, states)
    document.add_page(page.width, page.height, resources, overlay.content)


def _printable(text: str, uppercase: bool) -> str:
    text = unicodedata.normalize("NFC", WHITESPACE.sub(" ", text))
    return text.upper() if uppercase else text


def fit(slot: Slot, pieces: list[tuple[str, Font]]) -> list[tuple[Line, list[tuple[str, Font]], float]]:
    """The text's words over the slot's lines, at the form's size or, if they do not fit, at the
    largest size (in steps of 5%) at which they do."""
    words = _words(pieces)
    lines = slot.lines or (Line(slot.x, slot.y + slot.height * 0.25, slot.width),)
    scale = 1.0
    while scale > SMALLEST_SCALE:
        size = slot.size * scale
        wrapped = _wrap(words, [line.width for line in lines], size)
        if wrapped is not None:
            return [(line, placed, size) for line, placed in zip(lines, wrapped, strict=False)]
        scale *= 0.95
    # Nothing this long is ever printed (fields are bounded); should it be, it stays on the page.
    width = sum(font.width(text, slot.size) for text, font in words)
    return [(lines[0], words, slot.size * lines[0].width / width)]


def _words(pieces: list[tuple[str, Font]]) -> list[tuple[str, Font]]:
    """The text as words and single spaces, each with its font."""
    words: list[tuple[str, Font]] = []
    for text, font in pieces:
        for index, word in enumerate(text.split(" ")):
            if index:
                words.append((" ", font))
            if word:
                words.append((word, font))
    return words


def _wrap(
    words: list[tuple[str, Font]], widths: list[float], size: float
) -> list[list[tuple[str, Font]]] | None:
    lines: list[list[tuple[str, Font]]] = [[]]
    used = 0.0
    for text, font in words:
        width = font.width(text, size)
        if text == " ":
            if lines[-1]:
                lines[-1].append((text, font))
                used += width
            continue
        if used + width > widths[len(lines) - 1] + 0.01 and lines[-1]:
            while lines[-1] and lines[-1][-1][0] == " ":
                lines[-1].pop()
            if len(lines) == len(widths):
                return None
            lines.append([])
            used = 0.0
        if width > widths[len(lines) - 1] + 0.01:
            return None
        lines[-1].append((text, font))
        used += width
    while lines[-1] and lines[-1][-1][0] == " ":
        lines[-1].pop()
    return lines


def rotation(degrees: float, x: float, y: float) -> bytes:
    """A `cm` turning the page's coordinates by `degrees` (counterclockwise) about (x, y)."""
    radians = math.radians(degrees)
    cos, sin = math.cos(radians), math.sin(radians)
    return b"1 0 0 1 %.3f %.3f cm %.5f %.5f %.5f %.5f 0 0 cm 1 0 0 1 %.3f %.3f cm" % (
        x,
        y,
        cos,
        sin,
        -sin,
        cos,
        -x,
        -y,
    )
