"""Structures.xml (root BEE_STRUCTURES): the divisions (classes) and the MEF each belongs to."""

import xml.etree.ElementTree as ET

from .common import read_header
from .eleves import INACTIVE_DIVISION
from .errors import ErrorList
from .fields import text
from .reader import iter_records
from .records import DivisionRecord, Export, Header


def read(label: str, root: ET.Element, events, errors: ErrorList) -> Export:
    export = Export(kind="BEE_STRUCTURES", label=label, header=Header(version=root.get("VERSION", "")))
    for collection, elem in iter_records(events, root):
        if collection == "PARAMETRES":
            export.header = read_header(label, root, elem, errors)
        elif collection == "DIVISIONS" and elem.tag == "DIVISION":
            code = (elem.get("CODE_STRUCTURE") or text(elem, "CODE_STRUCTURE")).strip()
            if not code:
                errors.add(label, "valeur manquante", record="DIVISION", field="CODE_STRUCTURE")
                continue
            if code.lower() == INACTIVE_DIVISION:
                continue
            if len(code) > 30:
                errors.add(label, "code de plus de 30 caractères", record=f"division {code}", field="CODE_STRUCTURE")
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
