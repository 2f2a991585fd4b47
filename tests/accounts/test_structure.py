"""The classes and MEFs of an establishment (`accounts.structure`): cached between imports, read
anew after an import or an operator's edit, never cached for an establishment never imported."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Division, Mef
from accounts.structure import forget_structure, structure_of
from delegations.models import Establishment
from tests.factories import DivisionFactory, MefFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def fresh(establishment):
    """The establishment as the next request reads it."""
    return Establishment.objects.get(pk=establishment.pk)


@pytest.fixture
def imported(establishment):
    Establishment.objects.filter(pk=establishment.pk).update(siecle_imported_at=timezone.now())
    third = MefFactory(establishment=establishment, code="10310019110", label="3eme", short_label="3EME")
    sixth = MefFactory(establishment=establishment, code="10010012110", label="", short_label="6EME")
    DivisionFactory(establishment=establishment, code="3B", mef=third)
    DivisionFactory(establishment=establishment, code="3A", mef=third)
    StudentFactory(establishment=establishment, mef=third, division=None)
    StudentFactory(establishment=establishment, mef=sixth, division=None)
    return {"establishment": fresh(establishment), "third": third, "sixth": sixth}


def test_choices_are_ordered_by_code_with_the_label_first(imported):
    structure = structure_of(imported["establishment"])
    assert structure.mefs == ((imported["sixth"].pk, "6EME"), (imported["third"].pk, "3eme"))
    assert [code for _pk, code in structure.divisions] == ["3A", "3B"]
    assert structure.mef_label(imported["third"].pk) == "3eme"
    assert structure.division_code(None) == structure.mef_label(None) == "—"


def test_an_imported_establishment_is_read_once(imported, django_assert_num_queries):
    first = structure_of(imported["establishment"])
    next_request = fresh(imported["establishment"])
    with django_assert_num_queries(0):
        assert structure_of(next_request) == first


def test_an_import_makes_every_process_read_anew(imported, establishment):
    before = structure_of(fresh(establishment))
    DivisionFactory(establishment=establishment, code="3C", mef=imported["third"])
    # Until the import's transaction stamps the establishment, the cached copy is kept...
    assert structure_of(fresh(establishment)) == before
    # ...then the key changes for every process, without any message between them.
    later = timezone.now() + datetime.timedelta(seconds=1)
    Establishment.objects.filter(pk=establishment.pk).update(siecle_imported_at=later)
    assert [code for _pk, code in structure_of(fresh(establishment)).divisions] == ["3A", "3B", "3C"]


def test_an_establishment_never_imported_is_read_on_every_request(establishment, django_assert_num_queries):
    DivisionFactory(establishment=establishment, code="5A")
    assert len(structure_of(fresh(establishment)).divisions) == 1
    DivisionFactory(establishment=establishment, code="5B")
    next_request = fresh(establishment)
    with django_assert_num_queries(2):
        assert len(structure_of(next_request).divisions) == 2


@pytest.mark.parametrize("model", [Division, Mef])
def test_an_operators_edit_in_the_admin_drops_the_cached_copy(imported, establishment, admin_user, model):
    structure_of(fresh(establishment))
    obj = model.objects.filter(establishment=establishment).order_by("code").first()
    model_admin = site._registry[model]
    request = RequestFactory().post("/")
    request.user = admin_user
    if model is Division:
        obj.code = "3Z"
    else:
        obj.label = "6E"
    model_admin.save_model(request, obj, form=None, change=True)
    structure = structure_of(fresh(establishment))
    assert "3Z" in dict(structure.divisions).values() if model is Division else "6E" in dict(structure.mefs).values()
    model_admin.delete_queryset(request, model.objects.filter(pk=obj.pk))
    structure = structure_of(fresh(establishment))
    assert obj.pk not in dict(structure.divisions if model is Division else structure.mefs)


def test_forget_structure_drops_the_request_memo_too(imported):
    establishment = imported["establishment"]
    first = structure_of(establishment)
    forget_structure(establishment)
    assert structure_of(establishment) == first and structure_of(establishment) is not first


def test_only_the_mefs_pupils_are_in_are_offered_with_unique_labels(establishment):
    """A real Nomenclature: dozens of MEFs, pseudo-MEFs, repeated labels."""
    stmg = [
        MefFactory(establishment=establishment, code=code, label="T-STMG", short_label="T-STMG")
        for code in ("21231016110", "21231017110", "21231018110")
    ]
    MefFactory(establishment=establishment, code="99999999110", label="VIE ACTIVE", short_label="VIE ACTIVE")
    gone = MefFactory(establishment=establishment, code="20210019110", label="TERMINALE GENERALE", short_label="TLE G")
    for mef in stmg[:2]:
        StudentFactory(establishment=establishment, mef=mef)
    StudentFactory(establishment=establishment, mef=gone, is_active=False)

    structure = structure_of(fresh(establishment))

    assert structure.mefs == (
        (stmg[0].pk, "T-STMG (21231016110)"),
        (stmg[1].pk, "T-STMG (21231017110)"),
    )  # neither the pseudo-MEF nor the third T-STMG, which no pupil is in
    assert structure.mef_label(gone.pk) == "TERMINALE GENERALE"  # a former pupil's row still names it
