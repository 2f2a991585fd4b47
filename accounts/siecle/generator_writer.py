"""Writing the generator's School as four zipped ISO-8859-15 SIECLE exports, streamed (no whole
document in memory) and byte-for-byte reproducible (fixed zip entry dates)."""

import datetime
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .generator_nomenclature import catalogue, division_mefs

ENCODING = "ISO-8859-15"


class _Xml:
    def __init__(self, stream: io.TextIOBase):
        self.stream = stream

    def open(self, tag: str, **attrs: str) -> None:
        attributes = "".join(f" {name}={quoteattr(value)}" for name, value in attrs.items())
        self.stream.write(f"<{tag}{attributes}>")

    def close(self, tag: str) -> None:
        self.stream.write(f"</{tag}>\n")

    def leaf(self, tag: str, value: str | None) -> None:
        self.stream.write(f"<{tag}>{escape(value or '')}</{tag}>")

    def fields(self, **values: str | None) -> None:
        for tag, value in values.items():
            self.leaf(tag, value)


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _write_zip(out_dir: Path, name: str, school, body) -> None:
    stamp = school.export_date
    info = zipfile.ZipInfo(f"{name}.xml", date_time=(stamp.year, stamp.month, stamp.day, 8, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    with (
        zipfile.ZipFile(out_dir / f"{name}.zip", "w") as archive,
        archive.open(info, "w") as raw,
        io.TextIOWrapper(raw, encoding=ENCODING, errors="xmlcharrefreplace", newline="\n") as stream,
    ):
        stream.write(f'<?xml version="1.0" encoding="{ENCODING}"?>\n')
        xml = _Xml(stream)
        root = body.__name__.upper().lstrip("_")
        xml.open(root, VERSION="1.8" if school.old_format else "3.0")
        xml.open("PARAMETRES")
        xml.fields(
            UAJ=school.uai,
            ANNEE_SCOLAIRE=str(school.school_year),
            DATE_EXPORT=_date(school.export_date),
            HORODATAGE=f"{_date(school.export_date)} 08:00:00",
        )
        xml.close("PARAMETRES")
        xml.open("DONNEES")
        body(xml, school)
        xml.close("DONNEES")
        xml.close(root)


def _names(xml: _Xml, school, last_name: str, birth_name: str) -> None:
    if school.old_format:
        xml.leaf("NOM", last_name)
    else:
        xml.fields(NOM_DE_FAMILLE=birth_name or last_name, NOM_USAGE=last_name)


def _bee_eleves(xml: _Xml, school) -> None:
    xml.open("ELEVES")
    for child in school.children:
        xml.open("ELEVE", ELEVE_ID=child.eleve_id, ELENOET=child.elenoet)
        if school.old_format:
            xml.leaf("ID_NATIONAL", child.ine_bea)
        else:
            xml.fields(ID_NATIONAL=child.ine, INE_BEA=child.ine_bea)
        xml.leaf("ELENOET", child.elenoet)
        _names(xml, school, child.last_name, child.last_name)
        xml.fields(
            PRENOM=child.first_name,
            DATE_NAISS=_date(child.birth_date),
            CODE_SEXE=child.sex,
            CODE_PAYS="100",
            CODE_MEF=child.mef_code or child.level.code,
            CODE_STATUT="ST",
            DATE_ENTREE=_date(datetime.date(school.school_year, 9, 1)),
        )
        if child.leave_date:
            xml.fields(DATE_SORTIE=_date(child.leave_date), CODE_MOTIF_SORTIE="DEM")
        if child.email:
            xml.leaf("MEL", child.email)
        if child.mobile:
            xml.leaf("TEL_PORTABLE", child.mobile)
        xml.close("ELEVE")
    xml.close("ELEVES")
    xml.open("STRUCTURES")
    for child in school.children:
        xml.open("STRUCTURES_ELEVE", ELEVE_ID=child.eleve_id, ELENOET=child.elenoet)
        for code, kind in ((child.division or "Inactifs", "D"), (child.group, "G")):
            if code:
                xml.open("STRUCTURE")
                xml.fields(CODE_STRUCTURE=code, TYPE_STRUCTURE=kind)
                xml.close("STRUCTURE")
        xml.close("STRUCTURES_ELEVE")
    xml.close("STRUCTURES")


def _bee_responsables(xml: _Xml, school) -> None:
    xml.open("PERSONNES")
    for person in school.persons:
        xml.open("PERSONNE", PERSONNE_ID=person.personne_id)
        _names(xml, school, person.last_name, person.birth_name)
        xml.fields(PRENOM=person.first_name, LC_CIVILITE=person.civility)
        if person.mobile:
            xml.leaf("TEL_PORTABLE", person.mobile)
        if person.email:
            xml.leaf("MEL", person.email)
        xml.leaf("ADRESSE_ID", person.adresse_id)
        xml.close("PERSONNE")
    xml.close("PERSONNES")
    xml.open("RESPONSABLES")
    for child in school.children:
        rank = 0
        for person, code, legal in child.responsibles:
            xml.open("RESPONSABLE_ELEVE")
            xml.fields(ELEVE_ID=child.eleve_id, PERSONNE_ID=person.personne_id)
            if school.old_format:
                rank += legal
                xml.leaf("RESP_LEGAL", str(rank) if legal and rank <= 2 else "0")
            else:
                xml.leaf("NIVEAU_RESPONSABILITE", "1" if legal else "3")
            xml.fields(CODE_PARENTE=code, RESP_FINANCIER="1" if legal else "0")
            xml.close("RESPONSABLE_ELEVE")
    xml.close("RESPONSABLES")
    xml.open("ADRESSES")
    for adresse_id, (line, postal_code, city) in school.addresses.items():
        xml.open("ADRESSE", ADRESSE_ID=adresse_id)
        xml.fields(LIGNE1_ADRESSE=line, CODE_POSTAL=postal_code, LIBELLE_POSTAL=city, LL_PAYS="FRANCE")
        xml.close("ADRESSE")
    xml.close("ADRESSES")


def _bee_nomenclatures(xml: _Xml, school) -> None:
    xml.open("MEFS")
    if school.realistic_nomenclature:
        for mef in catalogue(school.levels):
            xml.open("MEF", CODE_MEF=mef.code)
            xml.leaf("FORMATION", mef.formation)
            if mef.long:
                xml.leaf("LIBELLE_LONG", mef.long)
            if mef.edition:
                xml.leaf("LIBELLE_EDITION", mef.edition)
            xml.fields(MEF_RATTACHEMENT=mef.code, DATE_FERMETURE="31/12/9999")
            xml.close("MEF")
        xml.close("MEFS")
        return
    for level in school.levels:
        xml.open("MEF", CODE_MEF=level.code)
        xml.fields(
            FORMATION=level.short,
            LIBELLE_LONG=level.label,
            LIBELLE_EDITION=level.label.capitalize(),
            MEF_RATTACHEMENT=level.code,
            DATE_FERMETURE="31/12/9999",
        )
        xml.close("MEF")
    xml.close("MEFS")


def _bee_structures(xml: _Xml, school) -> None:
    xml.open("DIVISIONS")
    for code, level in sorted(school.divisions.items()):
        xml.open("DIVISION", CODE_STRUCTURE=code)
        xml.leaf("LIBELLE_LONG", code)
        xml.open("MEFS_APPARTENANCE")
        for code in division_mefs(level.code) if school.realistic_nomenclature else [level.code]:
            xml.open("MEF_APPARTENANCE")
            xml.leaf("CODE_MEF", code)
            xml.close("MEF_APPARTENANCE")
        xml.close("MEFS_APPARTENANCE")
        xml.close("DIVISION")
    xml.close("DIVISIONS")


def write_exports(out_dir: Path, school) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [
        ("ElevesSansAdresses", _bee_eleves),
        ("ResponsablesAvecAdresses", _bee_responsables),
        ("Nomenclature", _bee_nomenclatures),
        ("Structures", _bee_structures),
    ]
    for name, body in files:
        _write_zip(out_dir, name, school, body)
    return [out_dir / f"{name}.zip" for name, _body in files]
