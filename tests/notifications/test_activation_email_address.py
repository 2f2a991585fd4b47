"""C07 (built by accounts.activation) carries the Paramètres internet address of the account's
audience when it is verified and switched on: the address lives in accounts, read by both the letters
and C07 — no registration hook, no import from accounts up to notifications."""

from django.utils import timezone

from accounts.activation import send_activation_email
from accounts.models import Audience, NotificationAddress
from tests.factories import AccountFactory
from tests.notifications.conftest import deliver_queued


def test_c07_carries_the_active_address_of_its_audience(establishment, django_capture_on_commit_callbacks):
    parent = AccountFactory(for_representative=True, representative__establishment=establishment, activating=True)
    student = AccountFactory(student__establishment=establishment, activating=True)
    NotificationAddress.objects.create(
        establishment=establishment,
        audience=Audience.REPRESENTATIVES,
        url="https://parents.example.org/ent",
        verified_at=timezone.now(),
        is_active=True,
    )
    NotificationAddress.objects.create(
        establishment=establishment, audience=Audience.STUDENTS, url="https://eleves.example.org", is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_activation_email(parent)
        send_activation_email(student)
    to_parent, to_student = deliver_queued()
    assert "https://parents.example.org/ent" in to_parent.body
    assert "https://parents.example.org/ent" in to_parent.alternatives[0].content
    # The students' address is not switched on: not printed.
    assert "eleves.example.org" not in to_student.body
    assert "Vos services en ligne" not in to_student.body
