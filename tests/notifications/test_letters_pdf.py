"""Letters as PDF: one page per account, ordered by class then name, the right identifier, password
and letter on each page, whether drawn onto the template (product) or laid out page by page (naive)."""

import dataclasses
import datetime

import pytest

from notifications.letters import (
    REPRESENTATIVES,
    STUDENTS,
    Letter,
    LetterHead,
    render_letters_pdf,
    render_letters_pdf_naive,
)
from tests.notifications.conftest import pdf_pages

SIGN_IN = "https://educonnect.example.org/compte/connexion/"


def head(code="C01", audience=STUDENTS, url="", sign_in_url=SIGN_IN):
    return LetterHead(
        code=code,
        audience=audience,
        establishment_name="CLG PRE BENIT",
        address_lines=("12 rue du Pré Bénit",),
        postal_code="38300",
        city="BOURGOIN-JALLIEU",
        url=url,
        sign_in_url=sign_in_url,
        date=datetime.date(2026, 9, 1),
    )


def student(code, identifier, password="", name="Élodie DUPRÉ", division="3EME1"):
    return Letter(
        code=code, audience=STUDENTS, recipient=name, identifier=identifier, password=password, division=division
    )


@pytest.mark.parametrize("render", [render_letters_pdf, render_letters_pdf_naive], ids=["product", "naive"])
def test_each_page_holds_its_own_identifier_and_password(render):
    letters = [student("C01", f"eleve.{i}", password=f"ACDEFGH{i:04d}", name=f"Élève{i} NOM") for i in range(5)]
    pages = pdf_pages(render([(head(), letter) for letter in letters]))
    assert len(pages) == 5
    for i, text in enumerate(pages):
        assert f"eleve.{i}" in text
        assert f"ACDEFGH{i:04d}" in text
        assert f"Élève{i} NOM" in text
        assert "Classe : 3EME1" in text
        others = [f"ACDEFGH{j:04d}" for j in range(5) if j != i]
        assert not any(other in text for other in others)


def test_first_distribution_letter_c01_for_a_student():
    (text,) = pdf_pages(
        render_letters_pdf([(head("C01", url="https://ent.example.fr"), student("C01", "a.b", "PT4HUMM27XY"))])
    )
    assert "Mise à disposition de votre compte Éducation nationale ÉduConnect" in text
    assert "Mot de passe provisoire" in text and "PT4HUMM27XY" in text
    assert "Activez votre compte en 2 étapes" in text and "Étape 1" in text and "Étape 2" in text
    assert "La cheffe ou le chef d'établissement" in text
    assert "CLG PRE BENIT" in text and "12 rue du Pré Bénit" in text and "38300 BOURGOIN-JALLIEU" in text
    assert "https://ent.example.fr" in text


def test_redistribution_letter_c03_says_the_password_is_unchanged_and_prints_none():
    (text,) = pdf_pages(render_letters_pdf([(head("C03"), student("C03", "a.b", password="PT4HUMM27XY"))]))
    assert "Votre mot de passe est inchangé." in text
    assert "Rappel de votre identifiant" in text and "a.b" in text
    assert "PT4HUMM27XY" not in text  # C03 never prints a password, even if given one
    assert "Mot de passe provisoire" not in text


def test_new_password_letter_c05():
    (text,) = pdf_pages(render_letters_pdf([(head("C05"), student("C05", "a.b", "PT4HUMM27XY"))]))
    assert "Demande de changement de mot de passe pour les services en ligne" in text
    assert "nouveau mot de passe provisoire" in text and "PT4HUMM27XY" in text
    assert "prochaine connexion" in text
    assert "Activez votre compte en 2 étapes" not in text


def test_representative_letter_names_every_child():
    letter = Letter(
        code="C01",
        audience=REPRESENTATIVES,
        recipient="Céline DUPONT",
        identifier="celine.dupont114",
        password="BUNZ47DMXYA",
        children=("Léa DUPONT (3EME1)", "Enzo DUPONT (3EME2)", "Maël DUPONT (6EME1)"),
    )
    (text,) = pdf_pages(render_letters_pdf([(head("C01", REPRESENTATIVES), letter)]))
    assert "Mise à disposition de services en ligne pour suivre la scolarité de votre enfant" in text
    for child in letter.children:
        assert child in text
    assert "celine.dupont114" in text and "BUNZ47DMXYA" in text
    assert "une adresse de messagerie est indispensable" in text


def test_many_children_and_long_names_still_fit_on_one_page():
    letter = Letter(
        code="C01",
        audience=REPRESENTATIVES,
        recipient="Marie-Christine-Alexandrine DE LA TOUR D'AUVERGNE-LAURAGUAIS-MONTMORENCY",
        identifier="marie-christine.delatour",
        password="BUNZ47DMXYA",
        children=tuple(f"Enfant{i} DE LA TOUR (5EME{i})" for i in range(9)),
    )
    pages = pdf_pages(render_letters_pdf([(head("C01", REPRESENTATIVES), letter)]))
    assert len(pages) == 1
    assert "BUNZ47DMXYA" in pages[0] and "Enfant8 DE LA TOUR" in pages[0]


