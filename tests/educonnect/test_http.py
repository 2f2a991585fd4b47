"""The HTTP kernel: one `no_store`, one `is_partial` (history restores want the whole page), one
`id_or_404`."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from educonnect.http import MAX_ID, id_or_404, is_partial, no_store


def _request(**headers):
    request = RequestFactory().get("/", headers=headers)
    request.htmx = HtmxDetails(request)
    return request


def test_is_partial_for_an_htmx_request_but_not_for_a_history_restore_or_a_plain_request():
    assert is_partial(_request(**{"HX-Request": "true"})) is True
    assert is_partial(_request(**{"HX-Request": "true", "HX-History-Restore-Request": "true"})) is False
    assert is_partial(_request()) is False


def test_no_store_forbids_every_cache():
    assert no_store(HttpResponse())["Cache-Control"] == "no-store, no-cache, must-revalidate, private"


@pytest.mark.parametrize("raw", ["1", " 42 ", str(MAX_ID)])
def test_id_or_404_accepts_bigint_ids(raw):
    assert id_or_404(raw) == int(raw)


@pytest.mark.parametrize("raw", ["0", "-1", str(MAX_ID + 1), str(2**70), "abc", "1e3", "0x10", "１", "", "1.0"])
def test_id_or_404_refuses_anything_else(raw):
    with pytest.raises(Http404):
        id_or_404(raw)
