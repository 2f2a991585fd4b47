"""Letters C02/C04/C06 as e-mails (HTML + text), kept in the outbox (`educonnect.mail`) in the
transaction of the notification and sent by the task worker after it commits.

An e-mail never carries a provisional password (the address has not been confirmed, and mail is
read and kept in many places): C02 and C06 give the identifier and a single-use, expiring link to
choose a password (`accounts.enduser.recovery.choose_password_url`); the printed sheets C01/C03/C05
keep the provisional password.
"""

import dataclasses

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from accounts.enduser.recovery import WELCOME_LINK_VALIDITY_DAYS, choose_password_url
from educonnect import mail

from .letters.content import Letter, LetterHead

KIND = "notification"


def subject(head: LetterHead) -> str:
    """Subjects of the guide (Annexe 1), the student's one from the seed's letter."""
    if head.code == "C06":
        return "Services en ligne de l'éducation nationale - demande de changement de mot de passe"
    if head.for_students:
        return "Mise à disposition de votre compte Éducation nationale ÉduConnect"
    return "Mise à disposition de services en ligne pour suivre la scolarité de votre enfant"


def recipient_address(account) -> str:
    """The account's address, else the one SIECLE gave for its owner; "" when there is none."""
    return account.email or getattr(account.owner, "email", "") or ""


def build_email(head: LetterHead, letter: Letter, *, to: str, link: str) -> EmailMultiAlternatives:
    """The e-mail of one letter. `letter.password` is dropped here, whatever the caller passed."""
    context = {
        "head": head,
        "letter": dataclasses.replace(letter, password=""),
        "link": link if head.with_password else "",
        "link_validity_days": WELCOME_LINK_VALIDITY_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=subject(head),
        body=render_to_string("emails/notification.txt", context),
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    return message


def queue_letter_email(account, head: LetterHead, letter: Letter, *, establishment) -> None:
    """Keep the e-mail of `letter` in the outbox. Call it inside the notification's transaction, after
    the account's fields are set: the link is computed from the account as it will be committed."""
    link = choose_password_url(account) if head.with_password else ""
    message = build_email(head, letter, to=recipient_address(account), link=link)
    mail.queue(message, kind=KIND, establishment=establishment)
