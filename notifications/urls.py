"""Included under /notifications/ by educonnect/urls.py."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("<str:uai>/notifier/", views.notify, name="notify"),
    path("<str:uai>/envois/<uuid:public_id>/", views.job_detail, name="job"),
    path("<str:uai>/envois/<uuid:public_id>/courrier.pdf", views.job_pdf, name="job_pdf"),
]
