"""Text in the embedded DejaVu faces of a streamed PDF (`educonnect.pdfstream`): a face, its
widths, and lines wrapped as CSS wraps them. Used by the tables of `educonnect.pdftable`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.staticfiles import finders

from .pdfstream import FONT_FILES, EmbeddedFont, StreamingPdf

INK = (0.086, 0.086, 0.086)  # #161616, the text colour of the DSFR
_BREAK_AFTER = re.compile(r"(?<=[-.])")
ASCENT, DESCENT = 0.928, 0.236  # DejaVu (every face): a line is 1.164 em high, as CSS « normal »


@dataclass(frozen=True)
class Face:
    size: float
    bold: bool = False
    mono: bool = False
    color: tuple[float, float, float] = INK
    spacing: float = 0.0  # between letters

    @property
    def line(self) -> float:
        return (ASCENT + DESCENT) * self.size


_ADVANCES: dict[str, dict[str, float]] = {}  # font file → {character: advance}, for the process


def _advances(font: EmbeddedFont) -> dict[str, float]:
    """Every character of the font and its advance, in thousandths of the font size."""
    if font.path not in _ADVANCES:
        _ADVANCES[font.path] = {chr(code): font.widths.get(gid, 0) for code, gid in font.char_gid.items()}
    return _ADVANCES[font.path]


class Fonts:
    """The DejaVu faces of one document, embedded on first use (subset when the document closes).
    Widths and encoded strings are remembered: a list repeats its classes, levels and names."""

    def __init__(self, out: StreamingPdf):
        self.out = out
        self.fonts: dict[tuple[bool, bool], EmbeddedFont] = {}
        self.widths: dict[tuple[str, Face], float] = {}
        self.encoded: dict[tuple[str, tuple[bool, bool]], bytes] = {}

    def of(self, face: Face) -> tuple[bytes, EmbeddedFont]:
        key = (face.mono, face.bold)
        if key not in self.fonts:
            path = finders.find(FONT_FILES[key])
            self.fonts[key] = EmbeddedFont(self.out, path, tag="EDUL" + "ABCD"[len(self.fonts)] + "T")
        return b"F%d%d" % key, self.fonts[key]

    def width(self, text: str, face: Face) -> float:
        width = self.widths.get((text, face))
        if width is None:
            advances = _advances(self.of(face)[1])
            try:
                units = sum(map(advances.__getitem__, text))
            except KeyError:  # a character the font lacks: drawn as its « .notdef » glyph
                units = self.of(face)[1].width(text, 1000)
            width = self.widths[(text, face)] = units * face.size / 1000 + face.spacing * len(text)
        return width

    def encode(self, text: str, face: Face) -> bytes:
        key = (text, (face.mono, face.bold))
        encoded = self.encoded.get(key)
        if encoded is None:
            encoded = self.encoded[key] = self.of(face)[1].encode(text)
        return encoded


def pieces(text: str, *, inside_words: bool = True) -> list[tuple[str, str]]:
    """(joiner, piece) where a line may break, as CSS breaks: at spaces, and (`inside_words`) after
    a hyphen or a dot. The joiner is what goes between the piece and the one before it on a line."""
    found = []
    for word in text.split():
        for index, piece in enumerate(_BREAK_AFTER.split(word) if inside_words else [word]):
            if piece:
                found.append(("" if index or not found else " ", piece))
    return found


def wrap(text: str, width: float, face: Face, fonts: Fonts, *, inside_words: bool = True) -> list[str]:
    """`text` in lines no wider than `width`, broken where `pieces` allows; a piece too wide alone
    is cut where it must."""
    width += 0.01  # a column as wide as its widest cell holds it, rounding errors aside
    if fonts.width(text, face) <= width:
        return [text]
    lines, current = [], ""
    for joiner, piece in pieces(text, inside_words=inside_words):
        candidate = current + joiner + piece if current else piece
        if fonts.width(candidate, face) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while fonts.width(piece, face) > width and len(piece) > 1:
            cut = len(piece) - 1
            while cut > 1 and fonts.width(piece[:cut], face) > width:
                cut -= 1
            lines.append(piece[:cut])
            piece = piece[cut:]
        current = piece
    if current:
        lines.append(current)
    return lines or [""]
