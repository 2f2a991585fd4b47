"""Who gets into « ÉduConnect - Administration des comptes »: the role × URL matrix, the OTP gate,
Accueil and « Choisir un établissement »."""

import html

import pytest
from django.urls import reverse

from delegations.models import Assignment
from delegations.otp_services import otp_enrol_totp
from educonnect.otp import NOT_ENROLLED_MESSAGE
from tests.factories import AssignmentFactory, EstablishmentFactory, UserFactory


def module_urls(family):
    uai = "0380111P"
    goulan, theo = family["goulan"], family["theo"]
    return [
        reverse("administration:home", kwargs={"uai": uai}),
        reverse("administration:representatives", kwargs={"uai": uai}),
        reverse("administration:students", kwargs={"uai": uai}),
        reverse("administration:representative", kwargs={"uai": uai, "account_id": goulan.pk}),
        reverse("administration:student", kwargs={"uai": uai, "account_id": theo.pk}),
        reverse("administration:representative_reset_identifier", kwargs={"uai": uai, "account_id": goulan.pk}),
        reverse("administration:student_inform", kwargs={"uai": uai, "account_id": theo.pk}),
        reverse("parametres:index", kwargs={"uai": uai}),
    ]


@pytest.mark.usefixtures("on_intranet")
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("head", 200),
        ("deputy", 200),
        ("delegate_admin", 200),
        ("delegate_depannage", 404),
        ("staff", 404),
        ("stranger_from_other_establishment", 404),
    ],
)
def test_role_by_url_matrix(client, request, family, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    for url in module_urls(family):
        response = client.get(url)
        assert response.status_code == expected, (persona, url, response.status_code)
        if expected == 200:
            assert "HX-Request" in response.get("Vary", ""), url


@pytest.mark.usefixtures("on_intranet")
def test_anonymous_is_sent_to_sign_in(client, family):
    for url in module_urls(family):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")


def test_second_factor_required_outside_the_intranet(client, head, family):
    client.force_login(head)
    for url in module_urls(family):
        response = client.get(url)
        assert response.status_code == 403, url  # no device yet: « clé OTP pas encore activée »
        assert NOT_ENROLLED_MESSAGE in response.text
    otp_enrol_totp(head)
    for url in module_urls(family):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("delegations:otp_verify"))


def test_stranger_outside_the_intranet_still_gets_404(client, stranger_from_other_establishment, family):
    client.force_login(stranger_from_other_establishment)
    assert client.get(module_urls(family)[0]).status_code == 404


def test_private_establishment_head_needs_a_delegation(client, settings, db):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    private = EstablishmentFactory(private=True)
    user = UserFactory(username="chef.prive")
    AssignmentFactory(user=user, establishment=private, function=Assignment.Function.DIR)
    client.force_login(user)
    assert client.get(reverse("administration:home", kwargs={"uai": private.uai})).status_code == 404


@pytest.mark.usefixtures("on_intranet")
def test_home_shows_siecle_date_and_tabs(client, head, establishment):
    client.force_login(head)
    response = client.get(reverse("administration:home", kwargs={"uai": establishment.uai}))
    body = html.unescape(response.content.decode())
    assert (
        "La dernière mise à jour de votre établissement dans ÉduConnect a été réalisée à partir des données "
        "fournies par SIECLE le 15/09/2026." in body
    )
    assert "CLG PRE BENIT BOURGOIN-JALLIEU (0380111P)" in body
    for tab in ["Accueil", "Représentants légaux", "Élèves", "Statistiques", "Paramètres", "Envois"]:
        assert f">{tab}</a>" in body, tab
    assert "/administration/0380111P/statistiques/" in body
    assert "Choisir un établissement" not in body


@pytest.mark.usefixtures("on_intranet")
def test_index_goes_straight_to_the_only_establishment(client, head):
    client.force_login(head)
    response = client.get(reverse("administration:index"))
    assert response["Location"] == reverse("administration:home", kwargs={"uai": "0380111P"})


@pytest.mark.usefixtures("on_intranet")
def test_choose_among_several_establishments(client, head, other_establishment):
    AssignmentFactory(user=head, establishment=other_establishment, function=Assignment.Function.DIR)
    client.force_login(head)
    response = client.get(reverse("administration:index"))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Choisir un établissement" in body
    assert "0450750W" in body and "0380111P" in body
    home = html.unescape(client.get(reverse("administration:home", kwargs={"uai": "0380111P"})).content.decode())
    assert "Choisir un établissement" in home
    response = client.get(reverse("administration:index"), {"uai": "0450750W"})
    assert response["Location"] == reverse("administration:home", kwargs={"uai": "0450750W"})
    # A UAI the user holds nothing on is not offered, and not followed.
    response = client.get(reverse("administration:index"), {"uai": "0999999Z"})
    assert response.status_code == 200


@pytest.mark.usefixtures("on_intranet")
def test_index_without_any_establishment_is_404(client, delegate_depannage):
    client.force_login(delegate_depannage)
    assert client.get(reverse("administration:index")).status_code == 404


def module_posts(family):
    uai = "0380111P"
    lena, famer = family["lena"], family["famer"]
    account = {"uai": uai, "account_id": lena.pk}
    return [
        (reverse("administration:student_reset_identifier", kwargs=account), {}),
        (reverse("administration:student_reset_password", kwargs=account), {}),
        (reverse("administration:representative_reset_identifier", kwargs={"uai": uai, "account_id": famer.pk}), {}),
        (reverse("administration:students_reset", kwargs={"uai": uai}), {"selection": [lena.pk], "confirm": "1"}),
        (reverse("administration:students_list", kwargs={"uai": uai}), {"selection": [lena.pk], "format": "csv"}),
        (reverse("administration:students_notify", kwargs={"uai": uai}), {"selection": [lena.pk]}),
        (reverse("administration:representatives_reset", kwargs={"uai": uai}), {"select_all": "1", "confirm": "1"}),
        (reverse("parametres:switch", kwargs={"uai": uai}), {"audience": "eleves", "on": "1"}),
    ]


@pytest.mark.usefixtures("on_intranet")
@pytest.mark.parametrize("persona", ["delegate_depannage", "staff", "stranger_from_other_establishment"])
def test_writes_without_the_administration_right_are_404_and_change_nothing(client, request, family, persona):
    from accounts.models import Account
    from educonnect.models import AuditEvent

    before = list(Account.objects.order_by("pk").values_list("identifier", "provisional_password_encrypted"))
    client.force_login(request.getfixturevalue(persona))
    for url, data in module_posts(family):
        assert client.post(url, data).status_code == 404, (persona, url)
    assert list(Account.objects.order_by("pk").values_list("identifier", "provisional_password_encrypted")) == before
    written = ["password_reset", "identifier_reset", "accounts_listed", "parameter_changed", "account_notified"]
    assert not AuditEvent.objects.filter(action__in=written).exists()


@pytest.mark.usefixtures("on_intranet")
def test_revoked_delegation_takes_effect_on_the_next_request(client, delegate_admin, family):
    from delegations.models import Delegation

    client.force_login(delegate_admin)
    url = reverse("administration:home", kwargs={"uai": "0380111P"})
    assert client.get(url).status_code == 200
    Delegation.objects.filter(grantee=delegate_admin).update(
        revoked_at="2026-01-01T00:00:00Z", revoked_by=delegate_admin
    )
    assert client.get(url).status_code == 404
