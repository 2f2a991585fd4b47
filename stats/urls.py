"""Included at `administration/<str:uai>/statistiques/`: every view receives `uai`."""

from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.statistics, name="index"),
    path("calculer/", views.compute, name="compute"),
    path("export.csv", views.export_csv, name="export"),
]
