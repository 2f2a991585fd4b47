"""Tables as PDF, fast: « Lister les comptes » of a whole lycée (thousands of rows) in a fraction of
a second, where WeasyPrint took ~5 ms of CPU a row and ~400 MB for 2,500 rows (docs/performance.md).

A list's layout is simple enough to be done here rather than by an HTML engine. Each section (a
class) is a table from a new page; its column widths are shared as an HTML table's automatic layout
would (each column at least as wide as its label and its longest unbreakable piece, the rest in
proportion to its widest cell); cells wrap at spaces, after hyphens and dots (a piece wider than its
cell is cut anywhere); rows are
never split across pages; the section's heading and the columns' header repeat on each page;
« Page n / N » at the bottom right. The text is drawn with the letters' streaming writer
(`educonnect.pdfstream`): real text in embedded DejaVu fonts with a ToUnicode map, so every cell
stays extractable and searchable. Lengths are in PDF points (1/72 in); colours (r, g, b) in 0..1.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from .pdfstream import EmbeddedFont, Name, StreamingPdf, serialize
from .pdftext import ASCENT, Face, Fonts, pieces, wrap

__all__ = ["MM", "MUTED", "Cell", "Face", "Fonts", "Para", "Section", "Table", "pieces", "render_table_pdf", "wrap"]

MM = 72 / 25.4
A4 = (595.28, 841.89)
MUTED = (0.333, 0.333, 0.333)  # #555
RULE = (0.573, 0.573, 0.573)  # #929292


@dataclass(frozen=True)
class Cell:
    """A cell drawn in its own face (a password in bold monospace); a plain `str` takes the body's."""

    text: str
    face: Face


@dataclass(frozen=True)
class Para:
    """A paragraph above or below the tables, wrapped to the width of the page."""

    text: str
    face: Face
    after: float = 0.0  # space below


@dataclass(frozen=True)
class Section:
    """A table of its own, from a new page: `intro` on its first page only, `heading` on each of its
    pages (with « (suite) » after the first), then the columns' header and the rows."""

    rows: Sequence[Sequence[str | Cell]]
    intro: Sequence[Para] = ()
    heading: Para | None = None


@dataclass(frozen=True)
class Table:
    title: str  # the document's title (its metadata)
    columns: Sequence[str]  # the header's labels
    sections: Sequence[Section]
    body: Face
    head: Face  # the columns' header
    head_fill: tuple[float, float, float]
    padding: tuple[float, float]  # (vertical, horizontal) inside each cell
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    landscape: bool = False
    # Columns typed by hand (identifiers, passwords): their cells are given their whole width when
    # the page allows, and never broken inside a word unless it does not.
    whole: frozenset[int] = frozenset()
    note: Sequence[Para] = ()  # after the last row
    empty: Sequence[Para] = ()  # instead of the sections when there is no row at all
    footer: Face = field(default_factory=lambda: Face(8, color=MUTED))


@dataclass
class _Row:
    cells: list[tuple[list[str], Face]]
    height: float


@dataclass
class _Grid:
    """A section's columns: their widths and the header row laid out in them."""

    widths: list[float]
    header: _Row


@dataclass
class _Page:
    section: Section
    grid: _Grid
    first: bool  # the section's first page (its intro is drawn)
    rows: list[_Row] = field(default_factory=list)
    note: bool = False


