"""Every form where a student or a legal representative chooses a password (first sign-in, reset
link, change in the space) refuses a password resembling their details with a French reason, never a
500 (issue 14 item 1: « Camille-Andre-2026! » crashed Django's similarity validator)."""

import pytest
from django.urls import reverse

from accounts.enduser.credentials import check_credentials
from accounts.enduser.recovery import make_token
from accounts.models import AccountState
from accounts.passwords import provisional_password
from tests.accounts.enduser_support import sign_in
from tests.factories import CHOSEN_PASSWORD, AccountFactory, LegalRepresentativeFactory

pytestmark = pytest.mark.usefixtures("enduser_env")

LIKE_THE_NAME = "Camille-Andre-2026!"
NBSP = "\u00a0"  # Django's French catalogue puts non-breaking spaces inside « »


def similar(label: str) -> str:
    return f"Le mot de passe est trop semblable au champ «{NBSP}{label}{NBSP}»."


SIMILAR = similar("identifiant")


def camille(identifier="camille.andre", **traits):
    representative = LegalRepresentativeFactory(first_name="Camille", last_name="ANDRE", email="")
    return AccountFactory(for_representative=True, representative=representative, identifier=identifier, **traits)


def refused_with_reason(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert SIMILAR in page
    return page


@pytest.mark.django_db
def test_first_sign_in_refuses_a_password_like_the_identifier_in_french(client):
    account = camille(informed=True)
    sign_in(client, account.identifier, provisional_password(account))
    response = client.post(
        reverse("enduser:first_password"), {"new_password1": LIKE_THE_NAME, "new_password2": LIKE_THE_NAME}
    )
    refused_with_reason(response)
    account.refresh_from_db()
    assert account.password_hash == ""
    assert account.state == AccountState.INFORMED


@pytest.mark.django_db
def test_reset_link_refuses_a_password_like_the_identifier_in_french(client):
    account = camille(activated=True, reset_requested=True)
    path = reverse("enduser:reset", kwargs={"token": make_token(account)})
    refused_with_reason(client.post(path, {"new_password1": LIKE_THE_NAME, "new_password2": LIKE_THE_NAME}))
    assert check_credentials(account.identifier, CHOSEN_PASSWORD).account == account


@pytest.mark.django_db
def test_password_change_refuses_a_password_like_the_identifier_in_french(client):
    account = camille(activated=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    data = {"current_password": CHOSEN_PASSWORD, "new_password1": LIKE_THE_NAME, "new_password2": LIKE_THE_NAME}
    refused_with_reason(client.post(reverse("enduser:password"), data))
    assert check_credentials(account.identifier, CHOSEN_PASSWORD).account == account


@pytest.mark.django_db
def test_a_password_like_the_first_name_alone_names_the_first_name(client):
    account = camille(identifier="c.andre7", activated=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    data = {"current_password": CHOSEN_PASSWORD, "new_password1": "Camille2026!", "new_password2": "Camille2026!"}
    page = client.post(reverse("enduser:password"), data).content.decode()
    assert similar("prénom") in page


@pytest.mark.django_db
def test_a_different_password_is_accepted_after_the_refusal(client):
    account = camille(activated=True)
    sign_in(client, account.identifier, CHOSEN_PASSWORD)
    data = {"current_password": CHOSEN_PASSWORD, "new_password1": LIKE_THE_NAME, "new_password2": LIKE_THE_NAME}
    refused_with_reason(client.post(reverse("enduser:password"), data))
    data |= {"new_password1": "Marees-de-septembre-2026", "new_password2": "Marees-de-septembre-2026"}
    assert client.post(reverse("enduser:password"), data).url == reverse("enduser:home")
