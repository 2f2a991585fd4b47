"""Issue 13 item 1 and issue 12 items 8–9, over every URL pattern of the project:
- every view served at a `<uai>` URL goes through the one access gate (`establishment_view`), and
  every view of `/plateforme/` through the platform gate;
- bad ids (beyond 64 bits, negative, non-numeric) in URLs and in the `selection` / `selection_ids` /
  `account` POST fields answer 404, never 500 (the test client re-raises any exception);
- every « accès refusé » audit row carries the path and the client IP."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from delegations.access import Gate
from delegations.permissions import Right
from educonnect.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

BAD_IDS = [str(2**64), str(2**70), "-1", "-9223372036854775809", "abc", "1e3", "0x10", " 1", "１"]
STAFF_MODULES = {
    "troubleshooting": (Right.TROUBLESHOOTING, False),
    "administration": (Right.ADMINISTRATION, True),
    "stats": (Right.ADMINISTRATION, True),
    "parametres": (Right.ADMINISTRATION, True),
    "notifications": (Right.ADMINISTRATION, True),
    "envois": (Right.ADMINISTRATION, True),
    "delegations": (Right.DELEGATIONS, True),
    "siecle_import": (Right.DELEGATIONS, True),  # a private establishment's head (operators: /import-siecle/)
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner.strip(":"))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


ALL = list(_walk(get_resolver().url_patterns))
WITH_UAI = [(route, ns, p) for route, ns, p in ALL if "<str:uai>" in route]


def test_the_enumeration_sees_every_module():
    assert {ns.split(":")[0] for _, ns, _ in WITH_UAI} == set(STAFF_MODULES)
    assert len(WITH_UAI) >= 40


@pytest.mark.parametrize(("route", "namespace", "pattern"), WITH_UAI, ids=[r for r, _, _ in WITH_UAI])
def test_every_establishment_view_goes_through_the_gate(route, namespace, pattern):
    gate = getattr(pattern.callback, "establishment_gate", None)
    assert gate == Gate(*STAFF_MODULES[namespace.split(":")[-1]]), route


def test_every_platform_view_goes_through_the_platform_gate():
    platform = [(route, p) for route, _, p in ALL if route.startswith("plateforme/")]
    assert len(platform) > 20
    for route, pattern in platform:
        assert getattr(pattern.callback, "establishment_gate", None) == Gate(None, True), route


def test_views_outside_an_establishment_that_need_the_second_factor_say_so():
    index = next(p for route, _, p in ALL if route == "administration/")
    assert index.callback.second_factor is True


# --- bad ids --------------------------------------------------------------------------------------

ID_CONVERTERS = ("<int:", "<uuid:", "<slug:")
WITH_IDS = [(route, p) for route, _, p in WITH_UAI if any(c in route for c in ID_CONVERTERS)]


def _url(route: str, value: str | None = None) -> str:
    """The route with the establishment's UAI, and `value` for every other parameter (a well-formed
    one for its converter when None)."""
    out = route.replace("<str:uai>", "0380111P")
    while "<" in out:
        start, end = out.index("<"), out.index(">", out.index("<"))
        converter = out[start + 1 : end].split(":")[0]
        good = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "educonnect-depannage"}.get(converter, "x")
        out = out[:start] + (good if value is None else value) + out[end + 1 :]
    return "/" + out


@pytest.fixture
def head_inside(client, head, settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    client.force_login(head)
    return client


@pytest.mark.parametrize(("route", "pattern"), WITH_IDS, ids=[r for r, _ in WITH_IDS])
def test_bad_ids_in_urls_answer_404(head_inside, route, pattern):
    values = [*BAD_IDS, "00000000-0000-0000-0000-000000000000", str(uuid.uuid4())[:-1] + "z", "x" * 300]
    for value in values:
        url = _url(route, value)
        response = head_inside.get(url)
        if response.status_code == 405:
            response = head_inside.post(url)
        assert response.status_code == 404, (url, response.status_code)


POST_WITH_SELECTION = [
    "/depannage/0380111P/eleves/reinitialiser/",
    "/depannage/0380111P/eleves/lister/",
    "/administration/0380111P/eleves/reinitialiser/",
    "/administration/0380111P/eleves/lister/",
    "/administration/0380111P/eleves/notifier/",
    "/administration/0380111P/responsables/reinitialiser/",
    "/administration/0380111P/responsables/lister/",
    "/administration/0380111P/responsables/notifier/",
    "/notifications/0380111P/notifier/",
]


def test_the_list_of_selection_endpoints_is_every_bulk_url():
    bulk = {
        _url(route)
        for route, _, p in WITH_UAI
        if route.endswith(("reinitialiser/", "lister/", "notifier/")) and "<int:" not in route
    }
    assert bulk == set(POST_WITH_SELECTION)


SELECTION_FIELDS = [(url, field) for url in POST_WITH_SELECTION for field in ("selection", "selection_ids")]
# « account » is the notifications endpoint's own field (the list pages post « selection »).
SELECTION_FIELDS.append(("/notifications/0380111P/notifier/", "account"))


@pytest.mark.parametrize(("url", "field"), SELECTION_FIELDS)
def test_bad_ids_in_selection_fields_answer_404(head_inside, url, field):
    for value in [*BAD_IDS, "1,abc", f"1,{2**70}"]:
        for extra in ({"channel": "sheet"}, {"channel": "sheet", "confirm": "1", "format": "csv"}):
            response = head_inside.post(url, {field: value, **extra})
            assert response.status_code == 404, (url, field, value, extra, response.status_code)


# --- refusals carry path and IP -------------------------------------------------------------------


@pytest.mark.parametrize(("route", "namespace", "pattern"), WITH_UAI, ids=[r for r, _, _ in WITH_UAI])
def test_every_refusal_of_a_stranger_is_audited_with_path_and_ip(
    client, stranger_from_other_establishment, establishment, route, namespace, pattern
):
    client.force_login(stranger_from_other_establishment)
    url = _url(route)
    response = client.get(url, REMOTE_ADDR="198.51.100.4")
    if response.status_code == 405:
        response = client.post(url, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 404
    refused = AuditEvent.objects.get(action=AuditAction.ACCESS_REFUSED)
    assert (refused.details["path"], refused.ip_address, refused.establishment) == (url, "198.51.100.4", establishment)


def test_a_refusal_is_also_a_log_line(client, stranger_from_other_establishment, establishment, caplog):
    client.force_login(stranger_from_other_establishment)
    with caplog.at_level("WARNING", logger="delegations.permissions"):
        assert client.get("/administration/0380111P/eleves/").status_code == 404
    (record,) = [r for r in caplog.records if r.name == "delegations.permissions"]
    assert record.getMessage() == (
        f"access refused: user {stranger_from_other_establishment.pk}, right:administration, "
        "establishment 0380111P, GET /administration/0380111P/eleves/"
    )
