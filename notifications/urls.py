"""Included under /notifications/ by educonnect/urls.py. A notification's page and its letters are
under « Envois » of the administration module (`envois_urls`)."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("<str:uai>/notifier/", views.notify, name="notify"),
]
