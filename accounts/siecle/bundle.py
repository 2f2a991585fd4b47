"""Reading every file of one import and checking them together — no database write here."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from educonnect.validators import is_valid_uai

from . import eleves, nomenclature, responsables, structures
from .errors import Anomaly, Findings, SiecleError, SiecleImportError, student_record
from .reader import parse, sources
from .records import AddressRecord, DivisionRecord, Export, Header, LinkRecord, MefRecord, PersonRecord, StudentRecord

PARSERS = {
    "BEE_ELEVES": eleves.read,
    "BEE_RESPONSABLES": responsables.read,
    "BEE_NOMENCLATURES": nomenclature.read,
    "BEE_STRUCTURES": structures.read,
}
KIND_LABELS = {
    "BEE_ELEVES": "Élèves",
    "BEE_RESPONSABLES": "Responsables",
    "BEE_NOMENCLATURES": "Nomenclature",
    "BEE_STRUCTURES": "Structures",
}
REQUIRED = ("BEE_ELEVES", "BEE_RESPONSABLES")


@dataclass
class Bundle:
    uai: str
    header: Header
    labels: list[str]
    eleves_label: str = ""
    responsables_label: str = ""
    students: dict[str, StudentRecord] = field(default_factory=dict)
    persons: dict[str, PersonRecord] = field(default_factory=dict)
    addresses: dict[str, AddressRecord] = field(default_factory=dict)
    links: list[LinkRecord] = field(default_factory=list)
    mefs: dict[str, MefRecord] = field(default_factory=dict)
    divisions: dict[str, DivisionRecord] = field(default_factory=dict)
    # What the report shows of the files: one dict per export read, one per file ignored.
    files: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    anomaly_count: int = 0
    # Keys of records skipped for an anomaly: the database keeps what it holds of them.
    skipped_students: set[str] = field(default_factory=set)
    skipped_persons: set[str] = field(default_factory=set)
    # Safety guards the files alone trip (different school years, export dates far apart).
    guards: list[str] = field(default_factory=list)


def read_bundle(
    paths: list[str | Path], *, uai: str | None = None, progress: Callable[[int, str], None] | None = None
) -> Bundle:
    """Parse and check all files; raise SiecleImportError listing every file-level problem found.
    Record-level problems become the bundle's anomalies."""
    findings = Findings()
    exports: dict[str, Export] = {}
    ignored: list[dict] = []
    if not paths:
        raise SiecleImportError(["aucun fichier à importer"])
    documents = []
    for path in paths:
        try:
            documents.extend(sources(Path(path), ignored))
        except SiecleError as exc:
            findings.refuse(exc.label, exc.message, record=exc.record, field=exc.field)
    for position, source in enumerate(documents):
        if progress:
            progress(int(60 * position / max(1, len(documents))), f"Lecture de {source.label}")
        try:
            export = parse(source, PARSERS, findings, ignored)
        except SiecleError as exc:
            findings.refuse(exc.label, exc.message, record=exc.record, field=exc.field)
            continue
        if export is None:
            continue
        if export.kind in exports:
            findings.refuse(
                export.label,
                f"deux exports {KIND_LABELS[export.kind]} fournis (déjà lu : {exports[export.kind].label})",
            )
            continue
        exports[export.kind] = export
    for kind in REQUIRED:
        if kind not in exports and not findings:
            findings.refuse(
                "Import SIECLE",
                f"export {KIND_LABELS[kind]} manquant (élément racine {kind} attendu dans un des fichiers)",
            )
    target = _check_uai(exports, uai, findings)
    if findings:
        raise SiecleImportError(findings.all())
    eleves_export = exports["BEE_ELEVES"]
    resp = exports["BEE_RESPONSABLES"]
    header = Header(
        uaj=target,
        school_year=eleves_export.header.school_year,
        export_date=eleves_export.header.export_date,
        version=eleves_export.header.version,
        timestamp=eleves_export.header.timestamp,
    )
    for export in exports.values():  # DATE_EXPORT may sit in any file
        header.export_date = header.export_date or export.header.export_date
        header.school_year = header.school_year or export.header.school_year
        header.timestamp = header.timestamp or export.header.timestamp
    bundle = Bundle(
        uai=target,
        header=header,
        labels=[e.label for e in exports.values()],
        eleves_label=eleves_export.label,
        responsables_label=resp.label,
        students=eleves_export.students,
        persons=resp.persons,
        addresses=resp.addresses,
        links=resp.links,
        mefs=exports["BEE_NOMENCLATURES"].mefs if "BEE_NOMENCLATURES" in exports else {},
        divisions=exports["BEE_STRUCTURES"].divisions if "BEE_STRUCTURES" in exports else {},
        files=[_file_entry(e) for e in exports.values()],
        ignored=ignored,
        skipped_students=eleves_export.skipped,
        skipped_persons=resp.skipped,
    )
    _check_links(bundle, findings)
    bundle.anomalies, bundle.anomaly_count = findings.anomalies, findings.anomaly_count
    bundle.guards = _coherence(list(exports.values()))
    return bundle


