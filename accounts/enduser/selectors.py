"""Reads for the end-user side."""

from django.db.models import QuerySet

from accounts.models import Account, AccountKind, Responsibility, Student


def linked_students(account: Account) -> QuerySet[Student]:
    """The students a legal representative's account is for (active ones), or the student's own."""
    if account.kind == AccountKind.STUDENT:
        return Student.objects.filter(pk=account.student_id).select_related("division")
    return (
        Student.objects.filter(
            responsibilities__representative_id=account.representative_id,
            responsibilities__level=Responsibility.Level.LEGAL,
            is_active=True,
        )
        .select_related("division")
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )


def birth_date_subject(account: Account) -> Student | None:
    """Whose birth date the first sign-in asks: the student's own, or for a parent always the same
    one of their children (the first with a known birth date)."""
    if account.kind == AccountKind.STUDENT:
        student = account.student
        return student if student is not None and student.birth_date else None
    return linked_students(account).filter(birth_date__isnull=False).order_by("pk").first()


def accounts_with_confirmed_email(email: str) -> QuerySet[Account]:
    email = (email or "").strip()
    if not email:
        return Account.objects.none()
    return Account.objects.filter(email__iexact=email, email_confirmed=True).select_related("establishment")
