"""Pieces shared by the per-export parsers: PARAMETRES and checked fields."""

import datetime
import xml.etree.ElementTree as ET

from .errors import ErrorList
from .fields import children, parse_date
from .records import Header


def read_header(label: str, root: ET.Element, elem: ET.Element, errors: ErrorList) -> Header:
    f = children(elem)
    header = Header(uaj=f.get("UAJ", "").upper(), version=root.get("VERSION", ""))
    year = f.get("ANNEE_SCOLAIRE", "")
    if year:
        if year.isdigit() and len(year) == 4:
            header.school_year = int(year)
        else:
            errors.add(label, f"année scolaire « {year} » invalide", record="PARAMETRES", field="ANNEE_SCOLAIRE")
    header.export_date = date_field(label, f, "DATE_EXPORT", "PARAMETRES", errors)
    return header


def date_field(label: str, values: dict[str, str], tag: str, record: str, errors: ErrorList) -> datetime.date | None:
    value = values.get(tag, "")
    try:
        return parse_date(value)
    except ValueError:
        errors.add(label, f"date « {value} » invalide (attendu JJ/MM/AAAA)", record=record, field=tag)
        return None


def require(label: str, value: str, tag: str, record: str, errors: ErrorList) -> str:
    if not value:
        errors.add(label, "valeur manquante", record=record, field=tag)
    return value


def max_length(label: str, value: str, limit: int, tag: str, record: str, errors: ErrorList) -> str:
    if len(value) > limit:
        errors.add(label, f"valeur trop longue ({len(value)} caractères, maximum {limit})", record=record, field=tag)
        return value[:limit]
    return value