def _file_entry(export: Export) -> dict:
    h = export.header
    return {
        "file": export.label,
        "kind": KIND_LABELS[export.kind],
        "export_date": h.effective_date.isoformat() if h.effective_date else None,
        "school_year": h.school_year,
        "timestamp": h.timestamp.isoformat(sep=" ") if h.timestamp else None,
    }


def _coherence(exports: list[Export]) -> list[str]:
    """The four files come from one export: same school year, export dates close together."""
    reasons = []
    years = {e.header.school_year for e in exports if e.header.school_year}
    if len(years) > 1:
        detail = ", ".join(f"{e.label} : {e.header.school_year}" for e in exports if e.header.school_year)
        reasons.append(f"les fichiers sont de plusieurs années scolaires (ANNEE_SCOLAIRE — {detail})")
    dates = [(e.header.effective_date, e.label) for e in exports if e.header.effective_date]
    if dates:
        spread = settings.EDUCONNECT_SIECLE_MAX_EXPORT_SPREAD_DAYS
        oldest, newest = min(dates, key=lambda d: d[0]), max(dates, key=lambda d: d[0])
        if (newest[0] - oldest[0]).days > spread:
            reasons.append(
                f"les fichiers ont été exportés à des dates trop éloignées ({oldest[1]} le {oldest[0]:%d/%m/%Y}, "
                f"{newest[1]} le {newest[0]:%d/%m/%Y} ; écart maximum {spread} jours) : exportez-les ensemble"
            )
    return reasons


def _check_links(bundle: Bundle, findings: Findings) -> None:
    """Links to an unknown person or pupil are skipped (anomaly, contacts included); more than two legal representatives for a
    pupil, or two with one parenthood code, are flagged (all are imported; ranks 1 and 2 go to
    the first two in file order)."""
    label = bundle.responsables_label
    kept = []
    legal_of: dict[str, list[LinkRecord]] = {}
    for link in bundle.links:
        if link.personne_id not in bundle.persons:
            student = bundle.students.get(link.eleve_id)
            who = f" ({student.name})" if student else ""
            findings.flag(
                label,
                "personne absente de la liste PERSONNES : lien ignoré",
                record=f"responsabilité ELEVE_ID={link.eleve_id}{who}",
                field=f"PERSONNE_ID={link.personne_id}",
            )
            continue
        if link.eleve_id not in bundle.students:
            if link.eleve_id in bundle.skipped_students:  # the pupil's record was skipped: keep theirs
                bundle.skipped_persons.add(link.personne_id)
            else:
                person = bundle.persons[link.personne_id]
                findings.flag(
                    label,
                    "élève absent de l'export Élèves : lien ignoré",
                    record=f"responsabilité PERSONNE_ID={link.personne_id} ({person.name or 'sans nom'})",
                    field=f"ELEVE_ID={link.eleve_id}",
                )
            continue
        kept.append(link)
        if link.legal:
            legal_of.setdefault(link.eleve_id, []).append(link)
    bundle.links = kept
    for eleve_id, links in legal_of.items():
        student = bundle.students[eleve_id]
        record = student_record(eleve_id, student.first_name, student.last_name)
        persons = list(dict.fromkeys(link.personne_id for link in links))
        if len(persons) > 2:
            findings.flag(
                label,
                f"{len(persons)} représentants légaux (PERSONNE_ID {', '.join(persons)}) : tous importés, "
                "les deux premiers portent les rangs 1 et 2",
                record=record,
                field="NIVEAU_RESPONSABILITE",
            )
        codes = Counter(link.relationship for link in links if link.relationship)
        for code, count in sorted(codes.items()):
            if count > 1:
                findings.flag(
                    label,
                    f"{count} représentants légaux avec le même code de parenté « {code} »",
                    record=record,
                    field="CODE_PARENTE",
                )


def _check_uai(exports: dict[str, Export], uai: str | None, findings: Findings) -> str:
    target = (uai or "").strip().upper()
    if target and not is_valid_uai(target):
        findings.refuse("--uai", f"code UAI « {target} » invalide (7 chiffres et une lettre clé correcte)")
        return target
    found: dict[str, str] = {}
    for export in exports.values():
        uaj = export.header.uaj
        if not uaj:
            continue
        if not is_valid_uai(uaj):
            findings.refuse(
                export.label,
                f"code UAI « {uaj} » invalide (lettre clé fausse ou format)",
                record="PARAMETRES",
                field="UAJ",
            )
        elif target and uaj != target:
            findings.refuse(
                export.label,
                f"UAJ « {uaj} » différent de l'établissement demandé « {target} »",
                record="PARAMETRES",
                field="UAJ",
            )
        found.setdefault(uaj, export.label)
    if target:
        return target
    if len(found) > 1:
        detail = ", ".join(f"{uaj} ({label})" for uaj, label in found.items())
        findings.refuse("Import SIECLE", f"les fichiers viennent de plusieurs établissements : {detail}")
    elif not found and exports:
        findings.refuse("Import SIECLE", "aucun fichier ne porte d'UAJ : précisez l'établissement avec --uai")
    return next(iter(found), "")
