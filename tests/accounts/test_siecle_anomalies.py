"""Record-level faults do not block the establishment (issue 15 item 1): each becomes an anomaly of
the report naming the file, the record (key and name) and the field, and the import goes on; the
tests assert the report and what was (not) written."""

import datetime

import pytest

from accounts.models import Account, AccountKind, LegalRepresentative, Responsibility, SiecleImport, Student
from tests.accounts.siecle_support import copy_fixture, edit, fixture_files, run_json

pytestmark = pytest.mark.django_db

ELEVES = "ElevesSansAdresses.xml"
RESP = "ResponsablesAvecAdresses.xml"


def anomalies(result) -> list[str]:
    return [
        " : ".join(p for p in (a["file"], a["record"], f"champ {a['field']}" if a["field"] else "", a["message"]) if p)
        for a in result["anomalies"]
    ]


def test_invalid_ine_imports_the_pupil_without_an_account(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<ID_NATIONAL>100000003EF</ID_NATIONAL>", "<ID_NATIONAL>12345</ID_NATIONAL>")
    edit(files["ElevesSansAdresses"], "<INE_BEA>0512345671U</INE_BEA>", "<INE_BEA>0512345671A</INE_BEA>")

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{ELEVES} : élève ELEVE_ID=1001 (Paul DUBOIS) : champ INE_BEA : INE « 0512345671A » invalide (format ou clé) : ignoré",
        f"{ELEVES} : élève ELEVE_ID=1003 (Léo SABRIER) : champ ID_NATIONAL : INE « 12345 » invalide (format ou clé) : "
        "élève importé sans INE, donc sans compte ÉduConnect",
    ]
    assert result["students"]["created"] == 8 and result["anomaly_count"] == 2
    leo = Student.objects.get(eleve_id="1003")
    assert (leo.is_active, leo.ine) == (True, "")
    assert not Account.objects.filter(student=leo).exists()
    paul = Student.objects.get(eleve_id="1001")
    assert (paul.ine, paul.ine_bea) == ("100000001AB", "")
    assert Account.objects.filter(student=paul).exists()
    assert SiecleImport.objects.get().anomaly_count == 2


def test_representative_without_first_name_is_imported_and_flagged(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ResponsablesAvecAdresses"], "<PRENOM>Sophie</PRENOM>", "<PRENOM></PRENOM>")

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{RESP} : personne PERSONNE_ID=2008 (MARTIN) : champ PRENOM : valeur manquante : représentant légal importé sans prénom"
    ]
    martin = LegalRepresentative.objects.get(personne_id="2008")
    assert (martin.first_name, martin.is_active) == ("", True)
    assert Account.objects.filter(representative=martin).exists()


def test_representative_without_name_is_skipped_and_flagged(tmp_path):
    files = copy_fixture(tmp_path)
    edit(
        files["ResponsablesAvecAdresses"],
        "<NOM_DE_FAMILLE>KERMARREC</NOM_DE_FAMILLE>",
        "<NOM_DE_FAMILLE></NOM_DE_FAMILLE>",
    )

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{RESP} : personne PERSONNE_ID=2009 (Yann) : champ NOM_DE_FAMILLE : valeur manquante : représentant légal ignoré"
    ]
    assert not LegalRepresentative.objects.filter(personne_id="2009").exists()
    assert Student.objects.get(eleve_id="1007").is_active  # the pupil is imported


