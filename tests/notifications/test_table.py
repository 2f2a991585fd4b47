"""The correspondence table of the guide (Annexe 1, A1.1)."""

import pytest

from accounts.models import AccountState
from notifications.letters import LetterCode, letter_for

GUIDE = {
    # state: (seule feuille, seule mail, réinit. feuille, réinit. mail)
    AccountState.NOT_INFORMED: ("C01", "C02", "C01", "C02"),
    AccountState.INFORMED: ("C01", "C02", "C01", "C02"),
    AccountState.ACTIVATING: ("C03", "C04", "C05", "C06"),
    AccountState.ACTIVATED: ("C03", "C04", "C05", "C06"),
}


@pytest.mark.parametrize("state", list(GUIDE))
def test_letter_per_state_reset_and_channel_is_the_guides(state):
    got = (
        letter_for(state, with_reset=False, channel="sheet"),
        letter_for(state, with_reset=False, channel="email"),
        letter_for(state, with_reset=True, channel="sheet"),
        letter_for(state, with_reset=True, channel="email"),
    )
    assert got == GUIDE[state]


def test_c07_is_not_chosen_by_a_notification():
    chosen = {letter_for(s, with_reset=r, channel=c) for s in GUIDE for r in (False, True) for c in ("sheet", "email")}
    assert LetterCode.C07 not in chosen
    assert len(chosen) == 6


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        letter_for(AccountState.INFORMED, with_reset=False, channel="sms")
