"""Backup codes: format, generation and normalisation (no database access here)."""

import secrets

# 31 symbols without 0/O, 1/I/L (≈ 4.95 bits a character).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 16 × log2(31) ≈ 79 bits
SELECTOR_LENGTH = 4
BACKUP_CODES_COUNT = 10


def generate_backup_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_backup_code(code: str) -> str:
    """« ABCD-EFGH-JKMN-PQRS », as shown to the user."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_backup_code(token) -> str:
    """What the user typed, without separators or spaces, upper-case; « » if it cannot be a code."""
    code = "".join(ch for ch in str(token or "") if ch.isalnum()).upper()
    return code if len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code) else ""


def selector_of(code: str) -> str:
    return code[:SELECTOR_LENGTH]


def looks_like_backup_code(token) -> bool:
    return bool(normalise_backup_code(token))
