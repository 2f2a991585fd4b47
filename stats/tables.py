"""From cached figures (stats.selectors.compute_figures) to the tables shown, charted and exported.
Pure functions of the figures dict: the page, the charts and the CSV never disagree."""

from dataclasses import dataclass, field

from accounts.models import AccountOrigin

from .selectors import COUNT_KEYS

STATE_COLUMNS = [
    ("not_informed", "Comptes non activés et non informés"),
    ("informed", "Comptes non activés et informés"),
    ("activating", "Comptes en cours d'activation"),
    ("activated", "Comptes activés"),
    ("total", "Total"),
]
REPRESENTATIVES_ACTIVATED = "% de représentants légaux avec un compte activé"
STUDENTS_ACTIVATED = "% d'élèves avec un compte activé"
STUDENTS_WITH_REPRESENTATIVE = "% d'élèves ayant au moins un représentant légal avec un compte activé"
SERIES = {"responsables": "Représentants légaux", "eleves": "Élèves"}


def percent(numerator: int, denominator: int) -> str:
    """« 33,33 % », « 40 % »; « — » when there is nothing to divide."""
    if not denominator:
        return "—"
    value = f"{round(100 * numerator / denominator, 2):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{value}\u00a0%"


@dataclass
class Row:
    label: str
    counts: list[int]  # the four states then the total, as STATE_COLUMNS
    percents: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict, repr=False)


@dataclass
class Table:
    slug: str
    caption: str
    first_header: str
    percent_headers: list[str]
    rows: list[Row]
    total: Row
    note: str = ""

    @property
    def headers(self) -> list[str]:
        return [self.first_header, *(label for _, label in STATE_COLUMNS), *self.percent_headers]


def _sum(rows: list[dict], keys) -> dict:
    return {key: sum(row.get(key, 0) for row in rows) for key in keys}


def _row(label: str, values: dict, percent_specs) -> Row:
    return Row(
        label=label,
        counts=[values.get(key, 0) for key, _ in STATE_COLUMNS],
        percents=[percent(values.get(num, 0), values.get(den, 0)) for num, den in percent_specs],
        values=values,
    )


def _synthesis_table(slug: str, caption: str, rows: list[dict]) -> Table:
    by_origin = {row["origin"]: row for row in rows}
    table_rows = [_row(label, by_origin.get(origin, {}), []) for origin, label in AccountOrigin.choices]
    return Table(slug, caption, "Origine des comptes", [], table_rows, _row("Total", _sum(rows, COUNT_KEYS), []))


def _breakdown_table(slug: str, caption: str, first_header: str, rows: list[dict], percent_specs, note: str) -> Table:
    keys = [*COUNT_KEYS, "students", "students_with_activated_representative"]
    return Table(
        slug,
        caption,
        first_header,
        [label for label, _, _ in percent_specs],
        [_row(row["label"], row, [(n, d) for _, n, d in percent_specs]) for row in rows],
        _row("Total", _sum(rows, keys), [(n, d) for _, n, d in percent_specs]),
        note,
    )


@dataclass
class Series:
    slug: str
    label: str
    synthesis: Table
    key_figures: list[tuple[str, str]]  # (value, sentence)
    by_division: Table
    by_mef: Table

    @property
    def tables(self) -> list[Table]:
        return [self.synthesis, self.by_division, self.by_mef]


OVERLAP_NOTE = (
    "Il est normal que les nombres de la ligne « Total » du détail par classe et par niveau ne soient pas "
    "les mêmes que ceux du tableau de synthèse : un même représentant légal peut avoir plusieurs enfants "
    "dans l'établissement, dans des classes et des niveaux différents, et il est alors compté dans chacun."
)


def build_series(figures: dict) -> dict[str, Series]:
    representatives = figures["representatives"]
    students = figures["students"]
    rep_specs = [
        (REPRESENTATIVES_ACTIVATED, "activated", "total"),
        (STUDENTS_WITH_REPRESENTATIVE, "students_with_activated_representative", "students"),
    ]
    student_specs = [
        (STUDENTS_ACTIVATED, "activated", "total"),
        (STUDENTS_WITH_REPRESENTATIVE, "students_with_activated_representative", "students"),
    ]
    rep_synthesis = _synthesis_table(
        "responsables-synthese", "Synthèse des comptes représentants légaux", representatives["synthesis"]
    )
    student_synthesis = _synthesis_table("eleves-synthese", "Synthèse des comptes élèves", students["synthesis"])
    with_representative = percent(figures["students_with_activated_representative"], figures["students_count"])
    return {
        "responsables": Series(
            "responsables",
            SERIES["responsables"],
            rep_synthesis,
            [
                (
                    percent(rep_synthesis.total.values["activated"], rep_synthesis.total.values["total"]),
                    "des représentants légaux ont un compte activé",
                ),
                (with_representative, "des élèves ont au moins un représentant légal avec un compte activé"),
            ],
            _breakdown_table(
                "responsables-classes",
                "Comptes représentants légaux par classe",
                "Classe",
                representatives["by_division"],
                rep_specs,
                OVERLAP_NOTE,
            ),
            _breakdown_table(
                "responsables-niveaux",
                "Comptes représentants légaux par niveau (MEF)",
                "Niveau (MEF)",
                representatives["by_mef"],
                rep_specs,
                OVERLAP_NOTE,
            ),
        ),
        "eleves": Series(
            "eleves",
            SERIES["eleves"],
            student_synthesis,
            [
                (
                    percent(student_synthesis.total.values["activated"], student_synthesis.total.values["total"]),
                    "des élèves ont un compte activé",
                ),
                (with_representative, "des élèves ont au moins un représentant légal avec un compte activé"),
            ],
            _breakdown_table(
                "eleves-classes", "Comptes élèves par classe", "Classe", students["by_division"], student_specs, ""
            ),
            _breakdown_table(
                "eleves-niveaux",
                "Comptes élèves par niveau (MEF)",
                "Niveau (MEF)",
                students["by_mef"],
                student_specs,
                "",
            ),
        ),
    }
