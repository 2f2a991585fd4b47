import pytest
from django.core.exceptions import ValidationError

from educonnect.validators import (
    is_valid_ine,
    is_valid_ine_base36,
    is_valid_ine_bea,
    is_valid_uai,
    uai_check_letter,
    validate_ine,
    validate_uai,
)


@pytest.mark.parametrize(
    ("digits", "letter"),
    [("0350028", "R"), ("6200088", "B"), ("9740002", "J"), ("0010856", "A"), ("0751234", "J")],
)
def test_uai_check_letter_vectors(digits, letter):
    assert uai_check_letter(digits) == letter


@pytest.mark.parametrize(
    "uai", ["0380111P", "0450750W", "0750652B", "0132634T", "0931190N", "0301674G", "0350028R", "6200088B"]
)
def test_valid_uai(uai):
    assert is_valid_uai(uai)
    validate_uai(uai)


@pytest.mark.parametrize("uai", ["0000856A", "0010856B", "0691234A", "1234567A", "038011P", "0380111p", ""])
def test_invalid_uai(uai):
    assert not is_valid_uai(uai)
    with pytest.raises(ValidationError):
        validate_uai(uai)


def test_uai_error_names_expected_letter():
    with pytest.raises(ValidationError) as excinfo:
        validate_uai("0010856B")
    assert "attendue : A" in str(excinfo.value)


@pytest.mark.parametrize("ine", ["0494004062M", "1234567890V", "0123456789M"])
def test_valid_ine_bea(ine):
    assert is_valid_ine_bea(ine)
    assert is_valid_ine(ine)


@pytest.mark.parametrize("ine", ["1234567890A", "0000000001X", "1111111111A"])
def test_invalid_ine_bea(ine):
    assert not is_valid_ine_bea(ine)


@pytest.mark.parametrize("ine", ["01234567895", "1A2B3C4D5E0", "ABCDEFGHI17"])
def test_valid_ine_base36(ine):
    assert is_valid_ine_base36(ine)
    assert is_valid_ine(ine)


def test_rnie_format_only():
    assert is_valid_ine("223456789HE")
    validate_ine("223456789HE")


@pytest.mark.parametrize("ine", ["", "12345", "223456789hE", "ABCDEFGHI18"])
def test_invalid_ine(ine):
    with pytest.raises(ValidationError):
        validate_ine(ine)
