"""The two lists: Représentants légaux, Élèves."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from ..access import administration_view


@require_GET
@administration_view
def representatives(request, establishment):
    return HttpResponse("")


@require_GET
@administration_view
def students(request, establishment):
    return HttpResponse("")
