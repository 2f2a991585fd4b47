"""The access gate: one decorator for every staff view of an establishment.

    @require_GET
    @establishment_view(Right.ADMINISTRATION)
    def students(request, establishment): ...

served at a URL carrying `<uai>`, it
1. sends anonymous visitors to the staff sign-in (HX-Redirect for HTMX);
2. resolves the establishment once, from the rights of the user (`permissions`): a stranger gets 404
   whatever they hold, and an ACCESS_REFUSED audit row with the path and the client IP;
3. applies the second-factor rule (`educonnect.otp`) when `second_factor` (every module but the
   troubleshooting one) — after the rights, so that the answer to a stranger never depends on it;
4. calls `view(request, establishment, …)` with `request.abilities` set (the answers templates use
   for buttons), and adds `Vary: HX-Request` to the response.

The wrapper carries `establishment_gate` (the right and the second-factor flag): a test enumerates the
URL patterns and checks that every view served at a `<uai>` URL has it.

`platform_view` does the same for the platform administration (`/plateforme/`, Django's admin):
superusers only (others get 404, audited), second factor from the extranet.
"""

from dataclasses import dataclass
from functools import wraps

from django.utils.cache import patch_vary_headers

from educonnect.otp import second_factor_refusal, signin_redirect

from .permissions import Right, abilities, get_establishment_for, refuse


@dataclass(frozen=True)
class Gate:
    right: Right | None  # None: the platform administration (superusers)
    second_factor: bool


def establishment_view(right: Right, *, second_factor: bool = True):
    def decorate(view):
        @wraps(view)
        def wrapper(request, uai, *args, **kwargs):
            if not request.user.is_authenticated:
                return signin_redirect(request)
            establishment = get_establishment_for(request.user, uai, right, request=request)
            if second_factor:
                refusal = second_factor_refusal(request)
                if refusal is not None:
                    patch_vary_headers(refusal, ["HX-Request"])
                    return refusal
            request.abilities = abilities(request.user, establishment)
            response = view(request, establishment, *args, **kwargs)
            patch_vary_headers(response, ["HX-Request"])
            return response

        wrapper.establishment_gate = Gate(right, second_factor)
        return wrapper

    return decorate


def platform_view(view):
    """The gate of `/plateforme/`: signed-in superusers, with a verified second factor outside the
    intranet; any other signed-in person gets 404 (audited)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return signin_redirect(request)
        if not (request.user.is_active and request.user.is_superuser):
            raise refuse(request.user, reason="platform", request=request)
        refusal = second_factor_refusal(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    wrapper.establishment_gate = Gate(None, True)
    return wrapper
