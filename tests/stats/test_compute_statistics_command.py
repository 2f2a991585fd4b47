"""manage.py compute_statistics: the nightly computation."""

import pytest
from django.core.management import CommandError, call_command

from stats.models import StatisticsSnapshot
from stats.selectors import Scope
from stats.services import statistics_compute


def test_recomputes_whole_establishment_and_drops_filtered(school, other_establishment, capsys):
    statistics_compute(establishment=school.establishment, scope=Scope(division_id=school.d6a.pk))
    call_command("compute_statistics")
    assert set(StatisticsSnapshot.objects.values_list("establishment__uai", "scope")) == {
        ("0380111P", ""),
        ("0450750W", ""),
    }
    snapshot = StatisticsSnapshot.objects.get(establishment=school.establishment)
    assert snapshot.figures["students_count"] == 5
    assert "2 établissement(s)" in capsys.readouterr().out
    call_command("compute_statistics")  # idempotent
    assert StatisticsSnapshot.objects.count() == 2


def test_one_establishment(school, other_establishment):
    call_command("compute_statistics", "0450750W")
    assert list(StatisticsSnapshot.objects.values_list("establishment__uai", flat=True)) == ["0450750W"]


def test_unknown_uai(db):
    with pytest.raises(CommandError, match="9999999Z"):
        call_command("compute_statistics", "9999999Z")
