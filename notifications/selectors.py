"""Reads of the notifications app, scoped to an establishment."""

from django.db.models import Prefetch
from django.http import Http404

from accounts.models import Account, Student
from accounts.parameters import active_addresses
from delegations.permissions import refuse
from educonnect.http import id_or_404

from .models import NotificationJob

__all__ = ["accounts_by_ids", "accounts_for_letters", "active_addresses", "job_of", "jobs_of"]


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


def jobs_of(establishment):
    """The establishment's notification jobs, newest first, with who launched them (« Envois »)."""
    return (
        NotificationJob.objects.filter(establishment=establishment)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
    )


def job_of(request, establishment, public_id) -> NotificationJob:
    """A notification job of the establishment (any of its administrators follows it); anything else
    — another establishment's job, a made-up id — is 404 and an ACCESS_REFUSED audit row."""
    job = jobs_of(establishment).select_related("establishment").filter(public_id=public_id).first()
    if job is None:
        raise refuse(request.user, reason="notification_job", establishment=establishment, request=request)
    return job
