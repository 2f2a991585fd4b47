"""« ENT de démonstration »: a relying party on mozilla-django-oidc, served at /ent-demo/ by the
demo server (EDUCONNECT_DEMO_ENT, never in production) and by the browser tests.

It behaves as a separate site would: it knows only its client id and secret and the provider's
URLs, talks to the provider over HTTP (loopback: the same server), verifies the ID token against
the published JWKS, and keeps its own session cookie (path /ent-demo/), so that signing in or out
at the provider and at the ENT are two sessions, as with a real ENT on another host.
"""

CLIENT_ID = "ent-demo"
# Demo only: seed_demo registers the service with this secret (hashed at rest), printed by `make demo`.
CLIENT_SECRET = "ent-demo-secret-not-for-production-8c1f0e5b2a7d4e6f9a3b"
NAME = "ENT de démonstration"
