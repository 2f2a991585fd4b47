"""Bringing the database in line with a checked Bundle: compare, then bulk_create/bulk_update only
what differs (an unchanged export writes nothing). Runs inside the importer's transaction.

The same code computes a dry run: with `Writer(write=False)` nothing is written, and the objects
that would be created get negative placeholder keys so that every later comparison (a pupil moved
to a class that does not exist yet…) comes out exactly as in the real import."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from accounts.models import Division, LegalRepresentative, Mef, Responsibility, Student, name_search_text
from delegations.models import Establishment

from .bundle import Bundle

BATCH_SIZE = 500
EXAMPLES = 5

STUDENT_FIELDS = [
    "elenoet",
    "ine",
    "ine_bea",
    "last_name",
    "birth_name",
    "first_name",
    "other_first_names",
    "birth_date",
    "sex",
    "division_id",
    "mef_id",
    "email",
    "mobile",
    "entry_date",
    "leave_date",
    "is_active",
    "search_text",
]
REPRESENTATIVE_FIELDS = [
    "civility",
    "last_name",
    "birth_name",
    "first_name",
    "email",
    "mobile",
    "phone_home",
    "phone_work",
    "address_lines",
    "postal_code",
    "city",
    "country",
    "is_active",
    "search_text",
]
# French names of the fields, for the report's examples of updates.
FIELD_LABELS = {
    "division_id": "classe",
    "mef_id": "MEF",
    "is_active": "actif",
    "mef": "MEF",
    "label": "libellé",
    "short_label": "formation",
}
HIDDEN_FIELDS = {"search_text"}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    # A few examples per outcome, for the report: {"created": ["DUBOIS Paul (3EME1)", …], …}.
    examples: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "left": self.left}

    def example(self, outcome: str, text: str) -> None:
        shown = self.examples.setdefault(outcome, [])
        if len(shown) < EXAMPLES:
            shown.append(text)


class Writer:
    """Writes (import) or only numbers the new objects (dry run)."""

    def __init__(self, *, write: bool):
        self.write = write
        self._placeholder = 0

    def create(self, model, objects: list) -> None:
        if self.write:
            model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
            return
        for obj in objects:
            self._placeholder -= 1
            obj.pk = self._placeholder

    def update(self, model, objects: list, fields: list[str]) -> None:
        if self.write and objects:
            model.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)


def existing_of(model, establishment: Establishment, **filters):
    """Rows of `establishment` (none when it does not exist yet: a dry run of a first import)."""
    if establishment.pk is None:
        return model.objects.none()
    return model.objects.filter(establishment=establishment, **filters)


def _apply(obj, values: dict) -> list[str]:
    """Set the differing values on obj; the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _changed_text(name: str, changed: list[str], model) -> str:
    labels = []
    for field_name in changed:
        if field_name in HIDDEN_FIELDS:
            continue
        label = FIELD_LABELS.get(field_name) or str(model._meta.get_field(field_name).verbose_name)
        if label not in labels:
            labels.append(label)
    return f"{name} ({', '.join(labels)})" if labels else name


def sync_mefs(establishment: Establishment, bundle: Bundle, writer: Writer) -> tuple[dict[str, Mef], Counts]:
    counts = Counts()
    existing = {m.code: m for m in existing_of(Mef, establishment)}
    to_create, to_update = [], []
    for record in bundle.mefs.values():
        values = {"label": record.label, "short_label": record.short_label}
        mef = existing.get(record.code)
        if mef is None:
            existing[record.code] = mef = Mef(establishment=establishment, code=record.code, **values)
            to_create.append(mef)
            counts.created += 1
            counts.example("created", f"{record.code} {record.label}")
        elif changed := _apply(mef, values):
            to_update.append(mef)
            counts.updated += 1
            counts.example("updated", _changed_text(f"{record.code} {record.label}", changed, Mef))
        else:
            counts.unchanged += 1
    # Codes used by students or divisions but absent from Nomenclature: created with the code as label.
    used = {s.code_mef for s in bundle.students.values()} | {d.mef_code for d in bundle.divisions.values()}
    for code in sorted(used - set(existing) - {""}):
        existing[code] = mef = Mef(establishment=establishment, code=code, label=code)
        to_create.append(mef)
        counts.created += 1
        counts.example("created", code)
    writer.create(Mef, to_create)
    writer.update(Mef, to_update, ["label", "short_label"])
    return existing, counts


