"""Serving a workshop room: the base address phones are sent to (join URL and QR code), and the
machine's own network addresses for the present page's warning.

A Host header is written by whoever sends the request, so it is never copied into a URL that is
projected for a room to scan unless it is known to be ours: ``PUBLIC_URL`` first; otherwise a
host Flask has already checked against ``TRUSTED_HOSTS`` (Flask >= 3.1 answers 400 to any other
host when that list is set); otherwise only a loopback name or one of this machine's own
addresses, which can only point back at this machine. Anything else falls back to this
machine's address and the port the server listens on.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.sansio.utils import get_current_url

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# Connecting a UDP socket only picks the outgoing interface by the routing table: no packet is
# sent, so this works offline and on a venue network that blocks everything.
_PROBES = ("10.255.255.255", "192.168.255.255", "172.31.255.255")


@lru_cache(maxsize=256)  # pure in ``host``; bounded, as the Host header is the client's to choose
def is_loopback(host: str) -> bool:
    """True for localhost names and 127.0.0.0/8 or ::1 addresses (ports and brackets allowed)."""
    name = _hostname(host)
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _hostname(host: str) -> str:
    """'example.org:5000' -> 'example.org'; '[::1]:5000' -> '::1'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses that phones on the same network could reach,
    found without sending anything (see _PROBES); private addresses first."""
    found: list[str] = []
    for probe in _PROBES:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.connect((probe, 9))
                address = s.getsockname()[0]
            except OSError:
                continue
        ip = ipaddress.ip_address(address)
        if address not in found and not ip.is_loopback and not ip.is_unspecified:
            found.append(address)
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if address not in found and not ipaddress.ip_address(address).is_loopback:
                found.append(address)
    except OSError:
        pass
    found.sort(key=lambda a: not ipaddress.ip_address(a).is_private)
    return found


def _own_host(host: str) -> bool:
    name = _hostname(host)
    return is_loopback(host) or name in lan_addresses()


def _server_port() -> str:
    port = str(request.environ.get("SERVER_PORT", ""))
    return port if port.isdigit() else ""


def base_url() -> str:
    """Scheme and host (no trailing slash) for URLs handed to other devices."""
    public = (current_app.config.get("PUBLIC_URL") or "").strip()
    if public:
        return public.rstrip("/")
    if current_app.config.get("TRUSTED_HOSTS") or _own_host(request.host):
        # With TRUSTED_HOSTS set, Flask has refused any other host before we get here.
        return _host_base(request.scheme, request.host)
    addresses = lan_addresses()
    address = addresses[0] if addresses else "127.0.0.1"
    port = _server_port()
    default = {"http": "80", "https": "443"}.get(request.scheme)
    return f"{request.scheme}://{address}" + (f":{port}" if port and port != default else "")


@lru_cache(maxsize=64)
def _host_base(scheme: str, host: str) -> str:
    """``request.host_url`` without its slash, remembered: it is a pure function of scheme and
    host (werkzeug's own code), and rebuilding it (IRI conversion) was a fiftieth of a submission."""
    return get_current_url(scheme, host).rstrip("/")


def absolute(path: str) -> str:
    return base_url() + path


def external_url(endpoint: str, **values: object) -> str:
    """``url_for(..., _external=True)`` for every address handed out (API bodies, Location
    headers, pages): its scheme and host come from ``base_url``, never from an unchecked Host."""
    return absolute(url_for(endpoint, **values))


def lan_alternatives(url: str) -> list[str]:
    """The same URL with its loopback host replaced by each of this machine's network addresses
    (empty when the URL does not point at a loopback address)."""
    parts = urlsplit(url)
    if not is_loopback(parts.netloc):
        return []
    port = f":{parts.port}" if parts.port else ""
    return [parts._replace(netloc=f"{address}{port}").geturl() for address in lan_addresses()]
