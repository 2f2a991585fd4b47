"""Who may enter the administration module, and the fetch-and-authorize accessors of its objects.

Every view is wrapped in `administration_view`: signed-in staff holding « ÉduConnect - Administration
des comptes » on the establishment of the URL (else 404), Vary: HX-Request. The OTP gate (second
factor outside the intranet) is applied here, once, for the whole module, after the rights check
(a stranger gets 404 whether or not they hold a second factor).
"""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers

from delegations.permissions import Right, get_establishment_for
from educonnect.otp import otp_redirect_if_needed

from ..models import Account, AccountKind


def administration_view(view):
    """`view(request, establishment, **kwargs)` served at a URL carrying `<uai>`."""

    @functools.wraps(view)
    def wrapper(request, uai: str, *args, **kwargs):
        establishment = get_establishment_for(request.user, uai, Right.ADMINISTRATION)
        response = otp_redirect_if_needed(request) or view(request, establishment, *args, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response

    return login_required(wrapper)


def no_store(response):
    """Pages that may show a provisional password are never cached."""
    patch_cache_control(response, no_store=True, no_cache=True, must_revalidate=True, private=True)
    return response


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
