"""Nomenclature.xml (root BEE_NOMENCLATURES): the MEFs and their labels.

A real Nomenclature lists every MEF of the académie's offer (dozens, pseudo-MEFs such as « VIE
ACTIVE » included, FORMATION labels repeated): all are kept, the lists offer only those pupils are
in (accounts.structure). The label is LIBELLE_EDITION when present, else LIBELLE_LONG, else
FORMATION (else the code). A MEF without code, or with one longer than 11 characters, is skipped."""

import xml.etree.ElementTree as ET

from .common import read_header
from .errors import Findings
from .fields import raw_text, text
from .reader import iter_records
from .records import Export, Header, MefRecord


def mef_label(values: dict[str, str], code: str) -> str:
    return (values.get("LIBELLE_EDITION") or values.get("LIBELLE_LONG") or values.get("FORMATION") or code)[:100]


def read(label: str, root: ET.Element, events, findings: Findings) -> Export:
    export = Export(kind="BEE_NOMENCLATURES", label=label, header=Header(version=root.get("VERSION", "")))
    position = 0
    for collection, elem in iter_records(events, root):
        if collection == "PARAMETRES":
            export.header = read_header(label, root, elem, findings)
        elif collection == "MEFS" and elem.tag == "MEF":
            position += 1
            code = (elem.get("CODE_MEF") or text(elem, "CODE_MEF")).strip()
            if not code:
                findings.flag(label, "valeur manquante : MEF ignoré", record=f"MEF n°{position}", field="CODE_MEF")
                continue
            if len(code) > 11:
                findings.flag(
                    label,
                    "code MEF de plus de 11 caractères : MEF ignoré",
                    record=f"MEF CODE_MEF={code}",
                    field="CODE_MEF",
                )
                continue
            values = {tag: raw_text(elem, tag) for tag in ("LIBELLE_EDITION", "LIBELLE_LONG", "FORMATION")}
            export.mefs[code] = MefRecord(
                code=code, label=mef_label(values, code), short_label=values["FORMATION"][:60]
            )
    return export
