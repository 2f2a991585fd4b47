"""CSV export of the statistics: `;`, UTF-8 with BOM, hand-counted rows, formula-safe cells."""

import csv
import io

import pytest

from stats.exports import safe_cell

URL = "/administration/0380111P/statistiques/export.csv"


@pytest.fixture(autouse=True)
def _intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]


def read(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_export_whole_establishment(client, head, school):
    client.force_login(head)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="statistiques-0380111P-' in response["Content-Disposition"]
    rows = read(response)
    assert rows[0][:8] == [
        "Série",
        "Tableau",
        "Ligne",
        "Comptes non activés et non informés",
        "Comptes non activés et informés",
        "Comptes en cours d'activation",
        "Comptes activés",
        "Total",
    ]
    body = {(row[0], row[1], row[2]): row[3:10] for row in rows[1:]}
    nbsp = "\u00a0"
    rep = "Représentants légaux"
    assert body[(rep, "Synthèse des comptes représentants légaux", "Établissement")] == [
        "1",
        "1",
        "0",
        "1",
        "3",
        "",
        "",
    ]
    assert body[(rep, "Synthèse des comptes représentants légaux", "Total")] == [
        "1", "1", "1", "1", "4", f"25{nbsp}%", f"40{nbsp}%",
    ]  # fmt: skip
    assert body[(rep, "Comptes représentants légaux par classe", "Total")] == [
        "1", "1", "1", "2", "5", f"40{nbsp}%", f"40{nbsp}%",
    ]  # fmt: skip
    assert body[("Élèves", "Comptes élèves par niveau (MEF)", "6EME")] == [
        "1", "1", "0", "1", "3", f"33,33{nbsp}%", f"33,33{nbsp}%",
    ]  # fmt: skip
    assert all(row[10] == "tout l'établissement" for row in rows[1:])
    # 2 series × (7 synthesis lines + 4 class lines + 3 MEF lines)
    assert len(rows) == 1 + 2 * (7 + 4 + 3)


def test_export_follows_the_filters(client, head, school):
    client.force_login(head)
    rows = read(client.get(URL, {"classe": school.d6b.pk}))
    assert {row[10] for row in rows[1:]} == {"classe 6B"}
    body = {(row[0], row[1], row[2]): row[3:8] for row in rows[1:]}
    assert body[("Élèves", "Synthèse des comptes élèves", "ENT")] == ["0", "1", "0", "0", "1"]


def test_class_names_cannot_inject_formulas(client, head, school):
    school.d6a.code = "=HYPERLINK(1)"
    school.d6a.save()
    client.force_login(head)
    client.post("/administration/0380111P/statistiques/calculer/")
    rows = read(client.get(URL))
    assert "'=HYPERLINK(1)" in {row[2] for row in rows}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+33", "'+33"), ("-2", "'-2"), ("@SUM", "'@SUM"), ("\tx", "'\tx"), ("6A", "6A"), (3, "3")],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
