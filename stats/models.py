"""Cached statistics: the figures of one establishment (optionally narrowed to a class or a MEF), as
computed by `stats.aggregations.compute_figures`, with the time of the computation.

The guide (§6.1): « Les valeurs affichées sont celles obtenues par le dernier calcul (lancé à la date et
heure affichées sous le tableau) » — computed every night (`manage.py compute_statistics`) and on demand
(« Calculer les statistiques »)."""

from django.conf import settings
from django.db import models

from delegations.models import Establishment


class StatisticsSnapshot(models.Model):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    # "" for the whole establishment, else the filters, e.g. "classe=12" or "classe=12;mef=3"
    # (stats.scope.Scope.key).
    scope = models.CharField("périmètre", max_length=60, blank=True)
    figures = models.JSONField("chiffres")
    computed_at = models.DateTimeField("calculé le")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "statistiques calculées"
        verbose_name_plural = "statistiques calculées"
        constraints = [
            models.UniqueConstraint(fields=["establishment", "scope"], name="statistics_snapshot_unique_scope")
        ]

    def __str__(self):
        return f"{self.establishment.uai} [{self.scope or 'établissement'}] {self.computed_at:%d/%m/%Y %H:%M}"
