"""educonnect.safefetch — Paramètres « Vérifier » cannot be turned against the internal network.

Local listeners stand for internal services: every test that must be refused shows that the listener
accepted zero connections. Loopback servers that play « a public site » are allowed explicitly through
EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS (127.0.0.2 only), the setting a deployment would use."""

import datetime
import http.server
import socket
import ssl
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection
from django.urls import reverse

from accounts.models import NotificationAddress
from educonnect import safefetch
from notifications.services import CHECK_FAILED

PUBLIC_STANDIN = "127.0.0.2"  # « a public site » in these tests, allowed by the setting


class Listener:
    """A TCP listener that counts the connections it accepts (an internal service)."""

    def __init__(self, host: str, family=socket.AF_INET):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(1)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener("127.0.0.1")
    yield server
    server.close()


@pytest.fixture
def listener6():
    try:
        server = Listener("::1", socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _http_allowed(settings):
    settings.EDUCONNECT_PARAMETERS_URL_SCHEMES = ["https", "http"]  # the listeners speak plain HTTP
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = []  # the default: nothing internal
    settings.EDUCONNECT_PARAMETERS_CHECK_TIMEOUT = 2


def serve(handler_cls, host=PUBLIC_STANDIN):
    server = http.server.ThreadingHTTPServer((host, 0), handler_cls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def public_site(settings):
    """« A public site » (127.0.0.2, allowed) that redirects as told: /to?u=<url>, /loop, /cookie."""
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = [f"{PUBLIC_STANDIN}/32"]
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802
            seen.append((self.command, self.path, self.headers.get("Cookie")))
            if self.path.startswith("/to?u="):
                self.send_response(302)
                self.send_header("Location", self.path[len("/to?u=") :])
            elif self.path.startswith("/loop"):
                self.send_response(302)
                self.send_header("Location", f"/loop{len(seen)}")
            elif self.path == "/cookie":
                self.send_response(302)
                self.send_header("Set-Cookie", "sessionid=secret; Path=/")
                self.send_header("Location", "/ok")
            else:
                self.send_response(200)
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args):
            pass

    server = serve(Handler)
    yield f"http://{PUBLIC_STANDIN}:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.10",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (CGNAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_refused_by_default(address):
    assert not safefetch.address_allowed(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "193.51.24.1", "2a00:1450:4007:80a::200e", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert safefetch.address_allowed(address)


def test_the_allowed_networks_setting_opens_only_what_it_lists(settings):
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    assert safefetch.address_allowed("127.0.0.2") and safefetch.address_allowed("::ffff:127.0.0.2")
    assert not safefetch.address_allowed("127.0.0.1")


def internal_urls(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://127.1:{port}/",  # short form
        f"http://2130706433:{port}/",  # 127.0.0.1 as one decimal number
        f"http://0x7f000001:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://user:pass@127.0.0.1:{port}/",
    ]


def test_no_connection_reaches_an_internal_listener(listener):
    for url in internal_urls(listener.port):
        with pytest.raises(safefetch.FetchFailed):
            safefetch.check_reachable(url)
    time.sleep(0.2)
    assert listener.accepted == 0


def test_no_connection_reaches_an_ipv6_loopback_listener(listener6):
    for url in (f"http://[::1]:{listener6.port}/", f"http://ip6-localhost:{listener6.port}/"):
        with pytest.raises(safefetch.FetchFailed):
            safefetch.check_reachable(url)
    time.sleep(0.2)
    assert listener6.accepted == 0


def test_a_redirect_to_an_internal_address_is_refused_at_that_hop(listener, public_site):
    base, seen = public_site
    with pytest.raises(safefetch.FetchFailed, match="non-public"):
        safefetch.check_reachable(f"{base}/to?u=http://127.0.0.1:{listener.port}/admin")
    for scheme_trick in (f"ftp://127.0.0.1:{listener.port}/", f"gopher://127.0.0.1:{listener.port}/"):
        with pytest.raises(safefetch.FetchFailed, match="scheme"):
            safefetch.check_reachable(f"{base}/to?u={scheme_trick}")
    time.sleep(0.2)
    assert listener.accepted == 0
    assert len(seen) == 3  # the public site was asked; the internal one never


def test_a_reachable_public_site_passes_and_redirects_are_capped(public_site):
    base, seen = public_site
    safefetch.check_reachable(f"{base}/ok")
    with pytest.raises(safefetch.FetchFailed, match="redirects"):
        safefetch.check_reachable(f"{base}/loop")
    assert len(seen) == 1 + safefetch.MAX_REDIRECTS + 1


def test_no_cookie_is_sent_back(public_site):
    base, seen = public_site
    safefetch.check_reachable(f"{base}/cookie")
    assert [cookie for _, _, cookie in seen] == [None, None]


def test_the_address_checked_is_the_address_connected_no_second_resolution(listener, public_site, monkeypatch):
    """DNS rebinding: the name first resolves to the allowed site, then to the internal listener."""
    base, seen = public_site
    port = int(base.rsplit(":", 1)[1])
    answers = iter([PUBLIC_STANDIN, "127.0.0.1", "127.0.0.1"])
    calls = []

    def rebinding_getaddrinfo(host, port_, *args, **kwargs):
        calls.append(host)
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port_))]

    monkeypatch.setattr(safefetch.socket, "getaddrinfo", rebinding_getaddrinfo)
    safefetch.check_reachable(f"http://ent.college.example:{port}/ok")
    assert calls == ["ent.college.example"]  # resolved once; the connection went to what was checked
    assert seen == [("HEAD", "/ok", None)] and listener.accepted == 0


