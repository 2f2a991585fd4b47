"""Benchmark of the letters PDF (issue « Notifications », item 6). Not a test: prints figures.

Each way runs in its own child process so that its peak memory (ru_maxrss) is its own.
"""

import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educonnect.settings")

FIRST = ["Élodie", "Paul", "Inès", "Noé", "Chloé", "Maël", "Zoé", "Louis", "Anaïs", "Jérôme", "Çelik", "Léa"]
LAST = ["DUPRÉ", "MARTIN", "BERNARD", "N'DIAYE", "LEFÈVRE", "GARCÍA", "NGUYEN", "MOREAU", "ÖZTÜRK", "ROUSSEAU"]


def pages(count: int):
    from educonnect.crypto import generate_provisional_password
    from notifications.letters import STUDENTS, Letter, LetterHead

    head = LetterHead(
        code="C01",
        audience=STUDENTS,
        establishment_name="CLG PRE BENIT BOURGOIN-JALLIEU",
        address_lines=("12 rue du Pré Bénit",),
        postal_code="38300",
        city="BOURGOIN-JALLIEU",
        url="https://ent.example.fr",
        sign_in_url="https://educonnect.example.org/compte/connexion/",
        date=datetime.date(2026, 9, 1),
    )
    rng = random.Random(42)
    letters = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        letters.append(
            Letter(
                code="C01",
                audience=STUDENTS,
                recipient=f"{first} {last}",
                identifier=f"eleve.{i:05d}",
                password=generate_provisional_password(),
                division=f"{rng.randint(3, 6)}EME{rng.randint(1, 9)}",
            )
        )
    letters.sort(key=lambda letter: letter.sort_key)
    return [(head, letter) for letter in letters]


def child(way: str, count: int, out: str) -> None:
    import django

    django.setup()
    from notifications.letters import render_letters_pdf_naive, write_letters_pdf

    batch = pages(count)
    started, cpu_started = time.perf_counter(), time.process_time()
    if way == "naive":
        Path(out).write_bytes(render_letters_pdf_naive(batch))
    elif way == "classes":  # what a notification job writes: the whole PDF and one PDF per class (zip)
        import tempfile

        from notifications.letters.byclass import LettersByClass
        from notifications.letters.render import Layouts, LetterWriter

        layouts = Layouts()
        with tempfile.TemporaryDirectory() as work, open(out, "wb") as handle, open(out + ".zip", "wb") as archive:
            whole, by_class = LetterWriter(handle, layouts), LettersByClass(Path(work), layouts)
            for head, letter in batch:
                whole.add(head, letter)
                by_class.add(head, letter)
            whole.close()
            by_class.close_into(archive)
    else:
        with open(out, "wb") as handle:
            write_letters_pdf(handle, batch)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"way": way, "seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak_mb, "bytes": os.path.getsize(out)}
        )
    )


def check(out: str, count: int, way: str) -> str:
    import io
    import zipfile

    from pypdf import PdfReader

    reader = PdfReader(out)
    assert len(reader.pages) == count, (len(reader.pages), count)
    for index in (0, count // 2, count - 1):
        text = reader.pages[index].extract_text()
        assert "eleve." in text and "Mot de passe provisoire" in text, text[:200]
    if way != "classes":
        return "ok"
    archive = zipfile.ZipFile(out + ".zip")
    pages = 0
    for name in archive.namelist():
        member = PdfReader(io.BytesIO(archive.read(name)))
        pages += len(member.pages)
        assert f"Classe : {name.removesuffix('.pdf')}" in member.pages[-1].extract_text(), name
    assert pages == count, (pages, count)
    return f"ok, {len(archive.namelist())} classes ({os.path.getsize(out + '.zip') / 1e6:.1f} MB zip)"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 2000
    ways = [a for a in sys.argv[1:] if a in ("naive", "fast", "classes")] or ["naive", "fast"]
    results = {}
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    print(f"bench/letters: {count} student letters (C01), {os.cpu_count()} CPU(s), load average {load:.1f}")
    for way in ways:
        out = str(out_dir / f"letters-{way}.pdf")
        line = (
            subprocess.run(
                [sys.executable, __file__, "--child", way, str(count), out], check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(line)
        result["pages_per_s"] = count / result["seconds"]
        result["check"] = check(out, count, way)
        results[way] = result
        print(
            f"  {way:5}  {result['seconds']:7.1f} s wall  {result['cpu_seconds']:7.1f} s CPU  "
            f"{result['pages_per_s']:6.1f} pages/s  "  # classes: pages of the whole PDF (each written twice)
            f"peak {result['peak_mb']:6.0f} MB  {result['bytes'] / 1e6:6.1f} MB PDF  text {result['check']}"
        )
    if "naive" in results and "fast" in results:
        wall = results["fast"]["pages_per_s"] / results["naive"]["pages_per_s"]
        cpu = results["naive"]["cpu_seconds"] / results["fast"]["cpu_seconds"]
        print(f"  speed-up: {wall:.1f}× wall time, {cpu:.1f}× CPU time")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
