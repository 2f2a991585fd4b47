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


BLOCKING_IMPACTS = ("serious", "critical")


def accessibility_violations(page, *, impacts=BLOCKING_IMPACTS) -> list[str]:
    """axe-core (axe-playwright-python) on the page as it is now: the serious and critical
    violations, one line each (rule, impact, help, the first offending nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] in impacts:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return lines


def assert_accessible(page, screen: str = "") -> None:
    """No serious or critical axe-core violation on the current screen."""
    violations = accessibility_violations(page)
    assert not violations, f"{screen or page.url}:\n" + "\n".join(violations)
