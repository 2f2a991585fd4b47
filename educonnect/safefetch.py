"""Reach an address typed by a user without letting it reach the internal network (SSRF).

`check_reachable(url)` answers whether a public web address answers, for Paramètres « Vérifier ».
At each hop (the address, then at most MAX_REDIRECTS redirects):

- the scheme must be one of EDUCONNECT_PARAMETERS_URL_SCHEMES (https by default), no user:password@;
- the host name is resolved once; every address it resolves to must be public — loopback, private,
  link-local, unique-local, multicast, reserved, unspecified, shared (CGNAT), documentation ranges,
  IPv4-mapped/NAT64/6to4 forms of those are refused — unless it is inside one of
  EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS (empty by default: a deployment or a test that must reach
  a known internal site says so explicitly);
- the connection goes to that checked address (no second resolution that DNS could rebind), while
  TLS still sends the host name (SNI) and checks the certificate against it;
- no cookie is sent or kept; the whole check is capped in time (EDUCONNECT_PARAMETERS_CHECK_TIMEOUT)
  and in bytes read (MAX_BYTES).

Every failure raises `FetchFailed` with a reason for the logs only: callers show one neutral message.
Never call this inside a database transaction or while holding a row lock.
"""

import contextlib
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
MAX_BYTES = 64 * 1024
USER_AGENT = "EduConnect-verification/1.0"
REDIRECTS = {301, 302, 303, 307, 308}
# Ranges Python's is_global does not cover, or covers only in recent versions.
EXTRA_BLOCKED = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2001:db8::/32",
        "2002::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
]


class FetchFailed(Exception):
    """The address cannot be checked (refused by the policy, or did not answer). `str()` is for the
    logs, never for the screen."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP the connection goes to


def _allowed_networks():
    return [
        ipaddress.ip_network(n, strict=False) for n in getattr(settings, "EDUCONNECT_SAFEFETCH_ALLOWED_NETWORKS", [])
    ]


def _schemes() -> set[str]:
    return {s.lower() for s in getattr(settings, "EDUCONNECT_PARAMETERS_URL_SCHEMES", ["https"])}


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A globally routable unicast address, also once unwrapped from an IPv4-mapped IPv6 form."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and (ip.sixtofour is not None or ip.teredo is not None):
        return False
    return not any(ip in net for net in EXTRA_BLOCKED if net.version == ip.version)


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    unwrapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
    if any(unwrapped in net for net in _allowed_networks() if net.version == unwrapped.version):
        return True
    return is_public(ip)


def resolve(url: str) -> Target:
    """Check the scheme and the host, resolve it once, and return the address to connect to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _schemes() or scheme not in ("http", "https"):
        raise FetchFailed(f"scheme {scheme!r} refused")
    if parts.username is not None or parts.password is not None:
        raise FetchFailed("credentials in the address refused")
    host = parts.hostname
    if not host:
        raise FetchFailed("no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchFailed("bad port") from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"{host}: not resolved ({exc})") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchFailed(f"{host}: no address")
    refused = [a for a in addresses if not address_allowed(a)]
    if refused:  # one bad answer is enough: the name points (also) inside
        raise FetchFailed(f"{host}: non-public address {refused[0]} refused")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, addresses[0])


def _connect(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to the checked IP itself: no name lookup of any kind happens here."""
    family = socket.AF_INET6 if ipaddress.ip_address(address.split("%", 1)[0]).version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self):
        self.sock = _connect(self._address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self):
        sock = _connect(self._address, self.port, self.timeout)
        # SNI and certificate checked against the host name, while the socket goes to the checked IP.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _request(target: Target, method: str, deadline: float) -> tuple[int, str]:
    """One request to the pinned address; returns (status, Location). Reads at most MAX_BYTES."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchFailed("time limit reached")
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target, timeout=remaining)
    # The deadline holds even against a server that trickles bytes (each read within its timeout).
    watchdog = threading.Timer(remaining, _cut, [connection])
    watchdog.daemon = True
    try:
        connection.connect()
        watchdog.start()
        connection.request(
            method, target.path, headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"}
        )
        response = connection.getresponse()
        read = 0
        while method != "HEAD" and read < MAX_BYTES:
            if deadline - time.monotonic() <= 0:
                raise FetchFailed("time limit reached")
            chunk = response.read(min(8192, MAX_BYTES - read))
            if not chunk:
                break
            read += len(chunk)
        if time.monotonic() >= deadline:
            raise FetchFailed("time limit reached")
        return response.status, response.getheader("Location", "") or ""
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        raise FetchFailed(f"{target.host} ({target.address}): {type(exc).__name__}: {exc}") from None
    finally:
        watchdog.cancel()
        connection.close()


def _cut(connection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: nothing to cut
            sock.shutdown(socket.SHUT_RDWR)


def check_reachable(url: str, *, timeout: float | None = None) -> None:
    """The address answers without error, through at most MAX_REDIRECTS checked redirects; else
    FetchFailed. HEAD first, GET when HEAD is refused (some servers answer 403/405/501 to HEAD)."""
    if timeout is None:
        timeout = float(getattr(settings, "EDUCONNECT_PARAMETERS_CHECK_TIMEOUT", 5))
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = resolve(current)
        status, location = _request(target, "HEAD", deadline)
        if status in (403, 405, 501):
            status, location = _request(target, "GET", deadline)
        if status in REDIRECTS and location:
            current = urljoin(current, location)
            continue
        if status >= 400:
            raise FetchFailed(f"{target.host}: HTTP {status}")
        if status in REDIRECTS:
            raise FetchFailed(f"{target.host}: redirect without Location")
        return
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")
