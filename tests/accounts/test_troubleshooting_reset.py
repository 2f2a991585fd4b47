"""Resetting passwords from the Élèves list: one (inline confirmation, banner, row updated in place)
and many (confirmation, all or nothing, result page), with scoping and the action matrix."""

import logging

import pytest
from django.urls import reverse

from accounts.models import Account
from accounts.passwords import provisional_password
from educonnect.models import AuditAction, AuditEvent
from tests.factories import AccountFactory, DivisionFactory, StudentFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def account_for(establishment, *, last_name="DUBOIS", first_name="Paul", division="3EME1", informed=True, **kwargs):
    """A student account, « Non activé - informé » unless told otherwise."""
    student = StudentFactory(
        establishment=establishment,
        last_name=last_name,
        first_name=first_name,
        division=DivisionFactory(establishment=establishment, code=division),
    )
    if informed and not {"activating", "activated"} & set(kwargs):
        kwargs["informed"] = True
    return AccountFactory(student=student, **kwargs)


def reset_url(account):
    return reverse("troubleshooting:reset_password", args=[account.establishment.uai, account.pk])


def bulk_url(establishment):
    return reverse("troubleshooting:bulk_reset", args=[establishment.uai])


def encrypted(account):
    return Account.objects.get(pk=account.pk).provisional_password_encrypted


# --- one account ----------------------------------------------------------------------------


def test_confirmation_inline_with_htmx(client, establishment, delegate_depannage):
    account = account_for(establishment)
    client.force_login(delegate_depannage)
    response = client.get(reset_url(account), {"q": "dubois"}, headers=HTMX)
    html = response.text
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="account-{account.pk}"')
    assert "Êtes-vous sûr de vouloir réinitialiser le mot de passe de ce compte ?" in html
    assert ">Confirmer<" in html and ">Annuler<" in html
    assert 'href="/depannage/0380111P/eleves/?q=dubois"' in html  # Annuler without JS
    assert encrypted(account) == account.provisional_password_encrypted  # a GET changes nothing


def test_confirmation_page_without_htmx(client, establishment, delegate_depannage):
    account = account_for(establishment)
    client.force_login(delegate_depannage)
    html = client.get(reset_url(account)).text
    assert "<html" in html
    assert "Êtes-vous sûr de vouloir réinitialiser le mot de passe de ce compte ?" in html
    assert f'action="{reset_url(account)}"' in html


def test_annuler_puts_the_row_back(client, establishment, delegate_depannage):
    account = account_for(establishment)
    client.force_login(delegate_depannage)
    url = reverse("troubleshooting:row", args=[establishment.uai, account.pk])
    html = client.get(url, headers=HTMX).text
    assert html.strip().startswith(f'<tr id="account-{account.pk}"')
    assert ">Réinitialiser le mot de passe<" in html


def test_reset_with_htmx_shows_the_banner_and_updates_the_row(client, establishment, delegate_depannage, caplog):
    account = account_for(establishment, reset_requested=True)
    client.force_login(delegate_depannage)
    with caplog.at_level(logging.DEBUG):
        response = client.post(reset_url(account), {"back": "q=dubois"}, headers=HTMX)
    stored = Account.objects.get(pk=account.pk)
    password = provisional_password(stored)
    html = response.text
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert html.strip().startswith(f'<tr id="account-{account.pk}"')  # the row, swapped in place
    assert f'<span class="ec-secret" data-ec-password>{password}</span>' in html
    assert 'id="banner"' in html and 'hx-swap-oob="true"' in html
    assert 'id="reset-banner" tabindex="-1" data-ec-focus' in html  # takes the focus, above the list
    assert (
        "Le mot de passe de l'élève Paul DUBOIS a bien été réinitialisé. Le nouveau mot de passe est "
        f'<strong class="ec-secret">{password}</strong>. Ce mot de passe est à modifier lors de la prochaine connexion.'
    ) in html.replace("&#x27;", "'")
    assert stored.session_version == 1 and stored.reset_requested is False
    assert password not in caplog.text
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET)
    assert event.actor == delegate_depannage
    assert password not in str(event.details) + event.target_label


def test_reset_without_htmx_shows_the_result_page(client, establishment, delegate_depannage):
    account = account_for(establishment)
    client.force_login(delegate_depannage)
    response = client.post(reset_url(account))
    password = provisional_password(Account.objects.get(pk=account.pk))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert 'hx-history="false"' in response.text
    assert f'Le nouveau mot de passe est <strong class="ec-secret">{password}</strong>' in response.text
    assert "Liste des élèves (format pdf)" in response.text


def test_reset_button_is_absent_for_never_informed_accounts_and_says_why(client, establishment, head):
    account = account_for(establishment, informed=False)
    client.force_login(head)
    html = client.get(reverse("troubleshooting:students", args=[establishment.uai])).text
    assert reset_url(account) not in html
    assert "disabled" in html
    assert "Ce compte n&#x27;a pas encore été notifié" in html