def test_links_to_unknown_persons_and_pupils_are_skipped(tmp_path):
    files = copy_fixture(tmp_path)
    resp = files["ResponsablesAvecAdresses"]
    edit(
        resp,
        "<ELEVE_ID>1006</ELEVE_ID><PERSONNE_ID>2008</PERSONNE_ID>",
        "<ELEVE_ID>1006</ELEVE_ID><PERSONNE_ID>2099</PERSONNE_ID>",
    )
    edit(
        resp,
        "<ELEVE_ID>1006</ELEVE_ID><PERSONNE_ID>2011</PERSONNE_ID>",
        "<ELEVE_ID>1006</ELEVE_ID><PERSONNE_ID>2098</PERSONNE_ID>",
    )  # a contact
    edit(resp, "<ELEVE_ID>1005</ELEVE_ID>", "<ELEVE_ID>9999</ELEVE_ID>")
    edit(resp, "<ELEVE_ID>1001</ELEVE_ID><PERSONNE_ID>2003</PERSONNE_ID>", "<ELEVE_ID>1001</ELEVE_ID>")

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{RESP} : responsabilité n°3 (ELEVE_ID=1001, PERSONNE_ID=?) : champ PERSONNE_ID : valeur manquante : lien ignoré",
        f"{RESP} : responsabilité PERSONNE_ID=2007 (Anne FROUFROU) : champ ELEVE_ID=9999 : élève absent de l'export "
        "Élèves : lien ignoré",
        f"{RESP} : responsabilité ELEVE_ID=1006 (Chloé MARTIN) : champ PERSONNE_ID=2099 : personne absente de la "
        "liste PERSONNES : lien ignoré",
        f"{RESP} : responsabilité ELEVE_ID=1006 (Chloé MARTIN) : champ PERSONNE_ID=2098 : personne absente de la "
        "liste PERSONNES : lien ignoré",
    ]
    assert not Responsibility.objects.filter(student__eleve_id__in=["1005", "1006"]).exists()
    assert not LegalRepresentative.objects.filter(personne_id__in=["2007", "2008"]).exists()
    assert result["students"]["created"] == 8


def test_pupil_without_birth_date_is_imported_and_flagged(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<DATE_NAISS>07/11/2014</DATE_NAISS>", "")
    edit(files["ElevesSansAdresses"], "<DATE_NAISS>23/09/2011</DATE_NAISS>", "<DATE_NAISS>2011-09-23</DATE_NAISS>")

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{ELEVES} : élève ELEVE_ID=1003 (Léo SABRIER) : champ DATE_NAISS : date de naissance manquante : "
        "l'activation du compte la demande",
        f"{ELEVES} : élève ELEVE_ID=1006 (Chloé MARTIN) : champ DATE_NAISS : date « 2011-09-23 » invalide "
        "(attendu JJ/MM/AAAA), ignorée",
    ]
    assert Student.objects.get(eleve_id="1003").birth_date is None
    assert Student.objects.get(eleve_id="1006").birth_date is None
    assert Account.objects.filter(student__eleve_id="1003").exists()


def test_several_classes_keep_the_first_and_are_flagged(tmp_path):
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"],
        "<STRUCTURE><CODE_STRUCTURE>4EME7</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>",
        "<STRUCTURE><CODE_STRUCTURE>4EME7</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>"
        "<STRUCTURE><CODE_STRUCTURE>3EME1</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>",
    )

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{ELEVES} : élève ELEVE_ID=1002 (Éloïse SABRIER) : champ STRUCTURE : plusieurs divisions (4EME7, 3EME1) : "
        "la première, « 4EME7 », est retenue"
    ]
    assert Student.objects.get(eleve_id="1002").division.code == "4EME7"


def test_more_than_two_legal_representatives_and_same_parenthood_are_flagged(tmp_path):
    files = copy_fixture(tmp_path)
    edit(
        files["ResponsablesAvecAdresses"],
        "<ELEVE_ID>1001</ELEVE_ID><PERSONNE_ID>2003</PERSONNE_ID><NIVEAU_RESPONSABILITE>3</NIVEAU_RESPONSABILITE><CODE_PARENTE>38</CODE_PARENTE>",
        "<ELEVE_ID>1001</ELEVE_ID><PERSONNE_ID>2003</PERSONNE_ID><NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE><CODE_PARENTE>10</CODE_PARENTE>",
    )

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{RESP} : élève ELEVE_ID=1001 (Paul DUBOIS) : champ NIVEAU_RESPONSABILITE : 3 représentants légaux "
        "(PERSONNE_ID 2001, 2002, 2003) : tous importés, les deux premiers portent les rangs 1 et 2",
        f"{RESP} : élève ELEVE_ID=1001 (Paul DUBOIS) : champ CODE_PARENTE : 2 représentants légaux avec le même code "
        "de parenté « 10 »",
    ]
    ranks = dict(
        Responsibility.objects.filter(student__eleve_id="1001").values_list("representative__personne_id", "rank")
    )
    assert ranks == {"2001": 1, "2002": 2, "2003": None}


