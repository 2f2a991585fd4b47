"""Staff portal (home, sign-in/out), second factor and DELEG-CE. Included at the site root."""

from django.urls import path

from .views import deleg, otp, portal

app_name = "delegations"

urlpatterns = [
    path("", portal.home, name="home"),
    path("connexion/", portal.signin, name="signin"),
    path("deconnexion/", portal.signout, name="signout"),
    path("otp/", otp.verify, name="otp_verify"),
    path("otp/activation/", otp.activate, name="otp_activate"),
    path("otp/enrolement/", otp.enrol, name="otp_enrol"),
    path("delegations/<str:uai>/", deleg.deleg_home, name="deleg_home"),
    path("delegations/<str:uai>/personnes/", deleg.people, name="people"),
    path("delegations/<str:uai>/personnes/<int:user_id>/", deleg.person, name="person"),
    path(
        "delegations/<str:uai>/personnes/<int:user_id>/code-activation-otp/",
        deleg.enrolment_code,
        name="enrolment_code",
    ),
    path("delegations/<str:uai>/services/", deleg.services, name="services"),
    path("delegations/<str:uai>/services/<slug:code>/", deleg.service, name="service"),
    path("delegations/<str:uai>/retirer/<int:delegation_id>/", deleg.revoke, name="revoke"),
    path("delegations/<str:uai>/historique/", deleg.history, name="history"),
]
