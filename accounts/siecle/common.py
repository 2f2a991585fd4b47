"""Pieces shared by the per-export parsers: PARAMETRES and checked fields."""

import datetime
import xml.etree.ElementTree as ET

from .errors import Findings
from .fields import children, parse_date
from .records import Header


def read_header(label: str, root: ET.Element, elem: ET.Element, findings: Findings) -> Header:
    """PARAMETRES. A bad school year or export date refuses the file: the safety guards (no
    roll-back, files of one export) rest on them."""
    f = children(elem)
    header = Header(uaj=f.get("UAJ", "").upper(), version=root.get("VERSION", ""))
    year = f.get("ANNEE_SCOLAIRE", "")
    if year:
        if year.isdigit() and len(year) == 4:
            header.school_year = int(year)
        else:
            findings.refuse(label, f"année scolaire « {year} » invalide", record="PARAMETRES", field="ANNEE_SCOLAIRE")
    value = f.get("DATE_EXPORT", "")
    try:
        header.export_date = parse_date(value)
    except ValueError:
        findings.refuse(
            label, f"date « {value} » invalide (attendu JJ/MM/AAAA)", record="PARAMETRES", field="DATE_EXPORT"
        )
    stamp = f.get("HORODATAGE", "")
    if stamp:
        try:
            header.timestamp = datetime.datetime.strptime(stamp, "%d/%m/%Y %H:%M:%S")
        except ValueError:
            findings.flag(
                label,
                f"horodatage « {stamp} » invalide (attendu JJ/MM/AAAA hh:mm:ss), ignoré",
                record="PARAMETRES",
                field="HORODATAGE",
            )
    return header


def date_field(label: str, values: dict[str, str], tag: str, record: str, findings: Findings) -> datetime.date | None:
    """A record's date; a bad one is an anomaly (the record is imported without it)."""
    value = values.get(tag, "")
    try:
        return parse_date(value)
    except ValueError:
        findings.flag(label, f"date « {value} » invalide (attendu JJ/MM/AAAA), ignorée", record=record, field=tag)
        return None


def max_length(label: str, value: str, limit: int, tag: str, record: str, findings: Findings) -> str:
    if len(value) > limit:
        findings.flag(
            label, f"valeur trop longue ({len(value)} caractères, maximum {limit}), tronquée", record=record, field=tag
        )
        return value[:limit]
    return value
