"""Fetching untrusted URLs (feeds, the articles they link, nothing else) with httpx.

Every request has a connect/read timeout and an overall deadline, a size cap counted while
reading (a lying or absent Content-Length changes nothing), and a User-Agent that says who
is asking. Redirects are followed by hand, at most ``max_redirects``, and every hop is checked
again: only http and https, and no private, loopback, link-local, shared, reserved or
multicast address (a feed must not make Tocsin read the intranet or a cloud metadata
endpoint) unless the policy allows them: all private addresses (``allow_private``) or only
some networks (``allow_networks``, e.g. a team's own feed server, or 127.0.0.0/8 in tests).

Known limit: the host is resolved once for the check and again by httpx for the connection,
so a DNS server answering differently within that instant (DNS rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from . import __version__
from .errors import ConfigError, FetchError

__all__ = ["FetchPolicy", "Fetched", "check_url", "fetch", "make_client"]

REDIRECTS = (301, 302, 303, 307, 308)
Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class FetchPolicy:
    allow_private: bool = False      # allow private/loopback/link-local addresses
    allow_networks: tuple[str, ...] = ()   # or only these networks ("10.1.0.0/16")
    timeout: float = 20.0            # seconds to connect, and between two reads
    deadline: float = 60.0           # seconds for one whole fetch, redirects included
    max_bytes: int = 5_000_000       # a larger body is refused (counted while reading)
    max_redirects: int = 5
    user_agent: str = (f"Tocsin/{__version__} (nuclear-signaling news monitor; "
                       "fetches feeds and the articles they link)")


@dataclass(frozen=True)
class Fetched:
    url: str                 # the final URL, after redirects
    status: int
    content_type: str
    body: bytes


def make_client(policy: FetchPolicy) -> httpx.Client:
    """A client for :func:`fetch`: no automatic redirects, no proxies from the environment
    (a proxy would hide the address actually reached), the policy's timeouts."""
    return httpx.Client(follow_redirects=False, trust_env=False,
                        timeout=httpx.Timeout(policy.timeout),
                        headers={"User-Agent": policy.user_agent})


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}") from exc
    return [str(info[4][0]) for info in infos]


def _forbidden(address: str) -> str | None:
    """Why this address may not be fetched from, or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"unparsable address {address!r}"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for what, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("private", ip.is_private), ("multicast", ip.is_multicast),
                       ("reserved", ip.is_reserved), ("unspecified", ip.is_unspecified)):
        if flag:
            return what
    if not ip.is_global:
        return "non-public"
    return None


def _networks(cidrs: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(c, strict=False) for c in cidrs]
    except ValueError as exc:
        raise ConfigError(f"allow_networks: {exc}") from exc


def _within(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
            ) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return any(ip in n for n in networks if n.version == ip.version)


def check_url(url: str, policy: FetchPolicy, resolve: Resolver = _resolve) -> httpx.URL:
    """The parsed URL if it may be fetched under ``policy``; FetchError says why not."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"invalid URL {url!r}: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        raise FetchError(f"refused {url!r}: only http and https URLs are fetched")
    host = parsed.host
    if not host:
        raise FetchError(f"refused {url!r}: no host")
    if policy.allow_private:
        return parsed
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    allowed = _networks(policy.allow_networks)
    for address in resolve(host, port):
        why = _forbidden(address)
        if why is not None and not _within(address, allowed):
            raise FetchError(f"refused {url!r}: {host} is a {why} address ({address}); "
                             "set allow_private to fetch from it")
    return parsed


def fetch(url: str, policy: FetchPolicy, client: httpx.Client | None = None,
          resolve: Resolver = _resolve) -> Fetched:
    """GET ``url`` under ``policy``. Raises FetchError (one line, with the reason) for a
    refused address or scheme, too many redirects, a non-2xx status, a body over the cap,
    a timeout or a network error."""
    own = client is None
    http = client or make_client(policy)
    start = time.monotonic()
    try:
        current = url
        for _hop in range(policy.max_redirects + 1):
            parsed = check_url(current, policy, resolve)
            try:
                with http.stream("GET", parsed) as response:
                    if response.status_code in REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(f"{current}: redirect without a Location")
                        current = str(parsed.join(location))
                        continue
                    if not 200 <= response.status_code < 300:
                        raise FetchError(f"{current}: HTTP {response.status_code}")
                    body = _read_capped(response, policy, start, current)
                    return Fetched(url=current, status=response.status_code,
                                   content_type=response.headers.get("content-type", ""),
                                   body=body)
            except httpx.TimeoutException as exc:
                raise FetchError(f"{current}: timed out ({type(exc).__name__})") from exc
            except httpx.HTTPError as exc:
                detail = " ".join(str(exc).split())[:200] or type(exc).__name__
                raise FetchError(f"{current}: {detail}") from exc
        raise FetchError(f"{url}: more than {policy.max_redirects} redirects")
    finally:
        if own:
            http.close()


def _read_capped(response: httpx.Response, policy: FetchPolicy, start: float,
                 url: str) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(f"{url}: too large ({declared} bytes > {policy.max_bytes})")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchError(f"{url}: too large (more than {policy.max_bytes} bytes)")
        if time.monotonic() - start > policy.deadline:
            raise FetchError(f"{url}: took longer than {policy.deadline:.0f} s")
        chunks.append(chunk)
    return b"".join(chunks)
