"""The import report as French text (the command's output; the web page renders the same dict)."""

import datetime

from .sync import Counts

KIND_TITLES = (
    ("students", "Élèves"),
    ("representatives", "Représentants légaux"),
    ("mefs", "MEF"),
    ("divisions", "Classes"),
)
OUTCOMES = (("created", "créés"), ("updated", "mis à jour"), ("left", "sortis"))


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n <= 1 else plural}"


def _date(value: str | None) -> str:
    return datetime.date.fromisoformat(value).strftime("%d/%m/%Y") if value else "date inconnue"


def counts_line(title: str, counts: Counts | dict, *, with_left: bool = True, feminine: bool = False) -> str:
    c = counts if isinstance(counts, dict) else counts.as_dict()
    e = "e" if feminine else ""
    parts = [
        _plural(c["created"], f"créé{e}", f"créé{e}s"),
        _plural(c["updated"], f"mis{e and 'e'} à jour", f"mis{e and 'es'} à jour"),
        _plural(c["unchanged"], f"inchangé{e}", f"inchangé{e}s"),
    ]
    if with_left:
        parts.append(_plural(c["left"], "sorti", "sortis"))
    return f"  {title} : {', '.join(parts)}."


def summary(report) -> str:
    """`report`: an importer.ImportReport."""
    data = report.as_dict()
    establishment = report.establishment
    lines = []
    if report.dry_run:
        lines.append("Simulation (--dry-run) : aucune donnée n'a été écrite. Voici ce que ferait l'import.")
    lines.append(f"Import SIECLE de l'établissement {establishment}")
    if report.export_date:
        lines[-1] += f" : données fournies par SIECLE le {report.export_date:%d/%m/%Y}"
    if report.establishment_created:
        verb = "serait créé" if report.dry_run else "créé"
        lines.append(f"  Établissement {verb}" + ("" if establishment.name else " (nom à compléter)") + ".")
    lines.append(counts_line("Élèves", report.students))
    lines.append(counts_line("Représentants légaux", report.representatives))
    lines.append(
        f"  Comptes ÉduConnect : {_plural(report.student_accounts, 'compte élève', 'comptes élèves')}, "
        f"{_plural(report.representative_accounts, 'compte représentant légal', 'comptes représentants légaux')}"
        f" ({_plural(report.accounts_created, 'créé', 'créés')} par cet import)."
    )
    lines.append(counts_line("MEF", report.mefs, with_left=False))
    lines.append(counts_line("Classes", report.divisions, with_left=False, feminine=True))
    lines.append("  Fichiers lus :")
    for entry in data["files"]:
        year = f", année scolaire {entry['school_year']}" if entry["school_year"] else ""
        lines.append(f"    - {entry['file']} ({entry['kind']}, exporté le {_date(entry['export_date'])}{year})")
    if data["ignored"]:
        lines.append("  Fichiers ignorés :")
        lines.extend(f"    - {entry['file']} : {entry['reason']}" for entry in data["ignored"])
    if report.dry_run and data["examples"]:
        lines.append("  Exemples :")
        for key, title in KIND_TITLES:
            for outcome, verb in OUTCOMES:
                shown = data["examples"].get(key, {}).get(outcome)
                if shown:
                    verb = (
                        {"créés": "créées", "mis à jour": "mises à jour"}.get(verb, verb)
                        if key == "divisions"
                        else verb
                    )
                    lines.append(f"    {title} {verb} : {' ; '.join(shown)}")
    if report.anomaly_count:
        lines.append(
            f"  Anomalies ({report.anomaly_count}) : l'import a continué sans ces données ou en les signalant."
        )
        lines.extend(f"    - {anomaly}" for anomaly in report.anomalies)
        if report.anomaly_count > len(report.anomalies):
            lines.append(f"    … et {report.anomaly_count - len(report.anomalies)} autre(s).")
    else:
        lines.append("  Aucune anomalie.")
    if report.guards:
        if report.dry_run:
            lines.append("  L'import serait refusé sans --force :")
        else:
            lines.append("  Import forcé (--force) malgré :")
        lines.extend(f"    - {reason}" for reason in report.guards)
    return "\n".join(lines)
