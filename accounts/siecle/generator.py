"""Synthetic SIECLE exports (reference/siecle-format.md §8), deterministic for a seed and a date.

`generate(...)` writes ElevesSansAdresses.zip, ResponsablesAvecAdresses.zip, Nomenclature.zip and
Structures.zip (one ISO-8859-15 XML file each) and returns a Manifest of what an import must find.
"""

import datetime
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from educonnect.validators import bea_check_letter

from . import generator_data as data
from .generator_nomenclature import spread_over_variants
from .generator_writer import write_exports

RNIE_LETTERS = "ABCDEFGHJK"


@dataclass
class Person:
    personne_id: str
    civility: str
    last_name: str
    first_name: str
    birth_name: str = ""
    email: str = ""
    mobile: str = ""
    adresse_id: str = ""


@dataclass
class Child:
    eleve_id: str
    elenoet: str
    last_name: str
    first_name: str
    sex: str
    birth_date: datetime.date
    level: data.Level
    division: str  # "" when only in « Inactifs »
    ine: str
    ine_bea: str
    leave_date: datetime.date | None = None
    group: str = ""
    email: str = ""
    mobile: str = ""
    mef_code: str = ""  # a variant of the level's MEF (--realistic-nomenclature), else the level's
    # (person, relationship, legal)
    responsibles: list[tuple[Person, str, bool]] = field(default_factory=list)


@dataclass
class Manifest:
    """What importing the generated exports must produce."""

    students: int = 0
    active_students: int = 0
    leavers: int = 0
    inactifs: int = 0
    eligible_students: int = 0
    representatives: int = 0
    active_representatives: int = 0
    contacts: int = 0
    divisions: dict[str, int] = field(default_factory=dict)  # code → students placed in it
    sibling_students: int = 0


@dataclass
class School:
    uai: str
    kind: str
    old_format: bool
    export_date: datetime.date
    school_year: int
    levels: list[data.Level]
    divisions: dict[str, data.Level]
    children: list[Child]
    persons: list[Person]
    addresses: dict[str, tuple[str, str, str]]
    realistic_nomenclature: bool = False


def default_kind(students: int) -> str:
    return "college" if students <= 900 else "lycee"


class _Builder:
    def __init__(self, uai: str, seed: int, kind: str, export_date: datetime.date):
        self.rng = random.Random(f"{uai}/{seed}/{kind}")
        self.uai = uai
        self.kind = kind
        self.export_date = export_date
        self.school_year = export_date.year if export_date.month >= 8 else export_date.year - 1
        self.next_eleve_id = self.rng.randint(1_000_000, 4_000_000)
        self.next_elenoet = self.rng.randint(1000, 9000)
        self.next_personne_id = self.rng.randint(5_000_000, 8_000_000)
        self.next_adresse_id = self.rng.randint(100_000, 900_000)
        self.ines: set[str] = set()
        self.persons: list[Person] = []
        self.addresses: dict[str, tuple[str, str, str]] = {}

    # identifiers -------------------------------------------------------------------------
    def eleve_ids(self) -> tuple[str, str]:
        self.next_eleve_id += self.rng.randint(1, 9)
        self.next_elenoet += 1
        return str(self.next_eleve_id), str(self.next_elenoet)

    def ine_pair(self) -> tuple[str, str]:
        while True:
            rnie = f"{self.rng.randrange(10**9):09d}" + "".join(self.rng.choice(RNIE_LETTERS) for _ in range(2))
            digits = f"{self.rng.randrange(10**10):010d}"
            bea = digits + bea_check_letter(digits)
            if rnie not in self.ines and bea not in self.ines and len(set(digits)) > 1:
                self.ines.update((rnie, bea))
                return rnie, bea

    # people --------------------------------------------------------------------------------
    def mobile(self) -> str:
        return f"0{self.rng.choice('67')} " + " ".join(f"{self.rng.randrange(100):02d}" for _ in range(4))

    def email(self, first_name: str, last_name: str) -> str:
        def ascii_part(text: str) -> str:
            folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
            return "".join(c for c in folded if c.isalnum() or c == "-").strip("-")

        number = self.rng.choice(["", "", str(self.rng.randint(1, 99))])
        domain = self.rng.choice(data.EMAIL_DOMAINS)
        return f"{ascii_part(first_name)}.{ascii_part(last_name)}{number}@{domain}"

    def address(self) -> str:
        self.next_adresse_id += 1
        key = str(self.next_adresse_id)
        street = self.rng.choice(["rue des Écoles", "allée des Châtaigniers", "avenue Jean-Jaurès", "impasse du Pré"])
        self.addresses[key] = (
            f"{self.rng.randint(1, 120)} {street}",
            f"{self.uai[1:3]}{self.rng.randint(0, 999):03d}",
            "VILLE",
        )
        return key

    def person(self, civility: str, last_name: str, first_name: str, *, adresse_id: str = "", **kw) -> Person:
        self.next_personne_id += self.rng.randint(1, 5)
        person = Person(str(self.next_personne_id), civility, last_name, first_name, adresse_id=adresse_id, **kw)
        self.persons.append(person)
        return person

    def parent(self, civility: str, family_name: str, adresse_id: str) -> Person:
        female = civility == "MME"
        first = self.rng.choice(data.FEMALE_FIRST_NAMES if female else data.MALE_FIRST_NAMES)
        birth_name = self.rng.choice(data.LAST_NAMES) if female and self.rng.random() < 0.3 else family_name
        return self.person(
            civility,
            family_name,
            first,
            birth_name=birth_name,
            adresse_id=adresse_id,
            email=self.email(first, family_name) if self.rng.random() < 0.70 else "",
            mobile=self.mobile() if self.rng.random() < 0.85 else "",
        )

    def family(self) -> tuple[str, list[tuple[Person, str]], list[tuple[Person, str]]]:
        """(family name, legal representatives with CODE_PARENTE, contacts with CODE_PARENTE)."""
        name = self.rng.choice(data.LAST_NAMES)
        home = self.address()
        roll = self.rng.random()
        legal: list[tuple[Person, str]] = []
        if roll < 0.70:
            second_home = self.address() if self.rng.random() < 0.15 else home
            legal = [(self.parent("MME", name, home), "10"), (self.parent("M.", name, second_home), "20")]
        elif roll < 0.95:
            legal = (
                [(self.parent("MME", name, home), "10")]
                if self.rng.random() < 0.6
                else [(self.parent("M.", name, home), "20")]
            )
        else:
            legal = [(self.parent(self.rng.choice(["MME", "M."]), self.rng.choice(data.LAST_NAMES), home), "50")]
        contacts = []
        if self.rng.random() < 0.10:
            contact = self.parent(self.rng.choice(["MME", "M."]), self.rng.choice(data.LAST_NAMES), self.address())
            contacts.append((contact, self.rng.choice(data.CONTACT_RELATIONSHIPS)))
        return name, legal, contacts

    def birth_date(self, level: data.Level) -> datetime.date:
        year = (
            self.school_year
            - level.age
            + (1 if self.rng.random() < 0.1 else 0)
            - (1 if self.rng.random() < 0.08 else 0)
        )
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))

    def leave_date(self) -> datetime.date:
        start = max(datetime.date(self.school_year, 9, 1), self.export_date - datetime.timedelta(days=60))
        span = (self.export_date - start).days
        return self.export_date - datetime.timedelta(days=self.rng.randint(1, max(1, span)))


