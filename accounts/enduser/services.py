"""Writes of the end-user side: sign-in records, first sign-in, e-mail confirmation, recovery.

Each service is keyword-only and atomic, writes its audit row in the same transaction and puts its
mail in the outbox (educonnect.mail), which sends it after the commit from the task worker.
Passwords never reach the journal.

« Mot de passe oublié » and « Identifiant oublié » do no work in the request that could depend on
whether the account exists: the view hands the request to a task (`recovery_request_enqueue`), which
looks the account up, journals and mails. Known and unknown identifiers cost the same in the request.
"""

import datetime
import enum
import logging
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import activation
from accounts.models import Account, AccountState
from accounts.parameters import sign_in_url
from educonnect import audit, mail
from educonnect.models import AuditAction
from educonnect.network import client_ip

from . import recovery
from .credentials import normalise_identifier
from .selectors import accounts_with_confirmed_email, birth_date_subject

logger = logging.getLogger(__name__)

BIRTH_DATE_MAX_FAILURES = 3
BIRTH_DATE_LOCK = datetime.timedelta(minutes=15)


class FirstSignInOutcome(enum.StrEnum):
    STARTED = "started"
    WRONG_BIRTH_DATE = "wrong"
    LOCKED = "locked"
    NO_BIRTH_DATE = "no_birth_date"


def _record(action, account: Account | None, request, **details) -> None:
    audit.record(
        action=action,
        actor_label=account.identifier if account is not None else "usager inconnu",
        establishment=account.establishment if account is not None else None,
        target=account,
        request=request,
        details=details,
    )


def _locked(account: Account) -> Account:
    return Account.objects.select_for_update().select_related("establishment").get(pk=account.pk)


@transaction.atomic
def account_sign_in(*, account: Account, with_provisional: bool, request=None) -> Account:
    account = _locked(account)
    account.last_login_at = timezone.now()
    account.save(update_fields=["last_login_at"])
    _record(AuditAction.ACCOUNT_LOGIN, account, request, provisional=with_provisional)
    return account


@transaction.atomic
def account_record_failed_sign_in(*, identifier: str, request=None) -> None:
    """Journal a refused sign-in against the account when the identifier names one. What was typed
    is not kept otherwise: it may be a password typed in the wrong field."""
    account = Account.objects.filter(identifier=normalise_identifier(identifier)).first()
    _record(AuditAction.ACCOUNT_LOGIN_FAILED, account, request)


@transaction.atomic
def account_record_sign_out(*, account: Account, request=None) -> None:
    _record(AuditAction.ACCOUNT_LOGOUT, account, request)


def _set_password(account: Account, password: str, now) -> None:
    account.password_hash = make_password(password)
    account.provisional_password_encrypted = ""
    account.provisional_password_expires_at = None
    account.reset_requested = False
    account.session_version += 1  # ends the user's other sessions
    account.updated_at = now


PASSWORD_FIELDS = [
    "password_hash",
    "provisional_password_encrypted",
    "provisional_password_expires_at",
    "reset_requested",
    "session_version",
    "updated_at",
]


@transaction.atomic
def account_choose_password(*, account: Account, password: str, via: str, request=None) -> Account:
    """The user sets their own password (first sign-in, signed-in space): stored as Argon2, the
    provisional password forgotten. The caller keeps its session with session.refresh_version."""
    account = _locked(account)
    _set_password(account, password, timezone.now())
    account.save(update_fields=PASSWORD_FIELDS)
    _record(AuditAction.ACCOUNT_PASSWORD_CHANGED, account, request, via=via)
    return account


