"""Import SIECLE in the browser (issue 15 item 8): the operator and the head of a private
establishment upload, read the dry run, confirm; the import runs as a background task through the
command's code path; everyone else gets 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.models import SiecleImport, Student
from delegations.models import Assignment, Establishment
from educonnect.models import AuditAction, AuditEvent
from tests.accounts.siecle_support import copy_fixture, edit, fixture_files, run_json, snapshot
from tests.factories import AssignmentFactory, EstablishmentFactory, UserFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks_on_intranet(settings):
    settings.TASKS = IMMEDIATE
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]  # no second factor asked (tested below)


@pytest.fixture
def private_school(db):
    return EstablishmentFactory(uai="0380111P", name="COLLEGE PRIVE SAINT-JOSEPH", sector=Establishment.Sector.PRIVATE)


@pytest.fixture
def private_head(private_school):
    user = UserFactory(username="chef.prive", first_name="Anne", last_name="PRIVEE")
    AssignmentFactory(user=user, establishment=private_school, function=Assignment.Function.DIR, title="Directrice")
    return user


@pytest.fixture
def operator(db):
    return UserFactory(username="operateur", is_superuser=True, is_staff=True)


def uploads(paths):
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]


def upload(client, url, paths, capture, **data):
    with capture(execute=True):
        response = client.post(url, {"files": uploads(paths), **data})
    assert response.status_code == 302, response.content.decode()[:500]
    return SiecleImport.objects.get(public_id=response.url.split("/")[-2])


def test_private_head_uploads_checks_then_imports(
    client, private_head, private_school, django_capture_on_commit_callbacks
):
    client.force_login(private_head)
    before = snapshot()

    record = upload(client, "/import-siecle/0380111P/", fixture_files("new"), django_capture_on_commit_callbacks)

    assert record.status == SiecleImport.Status.CHECKED and record.source == "web"
    assert record.report["dry_run"] is True and record.report["students"]["created"] == 8
    assert {k: v for k, v in snapshot().items() if k != "AuditEvent"} == {
        k: v for k, v in before.items() if k != "AuditEvent"
    }  # the dry run wrote nothing
    page = client.get(f"/import-siecle/rapport/{record.public_id}/")
    assert "Vérification terminée : rien n'a encore été modifié" in page.text and "Importer" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/import-siecle/rapport/{record.public_id}/importer/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == SiecleImport.Status.DONE and record.report["dry_run"] is False
    assert Student.objects.filter(establishment=private_school).count() == 8
    event = AuditEvent.objects.get(action=AuditAction.SIECLE_IMPORTED)
    assert (event.actor, event.establishment) == (private_head, private_school)
    page = client.get(f"/import-siecle/rapport/{record.public_id}/")
    assert "Import terminé" in page.text
    assert "Aucune anomalie signalée lors de cet import." in page.text


def test_files_are_deleted_once_imported(client, private_head, settings, django_capture_on_commit_callbacks):
    client.force_login(private_head)
    record = upload(client, "/import-siecle/0380111P/", fixture_files("new"), django_capture_on_commit_callbacks)
    folder = settings.MEDIA_ROOT / record.upload_dir
    assert len(list(folder.iterdir())) == 4
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/import-siecle/rapport/{record.public_id}/importer/")
    assert not folder.exists()


def test_a_second_confirmation_is_told_it_is_done(client, private_head, django_capture_on_commit_callbacks):
    client.force_login(private_head)
    record = upload(client, "/import-siecle/0380111P/", fixture_files("new"), django_capture_on_commit_callbacks)
    url = f"/import-siecle/rapport/{record.public_id}/importer/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, follow=True)
    assert "Cet import a déjà été traité (importé)." in page.text
    assert AuditEvent.objects.filter(action=AuditAction.SIECLE_IMPORTED).count() == 1


def test_operator_imports_a_new_establishment_from_the_files_uaj(client, operator, django_capture_on_commit_callbacks):
    client.force_login(operator)
    record = upload(client, "/import-siecle/", fixture_files("old"), django_capture_on_commit_callbacks)
    assert (record.status, record.uai, record.establishment) == ("checked", "0450750W", None)
    assert record.report["establishment_created"] is True
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/import-siecle/rapport/{record.public_id}/importer/")
    record.refresh_from_db()
    assert record.status == "done" and record.establishment.uai == "0450750W"
    listing = client.get("/import-siecle/")
    assert "0450750W" in listing.text and "Importé" in listing.text


def test_refused_files_are_reported_and_nothing_is_written(
    client, operator, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"], '<ELEVE ELEVE_ID="1003" ELENOET="5103">', '<ELEVE ELEVE_ID="1002" ELENOET="5103">'
    )
    record = upload(client, "/import-siecle/", files.values(), django_capture_on_commit_callbacks)
    assert record.status == SiecleImport.Status.REFUSED
    page = client.get(f"/import-siecle/rapport/{record.public_id}/")
    assert "Import refusé : aucune donnée n'a été modifiée" in page.text
    assert "élève ELEVE_ID=1002 (Léo SABRIER) : champ ELEVE_ID : identifiant présent deux fois" in page.text
    assert not Student.objects.exists()


def test_guards_need_an_explicit_confirmation(client, operator, tmp_path, django_capture_on_commit_callbacks):
    run_json(*fixture_files("new"))
    client.force_login(operator)
    files = copy_fixture(tmp_path)
    edit(
        files["ElevesSansAdresses"],
        "<TYPE_STRUCTURE>D</TYPE_STRUCTURE>",
        "<TYPE_STRUCTURE>G</TYPE_STRUCTURE>",
        count=-1,
    )
    record = upload(client, "/import-siecle/", files.values(), django_capture_on_commit_callbacks)
    page = client.get(f"/import-siecle/rapport/{record.public_id}/")
    assert "5 élèves actifs sur 5 (100 %) seraient marqués sortis" in page.text
    assert "Importer malgré ces avertissements" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(f"/import-siecle/rapport/{record.public_id}/importer/", follow=True)
    assert "Cochez « Importer malgré ces avertissements »" in refused.text
    assert Student.objects.filter(is_active=True).count() == 5

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/import-siecle/rapport/{record.public_id}/importer/", {"force": "on"})
    record.refresh_from_db()
    assert (record.status, record.forced) == ("done", True)
    assert not Student.objects.filter(is_active=True).exists()


def test_cancel_deletes_the_files(client, private_head, settings, django_capture_on_commit_callbacks):
    client.force_login(private_head)
    record = upload(client, "/import-siecle/0380111P/", fixture_files("new"), django_capture_on_commit_callbacks)
    page = client.post(f"/import-siecle/rapport/{record.public_id}/annuler/", follow=True)
    assert "Import annulé : les fichiers déposés ont été supprimés." in page.text
    assert not (settings.MEDIA_ROOT / record.upload_dir).exists()
    record.refresh_from_db()
    assert record.status == "cancelled"


def test_oversized_file_is_refused_on_the_form(client, private_head, settings):
    settings.EDUCONNECT_SIECLE_MAX_BYTES = 1000
    client.force_login(private_head)
    response = client.post("/import-siecle/0380111P/", {"files": uploads(fixture_files("new"))})
    assert response.status_code == 422
    assert "« ElevesSansAdresses.xml » est trop volumineux" in response.text
    assert not SiecleImport.objects.exists()


def test_no_file_is_refused_on_the_form(client, private_head):
    client.force_login(private_head)
    response = client.post("/import-siecle/0380111P/", {})
    assert response.status_code == 422 and "Choisissez les fichiers exportés de SIECLE." in response.text


@pytest.mark.parametrize("who", ["head", "delegate_admin", "stranger_from_other_establishment", "staff"])
def test_anyone_else_gets_404(client, request, who, establishment, private_head, django_capture_on_commit_callbacks):
    """The head of a public establishment (national feed), its delegates, strangers: 404, audited."""
    client.force_login(private_head)
    record = upload(client, "/import-siecle/0380111P/", fixture_files("new"), django_capture_on_commit_callbacks)
    client.logout()
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in ("/import-siecle/", "/import-siecle/0380111P/", f"/import-siecle/rapport/{record.public_id}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/import-siecle/rapport/{record.public_id}/importer/").status_code == 404
    refusals = AuditEvent.objects.filter(action=AuditAction.ACCESS_REFUSED, actor=user)
    assert refusals.count() == 4 and all(e.details.get("path") for e in refusals)
    record.refresh_from_db()
    assert record.status == "checked"


@pytest.fixture
def establishment(db):
    """The public collège of the personas, under another UAI than the private school."""
    return EstablishmentFactory(uai="0450750W", name="CLG PUBLIC")


def test_public_head_cannot_upload_for_their_own_establishment(client, head, establishment):
    client.force_login(head)
    assert client.get(f"/import-siecle/{establishment.uai}/").status_code == 404
    assert (
        client.post(f"/import-siecle/{establishment.uai}/", {"files": uploads(fixture_files("old"))}).status_code == 404
    )
    assert not SiecleImport.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, private_school):
    response = client.get("/import-siecle/0380111P/")
    assert response.status_code == 302 and "/connexion/" in response.url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_worker_runs_the_check_and_the_import(client, private_head, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(private_head)
    response = client.post("/import-siecle/0380111P/", {"files": uploads(fixture_files("new"))})
    record = SiecleImport.objects.get(public_id=response.url.split("/")[-2])
    assert record.status == "checking"
    assert "Vérification en cours" in client.get(response.url).text
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    record.refresh_from_db()
    assert record.status == "checked"
    client.post(reverse("siecle_import:confirm", kwargs={"public_id": record.public_id}))
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    record.refresh_from_db()
    assert record.status == "done" and Student.objects.count() == 8


def test_from_the_extranet_the_second_factor_is_asked_first(client, private_head, settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = []
    client.force_login(private_head)
    response = client.get("/import-siecle/0380111P/")
    assert response.status_code == 403
    assert "Votre clé OTP n'est pas encore activée" in response.content.decode()
    response = client.post("/import-siecle/0380111P/", {"files": uploads(fixture_files("new"))})
    assert response.status_code == 403 and not SiecleImport.objects.exists()


def test_the_progress_poll_answers_the_status_fragment(client, private_head, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # nothing runs
    client.force_login(private_head)
    response = client.post("/import-siecle/0380111P/", {"files": uploads(fixture_files("new"))})
    fragment = client.get(response.url, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert text.lstrip().startswith('<div id="import-status"') and "<html" not in text
    assert 'hx-trigger="every 2s"' in text and "Vérification en cours" in text
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]


def test_unconfirmed_uploads_expire_and_their_files_are_deleted(
    client, private_head, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from accounts.siecle_web.services import purge_stale_uploads

    client.force_login(private_head)
    record = upload(client, "/import-siecle/0380111P/", fixture_files("new"), django_capture_on_commit_callbacks)
    assert purge_stale_uploads() == 0
    assert purge_stale_uploads(now=timezone.now() + datetime.timedelta(hours=25)) == 1
    record.refresh_from_db()
    assert record.status == "cancelled" and not (settings.MEDIA_ROOT / record.upload_dir).exists()


def test_a_crash_during_the_import_leaves_nothing_half_written(
    client, private_head, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from accounts.siecle import importer

    client.force_login(private_head)
    record = upload(client, "/import-siecle/0380111P/", fixture_files("new"), django_capture_on_commit_callbacks)

    def crash(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(importer, "sync_links", crash)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/import-siecle/rapport/{record.public_id}/importer/")
    record.refresh_from_db()
    assert record.status == "failed" and not Student.objects.exists()
    assert not (settings.MEDIA_ROOT / record.upload_dir).exists()
    page = client.get(f"/import-siecle/rapport/{record.public_id}/")
    assert "L'import a échoué : rien n'a été modifié. Contactez l'assistance." in page.text


def test_more_than_ten_files_are_refused_on_the_form(client, private_head):
    client.force_login(private_head)
    files = uploads(fixture_files("new") * 3)
    response = client.post("/import-siecle/0380111P/", {"files": files})
    assert response.status_code == 422 and "12 fichiers : 10 au plus." in response.text
