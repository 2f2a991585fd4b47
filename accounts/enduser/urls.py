"""End-user side, under /compte/ (PRODUCT.md §5)."""

from django.urls import path

from . import recovery_views, views

app_name = "enduser"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.sign_in, name="login"),
    path("deconnexion/", views.sign_out, name="logout"),
    path("premiere-connexion/mot-de-passe/", views.first_password, name="first_password"),
    path("premiere-connexion/activation/", views.first_activation, name="first_activation"),
    path("adresse-mail/", views.change_email, name="email"),
    path("mot-de-passe/", views.change_password, name="password"),
    path("activer/renvoyer/", recovery_views.resend_activation, name="resend_activation"),
    path("activer/<str:token>/", recovery_views.activate, name="activate"),
    path("oubli/", recovery_views.forgotten, name="forgotten"),
    path("reinitialiser/<str:token>/", recovery_views.reset, name="reset"),
]