def test_reset_of_never_informed_account_is_refused(client, establishment, head):
    account = account_for(establishment, informed=False)
    client.force_login(head)
    response = client.post(reset_url(account), headers=HTMX)
    assert "Paul DUBOIS n'a pas été réinitialisé" in response.text
    assert "Ce compte n&#x27;a pas encore été notifié" in response.text
    assert client.post(reset_url(account)).status_code == 409
    assert encrypted(account) == account.provisional_password_encrypted
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


@pytest.mark.parametrize("persona", ["head", "deputy", "delegate_depannage", "delegate_admin"])
def test_allowed_personas_can_reset(client, request, establishment, persona):
    account = account_for(establishment)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reset_url(account), headers=HTMX).status_code == 200
    assert encrypted(account) != account.provisional_password_encrypted


@pytest.mark.parametrize("persona", ["staff", "stranger_from_other_establishment"])
def test_reset_by_staff_without_delegation_or_stranger_is_404(client, request, establishment, persona):
    account = account_for(establishment)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reset_url(account)).status_code == 404
    assert client.post(reset_url(account)).status_code == 404
    assert encrypted(account) == account.provisional_password_encrypted


def test_reset_by_anonymous_redirects_to_sign_in(client, establishment):
    account = account_for(establishment)
    response = client.post(reset_url(account))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert encrypted(account) == account.provisional_password_encrypted


def test_account_of_another_establishment_under_our_uai_is_404(client, establishment, other_establishment, head):
    foreign = account_for(other_establishment)
    client.force_login(head)
    url = reverse("troubleshooting:reset_password", args=[establishment.uai, foreign.pk])
    assert client.post(url).status_code == 404
    assert encrypted(foreign) == foreign.provisional_password_encrypted


def test_representative_account_is_not_reachable_from_troubleshooting(client, establishment, head):
    account = AccountFactory(for_representative=True, representative__establishment=establishment, informed=True)
    client.force_login(head)
    url = reverse("troubleshooting:reset_password", args=[establishment.uai, account.pk])
    assert client.post(url).status_code == 404


# --- many accounts --------------------------------------------------------------------------


def test_bulk_reset_asks_for_confirmation_first(client, establishment, delegate_depannage):
    accounts = [account_for(establishment, last_name=n) for n in ("ALPHA", "BRAVO")]
    client.force_login(delegate_depannage)
    response = client.post(bulk_url(establishment), {"selection": [a.pk for a in accounts]})
    assert response.status_code == 200
    assert "Êtes-vous sûr de vouloir réinitialiser le mot de passe de ces 2 comptes ?" in response.text
    assert 'name="confirm" value="1"' in response.text
    assert all(encrypted(a) == a.provisional_password_encrypted for a in accounts)


