"""The password hasher: Argon2id with OWASP's parameters.

OWASP's Password Storage Cheat Sheet lists equivalent Argon2id settings; we take its first line,
m = 19 MiB (19,456 KiB), t = 2 passes, p = 1 lane. Django's own defaults (100 MiB, 2 passes,
8 lanes) cost ~250 ms of one core per hash here, which made a family sign-in the most expensive
request of the product (about 8 sign-ins/s on 2 cores); these cost ~20 ms (figures in
docs/performance.md) and still make an offline attack on a stolen hash very slow (memory-hard).

The algorithm name stays « argon2 », so every stored hash keeps verifying. A hash made with other
parameters is re-hashed at its owner's next successful sign-in: Django does it for staff
(`User.check_password` → `must_update`), `accounts.enduser.credentials` does it for families.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
