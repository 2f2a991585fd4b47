"""Letters C02/C04/C06 as e-mails (HTML + text), sent through Django's mailer after commit."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string

from .letters.content import Letter, LetterHead


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


def message_id(key) -> str:
    """Stable per notification item: a resend after a crash carries the same Message-ID."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "educonnect.invalid"
    return f"<notification-{key}@{domain}>"


def build_email(head: LetterHead, letter: Letter, *, to: str, key) -> EmailMultiAlternatives:
    context = {"head": head, "letter": letter}
    message = EmailMultiAlternatives(
        subject=subject(head),
        body=render_to_string("emails/notification.txt", context),
        to=[to],
        headers={"Message-ID": message_id(key), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    return message


def send_emails(messages: list[EmailMultiAlternatives]) -> int:
    if not messages:
        return 0
    return mailers.default.send_messages(messages) or 0
