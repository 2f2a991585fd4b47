"""Server-rendered SVG bar charts: one horizontal stacked bar per class (or MEF), one segment per
account state. Geometry only; `templates/stats/_chart.html` draws it. No JavaScript: the SVG is an
image with a title and a description, and the same figures are in the table next to it."""

from dataclasses import dataclass

from .tables import STATE_COLUMNS, Table

# Colours of the guide's state bullets (red, orange, yellow, green), DSFR shades.
STATE_COLOURS = {
    "not_informed": "#ce0500",
    "informed": "#fc5d00",
    "activating": "#fcc63a",
    "activated": "#18753c",
}
STATE_LABELS = dict(STATE_COLUMNS)

WIDTH = 800
LABEL_WIDTH = 130
TOTAL_WIDTH = 60
BAR_HEIGHT = 20
BAR_GAP = 10
TOP = 4
PLOT_WIDTH = WIDTH - LABEL_WIDTH - TOTAL_WIDTH


@dataclass
class Segment:
    key: str
    label: str
    colour: str
    count: int
    x: float
    width: float


@dataclass
class Bar:
    label: str
    total: int
    y: int
    segments: list[Segment]

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= 16 else self.label[:15] + "…"

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2


@dataclass
class LegendItem:
    label: str
    colour: str


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    bars: list[Bar]
    legend: list[LegendItem]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    plot_end: int = LABEL_WIDTH + PLOT_WIDTH
    bar_height: int = BAR_HEIGHT


def stacked_bars(table: Table, title: str) -> Chart:
    state_keys = [key for key, _ in STATE_COLUMNS if key != "total"]
    largest = max((row.values.get("total", 0) for row in table.rows), default=0) or 1
    bars = []
    for index, row in enumerate(table.rows):
        x = float(LABEL_WIDTH)
        segments = []
        for key in state_keys:
            count = row.values.get(key, 0)
            width = PLOT_WIDTH * count / largest
            if count:
                segments.append(
                    Segment(key, STATE_LABELS[key], STATE_COLOURS[key], count, round(x, 2), round(width, 2))
                )
            x += width
        bars.append(Bar(row.label, row.values.get("total", 0), TOP + index * (BAR_HEIGHT + BAR_GAP), segments))
    legend = [LegendItem(STATE_LABELS[key].removeprefix("Comptes "), STATE_COLOURS[key]) for key in state_keys]
    description = " ; ".join(
        f"{bar.label} : "
        + ", ".join(f"{segment.count} {segment.label.removeprefix('Comptes ')}" for segment in bar.segments)
        + f" (total {bar.total})"
        if bar.segments
        else f"{bar.label} : aucun compte"
        for bar in bars
    )
    return Chart(
        slug=table.slug,
        title=title,
        description=description or "Aucune donnée.",
        bars=bars,
        legend=legend,
        height=TOP + max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + TOP,
    )
