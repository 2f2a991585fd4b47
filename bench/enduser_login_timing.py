"""Benchmark (not a test): does the end-user sign-in take the same time whether the identifier is
unknown, has a provisional password, or has a chosen (Argon2) password? Prints medians and ratios.

    .venv/bin/python bench/enduser_login_timing.py [--rounds 30]

Runs on a throw-away SQLite database in a temporary directory, with the production Argon2 cost.
The tests show the same code path deterministically; this shows the resulting times (the matrix
row 14 criterion: median ratio within 1 ± 0.1).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="enduser-timing-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["EDUCONNECT_VAR_DIR"] = TMP
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educonnect.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.enduser.credentials import check_credentials
    from tests.factories import AccountFactory

    provisional = AccountFactory(informed=True, identifier="bench.provisoire")
    AccountFactory(activated=True, identifier="bench.choisi", student__establishment=provisional.establishment)
    cases = {"inconnu": "bench.inconnu", "provisoire": "bench.provisoire", "choisi": "bench.choisi"}
    check_credentials("bench.inconnu", "warm-up")  # builds the dummy hash once

    timings = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, identifier in cases.items():  # interleaved: load drifts hit every case alike
            start = time.perf_counter()
            check_credentials(identifier, "Mauvais-mot-de-passe-2026")
            timings[name].append(time.perf_counter() - start)

    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, value in medians.items():
        print(f"{name:>10}: median {value * 1000:8.1f} ms over {args.rounds} attempts")
    for name in ("provisoire", "choisi"):
        ratio = medians[name] / medians["inconnu"]
        verdict = "ok" if 0.9 <= ratio <= 1.1 else "DIFFERENT"
        print(f"{name}/inconnu ratio: {ratio:.3f} ({verdict})")


if __name__ == "__main__":
    main()
