"""The selection of the account lists, server side: « Sélectionner tout » gives the ids of the whole
search (rows and their accounts), scoped like the list; the counter's carrier is on the page; the
bulk confirmation counts rows and accounts in the counter's words. (The tab keeping the selection
across pages, searches and refusals is tests/browser/test_list_selection.py.)"""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.lists.bulk import selection_summary
from accounts.models import Responsibility
from educonnect.models import AuditAction, AuditEvent
from tests.factories import AccountFactory, DivisionFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("on_intranet")
UAI = "0380111P"
TROUBLESHOOTING = reverse("troubleshooting:select_all", args=[UAI])
ADMIN_STUDENTS = reverse("administration:students_select_all", args=[UAI])
ADMIN_REPS = reverse("administration:representatives_select_all", args=[UAI])


def _student(establishment, last_name, division="3EME1", **traits):
    division = DivisionFactory(establishment=establishment, code=division, label=division)
    return AccountFactory(
        student=StudentFactory(establishment=establishment, last_name=last_name, division=division), **traits
    )


def test_selection_summary_counts_rows_and_accounts_in_french():
    assert selection_summary(1, 1) == "1 compte sélectionné"
    assert selection_summary(3, 3) == "3 comptes sélectionnés"
    assert selection_summary(3, 2) == "3 lignes sélectionnées — 2 comptes"
    assert selection_summary(2, 1) == "2 lignes sélectionnées — 1 compte"


