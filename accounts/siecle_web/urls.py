"""« Import SIECLE » in the browser, included at `import-siecle/`."""

from django.urls import path

from . import views

app_name = "siecle_import"

urlpatterns = [
    path("", views.index, name="index"),
    path("rapport/<uuid:public_id>/", views.detail, name="detail"),
    path("rapport/<uuid:public_id>/importer/", views.confirm, name="confirm"),
    path("rapport/<uuid:public_id>/annuler/", views.cancel, name="cancel"),
    path("<str:uai>/", views.establishment_imports, name="establishment"),
]
