"""Percent formatting and the SVG chart geometry (pure functions)."""

from stats.charts import LABEL_WIDTH, PLOT_WIDTH, stacked_bars
from stats.tables import Row, Table, percent


def test_percent():
    assert percent(1, 4) == "25\u00a0%"
    assert percent(1, 3) == "33,33\u00a0%"
    assert percent(2, 238) == "0,84\u00a0%"
    assert percent(0, 5) == "0\u00a0%"
    assert percent(0, 0) == "—"


def _row(label, not_informed, informed, activating, activated):
    values = {
        "not_informed": not_informed,
        "informed": informed,
        "activating": activating,
        "activated": activated,
        "total": not_informed + informed + activating + activated,
    }
    return Row(label, list(values.values()), values=values)


def test_stacked_bars_scale_to_the_biggest_class():
    table = Table(
        "t", "caption", "Classe", [], [_row("6A", 1, 0, 1, 2), _row("6B", 0, 2, 0, 0)], _row("Total", 0, 0, 0, 0)
    )
    chart = stacked_bars(table, "États par classe")
    first, second = chart.bars
    # 6A has 4 accounts, the biggest: its bar spans the whole plot, in three segments (no « informés »).
    assert [s.key for s in first.segments] == ["not_informed", "activating", "activated"]
    assert [s.width for s in first.segments] == [PLOT_WIDTH / 4, PLOT_WIDTH / 4, PLOT_WIDTH / 2]
    assert first.segments[0].x == LABEL_WIDTH
    assert first.segments[-1].x + first.segments[-1].width == LABEL_WIDTH + PLOT_WIDTH
    assert [(s.key, s.width) for s in second.segments] == [("informed", PLOT_WIDTH / 2)]
    assert chart.description.startswith(
        "6A : 1 non activés et non informés, 1 en cours d'activation, 2 activés (total 4)"
    )
    assert second.y > first.y


def test_empty_chart():
    chart = stacked_bars(Table("t", "c", "Classe", [], [], _row("Total", 0, 0, 0, 0)), "Vide")
    assert chart.bars == []
    assert chart.description == "Aucune donnée."
    assert chart.height > 0
