"""The (re)notify confirmations warn when no Paramètres address is switched on for the audience being
notified (seed 002: « IMPORTANT - Paramétrage avant notification des comptes »), with a link to the
Paramètres screen — over a selection, over a whole establishment (« Sélectionner tout »), and for one
account (« Informer », page and HTMX panel). Notifying stays possible."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountState, Audience, NotificationAddress

pytestmark = pytest.mark.usefixtures("on_intranet")

UAI = "0380111P"
TITLE = "IMPORTANT – Paramétrage avant notification des comptes"
SEED_TEXT = (
    "L'onglet « Paramètres » permet d'insérer une adresse dans les notifications des élèves et d'ajouter "
    "une adresse supplémentaire à celle transmise par défaut dans les notifications des responsables "
    "(https://teleservices.education.gouv.fr)."
)
PARAMETERS_URL = f"/administration/{UAI}/parametres/"


@pytest.fixture(autouse=True)
def _synchronous(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def address(establishment, audience, *, active=True, verified=True):
    return NotificationAddress.objects.create(
        establishment=establishment,
        audience=audience,
        url=f"https://{audience}.example.fr",
        verified_at=timezone.now() if verified else None,
        is_active=active,
    )


def page(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return " ".join(html.unescape(response.content.decode()).split())


def warning(text: str) -> str:
    """The warning's HTML, or "" when the page has none."""
    match = re.search(r'<div class="fr-alert fr-alert--warning[^"]*" id="parameters-warning">(.*?)</div>', text)
    return match.group(1) if match else ""


def bulk_confirm(client, population, data):
    return page(client.post(reverse(f"administration:{population}_notify", kwargs={"uai": UAI}), data))


def test_bulk_students_confirmation_warns_without_a_students_address(client, head, establishment, class_3eme1):
    client.force_login(head)
    address(establishment, Audience.REPRESENTATIVES)  # the other audience's address does not count
    address(establishment, Audience.STUDENTS, active=False)  # verified, not switched on
    text = bulk_confirm(client, "students", {"selection": [class_3eme1["paul"].pk]})
    assert "Seed 002" not in text  # the template's comment stays in the template
    alert = warning(text)
    assert f'<h2 class="fr-alert__title">{TITLE}</h2>' in alert
    assert SEED_TEXT in alert
    assert "Aucune adresse internet n'est intégrée dans les courriers et mails des élèves" in alert
    assert f'<a href="{PARAMETERS_URL}">Renseigner et activer l\'adresse dans les Paramètres</a>' in alert


def test_bulk_representatives_confirmation_warns_in_their_words(client, head, establishment, class_3eme1):
    client.force_login(head)
    address(establishment, Audience.STUDENTS)
    alert = warning(bulk_confirm(client, "representatives", {"select_all": "1", "q": "dubois"}))
    assert TITLE in alert
    assert (
        "Aucune adresse internet supplémentaire n'est intégrée dans les courriers et mails des représentants "
        "légaux : ils n'indiqueront que l'adresse de connexion ÉduConnect et celle du portail Scolarité Services."
        in alert
    )


@pytest.mark.parametrize(("population", "audience"), [("students", "eleves"), ("representatives", "responsables")])
def test_whole_establishment_confirmation_has_no_warning_once_the_address_is_on(
    client, head, establishment, class_3eme1, population, audience
):
    client.force_login(head)
    assert TITLE in bulk_confirm(client, population, {"select_all": "1"})
    address(establishment, audience)
    text = bulk_confirm(client, population, {"select_all": "1"})
    assert "Êtes-vous sûr de vouloir (re)notifier ces comptes ?" in text
    assert warning(text) == "" and TITLE not in text


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-panel"])
def test_inform_one_account_warns_for_its_audience(client, head, establishment, family, htmx):
    client.force_login(head)
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("administration:student_inform", kwargs={"uai": UAI, "account_id": family["lena"].pk})
    address(establishment, Audience.REPRESENTATIVES)
    text = page(client.get(url, headers=headers))
    assert ("<html" in text) is not htmx  # the panel alone, or the whole page
    alert = warning(text)
    assert f'<h3 class="fr-alert__title">{TITLE}</h3>' in alert and "des élèves" in alert
    address(establishment, Audience.STUDENTS)
    text = page(client.get(url, headers=headers))
    assert "Êtes-vous sûr de vouloir informer l'élève ?" in text and TITLE not in text


def test_notifying_after_the_warning_is_allowed(client, head, establishment, family):
    """The address is optional: « Confirmer » under the warning notifies."""
    client.force_login(head)
    famer = family["famer"]
    url = reverse("administration:representative_inform", kwargs={"uai": UAI, "account_id": famer.pk})
    text = page(client.get(url))
    assert TITLE in text
    form = re.search(r'<form method="post" action="(/notifications/[^"]+)">(.*?)</form>', text).group(2)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    response = client.post(reverse("notifications:notify", kwargs={"uai": UAI}), {**fields, "channel": "sheet"})
    assert response.status_code == 302
    famer.refresh_from_db()
    assert famer.state == AccountState.INFORMED and famer.last_notified_at is not None


def test_the_warning_is_logged(client, head, establishment, family, caplog):
    client.force_login(head)
    url = reverse("administration:representative_inform", kwargs={"uai": UAI, "account_id": family["famer"].pk})
    with caplog.at_level("INFO", logger="accounts.administration.views.bulk"):
        page(client.get(url))
    assert f"notify confirmation at {UAI}: no Paramètres address switched on for responsables" in caplog.text
