from django.urls import path

from .. import guide
from . import bulk, views

app_name = "troubleshooting"

urlpatterns = [
    path("<str:uai>/", views.home, name="home"),
    path("<str:uai>/eleves/", views.students, name="students"),
    path("<str:uai>/guide/", guide.troubleshooting_guide, name="guide"),
    path("<str:uai>/eleves/reinitialiser/", bulk.reset_passwords, name="bulk_reset"),
    path("<str:uai>/eleves/lister/", bulk.list_accounts, name="list_accounts"),
    path("<str:uai>/eleves/selection/", bulk.select_all, name="select_all"),
    path("<str:uai>/eleves/<int:account_id>/ligne/", views.row, name="row"),
    path("<str:uai>/eleves/<int:account_id>/reinitialiser/", views.reset_password, name="reset_password"),
]
