"""Reads of the notifications app, scoped to an establishment."""

from django.db.models import Prefetch
from django.http import Http404

from accounts.models import Account, Student
from accounts.parameters import active_addresses
from educonnect.http import id_or_404

from .models import NotificationJob

__all__ = ["accounts_by_ids", "accounts_for_letters", "active_addresses", "job_for_requester"]


def accounts_for_letters(establishment):
    """Accounts of the establishment with what their letters print (one query per relation)."""
    children = Student.objects.select_related("division")
    return (
        Account.objects.filter(establishment=establishment)
        .select_related("student__division", "representative")
        .prefetch_related(Prefetch("representative__students", queryset=children))
    )


def accounts_by_ids(establishment, ids) -> list[Account]:
    """The accounts `ids` of the establishment; 404 if any of them is not one of its accounts."""
    wanted = {id_or_404(i) for i in ids}
    accounts = list(accounts_for_letters(establishment).filter(pk__in=wanted))
    if not wanted or len(accounts) != len(wanted):
        raise Http404("Compte introuvable")
    return accounts


def job_for_requester(user, establishment, public_id) -> NotificationJob:
    """A notification job: only its requester sees it (404 for anyone else)."""
    try:
        return NotificationJob.objects.get(public_id=public_id, establishment=establishment, requested_by=user)
    except (NotificationJob.DoesNotExist, ValueError):
        raise Http404("Notification introuvable") from None
