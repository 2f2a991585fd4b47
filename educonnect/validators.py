"""UAI and INE checks (reference/siecle-format.md §3–§4); the personal details a chosen password is checked against."""

import re

from django.core.exceptions import FieldDoesNotExist, ValidationError

ALPHA23 = "ABCDEFGHJKLMNPRSTUVWXYZ"  # A–Z without I, O, Q

UAI_RE = re.compile(r"^\d{7}[A-Z]$")
INE_RNIE_RE = re.compile(r"^\d{9}[A-HJK]{2}$")
INE_BEA_RE = re.compile(r"^\d{10}[A-HJ-NPR-Z]$")
INE_BASE36_RE = re.compile(r"^[0-9A-Z]{10}\d$")
INE_APPRENTI_RE = re.compile(r"^\d{4}A\d{5}[A-HJ-NPR-Z]$")
INE_PROVISIONAL_RE = re.compile(r"^\d{4}D\d{5}[A-HJ-NPR-Z]$")


def uai_check_letter(seven_digits: str) -> str:
    return ALPHA23[int(seven_digits) % 23]


def is_valid_uai(uai: str) -> bool:
    return bool(UAI_RE.match(uai or "")) and uai[7] == uai_check_letter(uai[:7])


def validate_uai(value: str) -> None:
    if not UAI_RE.match(value or ""):
        raise ValidationError(
            "Le code UAI « %(value)s » doit comporter 7 chiffres suivis d'une lettre.",
            code="uai_format",
            params={"value": value},
        )
    expected = uai_check_letter(value[:7])
    if value[7] != expected:
        raise ValidationError(
            "La lettre clé du code UAI « %(value)s » est fausse (attendue : %(expected)s).",
            code="uai_key",
            params={"value": value, "expected": expected},
        )


def bea_check_letter(ten_digits: str) -> str:
    return ALPHA23[int(ten_digits) % 23]


def is_valid_ine_bea(ine: str) -> bool:
    if not INE_BEA_RE.match(ine or ""):
        return False
    if len(set(ine[:10])) == 1:
        return False
    return ine[10] == bea_check_letter(ine[:10])


def _base36(char: str) -> int:
    return int(char, 36)


def is_valid_ine_base36(ine: str) -> bool:
    if not INE_BASE36_RE.match(ine or ""):
        return False
    key = (6 * sum(_base36(c) for c in ine[:9]) + _base36(ine[9])) % 10
    return int(ine[10]) == key


def ine_kind(ine: str) -> str | None:
    """The kind of an INE by its format, or None when no known format matches."""
    if INE_RNIE_RE.match(ine):
        return "rnie"
    if INE_BEA_RE.match(ine):
        return "bea"
    if INE_APPRENTI_RE.match(ine):
        return "apprenti"
    if INE_PROVISIONAL_RE.match(ine):
        return "provisoire"
    if INE_BASE36_RE.match(ine):
        return "base36"
    return None


def is_valid_ine(ine: str) -> bool:
    """Format check for every kind; key check for the kinds whose algorithm is public (BEA, base 36)."""
    kind = ine_kind(ine or "")
    if kind == "bea":
        # A string of 10 digits + letter is BEA-shaped; RNIE was tried first.
        return is_valid_ine_bea(ine)
    if kind == "base36":
        return is_valid_ine_base36(ine)
    return kind is not None


def validate_ine(value: str) -> None:
    if ine_kind(value or "") is None:
        raise ValidationError(
            "L'INE « %(value)s » n'a pas un format reconnu (11 caractères).",
            code="ine_format",
            params={"value": value},
        )
    if not is_valid_ine(value):
        raise ValidationError("La clé de l'INE « %(value)s » est fausse.", code="ine_key", params={"value": value})


class _PersonalField:
    def __init__(self, verbose_name: str):
        self.verbose_name = verbose_name


class _PersonalDetailsMeta:
    """The `_meta.get_field(name).verbose_name` that Django's UserAttributeSimilarityValidator reads
    to say which detail a refused password resembles (it assumes a model instance)."""

    def __init__(self, labels: dict[str, str]):
        self.labels = labels

    def get_field(self, name: str) -> _PersonalField:
        if name not in self.labels:
            raise FieldDoesNotExist(name)
        return _PersonalField(self.labels[name])


class PersonalDetails:
    """What a chosen password must not resemble, for accounts that are not a `User` (students and
    legal representatives): handed as `user=` to `validate_password`. The refusal names the detail
    in French (« Le mot de passe est trop semblable au champ « identifiant ». »)."""

    LABELS = {"username": "identifiant", "first_name": "prénom", "last_name": "nom", "email": "adresse mail"}
    _meta = _PersonalDetailsMeta(LABELS)

    def __init__(self, *, username: str = "", first_name: str = "", last_name: str = "", email: str = ""):
        self.username = username
        self.first_name = first_name
        self.last_name = last_name
        self.email = email
