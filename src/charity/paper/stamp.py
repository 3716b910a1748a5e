"""Stamping a form: the page's drawing, then text fitted into its slots, shapes and QR codes.

Text that does not fit a slot at the form's size is wrapped over the slot's lines and, if it still
does not fit, made smaller, down to MIN_SIZE. Text that would need smaller type, or has a character
the form's fonts lack, raises `DoesNotFit`: the caller lays that document out whole instead. A value
is never cut, never unreadably small and never printed as "?".
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from charity.paper.fonts import Font
from charity.paper.form import Drawing, Line, Slot
from charity.paper.writer import PdfDocument

MIN_SIZE = 5.0  # points
# Any run of white space but the no-break space (which keeps "1.250.000 đ" on one line).
WHITESPACE = re.compile(r"[^\S\u00a0]+")


class DoesNotFit(Exception):
    """A value that stamping cannot print well; the document should be laid out whole."""


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a slot's text, in the slot's own font unless given another."""

    text: str
    font: Font | None = None


Text = str | Sequence[Run]


@dataclass(frozen=True, slots=True)
class Overlay:
    """What was stamped on one page of a drawing: small enough to send between processes."""

    page: int
    content: bytes  # compressed
    fonts: tuple[str, ...]  # the fonts it names /F0, /F1, …
    states: tuple[tuple[bytes, bytes], ...]

    @classmethod
    def blank(cls, page: int) -> Overlay:
        return cls(page, zlib.compress(_DRAWING), (), ())


_DRAWING = b"q /Form Do Q"


class Sheet:
    """One page of a drawing being stamped."""

    def __init__(self, page: int) -> None:
        self._fonts: dict[str, bytes] = {}
        self._page = page
        self._ops: list[bytes] = [_DRAWING]
        self._states: dict[bytes, bytes] = {}

    def fill(self, slot: Slot, text: Text) -> None:
        runs = [Run(text)] if isinstance(text, str) else list(text)
        pieces = [(_printable(run.text, slot.uppercase), run.font or slot.font) for run in runs]
        if not any(text for text, _ in pieces):
            return
        for text, font in pieces:
            if not font.covers(text):
                raise DoesNotFit(f"{font.name} has no glyph for some of {text!r}")
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
                % (self._font_name(font), size, x, line.baseline, font.encode(text))
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

    def _font_name(self, font: Font) -> bytes:
        if font.name not in self._fonts:
            self._fonts[font.name] = b"F%d" % len(self._fonts)
        return self._fonts[font.name]

    def overlay(self) -> Overlay:
        return Overlay(
            self._page,
            zlib.compress(b"\n".join(self._ops), 6),
            tuple(self._fonts),
            tuple(self._states.items()),
        )


def place(document: PdfDocument, drawing: Drawing, overlay: Overlay, fonts: Mapping[str, Font]) -> None:
    """A page of `document`: the drawing's page with the overlay stamped on it. `fonts` has every
    font the overlay names, by name."""
    page = drawing.pages[overlay.page]
    form = drawing.written(document)[overlay.page]
    named = b" ".join(
        b"/F%d %d 0 R" % (index, fonts[name].embed(document)) for index, name in enumerate(overlay.fonts)
    )
    states = b" ".join(b"/%s %s" % state for state in overlay.states)
    resources = b"<</XObject <</Form %d 0 R>> /Font <<%s>> /ExtGState <<%s>>>>" % (form, named, states)
    document.add_page(page.width, page.height, resources, overlay.content)


def _printable(text: str, uppercase: bool) -> str:
    text = unicodedata.normalize("NFC", WHITESPACE.sub(" ", text))
    return text.upper() if uppercase else text


def fit(slot: Slot, pieces: list[tuple[str, Font]]) -> list[tuple[Line, list[tuple[str, Font]], float]]:
    """The text's words over the slot's lines, at the form's size or, if they do not fit, at the
    largest size (in steps of 5%, not below MIN_SIZE) at which they do."""
    words = _words(pieces)
    lines = slot.lines or (Line(slot.x, slot.y + slot.height * 0.25, slot.width),)
    smallest = min(slot.size, MIN_SIZE)
    size = slot.size
    while True:
        wrapped = _wrap(words, [line.width for line in lines], size)
        if wrapped is not None:
            return [(line, placed, size) for line, placed in zip(lines, wrapped, strict=False)]
        if size <= smallest:
            break
        size = max(size * 0.95, smallest)
    raise DoesNotFit(f"{' '.join(text for text, _ in pieces)!r} needs type smaller than {MIN_SIZE} pt")


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
