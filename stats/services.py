"""Writes of the statistics tab: computing and caching the figures (no audit event: reading figures
changes nothing in the accounts)."""

from django.db import transaction
from django.utils import timezone

from delegations.models import Establishment

from .models import StatisticsSnapshot
from .selectors import Scope, compute_figures, get_snapshot


def statistics_compute(*, establishment: Establishment, scope: Scope, actor=None) -> StatisticsSnapshot:
    """Compute the figures of `scope` and store them as the establishment's snapshot for that scope
    (3 queries + 1 upsert)."""
    snapshot = StatisticsSnapshot(
        establishment=establishment,
        scope=scope.key,
        figures=compute_figures(establishment, scope),
        computed_at=timezone.now(),
        computed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    StatisticsSnapshot.objects.bulk_create(
        [snapshot],
        update_conflicts=True,
        unique_fields=["establishment", "scope"],
        update_fields=["figures", "computed_at", "computed_by"],
    )
    return snapshot


def statistics_get_or_compute(*, establishment: Establishment, scope: Scope, actor=None) -> StatisticsSnapshot:
    """The cached figures of `scope`, computed now when there are none yet."""
    return get_snapshot(establishment, scope) or statistics_compute(
        establishment=establishment, scope=scope, actor=actor
    )


@transaction.atomic
def statistics_refresh_all(*, establishments=None) -> int:
    """The nightly computation: recompute every establishment's whole-establishment figures and drop
    the cached filtered ones (they are recomputed on the next visit). Returns how many were computed."""
    establishments = Establishment.objects.all() if establishments is None else establishments
    StatisticsSnapshot.objects.filter(establishment__in=establishments).exclude(scope="").delete()
    count = 0
    for establishment in establishments:
        statistics_compute(establishment=establishment, scope=Scope())
        count += 1
    return count
