"""Nomenclature.xml (root BEE_NOMENCLATURES): the MEFs (levels) and their labels."""

import xml.etree.ElementTree as ET

from .common import read_header
from .errors import ErrorList
from .fields import raw_text, text
from .reader import iter_records
from .records import Export, Header, MefRecord


def read(label: str, root: ET.Element, events, errors: ErrorList) -> Export:
    export = Export(kind="BEE_NOMENCLATURES", label=label, header=Header(version=root.get("VERSION", "")))
    for collection, elem in iter_records(events, root):
        if collection == "PARAMETRES":
            export.header = read_header(label, root, elem, errors)
        elif collection == "MEFS" and elem.tag == "MEF":
            code = (elem.get("CODE_MEF") or text(elem, "CODE_MEF")).strip()
            if not code:
                errors.add(label, "valeur manquante", record="MEF", field="CODE_MEF")
                continue
            if len(code) > 11:
                errors.add(label, "code MEF de plus de 11 caractères", record=f"MEF CODE_MEF={code}", field="CODE_MEF")
                continue
            short = raw_text(elem, "FORMATION")
            export.mefs[code] = MefRecord(
                code=code,
                label=(raw_text(elem, "LIBELLE_LONG") or short or code)[:100],
                short_label=short[:60],
            )
    return export