class _Layout:
    """Where everything goes: pages of rows, computed before drawing (« Page n / N » needs N)."""

    def __init__(self, table: Table, fonts: Fonts):
        self.table, self.fonts = table, fonts
        self.width, self.height = (A4[1], A4[0]) if table.landscape else A4
        top, right, bottom, left = table.margins
        # Vertical positions are measured from the top of the page, down.
        self.left, self.start, self.limit = left, top, self.height - bottom
        self.table_width = self.width - left - right

    def grid(self, section: Section) -> _Grid:
        """Each section's columns are its own, as each class's table was in HTML."""
        header = [Cell(label, self.table.head) for label in self.table.columns]
        widths = self.widths(header, section.rows)
        return _Grid(widths, self.row(header, widths))

    def face_text(self, cell: str | Cell) -> tuple[str, Face]:
        return (cell.text, cell.face) if isinstance(cell, Cell) else (cell, self.table.body)

    def widths(self, header: list[Cell], rows) -> list[float]:
        """Each column's width: its label on one line and its longest unbreakable piece at least —
        a whole cell in the `whole` columns — when the table allows; then the room left in proportion
        to what each column would need to hold its widest cell on one line."""
        padding = 2 * self.table.padding[1]
        widest = [self.fonts.width(cell.text, cell.face) + padding for cell in header]
        shortest = list(widest)
        for cells in rows:
            for index, cell in enumerate(cells):
                text, face = self.face_text(cell)
                width = self.fonts.width(text, face) + padding
                widest[index] = max(widest[index], width)
                if index in self.table.whole:
                    shortest[index] = max(shortest[index], width)
                elif width > shortest[index]:
                    parts = pieces(text)
                    piece = max(self.fonts.width(p, face) for _joiner, p in parts) + padding if parts else padding
                    shortest[index] = max(shortest[index], piece)
        if sum(widest) <= self.table_width:  # everything on one line: the extra room shared
            return [self.table_width * w / sum(widest) for w in widest]
        if sum(shortest) >= self.table_width:  # words will be broken
            return [self.table_width * w / sum(shortest) for w in shortest]
        room = self.table_width - sum(shortest)
        stretch = [w - s for w, s in zip(widest, shortest, strict=True)]
        return [s + room * extra / sum(stretch) for s, extra in zip(shortest, stretch, strict=True)]

    def row(self, cells: Sequence[str | Cell], widths: list[float]) -> _Row:
        vertical, horizontal = self.table.padding
        laid = []
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            text, face = self.face_text(cell)
            inside_words = index not in self.table.whole
            laid.append((wrap(text, width - 2 * horizontal, face, self.fonts, inside_words=inside_words), face))
        height = max(len(lines) * face.line for lines, face in laid) + 2 * vertical
        return _Row(laid, height)

    def paras_height(self, paras: Sequence[Para]) -> float:
        return sum(len(wrap(p.text, self.table_width, p.face, self.fonts)) * p.face.line + p.after for p in paras)

    def heading(self, section: Section, first: bool) -> Para | None:
        if section.heading is None or first:
            return section.heading
        h = section.heading
        return Para(f"{h.text} (suite)", h.face, h.after)

    def room(self, page: _Page) -> float:
        """Height left for rows on a page that holds its intro, heading and header only."""
        above = self.paras_height(page.section.intro) if page.first else 0.0
        heading = self.heading(page.section, page.first)
        above += self.paras_height([heading]) if heading else 0.0
        return self.limit - self.start - above - page.grid.header.height

    def pages(self) -> list[_Page]:
        pages: list[_Page] = []
        for section in self.table.sections:
            if not section.rows:
                continue
            page, left, grid = None, 0.0, self.grid(section)
            for cells in section.rows:
                row = self.row(cells, grid.widths)
                if page is None or (row.height > left and page.rows):
                    page = _Page(section, grid, first=page is None)
                    pages.append(page)
                    left = self.room(page)
                page.rows.append(row)
                left -= row.height
        if pages and self.table.note:
            last = pages[-1]
            used = sum(r.height for r in last.rows)
            if 3 * MM + self.paras_height(self.table.note) > self.room(last) - used:
                pages.append(_Page(last.section, last.grid, first=False))
            pages[-1].note = True
        return pages


