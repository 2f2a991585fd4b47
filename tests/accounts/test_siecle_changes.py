"""A changed export gives the right counts: a student leaves, another arrives, a name changes,
someone disappears from the export, an inactive student comes back."""

import pytest

from accounts.models import Account, LegalRepresentative, Responsibility, Student
from tests.accounts.siecle_support import copy_fixture, edit, fixture_files, run_json

pytestmark = pytest.mark.django_db

NEW_STUDENT = """      <ELEVE ELEVE_ID="1009" ELENOET="5109">
        <ID_NATIONAL>100000009CE</ID_NATIONAL>
        <NOM_DE_FAMILLE>DUBOIS</NOM_DE_FAMILLE>
        <PRENOM>Paul</PRENOM>
        <DATE_NAISS>09/09/2011</DATE_NAISS>
        <CODE_SEXE>1</CODE_SEXE>
        <CODE_MEF>10310019110</CODE_MEF>
      </ELEVE>
    </ELEVES>"""
NEW_STRUCTURE = """      <STRUCTURES_ELEVE ELEVE_ID="1009">
        <STRUCTURE><CODE_STRUCTURE>3EME1</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>
      </STRUCTURES_ELEVE>
    </STRUCTURES>"""
NEW_PERSON = """      <PERSONNE PERSONNE_ID="2012">
        <NOM_DE_FAMILLE>DUBOIS</NOM_DE_FAMILLE>
        <PRENOM>Claire</PRENOM>
        <LC_CIVILITE>MME</LC_CIVILITE>
        <MEL>autre.claire@example.org</MEL>
      </PERSONNE>
    </PERSONNES>"""
NEW_LINK = """      <RESPONSABLE_ELEVE><ELEVE_ID>1009</ELEVE_ID><PERSONNE_ID>2012</PERSONNE_ID><NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE><CODE_PARENTE>10</CODE_PARENTE></RESPONSABLE_ELEVE>
    </RESPONSABLES>"""


def test_leaver_newcomer_and_new_name(tmp_path):
    run_json(*fixture_files("new"))
    accounts_before = {
        a.pk: (a.identifier, a.provisional_password_encrypted, a.updated_at) for a in Account.objects.all()
    }
    files = copy_fixture(tmp_path)
    eleves, responsables = files["ElevesSansAdresses"], files["ResponsablesAvecAdresses"]
    edit(
        eleves,
        "<DATE_ENTREE>01/09/2023</DATE_ENTREE>\n        <MEL>",
        "<DATE_ENTREE>01/09/2023</DATE_ENTREE>\n        <DATE_SORTIE>01/10/2026</DATE_SORTIE>\n        <MEL>",
    )
    edit(eleves, "<NOM_USAGE></NOM_USAGE>", "<NOM_USAGE>SABRIER-MOREAU</NOM_USAGE>")
    edit(eleves, "    </ELEVES>", NEW_STUDENT)
    edit(eleves, "    </STRUCTURES>", NEW_STRUCTURE)
    edit(responsables, "    </PERSONNES>", NEW_PERSON)
    edit(responsables, "    </RESPONSABLES>", NEW_LINK)

    result = run_json(*files.values())

    assert result["students"] == {"created": 1, "updated": 1, "unchanged": 6, "left": 1}
    # Claire and Marc DUBOIS were legal representatives of the leaver only.
    assert result["representatives"] == {"created": 1, "updated": 0, "unchanged": 6, "left": 2}
    assert result["accounts"] == {"students": 4, "representatives": 5}
    assert Student.objects.get(eleve_id="1001").is_active is False
    eloise = Student.objects.get(eleve_id="1002")
    assert (eloise.last_name, eloise.birth_name, eloise.search_text) == (
        "SABRIER-MOREAU",
        "SABRIER",
        "sabrier-moreau eloise",
    )
    # Identifiers stay unique platform-wide: the newcomers get a number.
    assert Account.objects.get(student__eleve_id="1009").identifier == "paul.dubois1"
    assert Account.objects.get(representative__personne_id="2012").identifier == "claire.dubois1"
    # Existing accounts (leavers' included) are kept untouched.
    for account in Account.objects.filter(pk__in=accounts_before):
        assert (account.identifier, account.provisional_password_encrypted, account.updated_at) == accounts_before[
            account.pk
        ]
    assert Account.objects.count() == len(accounts_before) + 2


def test_student_missing_from_the_export_has_left(tmp_path):
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    eleves = files["ElevesSansAdresses"]
    content = eleves.read_bytes().decode("iso-8859-15")
    start = content.index('<ELEVE ELEVE_ID="1006"')
    end = content.index("</ELEVE>", start) + len("</ELEVE>")
    eleves.write_bytes((content[:start] + content[end:]).encode("iso-8859-15"))

    result = run_json(*files.values())

    assert result["students"] == {"created": 0, "updated": 0, "unchanged": 7, "left": 1}
    assert result["representatives"] == {"created": 0, "updated": 0, "unchanged": 7, "left": 1}  # Sophie MARTIN
    assert Student.objects.get(eleve_id="1006").is_active is False
    assert LegalRepresentative.objects.get(personne_id="2008").is_active is False
    assert Responsibility.objects.filter(student__eleve_id="1006").exists()  # history kept


def test_inactive_student_placed_in_a_class_gets_an_account(tmp_path):
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"],
        "<CODE_STRUCTURE>Inactifs</CODE_STRUCTURE>",
        "<CODE_STRUCTURE>4EME7</CODE_STRUCTURE>",
    )

    result = run_json(*files.values())

    assert result["students"] == {"created": 0, "updated": 1, "unchanged": 7, "left": 0}
    assert result["representatives"] == {"created": 0, "updated": 1, "unchanged": 7, "left": 0}
    assert result["accounts"] == {"students": 5, "representatives": 7}
    assert Account.objects.get(student__eleve_id="1005").identifier == "noe.francis-froufrou"
    assert Account.objects.get(representative__personne_id="2007").identifier == "anne.froufrou"


def test_representative_no_longer_legal_loses_the_link(tmp_path):
    run_json(*fixture_files("new"))
    files = copy_fixture(tmp_path)
    edit(
        files["ResponsablesAvecAdresses"],
        "<ELEVE_ID>1001</ELEVE_ID><PERSONNE_ID>2002</PERSONNE_ID><NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE>",
        "<ELEVE_ID>1001</ELEVE_ID><PERSONNE_ID>2002</PERSONNE_ID><NIVEAU_RESPONSABILITE>3</NIVEAU_RESPONSABILITE>",
    )

    result = run_json(*files.values())

    assert result["representatives"] == {"created": 0, "updated": 0, "unchanged": 7, "left": 1}
    assert not Responsibility.objects.filter(student__eleve_id="1001", representative__personne_id="2002").exists()
    assert LegalRepresentative.objects.get(personne_id="2002").is_active is False
