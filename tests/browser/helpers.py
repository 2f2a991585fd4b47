"""Helpers for Playwright tests."""

from django.conf import settings
from django.test import Client


def login_as(page, live_server, user) -> None:
    """Put an authenticated staff session in the browser without going through the sign-in form
    (journeys that test the sign-in itself use the form)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