def test_select_all_gives_every_row_of_the_search_on_every_page(client, establishment, head):
    wanted = [_student(establishment, "DUBOIS", informed=True) for _ in range(55)]
    _student(establishment, "MARTIN")
    client.force_login(head)
    response = client.get(TROUBLESHOOTING, {"q": "dubois"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert sorted(response.json()["rows"]) == sorted([a.pk, a.pk] for a in wanted)


def test_select_all_of_representatives_gives_each_row_with_its_shared_account(client, head, family):
    client.force_login(head)
    rows = client.get(ADMIN_REPS, {"q": "sabrier"}).json()["rows"]
    assert len(rows) == 4  # two representatives × two children
    assert sorted({account for _row, account in rows}) == sorted([family["goulan"].pk, family["famer"].pk])


def test_select_all_applies_the_filters_and_an_invalid_search_selects_nothing(client, establishment, head):
    in_3eme2 = _student(establishment, "BERNARD", division="3EME2")
    _student(establishment, "PETIT", division="3EME1")
    client.force_login(head)
    response = client.get(ADMIN_STUDENTS, {"division": [in_3eme2.student.division_id]})
    assert response.json() == {"rows": [[in_3eme2.pk, in_3eme2.pk]]}
    assert client.get(ADMIN_STUDENTS, {"division": ["999999"]}).json() == {"rows": []}


def test_select_all_never_gives_another_establishment_s_rows(client, establishment, other_establishment, head):
    ours = _student(establishment, "DUBOIS")
    _student(other_establishment, "DUBOIS")
    client.force_login(head)
    assert client.get(TROUBLESHOOTING, {"q": "dubois"}).json() == {"rows": [[ours.pk, ours.pk]]}


@pytest.mark.parametrize("url", [TROUBLESHOOTING, ADMIN_STUDENTS, ADMIN_REPS])
def test_select_all_by_a_stranger_is_404(client, establishment, stranger_from_other_establishment, url):
    client.force_login(stranger_from_other_establishment)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [ADMIN_STUDENTS, ADMIN_REPS])
def test_select_all_of_the_administration_lists_needs_the_administration_right(
    client, establishment, delegate_depannage, url
):
    client.force_login(delegate_depannage)
    assert client.get(url).status_code == 404
    assert client.get(TROUBLESHOOTING).status_code == 200


def test_select_all_with_an_expired_session_sends_to_sign_in(client, establishment):
    response = client.get(TROUBLESHOOTING, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Redirect" in response


def test_select_all_is_one_query_after_the_gate(client, establishment, head, django_assert_num_queries):
    """Session, user, their rights, the ids: whatever the number of rows."""
    for _ in range(30):
        _student(establishment, "DUBOIS")
    establishment.siecle_imported_at = timezone.now()
    establishment.save(update_fields=["siecle_imported_at"])
    client.force_login(head)
    client.get(TROUBLESHOOTING)  # the structure's cached copy (the class filter's choices)
    with django_assert_num_queries(4):
        assert len(client.get(TROUBLESHOOTING).json()["rows"]) == 30


def test_the_list_carries_what_the_selection_needs(client, establishment, head, family):
    client.force_login(head)
    page = client.get(reverse("administration:representatives", args=[UAI]), {"q": "sabrier"}).text
    assert f'data-ec-selection-key="{head.pk}:/administration/{UAI}/responsables/"' in page
    assert 'data-ec-search="q=sabrier"' in page
    assert f'data-ec-select-all-url="{ADMIN_REPS}"' in page and "data-ec-shared-accounts" in page
    assert f'data-ec-account="{family["goulan"].pk}"' in page
    assert 'name="selection_ids" value="" data-ec-selection-ids' in page
    students = client.get(reverse("troubleshooting:students", args=[UAI])).text
    assert f'data-ec-select-all-url="{TROUBLESHOOTING}"' in students and "data-ec-shared-accounts" not in students


def test_a_selection_packed_from_several_searches_is_acted_on_whole(client, establishment, head):
    """What the tab posts: the ticked rows of this page and the whole selection packed."""
    first, second, third = (_student(establishment, name, informed=True) for name in ("ALPHA", "BRAVO", "CHARLIE"))
    client.force_login(head)
    data = {"q": "alpha", "selection": [first.pk], "selection_ids": f"{first.pk},{second.pk},{third.pk}"}
    page = client.post(reverse("troubleshooting:bulk_reset", args=[UAI]), data).text
    assert "3 comptes sélectionnés" in page and "ces 3 comptes" in page


def test_the_result_of_a_bulk_reset_empties_the_list_s_selection_and_takes_the_focus(client, establishment, head):
    account = _student(establishment, "ALPHA", informed=True)
    client.force_login(head)
    page = client.post(reverse("troubleshooting:bulk_reset", args=[UAI]), {"selection_ids": account.pk, "confirm": "1"})
    assert f'data-ec-selection-done="{head.pk}:/depannage/{UAI}/eleves/"' in page.text
    assert 'id="reset-banner" tabindex="-1" autofocus' in page.text


def test_lister_les_comptes_counts_rows_and_accounts_like_the_counter(client, head, family):
    client.force_login(head)
    url = reverse("administration:representatives_list", args=[UAI])
    page = client.post(url, {"select_all": "1", "q": "sabrier"}).text
    assert "<strong>4 lignes sélectionnées — 2 comptes</strong> :" in page
    assert "Pour éditer la liste des 2 comptes sélectionnés" in page
    students = client.post(reverse("administration:students_list", args=[UAI]), {"select_all": "1"}).text
    assert 'id="selection-summary"' not in students  # one row, one account: the legend says it


def test_a_ticked_pupil_who_has_left_the_school_since_is_left_out_and_said(client, establishment, head, caplog):
    """The tab keeps a selection while the person works; a SIECLE import may deactivate a pupil
    meanwhile: the others are acted on, the confirmation says one line is no longer in the list."""
    staying, leaving = (_student(establishment, name, informed=True) for name in ("ALPHA", "BRAVO"))
    leaving.student.is_active = False
    leaving.student.save(update_fields=["is_active"])
    client.force_login(head)
    url = reverse("troubleshooting:bulk_reset", args=[UAI])
    with caplog.at_level("INFO", logger="accounts.lists.bulk"):
        response = client.post(url, {"selection_ids": f"{staying.pk},{leaving.pk}"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 compte sélectionné" in page
    assert "1 ligne sélectionnée ne figure plus dans la liste" in page
    assert "elle ne sera pas traitée" in page
    assert "1 ticked row(s) no longer in the students list, left out" in caplog.text
    before = {a.pk: a.provisional_password_encrypted for a in (staying, leaving)}
    done = client.post(url, {"selection_ids": f"{staying.pk},{leaving.pk}", "confirm": "1"})
    assert done.status_code == 200
    staying.refresh_from_db()
    leaving.refresh_from_db()
    assert staying.provisional_password_encrypted != before[staying.pk]
    assert leaving.provisional_password_encrypted == before[leaving.pk]
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED).exists()


def test_a_selection_whose_every_line_has_left_goes_back_to_the_list_saying_why(client, establishment, head):
    gone = _student(establishment, "BRAVO", informed=True)
    gone.student.is_active = False
    gone.student.save(update_fields=["is_active"])
    client.force_login(head)
    response = client.post(
        reverse("troubleshooting:list_accounts", args=[UAI]), {"selection_ids": gone.pk}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("troubleshooting:students", args=[UAI]))
    assert "Les lignes sélectionnées ne figurent plus dans la liste" in response.content.decode()


def test_a_left_representative_line_is_left_out_of_the_notification(client, establishment, head, family):
    """A representative's row (pupil, representative) whose pupil has left: out, the rest notified."""
    client.force_login(head)
    rows = client.get(ADMIN_REPS, {"q": "sabrier"}).json()["rows"]
    packed = ",".join(str(row) for row, _account in rows)
    left = Responsibility.objects.get(pk=rows[0][0]).student
    left.is_active = False
    left.save(update_fields=["is_active"])
    page = client.post(reverse("administration:representatives_notify", args=[UAI]), {"selection_ids": packed})
    assert page.status_code == 200
    assert "ne figure" in page.content.decode() and 'id="selection-gone"' in page.content.decode()


def test_another_establishment_s_row_in_a_selection_is_still_404_and_journaled(
    client, establishment, other_establishment, head
):
    ours = _student(establishment, "ALPHA", informed=True)
    theirs = _student(other_establishment, "ALPHA", informed=True)
    theirs.student.is_active = False
    theirs.student.save(update_fields=["is_active"])
    client.force_login(head)
    response = client.post(
        reverse("troubleshooting:bulk_reset", args=[UAI]), {"selection_ids": f"{ours.pk},{theirs.pk}"}
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED).count() == 1