def sync_divisions(
    establishment: Establishment, bundle: Bundle, mefs: dict[str, Mef], writer: Writer
) -> tuple[dict[str, Division], Counts]:
    counts = Counts()
    existing = {d.code: d for d in existing_of(Division, establishment)}
    to_create, to_update = [], []
    for record in bundle.divisions.values():
        mef = mefs.get(record.mef_code)
        values = {"label": record.label, "mef_id": mef.pk if mef else None}
        division = existing.get(record.code)
        if division is None:
            existing[record.code] = division = Division(establishment=establishment, code=record.code, **values)
            to_create.append(division)
            counts.created += 1
            counts.example("created", record.code)
        elif changed := _apply(division, values):
            to_update.append(division)
            counts.updated += 1
            counts.example("updated", _changed_text(record.code, changed, Division))
        else:
            counts.unchanged += 1
    # Classes named by students but absent from Structures: MEF = the most common among their students.
    student_mefs: dict[str, Counter] = {}
    for student in bundle.students.values():
        if student.division and student.division not in existing:
            student_mefs.setdefault(student.division, Counter())[student.code_mef] += 1
    for code, codes in sorted(student_mefs.items()):
        mef = mefs.get(codes.most_common(1)[0][0])
        existing[code] = division = Division(
            establishment=establishment, code=code, label=code, mef_id=mef.pk if mef else None
        )
        to_create.append(division)
        counts.created += 1
        counts.example("created", code)
    writer.create(Division, to_create)
    writer.update(Division, to_update, ["label", "mef_id"])
    return existing, counts


def _count(counts: Counts, name: str, was_active: bool, now_active: bool, changed: list[str], model) -> None:
    if was_active and not now_active:
        counts.left += 1
        counts.example("left", name)
    elif changed:
        counts.updated += 1
        counts.example("updated", _changed_text(name, changed, model))
    else:
        counts.unchanged += 1


def student_is_active(record, today: datetime.date) -> bool:
    """In a class, and no leave date already past (the rule of sync_students, for the guards)."""
    return bool(record.division) and not (record.leave_date is not None and record.leave_date < today)


def sync_students(
    establishment: Establishment,
    bundle: Bundle,
    divisions: dict[str, Division],
    mefs: dict[str, Mef],
    today: datetime.date,
    writer: Writer,
) -> tuple[dict[str, Student], Counts]:
    counts = Counts()
    existing = {s.eleve_id: s for s in existing_of(Student, establishment)}
    to_create, to_update, ine_changed = [], [], []
    for record in bundle.students.values():
        division = divisions.get(record.division) if record.division else None
        mef = mefs.get(record.code_mef) if record.code_mef else None
        mef_id = mef.pk if mef else (division.mef_id if division else None)
        values = {
            "elenoet": record.elenoet,
            "ine": record.ine,
            "ine_bea": record.ine_bea,
            "last_name": record.last_name,
            "birth_name": record.birth_name,
            "first_name": record.first_name,
            "other_first_names": record.other_first_names,
            "birth_date": record.birth_date,
            "sex": record.sex,
            "division_id": division.pk if division else None,
            "mef_id": mef_id,
            "email": record.email,
            "mobile": record.mobile,
            "entry_date": record.entry_date,
            "leave_date": record.leave_date,
            "is_active": student_is_active(record, today),  # every class named exists by now
            "search_text": name_search_text(record.last_name, record.first_name),
        }
        name = f"{record.last_name} {record.first_name}"
        student = existing.get(record.eleve_id)
        if student is None:
            existing[record.eleve_id] = student = Student(
                establishment=establishment, eleve_id=record.eleve_id, **values
            )
            to_create.append(student)
            counts.created += 1
            counts.example("created", f"{name} ({record.division or 'sans classe'})")
            continue
        was_active, old_ine = student.is_active, student.ine
        changed = _apply(student, values)
        if changed:
            to_update.append(student)
            if old_ine and old_ine != student.ine:
                ine_changed.append(student.pk)
        _count(counts, name, was_active, student.is_active, changed, Student)
    for eleve_id, student in existing.items():
        if eleve_id in bundle.students or eleve_id in bundle.skipped_students or not student.is_active:
            continue
        student.is_active = False  # no longer exported: has left
        to_update.append(student)
        counts.left += 1
        counts.example("left", f"{student.last_name} {student.first_name}")
    if ine_changed and writer.write:  # free the old INEs first: two students may swap them
        Student.objects.filter(pk__in=ine_changed).update(ine="")
    writer.update(Student, to_update, STUDENT_FIELDS)
    writer.create(Student, to_create)
    return existing, counts


