"""Plain records read from the exports, before anything touches the database."""

import datetime
from dataclasses import dataclass, field


@dataclass(slots=True)
class Header:
    """PARAMETRES of an export."""

    uaj: str = ""
    school_year: int | None = None
    export_date: datetime.date | None = None
    version: str = ""
    timestamp: datetime.datetime | None = None  # HORODATAGE

    @property
    def effective_date(self) -> datetime.date | None:
        """DATE_EXPORT, else the day of HORODATAGE."""
        return self.export_date or (self.timestamp.date() if self.timestamp else None)


@dataclass(slots=True)
class StudentRecord:
    eleve_id: str
    elenoet: str = ""
    ine: str = ""
    ine_bea: str = ""
    last_name: str = ""
    birth_name: str = ""
    first_name: str = ""
    other_first_names: str = ""
    birth_date: datetime.date | None = None
    sex: str = ""
    code_mef: str = ""
    email: str = ""
    mobile: str = ""
    entry_date: datetime.date | None = None
    leave_date: datetime.date | None = None
    # From STRUCTURES/STRUCTURES_ELEVE: the class (TYPE_STRUCTURE D other than « Inactifs »).
    division: str = ""
    in_inactifs: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class PersonRecord:
    personne_id: str
    civility: str = ""
    last_name: str = ""
    birth_name: str = ""
    first_name: str = ""
    email: str = ""
    mobile: str = ""
    phone_home: str = ""
    phone_work: str = ""
    adresse_id: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class AddressRecord:
    lines: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""


@dataclass(slots=True)
class LinkRecord:
    """RESPONSABLE_ELEVE. `legal` is NIVEAU_RESPONSABILITE=1 or RESP_LEGAL 1/2."""

    eleve_id: str
    personne_id: str
    legal: bool
    relationship: str = ""
    rank: int | None = None


@dataclass(slots=True)
class MefRecord:
    code: str
    label: str = ""  # LIBELLE_EDITION, else LIBELLE_LONG, else FORMATION, else the code
    short_label: str = ""  # FORMATION


@dataclass(slots=True)
class DivisionRecord:
    code: str
    label: str = ""
    mef_code: str = ""


@dataclass
class Export:
    """One parsed file. `kind` is its root element."""

    kind: str
    label: str
    header: Header
    # ELEVE_ID / PERSONNE_ID of records skipped for an anomaly: what the database holds of them is
    # left as it is (never marked as left because of a bad record).
    skipped: set[str] = field(default_factory=set)
    students: dict[str, StudentRecord] = field(default_factory=dict)
    persons: dict[str, PersonRecord] = field(default_factory=dict)
    addresses: dict[str, AddressRecord] = field(default_factory=dict)
    links: list[LinkRecord] = field(default_factory=list)
    mefs: dict[str, MefRecord] = field(default_factory=dict)
    divisions: dict[str, DivisionRecord] = field(default_factory=dict)
