"""Browser journey (issue 14 item 9): a parent calls about « c.dupont12 ». M. MORAND types the
identifier in the Dépannage live search, then an e-mail address in other capitals; the list, in French
order (« Céline » before « Clément », « ÉCHARD » among the E's, « de La Tour » among the D's), narrows
to the account without a page load. Then Mme JAMIER finds a representative by their e-mail in the
administration module. Every screen is checked with axe and photographed at 1280 and 390 px."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.accounts.administration_support import representative_account
from tests.browser.helpers import login_as
from tests.factories import AccountFactory, DivisionFactory, StudentFactory

# (last name, first name, identifier, e-mail) in French order; created out of it.
PEOPLE = [
    ("de La Tour", "Anne", "anne.delatour", ""),
    ("DUPONT", "Céline", "c.dupont12", "Celine.Dupont@Exemple.fr"),
    ("DUPONT", "Clément", "c.dupont", ""),
    ("DUPONT", "Émile", "e.dupont", "emile.d@exemple.fr"),
    ("EBERT", "Zoé", "z.ebert", ""),
    ("ÉCHARD", "Léa", "l.echard", ""),
    ("ZOLA", "Émile", "e.zola", ""),
]


@pytest.fixture(autouse=True)
def _intranet(settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]


def populate(establishment) -> dict:
    division = DivisionFactory(establishment=establishment, code="3EME1", label="3EME1")
    accounts = {}
    for last, first, identifier, email in reversed(PEOPLE):
        student = StudentFactory(establishment=establishment, last_name=last, first_name=first, division=division)
        accounts[identifier] = AccountFactory(student=student, identifier=identifier, email=email, informed=True)
    return accounts


def shots(page, directory: str, name: str) -> None:
    """The screen at 1280 px and at 390 px (a phone), whole page."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(directory, f"search-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def shown_names(page) -> list[str]:
    return [text.strip() for text in page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_morand_finds_an_account_by_identifier_then_by_email(
    axe, page, live_server, establishment, delegate_depannage, screenshot_dir
):
    accounts = populate(establishment)
    login_as(page, live_server, delegate_depannage)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/depannage/{establishment.uai}/eleves/")
    expect(page.locator("#results tbody tr")).to_have_count(len(PEOPLE))
    assert shown_names(page) == [
        "DE LA TOUR Anne",
        "DUPONT Céline",
        "DUPONT Clément",
        "DUPONT Émile",
        "EBERT Zoé",
        "ÉCHARD Léa",
        "ZOLA Émile",
    ]
    search = page.get_by_label("Nom ou prénom, identifiant ou adresse mail")
    expect(page.locator("label[for=id_q] .fr-hint-text")).to_have_text(
        "Accents et majuscules indifférents. Exemples : celine, c.dupont12, celine.dupont@exemple.fr"
    )
    shots(page, screenshot_dir, "students")
    axe(page, "students list with the search hint")

    # The identifier, typed: the list narrows as one types (no button, no page load).
    page.evaluate("window.__not_reloaded = true")
    search.press_sequentially("c.dupont12", delay=30)
    expect(page).to_have_url(re.compile(r"q=c\.dupont12$"))
    expect(page.locator("#results tbody tr")).to_have_count(1)
    row = page.locator(f"#account-{accounts['c.dupont12'].pk}")
    expect(row).to_contain_text("DUPONT Céline")
    expect(row).to_contain_text("c.dupont12")
    expect(search).to_be_focused()
    assert page.evaluate("window.__not_reloaded") is True
    shots(page, screenshot_dir, "identifier")
    axe(page, "search by identifier")

    # An e-mail address, in other capitals.
    search.fill("")
    search.press_sequentially("EMILE.D@EXEMPLE.FR", delay=20)
    expect(page).to_have_url(re.compile(r"q=EMILE\.D%40EXEMPLE\.FR$"))
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator(f"#account-{accounts['e.dupont'].pk}")).to_contain_text("DUPONT Émile")
    assert page.evaluate("window.__not_reloaded") is True
    shots(page, screenshot_dir, "email")
    axe(page, "search by e-mail")

    # A part of the addresses and a name, accents left out: both terms must be found.
    search.fill("exemple.fr celine")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("DUPONT Céline")
    # Nobody: said in French.
    search.fill("x.inconnu9")
    expect(page.locator("#results")).to_contain_text("Aucun")
    expect(page.locator("#results tbody tr")).to_have_count(1)  # the message row
    shots(page, screenshot_dir, "nobody")
    axe(page, "search finding nobody")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_jamier_finds_a_representative_by_email(axe, page, live_server, establishment, head, screenshot_dir):
    accounts = populate(establishment)
    celine = accounts["c.dupont12"].student
    representative_account(
        establishment, "DUPONT", "Sophie", [celine], identifier="s.dupont", email="sophie.dupont@exemple.fr"
    )
    representative_account(establishment, "ÉCHARD", "Marc", [celine], identifier="m.echard", civility="M.")
    login_as(page, live_server, head)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/administration/{establishment.uai}/responsables/")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(page.locator("label[for=id_q] .fr-hint-text")).to_contain_text("du représentant légal ou de l'élève")
    search = page.get_by_label("Nom ou prénom, identifiant ou adresse mail")
    search.press_sequentially("Sophie.Dupont@", delay=30)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("DUPONT Sophie")
    expect(page.locator("#results")).to_contain_text("sophie.dupont@exemple.fr")
    shots(page, screenshot_dir, "representatives-email")
    axe(page, "representatives searched by e-mail")
