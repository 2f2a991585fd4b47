"""Demo data of the identity provider: the « ENT de démonstration » service (seed_demo)."""

from django.conf import settings

from .demo_ent import CLIENT_ID, CLIENT_SECRET, NAME
from .middleware import forget_service_origins
from .models import Scope, Service

DEMO_BASES = ["http://127.0.0.1:8000", "http://localhost:8000"]


def seed_demo_ent() -> list[str]:
    """Register (idempotently) the demo ENT served at /ent-demo/ by the demo server; consent screen
    on, so a family sees what the ENT will receive."""
    if not settings.EDUCONNECT_DEMO_ENT:
        return []
    service = Service.objects.filter(client_id=CLIENT_ID).first() or Service(client_id=CLIENT_ID)
    service.name = NAME
    service.client_secret = CLIENT_SECRET
    service.hash_client_secret = True
    service.client_type = Service.CLIENT_CONFIDENTIAL
    service.authorization_grant_type = Service.GRANT_AUTHORIZATION_CODE
    service.algorithm = Service.RS256_ALGORITHM
    service.redirect_uris = " ".join(f"{base}/ent-demo/retour/" for base in DEMO_BASES)
    service.post_logout_redirect_uris = " ".join(f"{base}/ent-demo/" for base in DEMO_BASES)
    service.allowed_scopes = " ".join(Scope.values)
    service.skip_authorization = False
    service.save()
    forget_service_origins()
    return [
        "",
        f"Service connecté « {NAME} » (OpenID Connect, client_id {CLIENT_ID}) : http://127.0.0.1:8000/ent-demo/",
        "  « Se connecter avec ÉduConnect » avec un compte de famille activé (ou à activer) ; "
        "fournisseur : http://127.0.0.1:8000/.well-known/openid-configuration",
    ]
