"""The fetch-and-authorize accessors of the administration module's objects. (Entering the module
goes through the access gate, `delegations.access.establishment_view(Right.ADMINISTRATION)`.)"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Account, AccountKind


def get_account_for(establishment, kind: AccountKind, account_id: int) -> Account:
    """The account of an active student / legal representative of `establishment`, else 404."""
    owner = "student" if kind == AccountKind.STUDENT else "representative"
    queryset = Account.objects.select_related(owner, "establishment__academie").filter(
        establishment=establishment, kind=kind, **{f"{owner}__is_active": True}
    )
    if kind == AccountKind.STUDENT:
        queryset = queryset.select_related("student__division", "student__mef")
    try:
        return get_object_or_404(queryset, pk=account_id)
    except (ValueError, TypeError):
        raise Http404("Compte introuvable") from None
