"""Reading and normalising field values of SIECLE records."""

import datetime
import re
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_PHONE_NOISE = re.compile(r"[\s./-]")


def children(elem: ET.Element) -> dict[str, str]:
    """Texts of the direct children of a record, stripped, inner whitespace collapsed (one pass,
    cheaper than one findtext per field). The first of repeated tags wins."""
    values: dict[str, str] = {}
    for child in elem:
        if child.tag not in values:
            value = child.text
            values[child.tag] = " ".join(value.split()) if value else ""
    return values


def text(elem: ET.Element, tag: str) -> str:
    """Stripped text of the child `tag` ("" when absent), inner whitespace collapsed."""
    value = elem.findtext(tag)
    return " ".join(value.split()) if value else ""


def raw_text(elem: ET.Element, tag: str) -> str:
    """Stripped text of the child `tag`, inner spacing kept (MEF labels: « 1CAP2  BOUCHER »)."""
    value = elem.findtext(tag)
    return value.strip() if value else ""


def parse_date(value: str) -> datetime.date | None:
    """dd/mm/yyyy → date; "" → None; raises ValueError on anything else."""
    if not value:
        return None
    day, month, year = value.split("/")  # ValueError when not 3 parts
    if len(day) != 2 or len(month) != 2 or len(year) != 4:
        raise ValueError(value)
    return datetime.date(int(year), int(month), int(day))


def phone(value: str) -> str:
    """French 10-digit numbers as « 06 12 34 56 78 »; others with their noise stripped."""
    compact = _PHONE_NOISE.sub("", value or "")
    if compact.startswith("+33") and len(compact) == 12 and compact[3:].isdigit():
        compact = "0" + compact[3:]
    if len(compact) == 10 and compact.isdigit():
        return " ".join(compact[i : i + 2] for i in range(0, 10, 2))
    return compact[:30]


def email(value: str) -> str:
    """Lower-cased address, or "" when SIECLE holds something that is not an address."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value if len(value) <= 254 else ""


_CIVILITIES = {"M.": "M.", "M": "M.", "MR": "M.", "MME": "Mme", "MLLE": "Mlle", "MELLE": "Mlle"}


def civility(value: str) -> str:
    return _CIVILITIES.get((value or "").strip().upper(), (value or "").strip()[:10])
