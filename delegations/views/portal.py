"""Staff portal: sign-in, sign-out, home (the ARENA stand-in)."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from educonnect import audit
from educonnect.models import AuditAction

from ..forms import SignInForm
from ..selectors import portal_establishments
from ..signin import SIGNIN_FAILED_MESSAGE, authenticate_staff
from .common import safe_next


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def signin(request):
    next_url = safe_next(request)
    failed = False
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = authenticate_staff(
                request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
            if user is not None:
                login(request, user)  # rotates the session key
                return redirect(next_url)
        # One answer for every failure: same message, same (empty) form.
        failed = True
        form = SignInForm()
    return render(
        request,
        "portal/signin.html",
        {"form": form, "failed": failed, "failed_message": SIGNIN_FAILED_MESSAGE, "next": next_url},
        status=200,
    )


@require_POST
def signout(request):
    if request.user.is_authenticated:
        audit.record(action=AuditAction.STAFF_LOGOUT, actor=request.user, target=request.user, request=request)
    logout(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect("delegations:signin")


@login_required
@require_GET
def home(request):
    entries = portal_establishments(request.user)
    chosen = request.GET.get("uai")
    selected = next((entry for entry in entries if entry[0].uai == chosen), entries[0] if entries else None)
    return render(request, "portal/home.html", {"entries": entries, "selected": selected})
