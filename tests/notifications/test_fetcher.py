"""The PDF renderer fetches nothing but data: URLs and the app's static files."""

import datetime
import http.server
import threading

import pytest

from educonnect.pdf import RestrictedURLFetcher, html_to_pdf
from notifications.letters import STUDENTS, Letter, LetterHead, render_letters_pdf, render_letters_pdf_naive
from tests.notifications.conftest import pdf_pages


@pytest.fixture
def local_server():
    """A throwaway HTTP server on 127.0.0.1 counting the requests it receives."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "http://127.0.0.1:9/x", "https://example.org/x.css", "ftp://x/y"]
)
def test_fetcher_refuses_anything_but_data_and_static(url):
    with pytest.raises(ValueError):
        RestrictedURLFetcher().fetch(url)


def test_fetcher_serves_data_and_static_files():
    assert RestrictedURLFetcher().fetch("data:text/plain,bonjour").read() == b"bonjour"
    assert RestrictedURLFetcher().fetch("static:/notifications/letters.css").read().startswith(b"/*")


def test_static_path_cannot_escape_the_static_folders():
    with pytest.raises(ValueError):
        RestrictedURLFetcher().fetch("static:/../../../etc/passwd")


def test_html_in_a_name_cannot_make_the_renderer_fetch_anything(local_server):
    port, hits = local_server
    name = f'<img src="http://127.0.0.1:{port}/x"><link rel="stylesheet" href="file:///etc/passwd">Zoé'
    head = LetterHead(
        code="C01",
        audience=STUDENTS,
        establishment_name=f'<img src="http://127.0.0.1:{port}/etab">CLG',
        address_lines=(),
        postal_code="",
        city="",
        url="",
        sign_in_url="https://educonnect.example.org/compte/connexion/",
        date=datetime.date(2026, 9, 1),
    )
    letter = Letter(code="C01", audience=STUDENTS, recipient=name, identifier="a.b", password="PT4HUMM27XY")
    for render in (render_letters_pdf, render_letters_pdf_naive):
        (text,) = pdf_pages(render([(head, letter)]))
        assert "PT4HUMM27XY" in text
    assert hits == []


def test_even_raw_markup_cannot_fetch_over_http_or_read_files(local_server):
    port, hits = local_server
    pdf = html_to_pdf(
        f'<html><head><link rel="stylesheet" href="file:///etc/passwd">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"></head>'
        f'<body><img src="http://127.0.0.1:{port}/x.png"><img src="file:///etc/hostname">'
        f'<p style="background: url(http://127.0.0.1:{port}/bg.png)">Bonjour</p></body></html>'
    )
    assert hits == []
    assert "root:" not in " ".join(pdf_pages(pdf))
