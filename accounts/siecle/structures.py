"""Structures.xml (root BEE_STRUCTURES): the divisions (classes) and the MEFs each belongs to.
A division without code, or with a code of more than 30 characters, is skipped (anomaly). A
division may list several MEF_APPARTENANCE (mixed classes): the first is its MEF; each pupil
keeps their own CODE_MEF."""

import xml.etree.ElementTree as ET

from .common import read_header
from .eleves import INACTIVE_DIVISION
from .errors import Findings
from .fields import text
from .reader import iter_records
from .records import DivisionRecord, Export, Header


def read(label: str, root: ET.Element, events, findings: Findings) -> Export:
    export = Export(kind="BEE_STRUCTURES", label=label, header=Header(version=root.get("VERSION", "")))
    position = 0
    for collection, elem in iter_records(events, root):
        if collection == "PARAMETRES":
            export.header = read_header(label, root, elem, findings)
        elif collection == "DIVISIONS" and elem.tag == "DIVISION":
            position += 1
            code = (elem.get("CODE_STRUCTURE") or text(elem, "CODE_STRUCTURE")).strip()
            if not code:
                findings.flag(
                    label,
                    "valeur manquante : division ignorée",
                    record=f"division n°{position}",
                    field="CODE_STRUCTURE",
                )
                continue
            if code.lower() == INACTIVE_DIVISION:
                continue
            if len(code) > 30:
                findings.flag(
                    label,
                    "code de plus de 30 caractères : division ignorée",
                    record=f"division {code}",
                    field="CODE_STRUCTURE",
                )
                continue
            mef_code = ""
            for appartenance in elem.iter("MEF_APPARTENANCE"):
                mef_code = (appartenance.get("CODE_MEF") or text(appartenance, "CODE_MEF"))[:11]
                if mef_code:
                    break
            export.divisions[code] = DivisionRecord(
                code=code, label=(text(elem, "LIBELLE_LONG") or code)[:100], mef_code=mef_code
            )
    return export
