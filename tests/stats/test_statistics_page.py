"""The « Statistiques » page: who may see it, what it shows, filters (HTMX), cache and recompute."""

import datetime
import html as htmllib
import re

import pytest
from django.utils import timezone

from delegations.otp_services import otp_enrol_totp
from educonnect.otp import NOT_ENROLLED_MESSAGE
from stats.models import StatisticsSnapshot

URL = "/administration/0380111P/statistiques/"


@pytest.fixture(autouse=True)
def _intranet(settings):
    """The test client (127.0.0.1) is on the intranet: no second factor needed."""
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]


def cells(html: str, table_id: str) -> list[list[str]]:
    """The rows of a table as lists of cell texts."""
    table = html.split(f'id="table-{table_id}"', 1)[1].split("</table>", 1)[0]
    return [
        [
            htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def test_head_sees_the_representatives_series(client, head, school):
    client.force_login(head)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistiques des comptes représentants légaux" in html
    synthesis = cells(html, "responsables-synthese")
    assert synthesis[0] == [
        "Origine des comptes",
        "Comptes non activés et non informés",
        "Comptes non activés et informés",
        "Comptes en cours d'activation",
        "Comptes activés",
        "Total",
    ]
    assert synthesis[1] == ["Établissement", "1", "1", "0", "1", "3"]
    assert synthesis[3] == ["FranceConnect", "0", "0", "1", "0", "1"]
    assert synthesis[-1] == ["Total", "1", "1", "1", "1", "4"]
    assert "25\u00a0%" in html and "40\u00a0%" in html
    by_class = cells(html, "responsables-classes")
    assert by_class[1:] == [
        ["5A", "1", "0", "0", "1", "2", "50\u00a0%", "50\u00a0%"],
        ["6A", "0", "1", "0", "1", "2", "50\u00a0%", "50\u00a0%"],
        ["6B", "0", "0", "1", "0", "1", "0\u00a0%", "0\u00a0%"],
        ["Total", "1", "1", "1", "2", "5", "40\u00a0%", "40\u00a0%"],
    ]
    assert "plusieurs enfants" in html
    assert cells(html, "responsables-niveaux")[-1] == ["Total", "1", "1", "1", "2", "5", "40\u00a0%", "40\u00a0%"]
    assert 'aria-current="page">Statistiques<' in html  # the administration tabs
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_students_series(client, delegate_admin, school):
    client.force_login(delegate_admin)
    html = client.get(URL, {"serie": "eleves"}).content.decode()
    assert cells(html, "eleves-synthese")[-1] == ["Total", "2", "1", "1", "1", "5"]
    assert cells(html, "eleves-classes")[1:] == [
        ["5A", "1", "0", "1", "0", "2", "0\u00a0%", "50\u00a0%"],
        ["6A", "1", "0", "0", "1", "2", "50\u00a0%", "50\u00a0%"],
        ["6B", "0", "1", "0", "0", "1", "0\u00a0%", "0\u00a0%"],
        ["Total", "2", "1", "1", "1", "5", "20\u00a0%", "40\u00a0%"],
    ]
    assert "20\u00a0%" in html


def test_filter_by_class(client, head, school):
    client.force_login(head)
    html = client.get(URL, {"classe": school.d6a.pk}).content.decode()
    assert cells(html, "responsables-synthese")[-1] == ["Total", "0", "1", "0", "1", "2"]
    assert [row[0] for row in cells(html, "responsables-classes")[1:]] == ["6A", "Total"]
    assert f'<option value="{school.d6a.pk}" selected>6A</option>' in html


def test_filter_by_mef(client, head, school):
    client.force_login(head)
    html = client.get(URL, {"mef": school.m5.pk, "serie": "eleves"}).content.decode()
    assert cells(html, "eleves-synthese")[-1] == ["Total", "1", "0", "1", "0", "2"]


def test_unknown_or_foreign_filters_are_ignored(client, head, school, other_establishment):
    from accounts.models import Division

    foreign = Division.objects.get(establishment=other_establishment)
    client.force_login(head)
    html = client.get(URL, {"classe": foreign.pk, "mef": "x", "serie": "nope"}).content.decode()
    assert cells(html, "responsables-synthese")[-1] == ["Total", "1", "1", "1", "1", "4"]


def test_htmx_swap_equals_fresh_reload(client, head, school):
    client.force_login(head)
    params = {"classe": school.d5a.pk, "serie": "eleves"}
    partial = client.get(URL, params, headers={"HX-Request": "true"}).content.decode()
    full = client.get(URL, params).content.decode()
    assert partial.lstrip().startswith('<div id="stats-results"')
    assert "<html" not in partial
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub("TOKEN", partial.strip()) in token.sub("TOKEN", full)


def test_series_links_and_filters_work_without_javascript(client, head, school):
    client.force_login(head)
    html = client.get(URL, {"classe": school.d5a.pk}).content.decode()
    assert f'href="{URL}?serie=eleves&amp;classe={school.d5a.pk}"' in html
    assert f'action="{URL}"' in html and 'name="classe"' in html


def test_figures_are_cached_with_their_date(client, head, school):
    client.force_login(head)
    client.get(URL)
    snapshot = StatisticsSnapshot.objects.get(establishment=school.establishment, scope="")
    snapshot.computed_at = timezone.make_aware(datetime.datetime(2026, 9, 23, 0, 4))
    snapshot.save()
    # A change after the computation does not show until the figures are recomputed.
    school.students[1].account.__class__.objects.filter(pk=school.students[1].account.pk).update(state="active")
    html = client.get(URL, {"serie": "eleves"}).content.decode()
    assert "Dernière mise à jour le 23/09/2026 à 00:04" in html
    assert cells(html, "eleves-synthese")[-1] == ["Total", "2", "1", "1", "1", "5"]
    assert "Calculer les statistiques" in html

    response = client.post(URL + "calculer/", {"serie": "eleves"})
    assert response.status_code == 302
    assert response["Location"] == URL + "?serie=eleves"
    html = client.get(response["Location"]).content.decode()
    assert cells(html, "eleves-synthese")[-1] == ["Total", "1", "1", "1", "2", "5"]
    assert "Les statistiques ont été calculées." in html
    assert "Dernière mise à jour le 23/09/2026" not in html


def test_recompute_keeps_the_filters(client, head, school):
    client.force_login(head)
    response = client.post(URL + "calculer/", {"serie": "responsables", "classe": school.d6b.pk})
    assert response["Location"] == f"{URL}?serie=responsables&classe={school.d6b.pk}"
    assert StatisticsSnapshot.objects.filter(scope=f"classe={school.d6b.pk}").exists()


def test_recompute_needs_post(client, head, school):
    client.force_login(head)
    assert client.get(URL + "calculer/").status_code == 405


def test_cached_page_query_count(client, head, school, django_assert_max_num_queries):
    client.force_login(head)
    client.get(URL)  # computes and caches
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200


def test_first_computation_query_count(client, head, school, django_assert_max_num_queries):
    client.force_login(head)
    # session, user, rights (2), establishment, filters (2), cache lookup, 3 figure queries, 1 upsert
    with django_assert_max_num_queries(14):
        assert client.get(URL, {"classe": school.d6a.pk}).status_code == 200


@pytest.mark.parametrize("path", ["", "export.csv"])
def test_delegate_admin_may_see(client, delegate_admin, school, path):
    client.force_login(delegate_admin)
    assert client.get(URL + path).status_code == 200


@pytest.mark.parametrize("path", ["", "export.csv", "calculer/"])
def test_depannage_delegate_is_404(client, delegate_depannage, school, path):
    client.force_login(delegate_depannage)
    method = client.post if path == "calculer/" else client.get
    assert method(URL + path).status_code == 404
    assert not StatisticsSnapshot.objects.exists()


@pytest.mark.parametrize("path", ["", "export.csv", "calculer/"])
def test_stranger_from_other_establishment_is_404(client, stranger_from_other_establishment, school, path):
    client.force_login(stranger_from_other_establishment)
    method = client.post if path == "calculer/" else client.get
    assert method(URL + path).status_code == 404


def test_unknown_uai_is_404(client, head, school):
    client.force_login(head)
    assert client.get("/administration/9999999Z/statistiques/").status_code == 404


def test_stranger_sees_only_their_establishment(client, stranger_from_other_establishment, school):
    client.force_login(stranger_from_other_establishment)
    html = client.get("/administration/0450750W/statistiques/").content.decode()
    assert cells(html, "responsables-synthese")[-1] == ["Total", "0", "0", "0", "1", "1"]
    assert cells(html, "responsables-synthese")[1] == ["Établissement", "0", "0", "0", "1", "1"]


def test_anonymous_goes_to_sign_in(client, school):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_second_factor_needed_outside_the_intranet(client, head, school, settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["10.0.0.0/8"]
    client.force_login(head)
    response = client.get(URL)
    assert response.status_code == 403 and NOT_ENROLLED_MESSAGE in response.text
    otp_enrol_totp(head)
    response = client.get(URL)
    assert response.status_code == 302
    assert "/otp/" in response["Location"]


def test_stranger_outside_the_intranet_is_404_before_any_second_factor(
    client, stranger_from_other_establishment, school, settings
):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["10.0.0.0/8"]
    client.force_login(stranger_from_other_establishment)
    assert client.get(URL).status_code == 404


def test_page_keeps_the_module_stylesheets(client, head, school):
    client.force_login(head)
    html = client.get(URL).content.decode()
    assert "stats/stats.css" in html
    assert "accounts/lists.css" in html  # the module's own stylesheets (block.super)
