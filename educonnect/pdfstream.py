"""A small streaming PDF writer: pages are written to the file as they come, so memory does not grow
with the number of pages. The one PDF writer of the fast paths: the letters (notifications.letters)
and the account lists (educonnect.pdftable). It knows three things only:

- importing one page of a PDF made by WeasyPrint as a Form XObject (drawn on many pages, stored once);
- embedding a TrueType font (DejaVu, the letters' fonts) as a CID font with Identity-H encoding, a
  ToUnicode map (so the text stays extractable and searchable) and the widths of the glyphs used,
  subset at the end to the glyphs actually drawn (glyph ids kept, other outlines emptied);
- writing pages whose content stream draws the template then text lines.
"""

import io
import struct
import zlib
from functools import lru_cache

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

# The DejaVu faces the fast paths draw with, as static files: (mono, bold) → path.
FONT_FILES = {
    (False, False): "notifications/fonts/DejaVuSans.ttf",
    (False, True): "notifications/fonts/DejaVuSans-Bold.ttf",
    (True, False): "notifications/fonts/DejaVuSansMono.ttf",
    (True, True): "notifications/fonts/DejaVuSansMono-Bold.ttf",
}


class Ref(int):
    """An indirect reference to object number `self`."""


class Name(str):
    pass


def serialize(value) -> bytes:
    if isinstance(value, Ref):
        return b"%d 0 R" % value
    if isinstance(value, Name):
        return b"/" + value.encode("ascii")
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, float):
        return (b"%.4f" % value).rstrip(b"0").rstrip(b".") or b"0"
    if isinstance(value, bytes):  # literal string
        return b"(" + value.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    if isinstance(value, dict):
        return b"<<" + b"".join(b"/" + k.encode("ascii") + b" " + serialize(v) for k, v in value.items()) + b">>"
    if isinstance(value, list | tuple):
        return b"[" + b" ".join(serialize(v) for v in value) + b"]"
    raise TypeError(f"cannot serialize {type(value)}")