def test_bulk_reset_shows_every_new_password_and_the_list(client, establishment, delegate_depannage):
    accounts = [account_for(establishment, last_name=n) for n in ("ALPHA", "BRAVO", "CHARLIE")]
    untouched = account_for(establishment, last_name="DELTA")
    client.force_login(delegate_depannage)
    response = client.post(bulk_url(establishment), {"selection": [a.pk for a in accounts], "confirm": "1"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert 'hx-history="false"' in response.text
    assert "Les mots de passe de 3 élèves ont bien été réinitialisés." in response.text
    for account in accounts:
        assert provisional_password(Account.objects.get(pk=account.pk)) in response.text
    assert encrypted(untouched) == untouched.provisional_password_encrypted
    assert "Liste des élèves (format pdf)" in response.text and "Liste des élèves (format csv)" in response.text
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 3


def test_select_all_resets_the_whole_search_not_only_the_page(client, establishment, head):
    division = DivisionFactory(establishment=establishment, code="3EME1")
    matching = [
        AccountFactory(student=s, informed=True)
        for s in StudentFactory.create_batch(55, establishment=establishment, division=division)
    ]
    other = account_for(establishment, last_name="MARTIN")
    client.force_login(head)
    response = client.post(bulk_url(establishment), {"select_all": "1", "q": "dubois", "confirm": "1"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 55
    assert all(encrypted(a) != a.provisional_password_encrypted for a in matching)
    assert encrypted(other) == other.provisional_password_encrypted


def test_bulk_with_a_foreign_id_is_404_and_changes_nothing(client, establishment, other_establishment, head):
    ours = account_for(establishment)
    theirs = account_for(other_establishment)
    client.force_login(head)
    response = client.post(bulk_url(establishment), {"selection": [ours.pk, theirs.pk], "confirm": "1"})
    assert response.status_code == 404
    assert encrypted(ours) == ours.provisional_password_encrypted
    assert encrypted(theirs) == theirs.provisional_password_encrypted
    assert client.post(bulk_url(establishment), {"selection": ["x"], "confirm": "1"}).status_code == 404


def test_bulk_with_a_never_informed_account_resets_the_others_and_says_why(client, establishment, head):
    """A mixed selection: « 1 compte sera traité, 1 ne peut pas l'être (raison) — Continuer »."""
    informed = account_for(establishment, last_name="ALPHA")
    never = account_for(establishment, last_name="BRAVO", informed=False)
    client.force_login(head)
    data = {"selection": [informed.pk, never.pk]}
    confirm_page = client.post(bulk_url(establishment), data)
    assert "1 compte sera traité, 1 ne peut pas l&#x27;être" in confirm_page.text
    assert "1 compte : Ce compte n&#x27;a pas encore été notifié" in confirm_page.text
    assert ">Continuer<" in confirm_page.text and 'name="confirm" value="1"' in confirm_page.text
    assert encrypted(informed) == informed.provisional_password_encrypted  # nothing before « Continuer »
    response = client.post(bulk_url(establishment), {**data, "confirm": "1"})
    assert response.status_code == 200
    assert provisional_password(Account.objects.get(pk=informed.pk)) in response.text
    assert "1 compte n'a pas été traité" in response.text
    assert encrypted(informed) != informed.provisional_password_encrypted
    assert encrypted(never) == never.provisional_password_encrypted
    assert list(AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).values_list("target_id", flat=True)) == [
        str(informed.pk)
    ]


def test_bulk_of_only_never_informed_accounts_offers_nothing_to_confirm(client, establishment, head):
    never = account_for(establishment, last_name="BRAVO", informed=False)
    client.force_login(head)
    data = {"selection": [never.pk]}
    page = client.post(bulk_url(establishment), data).text
    assert "0 compte sera traité, 1 ne peut pas l&#x27;être" in page
    assert "Aucun des comptes sélectionnés ne peut être réinitialisé." in page and 'name="confirm"' not in page
    client.post(bulk_url(establishment), {**data, "confirm": "1"})
    assert encrypted(never) == never.provisional_password_encrypted
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


def test_bulk_reset_of_an_account_changed_since_the_confirmation_changes_nothing(
    client, establishment, head, monkeypatch
):
    """A change between the confirmation and « Continuer »: the service checks again under lock, and
    resets nothing."""
    import accounts.lists.bulk as bulk_flow
    from accounts import resets

    first = account_for(establishment, last_name="ALPHA")
    second = account_for(establishment, last_name="BRAVO")
    client.force_login(head)
    real = resets.accounts_reset_passwords

    def changed_meanwhile(**kwargs):
        Account.objects.filter(pk=second.pk).update(state="non_informe", last_notified_at=None)
        return real(**kwargs)

    monkeypatch.setattr(bulk_flow, "accounts_reset_passwords", changed_meanwhile)
    response = client.post(bulk_url(establishment), {"selection": [first.pk, second.pk], "confirm": "1"})
    assert response.status_code == 409
    assert "Aucun mot de passe n'a été réinitialisé" in response.text
    assert encrypted(first) == first.provisional_password_encrypted
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


def test_bulk_without_selection_goes_back_to_the_list(client, establishment, head):
    client.force_login(head)
    response = client.post(bulk_url(establishment), {"q": "dubois"})
    assert response.status_code == 302
    assert response["Location"] == "/depannage/0380111P/eleves/?q=dubois"


@pytest.mark.parametrize("persona", ["staff", "stranger_from_other_establishment"])
def test_bulk_by_staff_without_delegation_or_stranger_is_404(client, request, establishment, persona):
    account = account_for(establishment)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(bulk_url(establishment), {"selection": [account.pk], "confirm": "1"}).status_code == 404
    assert encrypted(account) == account.provisional_password_encrypted


def test_bulk_result_table_rows_are_escaped_sorted_by_class_and_listable(client, establishment, head):
    second = account_for(establishment, last_name="ZOLA", first_name="<b>Émile</b>", division="3EME2")
    first = account_for(establishment, last_name="ABEL", first_name="Anne", division="3EME1")
    client.force_login(head)
    response = client.post(bulk_url(establishment), {"selection": [second.pk, first.pk], "confirm": "1"})
    html = response.text
    password = provisional_password(Account.objects.get(pk=second.pk))
    assert (
        f"<tr><td>ZOLA &lt;b&gt;Émile&lt;/b&gt;</td><td>3EME2</td><td>{second.identifier}</td>"
        f'<td><span class="ec-secret">{password}</span></td>'
        '<td><p class="fr-badge fr-badge--sm fr-badge--info">Non activé - informé</p></td></tr>'
    ) in html
    assert "<b>Émile" not in html
    assert html.index("ABEL Anne") < html.index("ZOLA")  # by class, then name
    # « Lister les comptes » below the table posts the same accounts, in the table's order.
    assert f'name="selection_ids" value="{first.pk},{second.pk}"' in html
