"""The idempotency key itself (educonnect.idempotency): when its page was shown, its old format,
an altered key. (What it prevents — double clicks, two staff at once — is test_no_duplicate.py.)"""

import datetime

from django.core import signing

from educonnect import idempotency


def test_a_key_says_when_its_page_was_shown_to_the_microsecond():
    """« Since the page was shown » must not count what happened earlier in the same second: a
    whole-second stamp made an account informed just before the page count as informed since."""
    before = datetime.datetime.now(tz=datetime.UTC)
    key = idempotency.read(idempotency.mint())
    after = datetime.datetime.now(tz=datetime.UTC)
    assert before <= key.issued_at <= after


def test_a_key_minted_before_microseconds_still_reads_with_its_second():
    raw = signing.TimestampSigner(salt=idempotency.SALT).sign("0b5e4b7e-5a43-4a3f-9d55-4d5b8b1f2c11")
    key = idempotency.read(raw)
    assert str(key.value) == "0b5e4b7e-5a43-4a3f-9d55-4d5b8b1f2c11"
    assert key.issued_at.microsecond == 0
    assert abs(datetime.datetime.now(tz=datetime.UTC) - key.issued_at) < datetime.timedelta(seconds=5)


def test_an_altered_key_reads_as_none():
    raw = idempotency.mint()
    assert idempotency.read(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
