"""ElevesSansAdresses / ElevesAvecAdresses (root BEE_ELEVES).

Refused (file-level): two records with one ELEVE_ID, two pupils with one INE (keys).
Anomalies (the pupil is still imported): invalid INE (→ no account), missing or invalid birth date,
invalid sex code or dates, several classes (rule: the first class in file order, « Inactifs »
aside, is kept), over-long values (truncated). Skipped with an anomaly: no ELEVE_ID, no name.
"""

import xml.etree.ElementTree as ET

from educonnect.validators import is_valid_ine, is_valid_ine_bea

from .common import date_field, max_length, read_header
from .errors import Findings, student_record
from .fields import children, email, phone, text
from .reader import iter_records
from .records import Export, Header, StudentRecord

INACTIVE_DIVISION = "inactifs"


def _student(label: str, elem: ET.Element, position: int, findings: Findings, export: Export) -> StudentRecord | None:
    f = children(elem)
    eleve_id = (elem.get("ELEVE_ID") or f.get("ELEVE_ID", "")).strip()
    old_format = "NOM" in f
    name_tag = "NOM" if old_format else "NOM_DE_FAMILLE"
    birth_name = f.get("NOM_DE_FAMILLE", "") or f.get("NOM", "")
    last_name = f.get("NOM_USAGE", "") or birth_name
    first_name = f.get("PRENOM", "")
    if not eleve_id:
        who = f"{first_name} {last_name}".strip() or "sans nom"
        findings.flag(label, "valeur manquante : élève ignoré", record=f"élève n°{position} ({who})", field="ELEVE_ID")
        return None
    record = student_record(eleve_id, first_name, last_name)
    if len(eleve_id) > 20:
        findings.flag(label, "identifiant de plus de 20 caractères : élève ignoré", record=record, field="ELEVE_ID")
        return None
    missing = [tag for value, tag in ((last_name, name_tag), (first_name, "PRENOM")) if not value]
    if missing:
        for tag in missing:
            findings.flag(label, "valeur manquante : élève ignoré", record=record, field=tag)
        export.skipped.add(eleve_id)
        return None
    student = StudentRecord(
        eleve_id=eleve_id,
        elenoet=max_length(label, elem.get("ELENOET") or f.get("ELENOET", ""), 20, "ELENOET", record, findings),
        last_name=max_length(label, last_name, 100, name_tag, record, findings),
        birth_name=max_length(label, birth_name, 100, name_tag, record, findings),
        first_name=max_length(label, first_name, 100, "PRENOM", record, findings),
        other_first_names=max_length(
            label,
            " ".join(p for p in (f.get("PRENOM2", ""), f.get("PRENOM3", "")) if p),
            200,
            "PRENOM2",
            record,
            findings,
        ),
        birth_date=date_field(label, f, "DATE_NAISS", record, findings),
        sex=f.get("CODE_SEXE", ""),
        code_mef=f.get("CODE_MEF", ""),
        email=email(f.get("MEL", "")),
        mobile=phone(f.get("TEL_PORTABLE", "")),
        entry_date=date_field(label, f, "DATE_ENTREE", record, findings),
        leave_date=date_field(label, f, "DATE_SORTIE", record, findings),
    )
    if student.birth_date is None and not f.get("DATE_NAISS"):
        findings.flag(
            label, "date de naissance manquante : l'activation du compte la demande", record=record, field="DATE_NAISS"
        )
    if len(student.code_mef) > 11:
        findings.flag(
            label, f"code MEF « {student.code_mef} » de plus de 11 caractères, ignoré", record=record, field="CODE_MEF"
        )
        student.code_mef = ""
    if student.sex not in ("", "1", "2"):
        findings.flag(label, f"code « {student.sex} » invalide (1 ou 2), ignoré", record=record, field="CODE_SEXE")
        student.sex = ""
    invalid = []
    for tag in ("ID_NATIONAL", "INE_RNIE", "INE_BEA"):
        value = f.get(tag, "").upper()
        if not value:
            continue
        valid = is_valid_ine_bea(value) if tag == "INE_BEA" else is_valid_ine(value)
        if not valid:
            invalid.append((tag, value))
            continue
        if tag == "INE_BEA":
            student.ine_bea = value
        if not student.ine:
            student.ine = value
    for tag, value in invalid:
        consequence = "ignoré" if student.ine else "élève importé sans INE, donc sans compte ÉduConnect"
        findings.flag(label, f"INE « {value} » invalide (format ou clé) : {consequence}", record=record, field=tag)
    return student


def _structures(label: str, elem: ET.Element, export: Export, findings: Findings) -> None:
    """The pupil's class. Several classes (TYPE_STRUCTURE D) is an anomaly; the rule: the first in
    file order other than « Inactifs » is kept."""
    eleve_id = (elem.get("ELEVE_ID") or text(elem, "ELEVE_ID")).strip()
    student = export.students.get(eleve_id)
    if student is None:
        return
    codes = []
    for structure in elem.iter("STRUCTURE"):
        if text(structure, "TYPE_STRUCTURE").upper() != "D":
            continue
        code = text(structure, "CODE_STRUCTURE")
        if code.lower() == INACTIVE_DIVISION:
            student.in_inactifs = True
        elif code and code not in codes:
            codes.append(code)
    if not codes:
        return
    student.division = codes[0][:30]
    if len(codes) > 1:
        findings.flag(
            label,
            f"plusieurs divisions ({', '.join(codes)}) : la première, « {codes[0]} », est retenue",
            record=student_record(eleve_id, student.first_name, student.last_name),
            field="STRUCTURE",
        )


def read(label: str, root: ET.Element, events, findings: Findings) -> Export:
    export = Export(kind="BEE_ELEVES", label=label, header=Header(version=root.get("VERSION", "")))
    ines: dict[str, str] = {}
    position = 0
    for collection, elem in iter_records(events, root):
        if collection == "PARAMETRES":
            export.header = read_header(label, root, elem, findings)
        elif collection == "ELEVES" and elem.tag == "ELEVE":
            position += 1
            student = _student(label, elem, position, findings, export)
            if student is None:
                continue
            record = student_record(student.eleve_id, student.first_name, student.last_name)
            if student.eleve_id in export.students:
                findings.refuse(label, "identifiant présent deux fois dans le fichier", record=record, field="ELEVE_ID")
                continue
            if student.ine:
                other = ines.get(student.ine)
                if other is not None:
                    findings.refuse(
                        label,
                        f"INE « {student.ine} » en double (déjà porté par l'élève ELEVE_ID={other})",
                        record=record,
                        field="ID_NATIONAL",
                    )
                ines[student.ine] = student.eleve_id
            export.students[student.eleve_id] = student
        elif collection == "STRUCTURES" and elem.tag == "STRUCTURES_ELEVE":
            _structures(label, elem, export, findings)
    return export
