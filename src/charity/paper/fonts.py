"""The bundled TrueType fonts as PDF fonts: measured with their own advance widths and embedded
whole (they are cut down to Vietnamese ahead of time), with a ToUnicode map so that the stamped text
can be searched, copied and read back exactly.

Text is written as glyph ids (Identity-H). The fonts hold a precomposed glyph for every Vietnamese
letter with its tones, so NFC text maps one character to one glyph; kerning is not applied.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from charity.paper.writer import PdfDocument, pdf_name


@dataclass(frozen=True, slots=True, eq=False)
class Font:
    name: str
    advance_of: dict[str, float]  # per character, in thousandths of the font size
    code_of: dict[str, str]  # per character, its glyph id in hex
    file_bytes: bytes  # compressed
    file_length: int
    descriptor: bytes  # the FontDescriptor's entries, without the font file
    widths: bytes
    to_unicode: bytes  # compressed CMap

    def covers(self, text: str) -> bool:
        return all(char in self.advance_of for char in text)

    def width(self, text: str, size: float) -> float:
        """The text's width at `size`; every character must be one the font `covers`."""
        advance_of = self.advance_of
        return sum([advance_of[char] for char in text]) * size / 1000

    def encode(self, text: str) -> bytes:
        """The text as a PDF hex string of glyph ids; every character must be one the font `covers`."""
        code_of = self.code_of
        return b"<" + "".join([code_of[char] for char in text]).encode() + b">"

    def embed(self, document: PdfDocument) -> int:
        """Write the font into the document once and answer its Type0 font object."""
        return document.once(("font", self.name), lambda: self._write(document))

    def _write(self, document: PdfDocument) -> int:
        file = document.add_stream(self.file_bytes, b"/Length1 %d" % self.file_length, compressed=True)
        descriptor = document.add(self.descriptor + b" /FontFile2 %d 0 R>>" % file)
        to_unicode = document.add_stream(self.to_unicode, compressed=True)
        name = pdf_name(self.name)
        cid_font = document.add(
            b"<</Type /Font /Subtype /CIDFontType2 /BaseFont "
            + name
            + b" /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>>"
            + b" /FontDescriptor %d 0 R /CIDToGIDMap /Identity /W " % descriptor
            + self.widths
            + b">>"
        )
        return document.add(
            b"<</Type /Font /Subtype /Type0 /BaseFont "
            + name
            + b" /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>" % (cid_font, to_unicode)
        )


@cache
def open_font(path: Path) -> Font:
    font = TTFont(path)
    scale = 1000 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    ids = {glyph: number for number, glyph in enumerate(order)}
    glyph_of = {chr(code): ids[glyph] for code, glyph in font.getBestCmap().items()}
    advance = [font["hmtx"][glyph][0] * scale for glyph in order]
    name = font["name"].getDebugName(6) or path.stem
    head, os2 = font["head"], font["OS/2"]
    italic_angle = font["post"].italicAngle
    flags = 2 | 32 | (64 if italic_angle else 0)  # serif, non-symbolic, italic
    descriptor = (
        b"<</Type /FontDescriptor /FontName "
        + pdf_name(name)
        + b" /Flags %d /FontBBox [%d %d %d %d] /ItalicAngle %g /Ascent %d /Descent %d /CapHeight %d /StemV 80"
        % (
            flags,
            head.xMin * scale,
            head.yMin * scale,
            head.xMax * scale,
            head.yMax * scale,
            italic_angle,
            os2.sTypoAscender * scale,
            os2.sTypoDescender * scale,
            getattr(os2, "sCapHeight", 0) * scale or os2.sTypoAscender * scale,
        )
    )
    raw = path.read_bytes()
    return Font(
        name=name,
        advance_of={char: advance[glyph] for char, glyph in glyph_of.items()},
        code_of={char: f"{glyph:04x}" for char, glyph in glyph_of.items()},
        file_bytes=zlib.compress(raw, 9),
        file_length=len(raw),
        descriptor=descriptor,
        widths=b"[0 [" + b" ".join(b"%g" % round(width, 1) for width in advance) + b"]]",
        to_unicode=zlib.compress(_to_unicode(glyph_of), 9),
    )


def _to_unicode(glyph_of: dict[str, int]) -> bytes:
    # A glyph shared by several characters (a space and a no-break space) reads back as the first.
    first: dict[int, str] = {}
    for char in sorted(glyph_of):
        first.setdefault(glyph_of[char], char)
    entries = sorted(first.items())
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{glyph:04x}> <{char.encode('utf-16-be').hex()}>" for glyph, char in chunk)
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines).encode()
