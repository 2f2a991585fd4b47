"""Paramètres of the administration module, included at `administration/<uai>/parametres/`."""

from django.urls import path

from . import parametres_views

app_name = "parametres"

urlpatterns = [
    path("", parametres_views.index, name="index"),
    path("verifier/", parametres_views.verify, name="verify"),
    path("integrer/", parametres_views.switch, name="switch"),
]
