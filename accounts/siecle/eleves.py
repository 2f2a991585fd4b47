"""ElevesSansAdresses / ElevesAvecAdresses (root BEE_ELEVES)."""

import xml.etree.ElementTree as ET

from educonnect.validators import is_valid_ine, is_valid_ine_bea

from .common import date_field, max_length, read_header, require
from .errors import ErrorList
from .fields import children, email, phone, text
from .reader import iter_records
from .records import Export, Header, StudentRecord

INACTIVE_DIVISION = "inactifs"


def _student(label: str, elem: ET.Element, position: int, errors: ErrorList) -> StudentRecord | None:
    f = children(elem)
    eleve_id = (elem.get("ELEVE_ID") or f.get("ELEVE_ID", "")).strip()
    old_format = "NOM" in f
    name_tag = "NOM" if old_format else "NOM_DE_FAMILLE"
    birth_name = f.get("NOM_DE_FAMILLE", "") or f.get("NOM", "")
    last_name = f.get("NOM_USAGE", "") or birth_name
    first_name = f.get("PRENOM", "")
    if not eleve_id:
        who = f"{first_name} {last_name}".strip() or "sans nom"
        errors.add(label, "valeur manquante", record=f"élève n°{position} ({who})", field="ELEVE_ID")
        return None
    record = f"élève ELEVE_ID={eleve_id}"
    max_length(label, eleve_id, 20, "ELEVE_ID", record, errors)
    require(label, last_name, name_tag, record, errors)
    require(label, first_name, "PRENOM", record, errors)
    student = StudentRecord(
        eleve_id=eleve_id,
        elenoet=max_length(label, elem.get("ELENOET") or f.get("ELENOET", ""), 20, "ELENOET", record, errors),
        last_name=max_length(label, last_name, 100, name_tag, record, errors),
        birth_name=max_length(label, birth_name, 100, name_tag, record, errors),
        first_name=max_length(label, first_name, 100, "PRENOM", record, errors),
        other_first_names=max_length(
            label,
            " ".join(p for p in (f.get("PRENOM2", ""), f.get("PRENOM3", "")) if p),
            200,
            "PRENOM2",
            record,
            errors,
        ),
        birth_date=date_field(label, f, "DATE_NAISS", record, errors),
        sex=f.get("CODE_SEXE", ""),
        code_mef=max_length(label, f.get("CODE_MEF", ""), 11, "CODE_MEF", record, errors),
        email=email(f.get("MEL", "")),
        mobile=phone(f.get("TEL_PORTABLE", "")),
        entry_date=date_field(label, f, "DATE_ENTREE", record, errors),
        leave_date=date_field(label, f, "DATE_SORTIE", record, errors),
    )
    if student.sex not in ("", "1", "2"):
        errors.add(label, f"code « {student.sex} » invalide (1 ou 2)", record=record, field="CODE_SEXE")
    for tag in ("ID_NATIONAL", "INE_RNIE", "INE_BEA"):
        value = f.get(tag, "").upper()
        if not value:
            continue
        valid = is_valid_ine_bea(value) if tag == "INE_BEA" else is_valid_ine(value)
        if not valid:
            errors.add(label, f"INE « {value} » invalide (format ou clé)", record=record, field=tag)
            continue
        if tag == "INE_BEA":
            student.ine_bea = value
        if not student.ine:
            student.ine = value
    return student


def _structures(label: str, elem: ET.Element, export: Export) -> None:
    eleve_id = (elem.get("ELEVE_ID") or text(elem, "ELEVE_ID")).strip()
    student = export.students.get(eleve_id)
    if student is None:
        return
    for structure in elem.iter("STRUCTURE"):
        if text(structure, "TYPE_STRUCTURE").upper() != "D":
            continue
        code = text(structure, "CODE_STRUCTURE")
        if code.lower() == INACTIVE_DIVISION:
            student.in_inactifs = True
        elif code and not student.division:
            student.division = code[:30]


def read(label: str, root: ET.Element, events, errors: ErrorList) -> Export:
    export = Export(kind="BEE_ELEVES", label=label, header=Header(version=root.get("VERSION", "")))
    ines: dict[str, str] = {}
    position = 0
    for collection, elem in iter_records(events, root):
        if collection == "PARAMETRES":
            export.header = read_header(label, root, elem, errors)
        elif collection == "ELEVES" and elem.tag == "ELEVE":
            position += 1
            student = _student(label, elem, position, errors)
            if student is None:
                continue
            record = f"élève ELEVE_ID={student.eleve_id}"
            if student.eleve_id in export.students:
                errors.add(label, "identifiant présent deux fois dans le fichier", record=record, field="ELEVE_ID")
                continue
            if student.ine:
                other = ines.get(student.ine)
                if other is not None:
                    errors.add(
                        label,
                        f"INE « {student.ine} » en double (déjà porté par l'élève ELEVE_ID={other})",
                        record=record,
                        field="ID_NATIONAL",
                    )
                ines[student.ine] = student.eleve_id
            export.students[student.eleve_id] = student
        elif collection == "STRUCTURES" and elem.tag == "STRUCTURES_ELEVE":
            _structures(label, elem, export)
    return export
