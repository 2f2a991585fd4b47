"""Reading every file of one import and checking them together — no database write here."""

from dataclasses import dataclass, field
from pathlib import Path

from educonnect.validators import is_valid_uai

from . import eleves, nomenclature, responsables, structures
from .errors import ErrorList, SiecleError, SiecleImportError
from .reader import parse
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
    students: dict[str, StudentRecord] = field(default_factory=dict)
    persons: dict[str, PersonRecord] = field(default_factory=dict)
    addresses: dict[str, AddressRecord] = field(default_factory=dict)
    links: list[LinkRecord] = field(default_factory=list)
    mefs: dict[str, MefRecord] = field(default_factory=dict)
    divisions: dict[str, DivisionRecord] = field(default_factory=dict)


def read_bundle(paths: list[str | Path], *, uai: str | None = None) -> Bundle:
    """Parse and check all files; raise SiecleImportError listing every problem found."""
    errors = ErrorList()
    exports: dict[str, Export] = {}
    if not paths:
        raise SiecleImportError(["aucun fichier à importer"])
    for path in paths:
        try:
            export = parse(Path(path), PARSERS, errors)
        except SiecleError as exc:
            errors.add(exc.label, exc.message, record=exc.record, field=exc.field)
            continue
        if export.kind in exports:
            errors.add(
                export.label,
                f"deux exports {KIND_LABELS[export.kind]} fournis (déjà lu : {exports[export.kind].label})",
            )
            continue
        exports[export.kind] = export
    for kind in REQUIRED:
        if kind not in exports and not errors:
            errors.add(
                "Import SIECLE",
                f"export {KIND_LABELS[kind]} manquant (élément racine {kind} attendu dans un des fichiers)",
            )
    target = _check_uai(exports, uai, errors)
    if errors:
        raise SiecleImportError(errors.all())
    eleves_export = exports["BEE_ELEVES"]
    header = Header(
        uaj=target,
        school_year=eleves_export.header.school_year,
        export_date=eleves_export.header.export_date,
        version=eleves_export.header.version,
    )
    for export in exports.values():  # DATE_EXPORT may sit in any file
        header.export_date = header.export_date or export.header.export_date
        header.school_year = header.school_year or export.header.school_year
    resp = exports["BEE_RESPONSABLES"]
    return Bundle(
        uai=target,
        header=header,
        labels=[e.label for e in exports.values()],
        eleves_label=eleves_export.label,
        students=eleves_export.students,
        persons=resp.persons,
        addresses=resp.addresses,
        links=resp.links,
        mefs=exports["BEE_NOMENCLATURES"].mefs if "BEE_NOMENCLATURES" in exports else {},
        divisions=exports["BEE_STRUCTURES"].divisions if "BEE_STRUCTURES" in exports else {},
    )


def _check_uai(exports: dict[str, Export], uai: str | None, errors: ErrorList) -> str:
    target = (uai or "").strip().upper()
    if target and not is_valid_uai(target):
        errors.add("--uai", f"code UAI « {target} » invalide (7 chiffres et une lettre clé correcte)")
        return target
    found: dict[str, str] = {}
    for export in exports.values():
        uaj = export.header.uaj
        if not uaj:
            continue
        if not is_valid_uai(uaj):
            errors.add(
                export.label,
                f"code UAI « {uaj} » invalide (lettre clé fausse ou format)",
                record="PARAMETRES",
                field="UAJ",
            )
        elif target and uaj != target:
            errors.add(
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
        errors.add("Import SIECLE", f"les fichiers viennent de plusieurs établissements : {detail}")
    elif not found and exports:
        errors.add("Import SIECLE", "aucun fichier ne porte d'UAJ : précisez l'établissement avec --uai")
    return next(iter(found), "")
