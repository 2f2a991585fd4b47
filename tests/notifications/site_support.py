"""A throwaway HTTP site on 127.0.0.1 answering 200 (Paramètres « Vérifier » checks an address
answers; never anything outside). Registered for every test by tests/conftest.py."""

import http.server
import threading

import pytest


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802 (the name http.server calls)
        self.send_response(200)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/educonnect"
    server.shutdown()
    server.server_close()
