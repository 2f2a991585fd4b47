"""Letters as one PDF, fast: what is the same on every letter is laid out once per batch.

For each (letter, audience) of a batch, WeasyPrint lays out the letter once with its slots empty
(`.slot` elements of fixed size, so the layout does not depend on their content), and we read where
each slot landed. Every account's page then draws that page (a Form XObject stored once) and writes
its own fields into the slots as real text (embedded DejaVu fonts with a ToUnicode map: the text of
each page is right and extractable). Pages stream to the output file: memory stays flat whatever
the number of letters. `render_letters_pdf_naive` lays out every page with WeasyPrint (the
reference the benchmark and the tests compare with).
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from educonnect.pdf import html_to_pdf, layout_html
from educonnect.pdfstream import FONT_FILES, EmbeddedFont, Name, StreamingPdf, import_page_as_form

from .content import BLANK, Letter, LetterHead

TEMPLATE = "notifications/letters/letters.html"
PX = 0.75  # CSS px → PDF pt
MIN_SCALE = 0.6  # a long name is drawn smaller, down to 60 %, then cut with « … »


@dataclass(frozen=True)
class Slot:
    name: str
    x: float  # pt, from the left
    top: float  # pt, from the top of the page
    width: float
    height: float
    size: float  # font size, pt
    line: float  # line height, pt
    mono: bool
    bold: bool

    @property
    def max_lines(self) -> int:
        return max(1, round(self.height / self.line))


def letters_html(pages: Iterable[tuple[LetterHead, Letter]]) -> str:
    return render_to_string(TEMPLATE, {"pages": [{"head": h, "letter": letter} for h, letter in pages]})


def render_letters_pdf_naive(pages: Iterable[tuple[LetterHead, Letter]]) -> bytes:
    """Every page laid out by WeasyPrint: slow (~50 ms a page) and memory-hungry on big batches."""
    return html_to_pdf(letters_html(pages))


def _slots(document) -> list[Slot]:
    slots = []
    for box in document.pages[0]._page_box.descendants():
        element = getattr(box, "element", None)
        name = element.get("data-slot") if element is not None else None
        if not name or getattr(box, "element_tag", None) is None or any(s.name == name for s in slots):
            continue
        style = box.style
        size = float(style["font_size"])
        line = _line_height(style["line_height"], size)
        families = " ".join(style["font_family"])
        slots.append(
            Slot(
                name=name,
                x=box.content_box_x() * PX,
                top=box.content_box_y() * PX,
                width=box.width * PX,
                height=box.height * PX,
                size=size * PX,
                line=line * PX,
                mono="Mono" in families,
                bold=int(style["font_weight"]) >= 600,
            )
        )
    return slots


def _line_height(value, size: float) -> float:
    """Computed CSS line-height in px: a number (times the font size), a length, or « normal »."""
    if isinstance(value, int | float):
        return size * float(value)
    if getattr(value, "unit", None) == "px":
        return float(value.value)
    return size * 1.17  # « normal » for DejaVu: ascent + descent


def _lines(letter: Letter, name: str) -> list[str]:
    if name == "children":
        return [f"– {child}" for child in letter.children]
    value = {
        "recipient": letter.recipient,
        "division": letter.division_line,
        "greeting": letter.greeting,
        "identifier": letter.identifier,
        "password": letter.password,
    }.get(name, "")
    return [value] if value else []


class Layouts:
    """The template page of each `LetterHead`, laid out by WeasyPrint once (its slots and its one-page
    PDF) and shared by every writer given it: the letters of a job split into one PDF per class lay
    out each template once, not once per class."""

    def __init__(self):
        self._pages: dict[LetterHead, tuple[list[Slot], bytes]] = {}

    def get(self, head: LetterHead) -> tuple[list[Slot], bytes]:
        if head not in self._pages:
            document = layout_html(letters_html([(head, BLANK)]))
            if len(document.pages) != 1:
                raise ValueError(f"the {head.code} letter does not fit on one page")
            self._pages[head] = (_slots(document), document.write_pdf())
        return self._pages[head]


class _Template:
    def __init__(self, out: StreamingPdf, head: LetterHead, layouts: Layouts):
        self.slots, page = layouts.get(head)
        self.form, (self.page_width, self.page_height) = import_page_as_form(out, page)


class LetterWriter:
    """Streams letters into `handle`: `add(head, letter)` for each, in order, then `close()`.
    Writers given the same `layouts` share the laid-out template pages."""

    def __init__(self, handle, layouts: Layouts | None = None):
        self.layouts = layouts or Layouts()
        self.out = StreamingPdf(handle)
        self.catalog = self.out.reserve()
        self.pages_root = self.out.reserve()
        self.page_refs = []
        self.templates: dict[LetterHead, _Template] = {}
        self.fonts: dict[tuple[bool, bool], EmbeddedFont] = {}
        self.resources = None

    def _font(self, mono: bool, bold: bool) -> EmbeddedFont:
        key = (mono, bold)
        if key not in self.fonts:
            path = finders.find(FONT_FILES[key])
            self.fonts[key] = EmbeddedFont(self.out, path, tag="EDUC" + "ABCD"[len(self.fonts)] + "F")
        return self.fonts[key]

    def add(self, head: LetterHead, letter: Letter) -> None:
        template = self.templates.get(head)
        if template is None:
            template = self.templates[head] = _Template(self.out, head, self.layouts)
        ops = [b"q /Tpl Do Q", b"0 g"]
        fonts_used = {}
        for slot in template.slots:
            lines = _lines(letter, slot.name)
            if not lines:
                continue
            if len(lines) > slot.max_lines:
                keep = slot.max_lines - 1
                lines = lines[:keep] + [", ".join(line.removeprefix("– ") for line in lines[keep:])]
                lines[keep] = "– " + lines[keep]
            font = self._font(slot.mono, slot.bold)
            name = f"F{int(slot.mono)}{int(slot.bold)}"
            fonts_used[name] = font.ref
            ascent, descent = font.metrics["ascent"] / 1000, -font.metrics["descent"] / 1000
            for index, text in enumerate(lines):
                size = slot.size
                width = font.width(text, size)
                if width > slot.width:
                    size = max(size * slot.width / width, size * MIN_SCALE)
                    while font.width(text, size) > slot.width and len(text) > 1:
                        text = text[:-2] + "…"
                # Baseline as CSS places it: half-leading above the ascent.
                top = slot.top + index * slot.line
                baseline = top + (slot.line - (ascent + descent) * size) / 2 + ascent * size
                y = template.page_height - baseline
                ops.append(
                    b"BT /%s %.2f Tf 1 0 0 1 %.2f %.2f Tm %s Tj ET"
                    % (name.encode(), size, slot.x, y, font.encode(text))
                )
        content = self.out.add_stream({}, b"\n".join(ops))
        resources = {"XObject": {"Tpl": template.form}, "Font": fonts_used}
        page = self.out.add(
            {
                "Type": Name("Page"),
                "Parent": self.pages_root,
                "MediaBox": [0, 0, template.page_width, template.page_height],
                "Resources": resources,
                "Contents": content,
            }
        )
        self.page_refs.append(page)

    def close(self) -> None:
        for font in self.fonts.values():
            font.finish()
        self.out.put(
            self.pages_root,
            self._serialize({"Type": Name("Pages"), "Kids": self.page_refs, "Count": len(self.page_refs)}),
        )
        self.out.put(self.catalog, self._serialize({"Type": Name("Catalog"), "Pages": self.pages_root}))
        self.out.close(self.catalog, {"Producer": b"EduConnect", "Title": b"Courriers EduConnect"})

    @staticmethod
    def _serialize(value) -> bytes:
        from educonnect.pdfstream import serialize

        return serialize(value)


def write_letters_pdf(handle, pages: Iterable[tuple[LetterHead, Letter]]) -> int:
    """Write the letters, in the given order, one A4 page each, into the binary file `handle`.
    Returns the number of pages."""
    writer = LetterWriter(handle)
    for head, letter in pages:
        writer.add(head, letter)
    if not writer.page_refs:
        raise ValueError("no letter to write")
    writer.close()
    return len(writer.page_refs)


def render_letters_pdf(pages: Iterable[tuple[LetterHead, Letter]]) -> bytes:
    buffer = io.BytesIO()
    write_letters_pdf(buffer, pages)
    return buffer.getvalue()