@transaction.atomic
def account_complete_first_sign_in(
    *, account: Account, email: str, birth_date: datetime.date, request=None
) -> tuple[FirstSignInOutcome, Account]:
    """Check the birth date (3 wrong answers lock the step 15 minutes), then record the address and
    move the account to « En cours d'activation »; C07 leaves after commit."""
    account = _locked(account)
    now = timezone.now()
    if account.birth_date_locked_until and account.birth_date_locked_until > now:
        return FirstSignInOutcome.LOCKED, account
    subject = birth_date_subject(account)
    if subject is None:
        return FirstSignInOutcome.NO_BIRTH_DATE, account
    if birth_date != subject.birth_date:
        account.birth_date_failures += 1
        outcome = FirstSignInOutcome.WRONG_BIRTH_DATE
        if account.birth_date_failures >= BIRTH_DATE_MAX_FAILURES:
            account.birth_date_failures = 0
            account.birth_date_locked_until = now + BIRTH_DATE_LOCK
            outcome = FirstSignInOutcome.LOCKED
        account.save(update_fields=["birth_date_failures", "birth_date_locked_until"])
        _record(AuditAction.ACCOUNT_BIRTH_DATE_FAILED, account, request, locked=outcome == FirstSignInOutcome.LOCKED)
        return outcome, account
    account.email = email.strip()
    account.email_confirmed = False
    account.state = AccountState.ACTIVATING
    account.activation_started_at = now
    account.birth_date_failures = 0
    account.birth_date_locked_until = None
    account.updated_at = now
    account.save(
        update_fields=[
            "email",
            "email_confirmed",
            "state",
            "activation_started_at",
            "birth_date_failures",
            "birth_date_locked_until",
            "updated_at",
        ]
    )
    _record(AuditAction.ACCOUNT_ACTIVATION_STARTED, account, request)
    activation.schedule_activation_email(account)
    return FirstSignInOutcome.STARTED, account


@transaction.atomic
def account_confirm_email(*, token: str, request=None) -> activation.LinkCheck:
    """Follow a C07 link: the address is confirmed; « En cours d'activation » becomes « Activé »."""
    check = activation.check_token(token)
    if not check.ok:
        return check
    account = _locked(check.account)
    if activation.check_token(token).problem is not None:  # a concurrent click won the race
        return activation.LinkCheck(account, activation.LinkProblem.USED)
    now = timezone.now()
    account.email_confirmed = True
    fields = ["email_confirmed", "updated_at"]
    action = AuditAction.ACCOUNT_EMAIL_CONFIRMED
    if account.state == AccountState.ACTIVATING:
        account.state = AccountState.ACTIVATED
        account.activated_at = now
        fields += ["state", "activated_at"]
        action = AuditAction.ACCOUNT_ACTIVATED
    account.updated_at = now
    account.save(update_fields=fields)
    _record(action, account, request)
    return activation.LinkCheck(account, None)


@transaction.atomic
def account_change_email(*, account: Account, email: str, request=None) -> Account:
    """A new address is unconfirmed until its link is followed (a confirmation e-mail leaves). The
    view has checked the current password. The previous address, when it was confirmed, is told of
    the change and of how to react."""
    account = _locked(account)
    previous, previous_confirmed = account.email, account.email_confirmed
    account.email = email.strip()
    account.email_confirmed = False
    account.updated_at = timezone.now()
    account.save(update_fields=["email", "email_confirmed", "updated_at"])
    _record(AuditAction.ACCOUNT_EMAIL_CHANGED, account, request, previous_told=bool(previous and previous_confirmed))
    activation.schedule_activation_email(account)
    if previous and previous_confirmed and previous.lower() != account.email.lower():
        _queue(
            "email_changed",
            "Services en ligne de l'éducation nationale - changement de votre adresse mail",
            previous,
            {
                "identifier": account.identifier,
                "new_email": mask_email(account.email),
                "changed_at": timezone.localtime(account.updated_at),
                "establishment": account.establishment,
            },
            establishment=account.establishment,
        )
    return account


