"""What a letter says: the part shared by a batch (`LetterHead`) and each account's fields (`Letter`)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Account, AccountKind, AccountState
from accounts.parameters import ServiceAddress, audience_of, service_addresses, sign_in_url
from educonnect.text import fold, person_name

from .table import WITH_PASSWORD, LetterCode

STUDENTS = "eleves"  # = accounts.models.Audience values: the Paramètres address of each audience
REPRESENTATIVES = "responsables"

__all__ = [
    "REPRESENTATIVES",
    "STUDENTS",
    "Letter",
    "LetterHead",
    "audience_of",
    "letter_for_account",
    "make_head",
    "needs_state_change",
]


@dataclass(frozen=True)
class LetterHead:
    """What is the same on every letter of a batch for one (letter, audience): laid out only once."""

    code: str
    audience: str
    establishment_name: str
    address_lines: tuple[str, ...]
    postal_code: str
    city: str
    url: str  # Paramètres address of the audience when switched on, else ""
    sign_in_url: str  # where the family signs in: this deployment's sign-in page
    date: datetime.date

    @property
    def for_students(self) -> bool:
        return self.audience == STUDENTS

    @property
    def with_password(self) -> bool:
        return self.code in WITH_PASSWORD

    @property
    def services(self) -> tuple[ServiceAddress, ...]:
        """« Vos services en ligne » (accounts.parameters.service_addresses): Scolarité Services and the
        Paramètres address for legal representatives, the Paramètres address (if any) for students."""
        return service_addresses(self.audience, self.url)


@dataclass(frozen=True)
class Letter:
    """One account's letter. `password` is the provisional password in clear: keep it in memory only."""

    code: str
    audience: str
    recipient: str
    identifier: str
    password: str = ""
    division: str = ""
    children: tuple[str, ...] = field(default_factory=tuple)
    sort_name: str = ""  # folded « NOM prénom »: letters go by class, then last name, then first name

    @property
    def greeting(self) -> str:
        return f"Bonjour {self.recipient}," if self.recipient else ""

    @property
    def division_line(self) -> str:
        return f"Classe : {self.division}" if self.division else ""

    @property
    def sort_key(self) -> tuple:
        return (self.division.casefold(), self.sort_name or fold(self.recipient), self.identifier)


BLANK = Letter(code="", audience="", recipient="", identifier="")


def make_head(establishment, *, code: str, audience: str, urls: dict[str, str], date=None) -> LetterHead:
    lines = tuple(line.strip() for line in (establishment.address or "").splitlines() if line.strip())
    return LetterHead(
        code=str(code),
        audience=audience,
        establishment_name=establishment.name or establishment.uai,
        address_lines=lines,
        postal_code=establishment.postal_code,
        city=establishment.city,
        url=urls.get(audience, ""),
        sign_in_url=sign_in_url(),
        date=date or timezone.localdate(),
    )


def _person(first: str, last: str) -> str:
    return person_name(first, last)  # « Prénom NOM », as every screen (accounts.display)


def letter_for_account(account: Account, *, code: LetterCode | str, password: str | None) -> Letter:
    """The letter of `account`. Students: name and class. Legal representatives: their name and
    every child of theirs in the establishment (`account.representative.students` prefetched, with
    division, ideally). `password` is printed only by letters that carry one (C01/C02/C05/C06)."""
    code = LetterCode(code)
    password = (password or "") if code in WITH_PASSWORD else ""
    if account.kind == AccountKind.STUDENT:
        student = account.student
        return Letter(
            code=code,
            audience=STUDENTS,
            recipient=_person(student.first_name, student.last_name),
            identifier=account.identifier,
            password=password,
            division=student.division.code if student.division_id else "",
            sort_name=fold(f"{student.last_name} {student.first_name}"),
        )
    representative = account.representative
    children = sorted(
        (s for s in representative.students.all() if s.is_active and s.establishment_id == account.establishment_id),
        key=lambda s: ((s.division.code if s.division_id else ""), s.last_name, s.first_name),
    )
    return Letter(
        code=code,
        audience=REPRESENTATIVES,
        recipient=_person(representative.first_name, representative.last_name),
        identifier=account.identifier,
        password=password,
        # Letters of legal representatives are ordered by the class of their first child.
        division=(children[0].division.code if children and children[0].division_id else ""),
        children=tuple(
            _person(c.first_name, c.last_name) + (f" ({c.division.code})" if c.division_id else "") for c in children
        ),
        sort_name=fold(f"{representative.last_name} {representative.first_name}"),
    )


def needs_state_change(account: Account) -> bool:
    return account.state == AccountState.NOT_INFORMED
