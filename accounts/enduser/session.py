"""The end-user session: its own keys, never django.contrib.auth.

A signed-in student or parent is `educonnect_account_id` + `educonnect_session_version` in the
session. Every request reloads the account and compares the version: a staff reset bumps it and
ends the session at once. A session holding a staff login is never an end-user session (signing
in on this side flushes the whole session first).

Every signed-in view goes through `enduser_required`: while the first sign-in is not finished
(provisional password to replace, e-mail and birth date to give), it sends the user to that step.
"""

from functools import wraps

from django.contrib.auth import SESSION_KEY as STAFF_SESSION_KEY
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Account, AccountState
from educonnect.http import no_store

ACCOUNT_KEY = "educonnect_account_id"
VERSION_KEY = "educonnect_session_version"
NEXT_KEY = "educonnect_next"  # where to go once signed in (a school service's sign-in, /o/authorize/)


def sign_in(request, account: Account) -> None:
    """Start a fresh end-user session (new key: no fixation, and no staff login carried over)."""
    request.session.flush()
    request.session[ACCOUNT_KEY] = account.pk
    request.session[VERSION_KEY] = account.session_version


def refresh_version(request, account: Account) -> None:
    """After the user changed their own password (which ends their other sessions), keep this one."""
    request.session.cycle_key()
    request.session[VERSION_KEY] = account.session_version


def sign_out(request) -> None:
    request.session.flush()


def current_account(request) -> Account | None:
    """The signed-in account, or None (and the stale session is ended)."""
    if hasattr(request, "_enduser_account"):
        return request._enduser_account
    account = None
    account_id = request.session.get(ACCOUNT_KEY)
    if account_id is not None:
        if STAFF_SESSION_KEY in request.session:  # a staff login came later: drop only our keys
            for key in (ACCOUNT_KEY, VERSION_KEY):
                request.session.pop(key, None)
        else:
            account = Account.objects.select_related("establishment").filter(pk=account_id).first()
            if account is None or account.session_version != request.session.get(VERSION_KEY):
                sign_out(request)
                account = None
    request._enduser_account = account
    return account


def safe_next(request, url: str | None) -> str | None:
    """`url` when it is a path on this site (a `next` parameter never sends anyone elsewhere)."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    ):
        return url
    return None


def remember_next(request, url: str | None) -> None:
    """Keep where to go after the sign-in and its first steps (kept across session.sign_in)."""
    url = safe_next(request, url)
    if url:
        request.session[NEXT_KEY] = url


def pop_next(request) -> str | None:
    return request.session.pop(NEXT_KEY, None)


def needs_new_password(account: Account) -> bool:
    return account.has_provisional_password


def needs_activation(account: Account) -> bool:
    return account.state in (AccountState.NOT_INFORMED, AccountState.INFORMED)


def pending_step(account: Account) -> str | None:
    """URL name of the first sign-in step still to do, or None."""
    if needs_new_password(account):
        return "enduser:first_password"
    if needs_activation(account):
        return "enduser:first_activation"
    return None


def enduser_required(view=None, *, step: str | None = None):
    """Signed-in end users only; `step` names the first sign-in step the view *is* (reachable
    while pending), every other view redirects to the pending step."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            account = current_account(request)
            if account is None:
                return redirect("enduser:login")
            pending = pending_step(account)
            if pending != step:
                return redirect(pending or "enduser:home")
            request.enduser = account
            response = func(request, *args, **kwargs)
            return no_store(response)

        return wrapper

    return decorator(view) if view is not None else decorator
