"""The demo data: imported through the real importer, the people of the seeds, idempotent."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRETS
from accounts.models import Account, AccountOrigin, AccountState, LegalRepresentative, Student
from delegations.models import Establishment, Service, User
from delegations.otp_services import confirmed_totp_device, totp_secret
from delegations.permissions import Right, has_right


def snapshot():
    return sorted(
        Account.objects.values_list(
            "identifier", "state", "origin", "last_notified_at", "provisional_password_encrypted", "password_hash"
        )
    )


@pytest.mark.django_db
def test_seed_demo_loads_the_seeds_people_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert DEMO_TOTP_SECRETS["monique.jamier"] in out

    college = Establishment.objects.get(uai="0380111P")
    lp = Establishment.objects.get(uai="0450750W")
    assert college.name == "CLG PRE BENIT BOURGOIN-JALLIEU" and college.academie.name == "Grenoble"
    assert lp.academie.name == "Orléans-Tours" and lp.kind == Establishment.Kind.LP
    assert college.siecle_export_date is not None
    assert 550 <= Student.objects.filter(establishment=college, is_active=True).count() <= 650
    assert 850 <= Student.objects.filter(establishment=lp, is_active=True).count() <= 950

    paul = Student.objects.get(establishment=college, last_name="DUBOIS", first_name="Paul")
    assert paul.division.code == "3EME1"
    assert paul.account.state == AccountState.INFORMED
    sabrier_children = Student.objects.filter(establishment=college, last_name="SABRIER")
    assert sorted(s.division.code for s in sabrier_children) == ["4EME7", "5EME7"]
    parents = LegalRepresentative.objects.filter(establishment=college, last_name="SABRIER")
    assert parents.count() == 2
    for parent in parents:
        assert sorted(parent.students.values_list("division__code", flat=True)) == ["4EME7", "5EME7"]
    assert parents.get(first_name="Goulan").account.state == AccountState.ACTIVATED
    assert parents.get(first_name="Famer").account.state == AccountState.NOT_INFORMED

    # States spread as a few weeks into the year: most informed, some of every other state and origin.
    accounts = Account.objects.filter(establishment=college)
    total = accounts.count()
    assert accounts.filter(state=AccountState.INFORMED).count() > total / 2
    for state in AccountState.values:
        assert accounts.filter(state=state).exists(), state
    assert accounts.filter(origin=AccountOrigin.FRANCECONNECT).exists()
    assert accounts.filter(origin=AccountOrigin.REPRESENTATIVE).exists()

    # Staff of the seeds, with the demo password and their rights.
    jamier = authenticate(username="monique.jamier", password=DEMO_PASSWORD)
    morand = authenticate(username="bruno.morand", password=DEMO_PASSWORD)
    assert jamier is not None and morand is not None
    assert has_right(jamier, college, Right.DELEGATIONS) and has_right(jamier, college, Right.ADMINISTRATION)
    assert has_right(morand, college, Right.TROUBLESHOOTING) and not has_right(morand, college, Right.ADMINISTRATION)
    assert morand.delegations.get().service.code == Service.EDUCONNECT_DEPANNAGE
    assert totp_secret(confirmed_totp_device(jamier)) == DEMO_TOTP_SECRETS["monique.jamier"]
    assert User.objects.filter(username="operateur", is_superuser=True).exists()

    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before
    assert User.objects.get(username="bruno.morand").delegations.count() == 1
