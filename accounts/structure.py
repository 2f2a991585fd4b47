"""The classes (divisions) and MEFs of an establishment, as the lists show them: the choices of the
MEF and Classe(s) filters, and the class and MEF of each row.

Every list request needs them, yet they change only with a SIECLE import (or an operator's edit in
/plateforme/). So they are read once (two small queries) and kept in the cache under a key holding
the time of the establishment's last import: an import (one transaction, which sets `siecle_imported_at`) makes
every process read them anew, without any message between processes. An operator's edit drops the
entry (`forget_structure`); other processes then keep theirs at most `TIMEOUT` seconds unless the
cache is shared (REDIS_URL). An establishment never imported (tests, hand-made data) is read on
every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache

from delegations.models import Establishment

from .models import Division, Mef

TIMEOUT = 300
NO_VALUE = "—"


@dataclass(frozen=True)
class Structure:
    # (pk, label) ordered by code, as the filters offer them.
    mefs: tuple[tuple[int, str], ...]
    divisions: tuple[tuple[int, str], ...]

    @cached_property
    def mef_labels(self) -> dict[int, str]:
        return dict(self.mefs)

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


def _read(establishment: Establishment) -> Structure:
    """The MEFs (« formation », else the long label) and the classes, each ordered by code."""
    mefs = Mef.objects.filter(establishment=establishment).order_by("code").values_list("pk", "short_label", "label")
    divisions = Division.objects.filter(establishment=establishment).order_by("code").values_list("pk", "code")
    return Structure(mefs=tuple((pk, short or label) for pk, short, label in mefs), divisions=tuple(divisions))


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
