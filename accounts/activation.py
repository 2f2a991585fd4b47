"""The C07 activation e-mail (« Validation de l'adresse mail ») and its signed link.

The link carries a TimestampSigner token whose payload pins (as an HMAC) the account's state,
address and confirmation flag: once the address is confirmed (state « Activé »), or once the address changes,
the same link no longer matches and is refused as used. It is valid 7 days.

Used by the end-user first sign-in, by the end-user e-mail change, and by the administration
module's « Renvoyer un mail d'activation » (`account_send_activation_email`).
"""

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from educonnect import audit, mail
from educonnect.models import AuditAction

from . import matrix
from .models import Account, AccountState
from .parameters import account_service_addresses, sign_in_url

SALT = "accounts.activation.email-link"
LINK_VALIDITY_DAYS = 7
SUBJECT_ACTIVATION = "Services en ligne de l'éducation nationale - activation du compte"
SUBJECT_CONFIRMATION = "Services en ligne de l'éducation nationale - confirmation de votre adresse mail"


class ActivationError(Exception):
    """The action is not allowed for this account (the message is French, for the screen)."""


class LinkProblem(enum.StrEnum):
    INVALID = "invalide"  # altered, truncated, signed with another key
    EXPIRED = "expire"
    USED = "utilise"  # already confirmed, or superseded by another address or state


@dataclass(frozen=True)
class LinkCheck:
    account: Account | None
    problem: LinkProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def _fingerprint(account: Account) -> dict:
    """The account, and an HMAC of its state, address and confirmation (no address in the URL)."""
    value = f"{account.pk}|{account.state}|{account.email.lower()}|{account.email_confirmed}"
    return {"a": account.pk, "f": salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:32]}


def make_token(account: Account) -> str:
    return _signer().sign_object(_fingerprint(account))


def activation_url(account: Account) -> str:
    path = reverse("enduser:activate", kwargs={"token": make_token(account)})
    return settings.EDUCONNECT_SITE_URL.rstrip("/") + path


def check_token(token: str) -> LinkCheck:
    """Read a link: the account it names, and what is wrong with it if anything."""
    signer = _signer()
    try:
        payload = signer.unsign_object(token, max_age=LINK_VALIDITY_DAYS * 86400)
    except signing.SignatureExpired:
        try:  # expired but authentic: name the account so that a resend can be offered
            payload = signer.unsign_object(token)
        except signing.BadSignature:
            return LinkCheck(None, LinkProblem.INVALID)
        return LinkCheck(_account_of(payload), LinkProblem.EXPIRED)
    except signing.BadSignature:
        return LinkCheck(None, LinkProblem.INVALID)
    account = _account_of(payload)
    if account is None:
        return LinkCheck(None, LinkProblem.INVALID)
    if not constant_time_compare(str(payload.get("f", "")), _fingerprint(account)["f"]) or account.email_confirmed:
        return LinkCheck(account, LinkProblem.USED)
    return LinkCheck(account, None)


def _account_of(payload) -> Account | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return None
    return Account.objects.filter(pk=payload["a"]).select_related("establishment").first()


def build_activation_email(account: Account) -> EmailMultiAlternatives:
    """C07 (or, for an account already activated, the address confirmation) to account.email."""
    purpose = "activation" if account.state != AccountState.ACTIVATED else "confirmation"
    context = {
        "account": account,
        "identifier": account.identifier,
        "link": activation_url(account),
        "purpose": purpose,
        "validity_days": LINK_VALIDITY_DAYS,
        "establishment": account.establishment,
        "site_url": sign_in_url(),
        "services": account_service_addresses(account),
    }
    message = EmailMultiAlternatives(
        subject=SUBJECT_ACTIVATION if purpose == "activation" else SUBJECT_CONFIRMATION,
        body=render_to_string("emails/activation.txt", context),
        to=[account.email],
    )
    message.attach_alternative(render_to_string("emails/activation.html", context), "text/html")
    return message


def send_activation_email(account: Account) -> None:
    """Put C07 in the outbox (educonnect.mail): call it inside the transaction that changed the
    account, after its fields are set — the link pins the state and address being committed. It
    leaves after the commit, from the task worker."""
    mail.queue(build_activation_email(account), kind="activation", establishment=account.establishment)


def schedule_activation_email(account: Account) -> None:
    """C07 to an address not confirmed yet (nothing when there is none, or it is confirmed)."""
    if account.email and not account.email_confirmed:
        send_activation_email(account)


@transaction.atomic
def account_send_activation_email(*, actor=None, account: Account, email: str | None = None, request=None) -> Account:
    """« Renvoyer un mail d'activation »: only for an account « En cours d'activation »; `email`, when
    given and different, corrects the address first (which invalidates the previous link)."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    allowed, reason = matrix.can_resend_activation_email(account)
    if not allowed:
        raise ActivationError(reason)
    details = {}
    if email is not None and email.strip() and email.strip().lower() != account.email.lower():
        details["email_corrected"] = True
        account.email = email.strip()
        account.email_confirmed = False
        account.updated_at = timezone.now()
        account.save(update_fields=["email", "email_confirmed", "updated_at"])
    if not account.email:
        raise ActivationError("Ce compte n'a pas d'adresse mail : indiquez-en une.")
    audit.record(
        action=AuditAction.ACTIVATION_MAIL_SENT,
        actor=actor,
        actor_label="" if actor is not None else account.identifier,
        establishment=account.establishment,
        target=account,
        request=request,
        details=details,
    )
    schedule_activation_email(account)
    return account
