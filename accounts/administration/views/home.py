"""Accueil and « Choisir un établissement »."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from delegations.access import establishment_view
from delegations.permissions import Right, establishments_with_right
from educonnect.otp import otp_required_unless_intranet

from ...models import SiecleImport


def _choices(user):
    return list(establishments_with_right(user, Right.ADMINISTRATION).order_by("name", "uai"))


@require_GET
@login_required
@otp_required_unless_intranet
def index(request):
    """`/administration/`: straight to the only establishment, or the choice among several."""
    choices = _choices(request.user)
    wanted = request.GET.get("uai")
    if wanted and any(choice.uai == wanted for choice in choices):
        return redirect("administration:home", uai=wanted)
    if not choices:
        raise Http404("Aucun établissement à administrer")
    if len(choices) == 1:
        return redirect("administration:home", uai=choices[0].uai)
    return render(request, "accounts/administration/choose.html", {"choices": choices})


@require_GET
@establishment_view(Right.ADMINISTRATION)
def home(request, establishment):
    context = {
        "establishment": establishment,
        "tab": "home",
        "page_title": "Accueil",
        "choices": _choices(request.user),
        "last_import": establishment.siecle_imports.filter(status=SiecleImport.Status.DONE).first(),
    }
    return render(request, "accounts/administration/home.html", context)