class _Painter:
    """The content stream of one page, and the fonts it uses."""

    def __init__(self, fonts: Fonts, page_height: float):
        self.fonts, self.page_height = fonts, page_height
        self.ops: list[bytes] = []
        self.used: dict[str, EmbeddedFont] = {}
        # Font, colour and letter spacing persist from one text object to the next (graphics state):
        # each is written when it changes only.
        self.font: tuple[bytes, float] | None = None
        self.color: tuple[float, float, float] | None = None
        self.spacing = 0.0

    def text(self, x: float, top: float, text: str, face: Face) -> None:
        """`text` on one line whose top is `top` (from the top of the page)."""
        name, font = self.fonts.of(face)
        self.used[name.decode()] = font
        ops = [b"BT"]
        if self.font != (name, face.size):
            self.font = (name, face.size)
            ops.append(b"/%s %.2f Tf" % self.font)
        if self.color != face.color:
            self.color = face.color
            ops.append(b"%.3f %.3f %.3f rg" % face.color)
        if self.spacing != face.spacing:
            self.spacing = face.spacing
            ops.append(b"%.2f Tc" % face.spacing)
        baseline = self.page_height - (top + ASCENT * face.size)
        ops.append(b"1 0 0 1 %.2f %.2f Tm %s Tj ET" % (x, baseline, self.fonts.encode(text, face)))
        self.ops.append(b" ".join(ops))

    def paras(self, x: float, top: float, width: float, paras: Sequence[Para]) -> float:
        for para in paras:
            for line in wrap(para.text, width, para.face, self.fonts):
                self.text(x, top, line, para.face)
                top += para.face.line
            top += para.after
        return top

    def row(self, layout: _Layout, widths: list[float], row: _Row, top: float, fill=None) -> float:
        vertical, horizontal = layout.table.padding
        y = self.page_height - top - row.height
        if fill:
            self.color = fill
            self.ops.append(
                b"%.3f %.3f %.3f rg %.2f %.2f %.2f %.2f re f" % (*fill, layout.left, y, layout.table_width, row.height)
            )
        x = layout.left
        boxes = []
        for (lines, face), width in zip(row.cells, widths, strict=True):
            boxes.append(b"%.2f %.2f %.2f %.2f re" % (x, y, width, row.height))
            for index, line in enumerate(lines):
                self.text(x + horizontal, top + vertical + index * face.line, line, face)
            x += width
        self.ops.append(b"0.5 w %.3f %.3f %.3f RG " % RULE + b" ".join(boxes) + b" S")
        return top + row.height


def write_table_pdf(handle, table: Table) -> int:
    """Write `table` into the binary file `handle`; returns the number of pages."""
    out = StreamingPdf(handle)
    catalog, pages_root = out.reserve(), out.reserve()
    fonts = Fonts(out)
    layout = _Layout(table, fonts)
    pages = layout.pages()
    page_refs = []
    for number, page in enumerate(pages or [None], start=1):
        painter = _Painter(fonts, layout.height)
        top = layout.start
        if page is None:
            painter.paras(layout.left, top, layout.table_width, table.empty)
        else:
            if page.first:
                top = painter.paras(layout.left, top, layout.table_width, page.section.intro)
            heading = layout.heading(page.section, page.first)
            if heading:
                top = painter.paras(layout.left, top, layout.table_width, [heading])
            if page.rows:
                top = painter.row(layout, page.grid.widths, page.grid.header, top, fill=table.head_fill)
                for row in page.rows:
                    top = painter.row(layout, page.grid.widths, row, top)
            if page.note:
                painter.paras(layout.left, top + 3 * MM, layout.table_width, table.note)
        footer, face = f"Page {number} / {max(1, len(pages))}", table.footer  # right-aligned, in the bottom margin
        right, top = layout.width - table.margins[1], layout.height - table.margins[2] / 2 - face.line / 2
        painter.text(right - fonts.width(footer, face), top, footer, face)
        content = out.add_stream({}, b"\n".join(painter.ops))
        page_refs.append(
            out.add(
                {
                    "Type": Name("Page"),
                    "Parent": pages_root,
                    "MediaBox": [0, 0, layout.width, layout.height],
                    "Resources": {"Font": {name: font.ref for name, font in painter.used.items()}},
                    "Contents": content,
                }
            )
        )
    for font in fonts.fonts.values():
        font.finish()
    out.put(pages_root, serialize({"Type": Name("Pages"), "Kids": page_refs, "Count": len(page_refs)}))
    out.put(catalog, serialize({"Type": Name("Catalog"), "Pages": pages_root}))
    title = b"\xfe\xff" + table.title.encode("utf-16-be")
    out.close(catalog, {"Producer": b"EduConnect", "Title": title})
    return len(page_refs)


def render_table_pdf(table: Table) -> bytes:
    buffer = io.BytesIO()
    write_table_pdf(buffer, table)
    return buffer.getvalue()
