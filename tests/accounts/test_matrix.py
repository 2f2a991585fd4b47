"""The action matrix's refusals (« Pourquoi ? ») match what the person reading them may do: the
state that forbids the action, and as the way out only an action of a module they hold a right on."""

import pytest
from django.urls import reverse

from accounts import matrix
from accounts.models import Account, AccountState
from delegations.permissions import abilities
from tests.factories import AccountFactory, StudentFactory

pytestmark = pytest.mark.django_db

# Words that offer an action of the administration module (notification).
ADMINISTRATION_ACTIONS = ("Notifiez", "« Informer »", "(Re)notifier")


@pytest.fixture
def viewers(establishment, delegate_depannage, delegate_admin, head):
    """The access gate's abilities of a Dépannage delegate, an Administration delegate, the head."""
    return {
        "depannage": abilities(delegate_depannage, establishment),
        "administration": abilities(delegate_admin, establishment),
        "head": abilities(head, establishment),
    }


def test_the_personas_hold_the_rights_the_tests_assume(viewers):
    assert viewers["depannage"]["troubleshoot_accounts"] and not viewers["depannage"]["administer_accounts"]
    assert viewers["administration"]["administer_accounts"] and viewers["administration"]["troubleshoot_accounts"]


@pytest.mark.parametrize("state", AccountState.values)
def test_whether_a_reset_is_allowed_depends_on_the_state_only(viewers, state):
    account = Account(state=state)
    decisions = {name: matrix.can_reset_password(account, abilities=held)[0] for name, held in viewers.items()}
    decisions["nobody"] = matrix.can_reset_password(account)[0]
    assert set(decisions.values()) == {state != AccountState.NOT_INFORMED}


def test_why_for_a_depannage_delegate_names_the_state_and_the_missing_right_and_offers_nothing(viewers):
    allowed, why = matrix.can_reset_password(Account(state=AccountState.NOT_INFORMED), abilities=viewers["depannage"])
    assert not allowed
    assert "« Non activé - non informé »" in why
    assert "« ÉduConnect - Administration des comptes », un droit que vous n'avez pas" in why
    assert not [words for words in ADMINISTRATION_ACTIONS if words in why]


@pytest.mark.parametrize("viewer", ["administration", "head"])
def test_why_for_someone_who_may_notify_offers_the_notification(viewers, viewer):
    allowed, why = matrix.can_reset_password(Account(state=AccountState.NOT_INFORMED), abilities=viewers[viewer])
    assert not allowed
    assert "« Non activé - non informé »" in why
    assert "Notifiez-le plutôt que de le réinitialiser" in why and "« (Re)notifier les comptes »" in why
    assert "un droit que vous n'avez pas" not in why


def test_why_without_abilities_offers_nothing_that_needs_a_right():
    _allowed, why = matrix.can_reset_password(Account(state=AccountState.NOT_INFORMED))
    assert not [words for words in ADMINISTRATION_ACTIONS if words in why]


@pytest.mark.parametrize("state", AccountState.values)
def test_no_refusal_of_the_matrix_offers_a_depannage_delegate_an_administration_action(viewers, state):
    """Every predicate, every state: what a Dépannage delegate may read never offers to notify."""
    account = Account(state=state)
    reasons = [
        matrix.can_reset_password(account, abilities=viewers["depannage"])[1],
        matrix.can_notify(account)[1],
        matrix.can_resend_activation_email(account)[1],
        matrix.can_list(account)[1],
        matrix.can_reset_identifier(account)[1],
    ]
    assert not [(reason, words) for reason in reasons for words in ADMINISTRATION_ACTIONS if words in reason]


def _never_informed(establishment):
    return AccountFactory(student=StudentFactory(establishment=establishment, last_name="BRAVO"))


def test_the_list_s_pourquoi_follows_the_viewer(client, establishment, delegate_depannage, head):
    _never_informed(establishment)
    url = reverse("troubleshooting:students", args=[establishment.uai])
    client.force_login(delegate_depannage)
    page = client.get(url).text
    assert "un droit que vous n&#x27;avez pas" in page and "Notifiez" not in page
    client.force_login(head)
    page = client.get(url).text
    assert "Notifiez-le plutôt que de le réinitialiser" in page and "un droit que vous n&#x27;avez pas" not in page


def test_the_bulk_refusal_follows_the_viewer(client, establishment, delegate_depannage, head):
    never = _never_informed(establishment)
    url = reverse("troubleshooting:bulk_reset", args=[establishment.uai])
    client.force_login(delegate_depannage)
    page = client.post(url, {"selection": [never.pk]}).text
    assert "1 compte : Ce compte n&#x27;a pas encore été notifié" in page
    assert "un droit que vous n&#x27;avez pas" in page and "Notifiez" not in page
    client.force_login(head)
    page = client.post(url, {"selection": [never.pk]}).text
    assert "Notifiez-le plutôt que de le réinitialiser" in page