def test_pupil_without_name_is_skipped_and_what_the_database_holds_is_kept(tmp_path):
    run_json(*fixture_files("new"))
    before = Student.objects.get(eleve_id="1003")
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], "<PRENOM>Léo</PRENOM>", "<PRENOM> </PRENOM>")

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{ELEVES} : élève ELEVE_ID=1003 (SABRIER) : champ PRENOM : valeur manquante : élève ignoré"
    ]
    assert result["students"] == {"created": 0, "updated": 0, "unchanged": 7, "left": 0}
    after = Student.objects.get(eleve_id="1003")
    assert (after.is_active, after.first_name, after.division_id) == (True, "Léo", before.division_id)  # never « left »
    assert Responsibility.objects.filter(student=after).count() == 2
    assert LegalRepresentative.objects.filter(is_active=False).count() == 2  # as after the first import


def test_pupil_without_eleve_id_is_skipped(tmp_path):
    files = copy_fixture(tmp_path)
    edit(files["ElevesSansAdresses"], '<ELEVE ELEVE_ID="1003" ELENOET="5103">', '<ELEVE ELENOET="5103">')

    result = run_json(*files.values())

    assert anomalies(result) == [
        f"{ELEVES} : élève n°3 (Léo SABRIER) : champ ELEVE_ID : valeur manquante : élève ignoré",
        f"{RESP} : responsabilité PERSONNE_ID=2005 (Jean-Baptiste SABRIER) : champ ELEVE_ID=1003 : élève absent de "
        "l'export Élèves : lien ignoré",
        f"{RESP} : responsabilité PERSONNE_ID=2004 (Nathalie SABRIER) : champ ELEVE_ID=1003 : élève absent de "
        "l'export Élèves : lien ignoré",
    ]
    assert Student.objects.count() == 7


def test_old_format_missing_nom_names_the_nom_field(tmp_path):
    files = copy_fixture(tmp_path, "old")
    edit(files["ElevesSansAdresses"], "<NOM>ROUSSEAU</NOM>", "<NOM></NOM>", encoding="iso-8859-1")

    result = run_json(*files.values())

    assert anomalies(result) == [
        "ElevesSansAdresses.xml : élève ELEVE_ID=3004 (Théo) : champ NOM : valeur manquante : élève ignoré",
    ]
    assert not Student.objects.filter(eleve_id="3004").exists()


def test_adult_pupil_who_is_their_own_representative(tmp_path):
    """An adult pupil is often their own legal representative (CODE_PARENTE 70): one PERSONNE with
    the pupil's name. Both accounts exist: the pupil's, and the representative's."""
    files = copy_fixture(tmp_path)
    edit(
        files["ResponsablesAvecAdresses"],
        "    </PERSONNES>",
        '      <PERSONNE PERSONNE_ID="2012"><NOM_DE_FAMILLE>DUBOIS</NOM_DE_FAMILLE><PRENOM>Paul</PRENOM>'
        "<MEL>paul.dubois@example.org</MEL></PERSONNE>\n    </PERSONNES>",
    )
    edit(
        files["ResponsablesAvecAdresses"],
        "<ELEVE_ID>1001</ELEVE_ID><PERSONNE_ID>2001</PERSONNE_ID><NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE><CODE_PARENTE>10</CODE_PARENTE>",
        "<ELEVE_ID>1001</ELEVE_ID><PERSONNE_ID>2012</PERSONNE_ID><NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE><CODE_PARENTE>70</CODE_PARENTE>",
    )
    edit(files["ElevesSansAdresses"], "<DATE_NAISS>04/05/2011</DATE_NAISS>", "<DATE_NAISS>04/05/2007</DATE_NAISS>")

    result = run_json(*files.values())

    assert result["anomalies"] == []
    himself = LegalRepresentative.objects.get(personne_id="2012")
    link = Responsibility.objects.get(student__eleve_id="1001", representative=himself)
    assert (link.relationship, link.rank) == ("70", 1)
    assert Student.objects.get(eleve_id="1001").birth_date == datetime.date(2007, 5, 4)
    kinds = set(Account.objects.filter(email="paul.dubois@example.org").values_list("kind", flat=True))
    assert kinds == {AccountKind.STUDENT, AccountKind.REPRESENTATIVE}
    assert not LegalRepresentative.objects.filter(personne_id="2001").exists()  # no longer linked: never stored
