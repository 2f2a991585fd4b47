"""Paramètres screen of the administration module (« Courriers et mails de communication »)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.administration.access import administration_view


@require_GET
@administration_view
def index(request, establishment):
    context = {"establishment": establishment, "tab": "parameters", "page_title": "Paramètres"}
    return render(request, "notifications/parametres/index.html", context)