def legal_links(bundle: Bundle) -> dict[str, list]:
    """Legal links per person, for students of the export; ranks 1/2 given in file order when the
    export (current format) has none. Duplicate pairs keep the first."""
    by_student: dict[str, list] = {}
    seen: set[tuple[str, str]] = set()
    for link in bundle.links:
        pair = (link.eleve_id, link.personne_id)
        if not link.legal or link.eleve_id not in bundle.students or pair in seen:
            continue
        seen.add(pair)
        by_student.setdefault(link.eleve_id, []).append(link)
    ranked: dict[str, list] = {}
    for links in by_student.values():
        for position, link in enumerate(links, start=1):
            rank = link.rank if link.rank is not None else (position if position <= 2 else None)
            ranked.setdefault(link.personne_id, []).append((link, rank))
    return ranked


def sync_representatives(
    establishment: Establishment, bundle: Bundle, links: dict[str, list], students: dict[str, Student], writer: Writer
) -> tuple[dict[str, LegalRepresentative], Counts]:
    counts = Counts()
    existing = {r.personne_id: r for r in existing_of(LegalRepresentative, establishment)}
    to_create, to_update = [], []
    for personne_id, person_links in links.items():
        person = bundle.persons[personne_id]
        address = bundle.addresses.get(person.adresse_id) if person.adresse_id else None
        values = {
            "civility": person.civility,
            "last_name": person.last_name,
            "birth_name": person.birth_name,
            "first_name": person.first_name,
            "email": person.email,
            "mobile": person.mobile,
            "phone_home": person.phone_home,
            "phone_work": person.phone_work,
            "address_lines": address.lines if address else "",
            "postal_code": address.postal_code if address else "",
            "city": address.city if address else "",
            "country": address.country if address else "",
            "is_active": any(students[link.eleve_id].is_active for link, _rank in person_links),
            "search_text": name_search_text(person.last_name, person.first_name),
        }
        name = f"{person.last_name} {person.first_name}".strip()
        representative = existing.get(personne_id)
        if representative is None:
            existing[personne_id] = representative = LegalRepresentative(
                establishment=establishment, personne_id=personne_id, **values
            )
            to_create.append(representative)
            counts.created += 1
            counts.example("created", name)
            continue
        was_active = representative.is_active
        changed = _apply(representative, values)
        if changed:
            to_update.append(representative)
        _count(counts, name, was_active, representative.is_active, changed, LegalRepresentative)
    for personne_id, representative in existing.items():
        if personne_id in links or personne_id in bundle.skipped_persons or not representative.is_active:
            continue
        representative.is_active = False  # no longer a legal representative here
        to_update.append(representative)
        counts.left += 1
        counts.example("left", f"{representative.last_name} {representative.first_name}")
    writer.update(LegalRepresentative, to_update, REPRESENTATIVE_FIELDS)
    writer.create(LegalRepresentative, to_create)
    return existing, counts


def sync_links(
    establishment: Establishment,
    bundle: Bundle,
    links: dict[str, list],
    students: dict[str, Student],
    representatives: dict[str, LegalRepresentative],
) -> None:
    valid_relationships = set(Responsibility.Relationship.values)
    wanted: dict[tuple[int, int], dict] = {}
    for personne_id, person_links in links.items():
        representative_id = representatives[personne_id].pk
        for link, rank in person_links:
            relationship = link.relationship if link.relationship in valid_relationships else ""
            wanted[(students[link.eleve_id].pk, representative_id)] = {
                "level": Responsibility.Level.LEGAL,
                "relationship": relationship,
                "rank": rank,
            }
    exported_student_ids = {students[eleve_id].pk for eleve_id in bundle.students}
    to_update, to_delete = [], []
    for responsibility in Responsibility.objects.filter(student__establishment=establishment):
        key = (responsibility.student_id, responsibility.representative_id)
        values = wanted.pop(key, None)
        if values is None:
            if responsibility.student_id in exported_student_ids:
                to_delete.append(responsibility.pk)
        elif _apply(responsibility, values):
            to_update.append(responsibility)
    if to_delete:
        Responsibility.objects.filter(pk__in=to_delete).delete()
    Responsibility.objects.bulk_update(to_update, ["level", "relationship", "rank"], batch_size=BATCH_SIZE)
    Responsibility.objects.bulk_create(
        [Responsibility(student_id=s, representative_id=r, **values) for (s, r), values in wanted.items()],
        batch_size=BATCH_SIZE,
    )