def test_a_batch_mixes_letters_and_audiences_each_on_its_own_template():
    batch = [
        (head("C01"), student("C01", "first.one", "AAAACCCCDDD")),
        (head("C03"), student("C03", "second.one")),
        (head("C01"), student("C01", "third.one", "EEEEFFFFGGG")),
    ]
    pages = pdf_pages(render_letters_pdf(batch))
    assert "AAAACCCCDDD" in pages[0] and "first.one" in pages[0]
    assert "inchangé" in pages[1] and "second.one" in pages[1]
    assert "EEEEFFFFGGG" in pages[2] and "inchangé" not in pages[2]


def test_password_is_monospace_and_page_is_a4():
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render_letters_pdf([(head(), student("C01", "a.b", "PT4HUMM27XY"))])))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSansMono" in name for name in fonts)


def test_html_in_a_name_is_text_not_markup():
    name = '<b>Bob</b> & "Alice"'
    (text,) = pdf_pages(render_letters_pdf_naive([(head(), student("C01", "a.b", "PT4HUMM27XY", name=name))]))
    assert name in text


def representative(code, identifier="celine.dupont114"):
    password = "BUNZ47DMXYA" if code != "C03" else ""
    return Letter(
        code=code,
        audience=REPRESENTATIVES,
        recipient="Céline DUPONT",
        identifier=identifier,
        password=password,
        children=("Léa DUPONT (3EME1)",),
    )


SCOLARITE = "https://teleservices.education.gouv.fr (portail Scolarité Services)"


@pytest.mark.parametrize("render", [render_letters_pdf, render_letters_pdf_naive], ids=["product", "naive"])
@pytest.mark.parametrize("code", ["C01", "C03", "C05"])
def test_every_letter_prints_where_this_deployment_signs_in(render, code):
    """Seed 002's letter sent the family to « l'adresse internet communiquée par l'établissement »:
    here the sign-in page of this deployment is printed, on both audiences' letters."""
    pages = pdf_pages(
        render([(head(code), student(code, "a.b", "PT4HUMM27XY")), (head(code, REPRESENTATIVES), representative(code))])
    )
    assert len(pages) == 2
    for text in pages:
        assert f"l'adresse internet suivante : {SIGN_IN}" in text
        assert "communiquée par l'établissement" not in text


@pytest.mark.parametrize("render", [render_letters_pdf, render_letters_pdf_naive], ids=["product", "naive"])
@pytest.mark.parametrize("code", ["C01", "C03", "C05"])
def test_representative_letters_give_scolarite_services_plus_the_parametres_address(render, code):
    without, with_address = pdf_pages(
        render(
            [
                (head(code, REPRESENTATIVES), representative(code)),
                (head(code, REPRESENTATIVES, url="https://ent.example.fr"), representative(code, "paul.dupont")),
            ]
        )
    )
    assert f"Vos services en ligne : {SCOLARITE} En cas de difficulté" in without
    assert f"Vos services en ligne : {SCOLARITE} https://ent.example.fr En cas de difficulté" in with_address


@pytest.mark.parametrize("render", [render_letters_pdf, render_letters_pdf_naive], ids=["product", "naive"])
@pytest.mark.parametrize("code", ["C01", "C03", "C05"])
def test_student_letters_give_the_parametres_address_only_when_switched_on(render, code):
    without, with_address = pdf_pages(
        render(
            [
                (head(code), student(code, "a.b", "PT4HUMM27XY")),
                (head(code, url="https://ent.example.fr"), student(code, "c.d", "PT4HUMM27XZ")),
            ]
        )
    )
    assert "Vos services en ligne" not in without and "teleservices" not in without
    assert "Vos services en ligne : https://ent.example.fr En cas de difficulté" in with_address
    assert "teleservices" not in with_address


@pytest.mark.parametrize("code", ["C01", "C03", "C05"])
@pytest.mark.parametrize("audience", [STUDENTS, REPRESENTATIVES])
def test_the_longest_parametres_address_still_fits_on_one_page(code, audience):
    """The Paramètres screen accepts 300 characters: with a long establishment name, two address lines,
    a long sign-in address and the most children, every letter stays on one page (the fast writer
    refuses a template of two pages)."""
    from accounts.models import NotificationAddress

    longest = NotificationAddress._meta.get_field("url").max_length
    url = ("https://" + "sous-domaine-tres-long." * 20)[:longest]
    long_head = LetterHead(
        code=code,
        audience=audience,
        establishment_name="LYCEE GENERAL ET TECHNOLOGIQUE CHAMPOLLION DE GRENOBLE",
        address_lines=("12 rue du Pré Bénit", "BP 1234"),
        postal_code="38300",
        city="BOURGOIN-JALLIEU",
        url=url,
        sign_in_url="https://educonnect.ac-grenoble.example.org/compte/connexion/",
        date=datetime.date(2026, 9, 1),
    )
    if audience == REPRESENTATIVES:
        letter = dataclasses.replace(
            representative(code), children=tuple(f"Enfant{i} DUPONT (5EME{i})" for i in range(9))
        )
    else:
        letter = student(code, "a.b", "PT4HUMM27XY")
    (text,) = pdf_pages(render_letters_pdf([(long_head, letter)]))
    assert "En cas de difficulté, contactez l'établissement." in text
    assert url[-20:] in text.replace(" ", "")
