"""The provider's URLs, included at the root by the roof: discovery at
/.well-known/openid-configuration (the issuer is the site itself), the endpoints under /o/."""

from django.urls import path
from oauth2_provider import views as dot

from . import views

app_name = "oauth2_provider"  # DOT's views reverse their own URL names in this namespace

urlpatterns = [
    path(
        ".well-known/openid-configuration", dot.ConnectDiscoveryInfoView.as_view(), name="oidc-connect-discovery-info"
    ),
    path("o/jwks/", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("o/authorize/", views.FamilyAuthorizationView.as_view(), name="authorize"),
    path("o/token/", views.FamilyTokenView.as_view(), name="token"),
    path("o/userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("o/revoke/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/logout/", views.FamilyLogoutView.as_view(), name="rp-initiated-logout"),
    path("o/deconnexion-des-services/", views.sign_out_everywhere, name="sign_out_everywhere"),
]