def test_a_name_that_also_resolves_inside_is_refused_without_connecting(monkeypatch, listener):
    def mixed(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    connects = []
    monkeypatch.setattr(safefetch.socket, "getaddrinfo", mixed)
    monkeypatch.setattr(safefetch, "_connect", lambda *a, **k: connects.append(a))
    with pytest.raises(safefetch.FetchFailed, match="non-public"):
        safefetch.check_reachable(f"http://rebind.example:{listener.port}/")
    assert connects == [] and listener.accepted == 0


def test_time_is_capped_against_a_server_that_trickles(settings):
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = [f"{PUBLIC_STANDIN}/32"]
    server = socket.socket()
    server.bind((PUBLIC_STANDIN, 0))
    server.listen(4)
    stop = threading.Event()

    def trickle():
        conn, _ = server.accept()
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop.is_set():
            try:
                conn.sendall(b"X-Slow: 1\r\n")
            except OSError:
                break
            time.sleep(0.3)
        conn.close()

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(safefetch.FetchFailed):
        safefetch.check_reachable(f"http://{PUBLIC_STANDIN}:{server.getsockname()[1]}/", timeout=1.5)
    elapsed = time.monotonic() - started
    stop.set()
    server.close()
    assert elapsed < 3.5  # per-read timeouts alone would wait forever: the whole check has a deadline


def _self_signed(host: str, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def test_tls_goes_to_the_checked_address_with_the_host_name_for_sni_and_certificate(settings, monkeypatch, tmp_path):
    settings.EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS = [f"{PUBLIC_STANDIN}/32"]
    cert_file, key_file = _self_signed("ent.college.example", tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    names = []
    context.sni_callback = lambda sslsock, name, ctx: names.append(name)
    server = socket.socket()
    server.bind((PUBLIC_STANDIN, 0))
    server.listen(4)

    def accept():
        conn, _ = server.accept()
        try:
            with context.wrap_socket(conn, server_side=True):
                pass
        except (ssl.SSLError, OSError):
            pass

    threading.Thread(target=accept, daemon=True).start()
    port = server.getsockname()[1]
    monkeypatch.setattr(
        safefetch.socket,
        "getaddrinfo",
        lambda host, port_, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_STANDIN, port_))],
    )
    with pytest.raises(safefetch.FetchFailed, match="CERTIFICATE_VERIFY_FAILED"):  # unknown CA: still checked
        safefetch.check_reachable(f"https://ent.college.example:{port}/")
    server.close()
    assert names == ["ent.college.example"]


def test_the_screen_answers_one_neutral_message_and_reaches_nothing(client, head, establishment, listener, settings):
    settings.EDUCONNECT_INTRANET_NETWORKS = ["127.0.0.0/8"]
    client.force_login(head)
    verify = reverse("parametres:verify", kwargs={"uai": establishment.uai})
    answers = set()
    well_formed = [  # addresses the URL validator accepts: the fetch policy must refuse them
        f"http://127.0.0.1:{listener.port}/",
        f"http://localhost:{listener.port}/",
        f"http://[::ffff:127.0.0.1]:{listener.port}/",
        f"http://user:pass@127.0.0.1:{listener.port}/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
    ]
    for url in well_formed:
        response = client.post(verify, {"audience": "eleves", "url": url}, headers={"HX-Request": "true"})
        assert response.status_code == 422
        text = response.content.decode()
        answers.add(CHECK_FAILED in text.replace("&#x27;", "'"))
    assert answers == {True}
    time.sleep(0.2)
    assert listener.accepted == 0
    assert not NotificationAddress.objects.filter(verified_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_address_is_fetched_outside_any_transaction(head, establishment, monkeypatch):
    from notifications import services

    states = []
    monkeypatch.setattr(services.safefetch, "check_reachable", lambda url: states.append(connection.in_atomic_block))
    services.parameters_verify_address(
        actor=head, establishment=establishment, audience="eleves", url="https://ent.college.example/"
    )
    assert states == [False]
    assert NotificationAddress.objects.get(establishment=establishment).verified_at is not None
