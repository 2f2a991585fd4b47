"""Reads of the administration module, scoped to one establishment."""

from educonnect.collation import french

from ..models import Account, AccountKind, LegalRepresentative, Responsibility, Student


def linked_students(representative: LegalRepresentative) -> list[Responsibility]:
    """« Élèves liés au compte »: the active students of the establishment this person is a legal
    representative of, ordered by class then name."""
    return list(
        Responsibility.objects.filter(
            representative=representative, level=Responsibility.Level.LEGAL, student__is_active=True
        )
        .select_related("student__division", "student__mef", "student__account")
        .order_by("student__division__code", french("student__last_name"), french("student__first_name"), "student_id")
    )


def linked_representatives(student: Student) -> list[Responsibility]:
    """« Représentants légaux liés au compte », with their accounts."""
    return list(
        Responsibility.objects.filter(student=student, level=Responsibility.Level.LEGAL)
        .select_related("representative__account")
        .order_by(
            "rank", french("representative__last_name"), french("representative__first_name"), "representative_id"
        )
    )


def data_sources(account: Account) -> list[dict[str, str]]:
    """« Sources de données »: where the account's data comes from (Académie, Identifiant AAF,
    Identifiant ONDE / SIECLE). Accounts of this product all come from SIECLE; no AAF identifier
    is known to it."""
    establishment = account.establishment
    owner = account.owner
    siecle_id = owner.eleve_id if account.kind == AccountKind.STUDENT else owner.personne_id
    academie = str(establishment.academie) if establishment.academie_id else "Non renseignée"
    return [{"source": "Source SIECLE", "academie": academie, "aaf": "", "siecle": siecle_id}]
