"""Benchmark: the troubleshooting Élèves list filtered by name vs Django's admin changelist doing the
same search, side by side (interleaved requests, same process, same database). Not a test."""

import datetime
import os
import statistics
import sys
import time

from depannage_common import ROOT, build_establishment, head_of, start  # noqa: F401  (sets sys.path)

STUDENTS, ITERATIONS = int(sys.argv[1]), int(sys.argv[2])
stop = start("bench_depannage_list")

from django.contrib import admin  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from accounts.models import Student  # noqa: E402

bench_site = admin.AdminSite(name="bench_admin")


class StudentChangelist(admin.ModelAdmin):
    """The admin twin of the Élèves list: same rows (active students of one establishment), same
    columns, same filters, same page size, search on the same names."""

    search_fields = ["last_name", "first_name"]
    list_display = ["last_name", "first_name", "division", "mef", "identifier", "state", "email"]
    list_filter = ["mef", "division", "account__state"]
    list_select_related = ["division", "mef", "account"]
    list_per_page = 50
    establishment = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(establishment=self.establishment, is_active=True)

    @admin.display(description="Identifiant")
    def identifier(self, obj):
        return obj.account.identifier

    @admin.display(description="État du compte")
    def state(self, obj):
        return obj.account.get_state_display()

    @admin.display(description="Mail")
    def email(self, obj):
        return obj.account.email or "Non renseigné"


bench_site.register(Student, StudentChangelist)
urlpatterns = [path("bench-admin/", bench_site.urls), path("", include("educonnect.urls"))]


def median_ms(samples):
    return statistics.median(samples) * 1000


def main():
    started = time.perf_counter()
    establishment = build_establishment(uai="0380111P", students=STUDENTS)
    build_establishment(uai="0450750W", students=600, seed=600)  # a neighbour with the same names
    StudentChangelist.establishment = establishment
    head = head_of(establishment, "bench.head")
    head.is_staff = head.is_superuser = True
    head.save()
    print(
        f"Troubleshooting list benchmark — PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU, "
        f"load average {os.getloadavg()[0]:.1f}, {datetime.date.today()}"
    )
    print(f"set-up: {STUDENTS} + 600 students with accounts in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(head)
    ours = f"/depannage/{establishment.uai}/eleves/"
    theirs = "/bench-admin/accounts/student/"
    # Same rows on both sides, except « eloise martin »: the admin's icontains is not
    # accent-insensitive and finds nobody (shown for information, not counted in the verdict).
    searches = ["dubois", "paul dubois", "mar", "eloise martin"]
    cases = {
        "Élèves list, full page": (ours, {}),
        "Élèves list, HTMX fragment": (ours, {"HX-Request": "true"}),
        "admin changelist": (theirs, {}),
    }
    results = {}
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        for query in searches:
            counts = {}
            for label, (url, headers) in cases.items():
                response = client.get(url, {"q": query}, headers=headers)
                assert response.status_code == 200, (label, response.status_code)
                with CaptureQueriesContext(connection) as queries:
                    client.get(url, {"q": query}, headers=headers)
                counts[label] = len(queries)
            samples = {label: [] for label in cases}
            for _ in range(10):  # warm-up
                for url, headers in cases.values():
                    client.get(url, {"q": query}, headers=headers)
            for _ in range(ITERATIONS):
                for label, (url, headers) in cases.items():
                    t = time.perf_counter()
                    client.get(url, {"q": query}, headers=headers)
                    samples[label].append(time.perf_counter() - t)
            matches = Student.objects.filter(
                establishment=establishment, search_text__contains=query.split()[0]
            ).count()
            print(
                f"\nsearch « {query} » ({matches} students match the first term), {ITERATIONS} interleaved requests each:"
            )
            for label in cases:
                print(
                    f"  {label:28s} median {median_ms(samples[label]):6.1f} ms   p90 "
                    f"{sorted(samples[label])[int(ITERATIONS * 0.9)] * 1000:6.1f} ms   {counts[label]:2d} queries"
                )
            results[query] = {label: median_ms(s) for label, s in samples.items()}
    print()
    ok = True
    for query, medians in results.items():
        full, fragment, admin_ms = (
            medians["Élèves list, full page"],
            medians["Élèves list, HTMX fragment"],
            medians["admin changelist"],
        )
        print(
            f"« {query} »: admin / full page = {admin_ms / full:.1f}×, admin / HTMX fragment = {admin_ms / fragment:.1f}×"
        )
        if query != "eloise martin":
            ok = ok and full <= 50 and admin_ms / full >= 3
    print("targets (median ≤ 50 ms and ≥ 3× faster than the admin, full page):", "met" if ok else "NOT met")


try:
    main()
finally:
    stop()
