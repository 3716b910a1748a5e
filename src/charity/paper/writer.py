"""A PDF file written object by object: just what stamped forms need (pages, streams, fonts and
objects copied from another PDF), without a general document model in between."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def pdf_name(name: str) -> bytes:
    return b"/" + b"".join(
        bytes([byte]) if 0x21 <= byte <= 0x7E and byte not in b"()<>[]{}/%#" else b"#%02X" % byte
        for byte in name.encode()
    )


def pdf_text(text: str) -> bytes:
    """A text string (outside content streams), in UTF-16 so any Vietnamese title survives."""
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


class PdfDocument:
    def __init__(self) -> None:
        self._bodies: list[bytes | None] = [None]
        self._once: dict[Hashable, Any] = {}
        self.pages = self.reserve()
        self._kids: list[int] = []

    def reserve(self) -> int:
        self._bodies.append(None)
        return len(self._bodies) - 1

    def reserve_many(self, count: int) -> int:
        """`count` consecutive numbers; answers the first."""
        self._bodies.extend([None] * count)
        return len(self._bodies) - count

    def put(self, number: int, body: bytes) -> int:
        self._bodies[number] = body
        return number

    def add(self, body: bytes) -> int:
        return self.put(self.reserve(), body)

    def add_stream(self, data: bytes, entries: bytes = b"", *, compressed: bool = False) -> int:
        if not compressed:
            data = zlib.compress(data, 6)
        return self.add(
            b"<</Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(data), entries) + data + b"\nendstream"
        )

    def once(self, key: Hashable, write: Callable[[], T]) -> T:
        """What `write` answered for `key` in this document, writing it the first time it is asked for."""
        if key not in self._once:
            self._once[key] = write()
        return self._once[key]

    def add_page(self, width: float, height: float, resources: bytes, content: bytes) -> None:
        """A page drawn by `content`, already compressed."""
        contents = self.add_stream(content, compressed=True)
        self._kids.append(
            self.add(
                b"<</Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources %s /Contents %d 0 R>>"
                % (self.pages, width, height, resources, contents)
            )
        )

    def finish(self, title: str) -> bytes:
        kids = b" ".join(b"%d 0 R" % kid for kid in self._kids)
        self.put(self.pages, b"<</Type /Pages /Kids [%s] /Count %d>>" % (kids, len(self._kids)))
        catalog = self.add(b"<</Type /Catalog /Pages %d 0 R /Lang (vi)>>" % self.pages)
        info = self.add(b"<</Title %s /Producer (Charity)>>" % pdf_text(title))
        chunks = [HEADER]
        offsets = []
        position = len(HEADER)
        for number, body in enumerate(self._bodies[1:], start=1):
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body or b"null")
            offsets.append(position)
            chunks.append(chunk)
            position += len(chunk)
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % len(self._bodies)]
        xref.extend(b"%010d 00000 n \n" % offset for offset in offsets)
        chunks.extend(xref)
        chunks.append(
            b"trailer\n<</Size %d /Root %d 0 R /Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(self._bodies), catalog, info, position)
        )
        return b"".join(chunks)