def mask_email(email: str) -> str:
    """« p***@example.org »: enough for the owner to recognise it, not to hand it out."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


@transaction.atomic
def account_resend_activation_by_user(*, account: Account | None, request=None) -> None:
    """The user asks for C07 again (signed in, or by identifier). Silent when not applicable."""
    if account is None or account.state != AccountState.ACTIVATING or not account.email:
        return
    activation.account_send_activation_email(account=account, request=request)


@dataclass(frozen=True)
class Origin:
    """Where a request came from, for the audit rows a background task writes on its behalf
    (what `audit.record` reads from a request)."""

    ip: str
    path: str = ""
    META: dict = field(default_factory=dict)

    def get_full_path(self) -> str:
        return self.path

    @classmethod
    def of(cls, request) -> "Origin":
        ip = client_ip(request) if request is not None else ""
        return cls(ip=ip, path=getattr(request, "path", ""), META={"REMOTE_ADDR": ip})


def recovery_request_enqueue(*, kind: str, value: str, request=None) -> None:
    """The request's whole work for « Mot de passe oublié » (kind "password": identifier or confirmed
    address) and « Identifiant oublié » (kind "identifier": address): one task enqueued, the same
    for every input. The task looks the accounts up, journals and mails."""
    if kind not in RECOVERY_KINDS:
        raise ValueError(f"unknown recovery kind {kind!r}")
    origin = Origin.of(request)
    process_recovery_request.enqueue(kind, value, origin.ip, origin.path)


@task
def process_recovery_request(kind: str, value: str, ip: str = "", path: str = "") -> None:
    """The worker's side of « Mot de passe oublié » / « Identifiant oublié » (never logs the value)."""
    origin = Origin(ip=ip, path=path, META={"REMOTE_ADDR": ip})
    RECOVERY_KINDS[kind](value, request=origin)
    logger.info("recovery request (%s) processed", kind)


@transaction.atomic
def account_request_password_reset(*, login: str, request=None) -> None:
    """« Mot de passe oublié » by identifier or by confirmed address. Marks the request
    (« Demande de réinitialisation : Oui ») and mails a reset link to a confirmed address."""
    login = (login or "").strip()
    if "@" in login:
        accounts = list(accounts_with_confirmed_email(login))
    else:
        accounts = list(Account.objects.filter(identifier=normalise_identifier(login)).select_related("establishment"))
    for account in accounts:
        account = _locked(account)
        if not account.reset_requested:
            account.reset_requested = True
            account.updated_at = timezone.now()
            account.save(update_fields=["reset_requested", "updated_at"])
        _record(AuditAction.ACCOUNT_RESET_REQUESTED, account, request)
        if account.email and account.email_confirmed:
            _queue(
                "reset",
                "Services en ligne de l'éducation nationale - mot de passe oublié",
                account.email,
                {
                    "identifier": account.identifier,
                    "link": recovery.reset_url(account),
                    "validity_hours": recovery.LINK_VALIDITY_HOURS,
                },
                establishment=account.establishment,
            )


@transaction.atomic
def account_reset_password_with_link(*, token: str, password: str, request=None) -> Account | None:
    """Complete a reset: the link is single-use (its fingerprint changes with the password)."""
    account = recovery.account_for_token(token, queryset=Account.objects.select_for_update())
    if account is None:
        return None
    _set_password(account, password, timezone.now())
    account.save(update_fields=PASSWORD_FIELDS)
    _record(AuditAction.ACCOUNT_PASSWORD_CHANGED, account, request, via="reset_link")
    return account


@transaction.atomic
def account_send_identifier_reminder(*, email: str, request=None) -> None:
    """« Identifiant oublié »: the identifiers attached to this confirmed address, by e-mail."""
    accounts = list(accounts_with_confirmed_email(email))
    for account in accounts:
        _record(AuditAction.ACCOUNT_IDENTIFIER_REMINDED, account, request)
    if accounts:
        _queue(
            "identifier",
            "Services en ligne de l'éducation nationale - identifiant oublié",
            accounts[0].email,
            {"identifiers": sorted(a.identifier for a in accounts)},
            establishment=accounts[0].establishment,
        )


def _queue(template: str, subject: str, to: str, context: dict, *, establishment=None) -> None:
    """Render accounts/enduser/emails/<template>.txt/.html and put the mail in the outbox."""
    context = {**context, "login_url": sign_in_url()}
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"accounts/enduser/emails/{template}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"accounts/enduser/emails/{template}.html", context), "text/html")
    mail.queue(message, kind=template, establishment=establishment)


RECOVERY_KINDS = {
    "password": lambda value, request: account_request_password_reset(login=value, request=request),
    "identifier": lambda value, request: account_send_identifier_reminder(email=value, request=request),
}