class StreamingPdf:
    """Write objects to `handle` as they come; keep only their offsets (two integers per object)."""

    def __init__(self, handle):
        self.handle = handle
        self.offsets: dict[int, int] = {}
        self.next_number = 1
        self.position = 0
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.position += len(data)

    def reserve(self) -> Ref:
        number = self.next_number
        self.next_number += 1
        return Ref(number)

    def put(self, ref: Ref, body: bytes) -> Ref:
        self.offsets[int(ref)] = self.position
        self._write(b"%d 0 obj\n" % ref + body + b"\nendobj\n")
        return ref

    def add(self, value) -> Ref:
        return self.put(self.reserve(), serialize(value))

    def put_stream(self, ref: Ref, attributes: dict, data: bytes, *, compress: bool = True) -> Ref:
        attributes = dict(attributes)
        if compress:
            data = zlib.compress(data, 6)
            attributes["Filter"] = Name("FlateDecode")
        attributes["Length"] = len(data)
        return self.put(ref, serialize(attributes) + b"\nstream\n" + data + b"\nendstream")

    def add_stream(self, attributes: dict, data: bytes, *, compress: bool = True) -> Ref:
        return self.put_stream(self.reserve(), attributes, data, compress=compress)

    def close(self, root: Ref, info: dict | None = None) -> None:
        info_ref = self.add(info) if info else None
        xref_at = self.position
        count = self.next_number
        lines = [b"xref\n0 %d\n" % count, b"0000000000 65535 f \n"]
        for number in range(1, count):
            offset = self.offsets.get(number)
            lines.append(b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n")
        self._write(b"".join(lines))
        trailer = {"Size": count, "Root": root}
        if info_ref:
            trailer["Info"] = info_ref
        self._write(b"trailer\n" + serialize(trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at)


class _Importer:
    """Copies objects of a pypdf reader into a StreamingPdf, renumbering indirect references."""

    def __init__(self, out: StreamingPdf):
        self.out = out
        self.numbers: dict[int, Ref] = {}

    def ref(self, indirect: IndirectObject) -> Ref:
        if indirect.idnum not in self.numbers:
            ref = self.out.reserve()
            self.numbers[indirect.idnum] = ref
            self._emit(ref, indirect.get_object())
        return self.numbers[indirect.idnum]

    def _emit(self, ref: Ref, obj) -> None:
        if isinstance(obj, StreamObject):
            head = {k: v for k, v in obj.items() if k != "/Length"}
            data = obj._data  # still encoded: copied as is, with its /Filter
            body = self.value(DictionaryObject(head))[:-2] + b"/Length %d>>" % len(data)
            self.out.put(ref, body + b"\nstream\n" + data + b"\nendstream")
        else:
            self.out.put(ref, self.value(obj))

    def value(self, obj) -> bytes:
        if isinstance(obj, IndirectObject):
            return serialize(self.ref(obj))
        if isinstance(obj, DictionaryObject):
            return b"<<" + b"".join(self.value(NameObject(k)) + b" " + self.value(v) for k, v in obj.items()) + b">>"
        if isinstance(obj, ArrayObject):
            return b"[" + b" ".join(self.value(v) for v in obj) + b"]"
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        return buffer.getvalue()


def import_page_as_form(out: StreamingPdf, pdf_bytes: bytes) -> tuple[Ref, tuple[float, float]]:
    """The first page of `pdf_bytes` as a Form XObject of `out`; returns it and the page size (pt)."""
    page = PdfReader(io.BytesIO(pdf_bytes)).pages[0]
    box = [float(v) for v in page.mediabox]
    importer = _Importer(out)
    resources = importer.value(page["/Resources"]) if "/Resources" in page else b"<<>>"
    content = page.get_contents().get_data() if page.get_contents() is not None else b""
    ref = out.reserve()
    attributes = serialize({"Type": Name("XObject"), "Subtype": Name("Form"), "BBox": box})
    data = zlib.compress(content, 6)
    body = (
        attributes[:-2]
        + b"/Resources "
        + resources
        + b"/Filter/FlateDecode/Length %d>>\nstream\n" % len(data)
        + data
        + b"\nendstream"
    )
    out.put(ref, body)
    return ref, (box[2] - box[0], box[3] - box[1])


@lru_cache(maxsize=8)
def _font_file(path: str):
    font = TTFont(path)
    cmap = font.getBestCmap()
    order = font.getGlyphOrder()
    gid = {name: i for i, name in enumerate(order)}
    hmtx = font["hmtx"].metrics
    upem = font["head"].unitsPerEm
    char_gid = {cp: gid[name] for cp, name in cmap.items()}
    widths = {gid[name]: hmtx[name][0] * 1000 / upem for name in order}
    hhea, head, os2 = font["hhea"], font["head"], font["OS/2"]
    metrics = {
        "ascent": hhea.ascent * 1000 / upem,
        "descent": hhea.descent * 1000 / upem,
        "bbox": [head.xMin * 1000 / upem, head.yMin * 1000 / upem, head.xMax * 1000 / upem, head.yMax * 1000 / upem],
        "cap_height": getattr(os2, "sCapHeight", hhea.ascent) * 1000 / upem,
        "name": font["name"].getDebugName(6) or "Font",
    }
    return char_gid, widths, metrics


class EmbeddedFont:
    """A TrueType font drawn by glyph id; only the glyphs used are embedded (subset at `finish`)."""

    def __init__(self, out: StreamingPdf, path: str, tag: str):
        self.out = out
        self.path = path
        self.tag = tag  # six capital letters, the subset prefix
        self.ref = out.reserve()
        self.char_gid, self.widths, self.metrics = _font_file(path)
        self.used: dict[int, str] = {}  # gid → text

    def width(self, text: str, size: float) -> float:
        return sum(self.widths.get(self.char_gid.get(ord(c), 0), 0) for c in text) * size / 1000

    def encode(self, text: str) -> bytes:
        gids = []
        for char in text:
            gid = self.char_gid.get(ord(char), 0)
            if gid:
                self.used.setdefault(gid, char)
            gids.append(gid)
        return b"<" + "".join(f"{g:04X}" for g in gids).encode("ascii") + b">"

    def finish(self) -> None:
        with open(self.path, "rb") as handle:
            program = subset_truetype(handle.read(), {0, *self.used})
        out = self.out
        font_file = out.add_stream({"Length1": len(program)}, program)
        base = f"{self.tag}+{self.metrics['name']}".replace(" ", "")
        descriptor = out.add(
            {
                "Type": Name("FontDescriptor"),
                "FontName": Name(base),
                "Flags": 4 if "Mono" in self.path else 32,
                "FontBBox": self.metrics["bbox"],
                "ItalicAngle": 0,
                "Ascent": self.metrics["ascent"],
                "Descent": self.metrics["descent"],
                "CapHeight": self.metrics["cap_height"],
                "StemV": 80,
                "FontFile2": font_file,
            }
        )
        widths = []
        for gid in sorted(self.used):
            widths += [gid, [round(self.widths.get(gid, 0), 2)]]
        cid_font = out.add(
            {
                "Type": Name("Font"),
                "Subtype": Name("CIDFontType2"),
                "BaseFont": Name(base),
                "CIDSystemInfo": {"Registry": b"Adobe", "Ordering": b"Identity", "Supplement": 0},
                "FontDescriptor": descriptor,
                "DW": 1000,
                "W": widths,
                "CIDToGIDMap": Name("Identity"),
            }
        )
        to_unicode = out.add_stream({}, self._cmap())
        out.put(
            self.ref,
            serialize(
                {
                    "Type": Name("Font"),
                    "Subtype": Name("Type0"),
                    "BaseFont": Name(base),
                    "Encoding": Name("Identity-H"),
                    "DescendantFonts": [cid_font],
                    "ToUnicode": to_unicode,
                }
            ),
        )

    def _cmap(self) -> bytes:
        entries = sorted(self.used.items())
        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
        ]
        for start in range(0, len(entries), 100):
            chunk = entries[start : start + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            for gid, char in chunk:
                utf16 = char.encode("utf-16-be").hex().upper()
                lines.append(f"<{gid:04X}> <{utf16}>")
            lines.append("endbfchar")
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines).encode("ascii")


# The tables PDF 1.7 (§9.9) asks of an embedded TrueType font drawn by glyph id, plus OS/2.
_KEPT_TABLES = {b"head", b"hhea", b"loca", b"maxp", b"cvt ", b"prep", b"glyf", b"hmtx", b"fpgm", b"OS/2"}


def subset_truetype(data: bytes, keep: set[int]) -> bytes:
    """The font `data` with the outlines of the glyphs in `keep` only (and of their components):
    every other glyph keeps its id but becomes empty. Works on the binary tables (milliseconds,
    where a full fontTools subset of DejaVu takes seconds)."""
    (count,) = struct.unpack(">H", data[4:6])
    tables = {}
    for index in range(count):
        tag, _checksum, offset, length = struct.unpack(">4sIII", data[12 + 16 * index : 28 + 16 * index])
        tables[tag] = data[offset : offset + length]
    long_offsets = struct.unpack(">h", tables[b"head"][50:52])[0] == 1
    (glyphs,) = struct.unpack(">H", tables[b"maxp"][4:6])
    loca_raw = tables[b"loca"]
    if long_offsets:
        loca = struct.unpack(f">{glyphs + 1}I", loca_raw[: 4 * (glyphs + 1)])
    else:
        loca = [v * 2 for v in struct.unpack(f">{glyphs + 1}H", loca_raw[: 2 * (glyphs + 1)])]
    glyf = tables[b"glyf"]
    wanted, stack = set(), [g for g in keep if 0 <= g < glyphs]
    while stack:
        gid = stack.pop()
        if gid in wanted:
            continue
        wanted.add(gid)
        glyph = glyf[loca[gid] : loca[gid + 1]]
        if len(glyph) >= 10 and struct.unpack(">h", glyph[:2])[0] < 0:  # composite: add its components
            position = 10
            while position + 4 <= len(glyph):
                flags, component = struct.unpack(">HH", glyph[position : position + 4])
                stack.append(component)
                position += 4 + (4 if flags & 0x0001 else 2)
                position += 2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0
                if not flags & 0x0020:
                    break
    new_glyf, offsets = bytearray(), []
    for gid in range(glyphs):
        offsets.append(len(new_glyf))
        if gid in wanted:
            new_glyf += glyf[loca[gid] : loca[gid + 1]]
            new_glyf += b"\0" * (-len(new_glyf) % 4)
    offsets.append(len(new_glyf))
    tables[b"glyf"] = bytes(new_glyf)
    if long_offsets:
        tables[b"loca"] = struct.pack(f">{len(offsets)}I", *offsets)
    else:
        tables[b"loca"] = struct.pack(f">{len(offsets)}H", *(o // 2 for o in offsets))
    kept = sorted((tag, body) for tag, body in tables.items() if tag in _KEPT_TABLES)
    header = struct.pack(">IHHHH", 0x00010000, len(kept), 0, 0, 0)
    directory, body, offset = [], [], 12 + 16 * len(kept)
    for tag, table in kept:
        padded = table + b"\0" * (-len(table) % 4)
        checksum = sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
        directory.append(struct.pack(">4sIII", tag, checksum, offset, len(table)))
        body.append(padded)
        offset += len(padded)
    return header + b"".join(directory) + b"".join(body)
