from django.urls import path

from . import views

app_name = "demo_ent"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.sign_in, name="login"),
    path("retour/", views.callback, name="callback"),
    path("deconnexion/", views.sign_out, name="logout"),
]
