"""CSV export of the statistics: `;`-separated, UTF-8 with BOM (what French spreadsheets open without
asking), one line per table row, cells starting with a formula character neutralised."""

import csv
import io

from .tables import STATE_COLUMNS, Series

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet will not evaluate (OWASP « CSV injection »): prefix with a quote."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def statistics_csv(series: dict[str, Series], *, scope_label: str, computed_at: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Série",
            "Tableau",
            "Ligne",
            *(label for _, label in STATE_COLUMNS),
            "% de comptes activés",
            "% d'élèves ayant au moins un représentant légal avec un compte activé",
            "Périmètre",
            "Calculé le",
        ]
    )
    for one in series.values():
        for table in one.tables:
            for row in [*table.rows, table.total]:
                percents = (row.percents + ["", ""])[:2]
                if table is one.synthesis:
                    percents = [value for value, _ in one.key_figures] if row is table.total else ["", ""]
                writer.writerow(
                    [safe_cell(v) for v in (one.label, table.caption, row.label, *row.counts, *percents)]
                    + [safe_cell(scope_label), computed_at]
                )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
