"""The classes (divisions) and MEFs of an establishment, as the lists show them: the choices of the
MEF and Classe(s) filters, and the class and MEF of each row.

Every list request needs them, yet they change only with a SIECLE import (or an operator's edit in
/plateforme/). So they are read once (two small queries) and kept in the cache under a key holding
the time of the establishment's last import: an import (one transaction, which sets `siecle_imported_at`) makes
every process read them anew, without any message between processes. An operator's edit drops the
entry (`forget_structure`); other processes then keep theirs at most `TIMEOUT` seconds unless the
cache is shared (REDIS_URL). An establishment never imported (tests, hand-made data) is read on
every request.

MEFs: a real Nomenclature lists every MEF of the académie's offer (dozens, pseudo-MEFs such as « VIE
ACTIVE » included); only those the establishment's pupils are in are kept here — the filters offer
those of active pupils. The label is the import's (LIBELLE_EDITION, else LIBELLE_LONG, else
FORMATION), made unique with the code when two MEFs shown share it (« T-STMG (21231016110) »).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db.models import Exists, OuterRef

from delegations.models import Establishment

from .models import Division, Mef, Student

TIMEOUT = 300
NO_VALUE = "—"


@dataclass(frozen=True)
class Structure:
    # (pk, label) ordered by code, as the filters offer them: MEFs of active pupils.
    mefs: tuple[tuple[int, str], ...]
    divisions: tuple[tuple[int, str], ...]
    # (pk, label) of MEFs only former pupils are in: shown on their rows, not offered.
    other_mefs: tuple[tuple[int, str], ...] = field(default=())

    @cached_property
    def mef_labels(self) -> dict[int, str]:
        return dict(self.other_mefs) | dict(self.mefs)

    @cached_property
    def division_codes(self) -> dict[int, str]:
        return dict(self.divisions)

    def mef_label(self, mef_id: int | None) -> str:
        return self.mef_labels.get(mef_id, NO_VALUE) if mef_id else NO_VALUE

    def division_code(self, division_id: int | None) -> str:
        return self.division_codes.get(division_id, NO_VALUE) if division_id else NO_VALUE


def _key(establishment: Establishment) -> str | None:
    imported = establishment.siecle_imported_at
    return f"accounts:structure:{establishment.pk}:{imported.timestamp()}" if imported else None


def unique_labels(rows: list[tuple[int, str, str]]) -> dict[int, str]:
    """(pk, code, label) → pk: label, the code added to labels two MEFs share."""
    shared = Counter(label.casefold() for _pk, _code, label in rows)
    return {pk: f"{label} ({code})" if shared[label.casefold()] > 1 else label for pk, code, label in rows}


def _read(establishment: Establishment) -> Structure:
    """The MEFs pupils are in and the classes, each ordered by code (two queries)."""
    pupils = Student.objects.filter(mef=OuterRef("pk"))
    rows = list(
        Mef.objects.filter(Exists(pupils), establishment=establishment)
        .annotate(active=Exists(pupils.filter(is_active=True)))
        .order_by("code")
        .values_list("pk", "code", "label", "short_label", "active")
    )
    labels = unique_labels([(pk, code, label or short or code) for pk, code, label, short, _active in rows])
    divisions = Division.objects.filter(establishment=establishment).order_by("code").values_list("pk", "code")
    return Structure(
        mefs=tuple((pk, labels[pk]) for pk, *_rest, active in rows if active),
        divisions=tuple(divisions),
        other_mefs=tuple((pk, labels[pk]) for pk, *_rest, active in rows if not active),
    )


def structure_of(establishment: Establishment) -> Structure:
    """The MEFs and classes of `establishment`, from the cache when it has been imported."""
    memo = getattr(establishment, "_accounts_structure", None)
    if memo is not None:
        return memo
    key = _key(establishment)
    structure = cache.get(key) if key else None
    if structure is None:
        structure = _read(establishment)
        if key:
            cache.set(key, structure, TIMEOUT)
    establishment._accounts_structure = structure
    return structure


def forget_structure(establishment: Establishment) -> None:
    """Drop the cached structure after an edit that is no import (the operator's admin)."""
    if key := _key(establishment):
        cache.delete(key)
    establishment.__dict__.pop("_accounts_structure", None)
