"""French error pages (issue 14 items 3–4): whole pages for a visit, a DSFR alert fragment for an
HTMX request, an expired session never swapped into a page."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import include, path, reverse
from django.utils.html import escape

from delegations.models import Delegation
from delegations.services import delegation_revoke
from educonnect.urls import handler400, handler403, handler404, handler500  # noqa: F401  (this URLconf's handlers)

HTMX = {"HTTP_HX_REQUEST": "true"}


def _forbidden(request):
    raise PermissionDenied


def _bad(request):
    raise SuspiciousOperation("bad")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("essai/interdit/", _forbidden),
    path("essai/incorrect/", _bad),
    path("essai/panne/", _broken),
    path("", include("educonnect.urls")),
]


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__


def page_of(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_404_is_a_french_page_with_the_way_back_to_my_applications(client, head):
    client.force_login(head)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    page = page_of(response)
    assert "Page non trouvée" in page
    assert '<a class="fr-btn" href="/">Mes applications</a>' in page
    assert "Not Found" not in page


@pytest.mark.django_db
def test_404_of_a_family_page_leads_back_to_the_family_space(client):
    page = page_of(client.get("/compte/nulle-part/"))
    assert "Page non trouvée" in page
    assert "Retour à mon compte" in page
    assert "Mes applications" not in page
    assert "Identifiant ou mot de passe oublié" in page  # the families' footer


@pytest.mark.django_db
def test_403_says_the_seeds_access_refused(client, head, test_urls):
    client.force_login(head)
    response = client.get("/essai/interdit/")
    assert response.status_code == 403
    page = page_of(response)
    assert '<p class="fr-alert__title">Erreur</p>' in page
    assert "Accès refusé</h1>" in page
    assert escape("Vous n'êtes pas autorisé à accéder à cette page.") in page
    assert 'href="/">Mes applications' in page


@pytest.mark.django_db
def test_400_and_500_are_french_pages(test_urls):
    client = Client(raise_request_exception=False)
    bad = client.get("/essai/incorrect/")
    assert bad.status_code == 400
    assert "Demande incorrecte" in page_of(bad)
    broken = client.get("/essai/panne/")
    assert broken.status_code == 500
    assert "Erreur inattendue" in page_of(broken)
    assert "Mes applications" in page_of(broken)


@pytest.mark.django_db
def test_an_error_to_an_htmx_request_is_an_alert_fragment(client, head, test_urls):
    client.force_login(head)
    response = client.get("/essai/interdit/", **HTMX)
    assert response.status_code == 403
    page = page_of(response)
    assert "<html" not in page
    assert "data-ec-htmx-alert" in page
    assert "Accès refusé" in page


@pytest.mark.django_db
def test_revoked_delegation_answers_the_next_htmx_request_with_access_refused(
    client, delegate_depannage, head, establishment
):
    client.force_login(delegate_depannage)
    url = reverse("troubleshooting:students", args=[establishment.uai])
    assert client.get(url, **HTMX).status_code == 200
    delegation_revoke(actor=head, delegation=Delegation.objects.get(grantee=delegate_depannage))
    response = client.get(url + "?q=dub", **HTMX)
    # A client error, so that HTMX does not swap it and htmx-errors.js shows it: 404, as to any
    # stranger to the establishment (the access gate).
    assert response.status_code == 404
    page = page_of(response)
    assert "<html" not in page
    assert "data-ec-htmx-alert" in page
    assert "Accès refusé" in page


@pytest.mark.django_db
def test_expired_session_during_a_live_search_loads_the_sign_in_page_as_a_whole_page(client, establishment):
    url = reverse("troubleshooting:students", args=[establishment.uai])
    current = f"http://testserver{url}?etat=informe"
    response = client.get(url + "?q=dub", HTTP_HX_CURRENT_URL=current, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/connexion/?next=%2Fdepannage%2F0380111P%2Feleves%2F%3Fetat%3Dinforme"
    assert response.content == b""  # nothing to swap into the results


@pytest.mark.django_db
def test_expired_session_on_an_htmx_action_says_so_with_a_sign_in_link(client, establishment):
    url = reverse("troubleshooting:reset_password", args=[establishment.uai, 1])
    current = f"http://testserver/depannage/{establishment.uai}/eleves/"
    response = client.post(url, HTTP_HX_CURRENT_URL=current, **HTMX)
    assert response.status_code == 401
    page = page_of(response)
    assert "Votre session a expiré" in page
    assert 'href="/connexion/?next=%2Fdepannage%2F0380111P%2Feleves%2F"' in page
    assert "Se reconnecter" in page


@pytest.mark.django_db
def test_a_redirect_to_sign_in_without_htmx_is_left_alone(client, establishment):
    url = reverse("troubleshooting:students", args=[establishment.uai])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/connexion/")


@pytest.mark.django_db
def test_a_stale_form_gets_a_french_page_not_djangos_csrf_page(head):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head)
    response = client.post("/deconnexion/")
    assert response.status_code == 403
    page = page_of(response)
    assert "Page expirée" in page
    assert escape("Rien n'a été enregistré") in page
    assert "CSRF verification failed" not in page and "Forbidden" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("accessibility", "Déclaration d'accessibilité"),
        ("legal_notice", "Mentions légales"),
        ("personal_data", "Données personnelles"),
    ],
)
def test_legal_pages_are_linked_from_every_footer(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in page_of(response)
    for page_url in ["/connexion/", "/compte/connexion/"]:
        assert f'href="{reverse(name)}"' in page_of(client.get(page_url))
