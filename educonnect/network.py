"""Client IP and intranet policy.

X-Forwarded-For is trusted only when the direct peer (REMOTE_ADDR) is one of
EDUCONNECT_TRUSTED_PROXIES; the client is then the right-most address not itself a trusted proxy.
"""

import ipaddress

from django.conf import settings


def _networks(values):
    return [ipaddress.ip_network(v, strict=False) for v in values]


def _in(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def is_from_trusted_proxy(request) -> bool:
    """The direct peer is one of EDUCONNECT_TRUSTED_PROXIES (its X-Forwarded-* headers count)."""
    proxies = settings.EDUCONNECT_TRUSTED_PROXIES
    return bool(proxies) and _in(request.META.get("REMOTE_ADDR", ""), _networks(proxies))


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = _networks(settings.EDUCONNECT_TRUSTED_PROXIES)
    if not proxies or not _in(remote, proxies):
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    for address in reversed(forwarded):
        if not _in(address, proxies):
            return address
    return remote


def is_intranet(request) -> bool:
    return _in(client_ip(request), _networks(settings.EDUCONNECT_INTRANET_NETWORKS))
