"""The one mapping from an ÉduConnect account to what a service receives (docs/oidc.md).

OpenID Connect (userinfo and ID token) reads `claims_for`; a SAML front-end would read the same
dictionary and rename its keys with `SAML_ATTRIBUTES` (the attribute names of ÉduConnect's SAML
assertions). Nothing else decides what a service learns about a pupil or a parent.
"""

import hashlib
import hmac

from django.conf import settings

from accounts.models import Account, AccountKind, Responsibility, Sex, Student

# Which scope releases which claim (DOT's `oidc_claim_scope`).
CLAIM_SCOPES = {
    "sub": "openid",
    "given_name": "profile",
    "family_name": "profile",
    "birthdate": "profile",
    "FrEduCtId": "educonnect",
    "civilite": "educonnect",
    "FrEduCtPersonAffiliation": "educonnect",
    "FrEduCtEleveUAI": "educonnect",
    "FrEduCtEleveNiveau": "educonnect",
    "niveau_libelle": "educonnect",
    "classe": "educonnect",
    "enfants": "educonnect",
}

# The same information under ÉduConnect's SAML attribute names (for a SAML front-end).
SAML_ATTRIBUTES = {
    "given_name": "urn:oid:2.5.4.42",
    "family_name": "urn:oid:2.5.4.4",
    "FrEduCtId": "urn:oid:1.3.6.1.4.1.20326.10.999.1.57",
    "FrEduCtPersonAffiliation": "urn:oid:1.3.6.1.4.1.20326.10.999.1.7",
    "FrEduCtEleveUAI": "urn:oid:1.3.6.1.4.1.20326.10.999.1.72",
    "FrEduCtEleveNiveau": "urn:oid:1.3.6.1.4.1.20326.10.999.1.73",
    "birthdate": "urn:oid:1.3.6.1.4.1.20326.10.999.1.67",
    "civilite": "urn:oid:1.3.6.1.4.1.20326.10.999.1.76",
}

# What the consent screen says each scope gives (French, shown to families).
SCOPE_DESCRIPTIONS = {
    "openid": "un identifiant de votre compte, propre à ce service",
    "profile": "vos prénom et nom (et, pour un élève, sa date de naissance)",
    "educonnect": (
        "votre profil (élève ou représentant légal), votre civilité, l'établissement, le niveau et la classe "
        "de l'élève ; pour un représentant légal, la liste de ses enfants avec leur établissement et leur classe"
    ),
}

AFFILIATION_PUPIL = "eleve2d"
AFFILIATION_REPRESENTATIVE = "resp2d"
CIVILITY_OF_SEX = {Sex.MALE: "M.", Sex.FEMALE: "Mme"}


def subject(account_id: int, service_id: int) -> str:
    """Pairwise subject: stable for one account at one service, unlinkable between services,
    never the sign-in identifier (which a reset can change). HMAC-SHA256 keyed with
    EDUCONNECT_OIDC_SUBJECT_SALT: changing that setting changes every subject."""
    message = f"{service_id}:{account_id}".encode()
    return hmac.new(settings.EDUCONNECT_OIDC_SUBJECT_SALT.encode(), message, hashlib.sha256).hexdigest()


# What the claims read beside the account (select_related paths), and the only columns the provider
# reads of them (oidc.permissions, DOT's auth_time, the account version of tokens, the claims).
ACCOUNT_RELATED = ("student__establishment", "student__division", "student__mef", "representative")
ACCOUNT_COLUMNS = (
    "id", "identifier", "kind", "establishment_id", "student_id", "representative_id", "state",
    "provisional_password_encrypted", "session_version", "last_login_at",
    "student__first_name", "student__last_name", "student__birth_date", "student__sex", "student__is_active",
    "student__establishment__uai", "student__division__code",
    "student__mef__code", "student__mef__short_label", "student__mef__label",
    "representative__civility", "representative__first_name", "representative__last_name",
    "representative__is_active",
)  # fmt: skip


def related_loaded(account: Account) -> bool:
    """Whether the account came with its owner (select_related of ACCOUNT_RELATED)."""
    field = "student" if account.kind == AccountKind.STUDENT else "representative"
    return Account._meta.get_field(field).is_cached(account)


def load_account(account_id: int) -> Account:
    """The account with everything the claims read, in one statement."""
    return Account.objects.select_related(*ACCOUNT_RELATED).get(pk=account_id)


def _pupil(student: Student) -> dict:
    return {
        "FrEduCtEleveUAI": student.establishment.uai,
        "FrEduCtEleveNiveau": student.mef.code if student.mef else "",
        "niveau_libelle": (student.mef.short_label or student.mef.label) if student.mef else "",
        "classe": student.division.code if student.division else "",
    }


def _children(account: Account) -> list[dict]:
    """The active pupils the account's owner is legal representative of (one row each: a
    responsibility is unique per pupil and representative)."""
    rows = (
        Responsibility.objects.filter(
            representative_id=account.representative_id, level=Responsibility.Level.LEGAL, student__is_active=True
        )
        .order_by("student__last_name", "student__first_name", "student_id")
        .values_list(
            "student__first_name",
            "student__last_name",
            "student__establishment__uai",
            "student__mef__code",
            "student__mef__short_label",
            "student__mef__label",
            "student__division__code",
        )
    )
    return [
        {
            "given_name": first_name,
            "family_name": last_name,
            "FrEduCtEleveUAI": uai,
            "FrEduCtEleveNiveau": mef_code or "",
            "niveau_libelle": mef_short or mef_label or "",
            "classe": division or "",
        }
        for first_name, last_name, uai, mef_code, mef_short, mef_label, division in rows
    ]


def claims_for(account: Account, *, service_id: int, scopes) -> dict:
    """Every claim the scopes allow, for this account at this service."""
    scopes = set(scopes)
    sub = subject(account.pk, service_id)
    claims: dict = {"sub": sub}
    is_pupil = account.kind == AccountKind.STUDENT
    owner = account.student if is_pupil else account.representative
    if "profile" in scopes:
        claims["given_name"] = owner.first_name
        claims["family_name"] = owner.last_name
        if is_pupil and owner.birth_date:
            claims["birthdate"] = owner.birth_date.isoformat()
    if "educonnect" in scopes:
        claims["FrEduCtId"] = sub
        if is_pupil:
            claims["civilite"] = CIVILITY_OF_SEX.get(owner.sex, "")
            claims["FrEduCtPersonAffiliation"] = AFFILIATION_PUPIL
            claims.update(_pupil(owner))
        else:
            claims["civilite"] = owner.civility
            claims["FrEduCtPersonAffiliation"] = AFFILIATION_REPRESENTATIVE
            claims["enfants"] = _children(account)
    return claims
