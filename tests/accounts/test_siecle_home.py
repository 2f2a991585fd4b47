"""The administration home shows, beside « La dernière mise à jour… », the anomalies of the last
import (issue 15 item 2)."""

import pytest

from tests.accounts.siecle_support import copy_fixture, edit, run_json

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]


def test_head_sees_the_anomalies_of_the_last_import(client, head, establishment, tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<DATE_NAISS>07/11/2014</DATE_NAISS>", "")
    run_json(*files.values())
    client.force_login(head)

    page = client.get(f"/administration/{establishment.uai}/").text

    assert "réalisée à partir des données fournies par SIECLE le 15/09/2026" in page
    assert "1 anomalie signalée lors de cet import" in page
    assert (
        "<strong>ElevesSansAdresses.xml</strong> — élève ELEVE_ID=1003 (Léo SABRIER) — champ DATE_NAISS : "
        "date de naissance manquante : l&#x27;activation du compte la demande" in page
    )


def test_an_import_without_anomaly_says_so(client, head, establishment):
    from tests.accounts.siecle_support import fixture_files

    run_json(*fixture_files("new"))
    client.force_login(head)

    assert "Aucune anomalie signalée lors de cet import." in client.get(f"/administration/{establishment.uai}/").text


def test_no_report_without_an_import(client, head, establishment):
    client.force_login(head)
    assert "anomalie" not in client.get(f"/administration/{establishment.uai}/").text