def _plan_divisions(levels: list[data.Level], total: int, minimum: int = 1) -> list[tuple[str, data.Level, int]]:
    """Split `total` over the levels by weight, then each level into classes of 24–35, at least
    `minimum` classes per level (when --extra names « 4EME7 », every level gets 7 classes, smaller)."""
    weight = sum(level.weight for level in levels)
    shares = [int(total * level.weight / weight) for level in levels]
    for i in range(total - sum(shares)):
        shares[i % len(shares)] += 1
    plan = []
    for level, n in zip(levels, shares, strict=True):
        if n == 0:
            continue
        count = max(1, round(n / 29))
        while count > 1 and n / count < 24:
            count -= 1
        while n / count > 35:
            count += 1
        count = min(max(count, minimum), n)
        for i in range(count):
            plan.append((f"{level.prefix}{i + 1}", level, n // count + (1 if i < n % count else 0)))
    return plan


def _classes_named(extra: dict | None, levels: list[data.Level]) -> int:
    """The highest class number --extra names in the generator's own naming (« 5EME7 » → 7)."""
    highest = 1
    for entry in (extra or {}).get("students", []):
        code = entry["division"].upper()
        level = _level_for(code, levels)
        suffix = code[len(level.prefix) :]
        if code.startswith(level.prefix) and suffix.isdigit():
            highest = max(highest, int(suffix))
    return highest


def _level_for(code: str, levels: list[data.Level]) -> data.Level:
    matches = [level for level in levels if code.upper().startswith(level.prefix)]
    return max(matches, key=lambda level: len(level.prefix)) if matches else levels[0]


def generate(
    out_dir: str | Path,
    *,
    uai: str,
    students: int,
    seed: int = 1,
    kind: str | None = None,
    old_format: bool = False,
    extra: dict | None = None,
    export_date: datetime.date | None = None,
    realistic_nomenclature: bool = False,
) -> Manifest:
    kind = kind or default_kind(students)
    export_date = export_date or datetime.date.today()
    levels = data.LEVELS[kind]
    builder = _Builder(uai, seed, kind, export_date)
    rng = builder.rng
    inactifs = max(1, students // 100) if students >= 50 else 0
    plan = _plan_divisions(levels, students - inactifs, _classes_named(extra, levels))
    divisions = {code: level for code, level, _n in plan}
    slots = [(code, level) for code, level, n in plan for _ in range(n)]
    rng.shuffle(slots)
    slots += [("", rng.choice(levels)) for _ in range(inactifs)]

    children: list[Child] = []
    while slots:
        size = 1 if rng.random() < 0.92 else (2 if rng.random() < 0.88 else 3)
        name, legal, contacts = builder.family()
        for _ in range(min(size, len(slots))):
            division, level = slots.pop()
            sex = rng.choice("12")
            first = rng.choice(data.MALE_FIRST_NAMES if sex == "1" else data.FEMALE_FIRST_NAMES)
            child = _child(builder, name, first, sex, level, division)
            child.responsibles = [(p, code, True) for p, code in legal] + [(p, code, False) for p, code in contacts]
            children.append(child)
    for child in children:
        if child.division and rng.random() < 0.05:
            child.leave_date = builder.leave_date()
        if child.division and rng.random() < 0.3:
            child.group = f"{child.division[:8]}_{rng.choice(['LV2', 'LATIN', 'AP', 'EURO'])}"
    if extra:
        _add_extra(builder, extra, levels, divisions, children)
    if realistic_nomenclature:
        spread_over_variants(children, uai, seed)

    school = School(
        uai=uai,
        kind=kind,
        old_format=old_format,
        export_date=export_date,
        school_year=builder.school_year,
        levels=levels,
        divisions=divisions,
        children=children,
        persons=builder.persons,
        addresses=builder.addresses,
        realistic_nomenclature=realistic_nomenclature,
    )
    write_exports(Path(out_dir), school)
    return _manifest(school)


def _child(builder: _Builder, last_name: str, first_name: str, sex: str, level: data.Level, division: str) -> Child:
    eleve_id, elenoet = builder.eleve_ids()
    rnie, bea = builder.ine_pair()
    rng = builder.rng
    return Child(
        eleve_id=eleve_id,
        elenoet=elenoet,
        last_name=last_name,
        first_name=first_name,
        sex=sex,
        birth_date=builder.birth_date(level),
        level=level,
        division=division,
        ine=rnie,
        ine_bea=bea,
        email=builder.email(first_name, last_name) if rng.random() < 0.10 else "",
        mobile=builder.mobile() if level.age >= 15 and rng.random() < 0.3 else "",
    )


def _add_extra(builder: _Builder, extra: dict, levels, divisions: dict, children: list[Child]) -> None:
    """Named people of `--extra PEOPLE.json`, exactly as given; the same representative "key" in
    two students is one shared person. Missing divisions are created."""
    shared: dict[str, Person] = {}
    for entry in extra.get("students", []):
        division = entry["division"]
        level = divisions.setdefault(division, _level_for(division, levels))
        child = _child(builder, entry["last_name"], entry["first_name"], str(entry.get("sex", "1")), level, division)
        if entry.get("birth_date"):
            child.birth_date = datetime.date.fromisoformat(entry["birth_date"])
        for rep in entry.get("representatives", []):
            key = rep.get("key") or f"{entry['last_name']}/{rep['last_name']}/{rep['first_name']}"
            person = shared.get(key)
            if person is None:
                home = builder.address()
                person = shared[key] = builder.person(
                    rep.get("civility", ""),
                    rep["last_name"],
                    rep["first_name"],
                    birth_name=rep["last_name"],
                    adresse_id=home,
                    email=rep.get("email", ""),
                    mobile=rep.get("mobile", ""),
                )
            child.responsibles.append((person, str(rep.get("relationship", "")), True))
        children.append(child)


def _manifest(school: School) -> Manifest:
    manifest = Manifest(students=len(school.children))
    legal_of: dict[str, list[Child]] = {}
    contacts: set[str] = set()
    families: dict[str, int] = {}
    for child in school.children:
        active = bool(child.division) and child.leave_date is None
        manifest.active_students += active
        manifest.eligible_students += active  # every generated student has an INE
        manifest.leavers += child.leave_date is not None
        manifest.inactifs += not child.division
        if child.division:
            manifest.divisions[child.division] = manifest.divisions.get(child.division, 0) + 1
        for person, _code, legal in child.responsibles:
            if legal:
                legal_of.setdefault(person.personne_id, []).append(child)
            else:
                contacts.add(person.personne_id)
        key = ",".join(sorted(p.personne_id for p, _c, legal in child.responsibles if legal))
        families[key] = families.get(key, 0) + 1
    manifest.representatives = len(legal_of)
    manifest.active_representatives = sum(
        any(bool(c.division) and c.leave_date is None for c in kids) for kids in legal_of.values()
    )
    manifest.contacts = len(contacts - set(legal_of))
    manifest.sibling_students = sum(n for n in families.values() if n > 1)
    return manifest
