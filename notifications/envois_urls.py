"""« Envois » of the administration module, included at `administration/<uai>/envois/`: the
establishment's notification jobs, each one's page and its letters."""

from django.urls import path

from . import envois_views

app_name = "envois"

urlpatterns = [
    path("", envois_views.index, name="index"),
    path("<uuid:public_id>/", envois_views.job_detail, name="job"),
    path("<uuid:public_id>/courrier.pdf", envois_views.job_pdf, name="job_pdf"),
    path("<uuid:public_id>/courrier-par-classe.zip", envois_views.job_zip, name="job_zip"),
]
