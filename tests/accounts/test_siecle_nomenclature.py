"""Nomenclature as real files carry it (issue 15 item 6), from `generate_siecle
--realistic-nomenclature`: every MEF of the académie's offer is stored, the filters offer only those
the establishment's pupils are in, labelled LIBELLE_EDITION > LIBELLE_LONG > FORMATION, made unique."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from accounts.models import Mef, Student
from accounts.siecle.generator_data import LEVELS
from accounts.siecle.generator_nomenclature import catalogue
from accounts.structure import structure_of
from delegations.models import Establishment
from tests.accounts.siecle_support import run_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def lycee(tmp_path):
    cache.clear()
    call_command(
        "generate_siecle", "--uai", "0350028R", "--students", "400", "--kind", "lycee", "--seed", "7",
        "--realistic-nomenclature", "--out", str(tmp_path), stdout=io.StringIO(),
    )  # fmt: skip
    result = run_json(*sorted(tmp_path.iterdir()))
    return result, Establishment.objects.get(uai="0350028R")


def test_every_mef_of_the_offer_is_stored(lycee):
    result, establishment = lycee
    assert result["anomalies"] == [] and result["students"]["created"] == 400
    stored = Mef.objects.filter(establishment=establishment)
    assert stored.count() == len(catalogue(LEVELS["lycee"])) > 40
    assert stored.filter(short_label="T-STMG").count() == 4  # the repeated short label
    assert set(stored.filter(code__startswith="9999").values_list("label", flat=True)) == {
        "VIE ACTIVE", "STAGE", "NON SCOLARISE", "APPRENTISSAGE",
    }  # fmt: skip


def test_filters_offer_only_the_mefs_of_pupils_with_unique_labels(lycee):
    _result, establishment = lycee
    structure = structure_of(establishment)
    codes = dict(Mef.objects.filter(establishment=establishment).values_list("pk", "code"))

    offered = [(codes[pk], label) for pk, label in structure.mefs]

    assert offered == [
        ("20010018110", "2nde generale et technologique"),
        ("20110019110", "Première générale (20110019110)"),
        ("20110019111", "Première générale (20110019111)"),
        ("20210019110", "Terminale generale"),
        ("21131016110", "1-stmg sc. & techno. management gestion"),
        ("21231016110", "Terminale STMG"),
        ("21231017110", "TLE STMG MERCATIQUE"),
        ("21231018110", "T-STMG"),
    ]
    used = set(Student.objects.filter(establishment=establishment, is_active=True).values_list("mef__code", flat=True))
    assert {code for code, _label in offered} == used
