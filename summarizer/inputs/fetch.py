"""One web page's bytes, fetched from the very address that was checked, within a total deadline.

Why not ``urllib.request.urlopen``: it resolves the host name again when it connects, so a name
that answered a public address to the check can answer ``127.0.0.1`` to the connection (DNS
rebinding) and the check protects nothing. Here each hop (the address, then every redirect) is
resolved once, every address it resolved to is checked, and the connection goes to one of those
addresses; the request still names the host (``Host`` header, and for ``https`` the name the
certificate is verified against). Its timeout is per socket operation, so a server that sends one
byte every few seconds holds a fetch for as long as it likes; here the whole fetch, redirects and
all, has a deadline.

No proxy from the environment is used: a proxy would resolve the name itself, beyond the check.
Every failure is an ``InputError`` whose message says what went wrong in a user's words.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from ..errors import InputError

MAX_REDIRECTS = 10  # as urllib
REDIRECT_CODES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """What a server answered: the body, its declared type and charset, and the address it came from."""

    data: bytes
    content_type: str
    charset: str | None
    final_url: str


@dataclass(frozen=True)
class _Target:
    """One hop: the parsed address and the socket addresses its host name resolved to (all checked)."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    sockaddrs: tuple[tuple[int, tuple], ...] = field(default=())  # (family, sockaddr)


def check_address(url: str, allow_private: bool) -> _Target:
    """Parse and resolve ``url`` once; refuse a scheme other than http(s), and (unless ``allow_private``)
    any address of the host that is not on the public internet."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise InputError(f"{url}: this is not a valid web address.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"{url}: only http:// and https:// addresses can be fetched.")
    host = parts.hostname
    if not host:
        raise InputError(f"{url}: the address has no host name.")
    scheme = parts.scheme.lower()
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise InputError(f"{url} is not reachable (the host name {host} is unknown).") from None
    sockaddrs = []
    for family, _, _, _, sockaddr in infos:
        if not allow_private:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
            if not is_public(address):
                raise InputError(
                    f"{url} points to a local or private network address ({address}); this app fetches "
                    "public web pages only."
                )
        if (family, sockaddr) not in sockaddrs:
            sockaddrs.append((family, sockaddr))
    if not sockaddrs:
        raise InputError(f"{url} is not reachable (the host name {host} is unknown).")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(url, scheme, host, port, path, tuple(sockaddrs))


# Ranges that Python's ``is_global`` (3.11) takes for public but that reach a local or private network
# or no one: the IETF's protocol assignments (192.0.0.0/24, e.g. DS-Lite's 192.0.0.8), multicast, and
# any IPv6 address outside global unicast (2000::/3): IPv4-compatible ::a.b.c.d, IPv4-translated
# ::ffff:0:a.b.c.d, site-local fec0::/10. NAT64 addresses (64:ff9b::a.b.c.d) reach the IPv4 address they
# carry, and so do 6to4 and Teredo ones: they are as public as it is.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_NOT_PUBLIC = (ipaddress.ip_network("192.0.0.0/24"),)
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a connection to ``address`` reaches the public internet, also through an IPv4 address an
    IPv6 one carries (NAT64 ``64:ff9b::a.b.c.d``, 6to4 ``2002:ab:cd::``, Teredo)."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in net for net in _NAT64):
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address not in _GLOBAL_UNICAST or not address.is_global or address.is_multicast:
            return False
        carried = [address.sixtofour, address.teredo[1] if address.teredo else None]
        return all(is_public(v4) for v4 in carried if v4 is not None)
    return address.is_global and not address.is_multicast and not any(address in net for net in _NOT_PUBLIC)


class _Deadline:
    """The time left for one fetch; at the end, the open socket is shut down so that no read outlives it."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return self.end - time.monotonic()

    @property
    def passed(self) -> bool:
        return self.left() <= 0

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if sock is not None and self.passed:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._shut(self._sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _connect(target: _Target, deadline: _Deadline, timeout: float) -> socket.socket:
    """A socket connected to one of the checked addresses (the first that answers)."""
    last: OSError | None = None
    for family, sockaddr in target.sockaddrs:
        left = deadline.left()
        if left <= 0:
            break
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(min(timeout, left))
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    if last is None:
        raise TimeoutError
    raise last


def _connection(target: _Target, deadline: _Deadline, timeout: float) -> http.client.HTTPConnection:
    cls = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    conn = cls(target.host, target.port, timeout=min(timeout, max(deadline.left(), 0.001)))

    def pinned(_address, _timeout=None, _source=None):  # http.client's hook: the address checked, not a new look-up
        sock = _connect(target, deadline, timeout)
        deadline.watch(sock)
        return sock

    conn._create_connection = pinned  # type: ignore[attr-defined]  # https wraps it with server_hostname=host
    return conn


def fetch(
    url: str,
    *,
    allow_private: bool,
    max_bytes: int,
    timeout: float,
    deadline: float,
    headers: dict[str, str],
    size_text,
) -> Fetched:
    """GET ``url`` (following redirects, each hop checked) -> the answer, at most ``max_bytes``.

    ``timeout``: per socket operation; ``deadline``: for the whole fetch. ``size_text(n)`` says a
    size in words for the messages.
    """
    clock = _Deadline(deadline)
    try:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            target = check_address(current, allow_private)
            conn = _connection(target, clock, timeout)
            try:
                conn.request("GET", target.path, headers=headers)
                response = conn.getresponse()
                location = response.getheader("Location")
                if response.status in REDIRECT_CODES and location:
                    current = urllib.parse.urljoin(current, location.strip())
                    continue
                if response.status >= 400:
                    raise InputError(f"{url} could not be fetched: the site answered {response.status} "
                                     f"{response.reason}.")
                length = response.getheader("Content-Length")
                if length and length.strip().isdigit() and int(length) > max_bytes:
                    raise InputError(f"{url} is too big ({size_text(int(length))}; at most {size_text(max_bytes)}).")
                data = _read_body(response, conn, clock, timeout, max_bytes, url, deadline)
                if len(data) > max_bytes:
                    raise InputError(f"{url} is too big (over {size_text(max_bytes)}).")
                message = response.msg
                return Fetched(data, message.get_content_type(), message.get_content_charset(), current)
            finally:
                conn.close()
        raise InputError(f"{url} could not be fetched: too many redirects (more than {MAX_REDIRECTS}).")
    except InputError:
        raise
    except (TimeoutError, OSError, http.client.HTTPException, ValueError) as exc:
        if clock.passed:
            raise InputError(f"{url} took too long: no complete answer within {deadline:g} s.") from None
        raise InputError(f"{url} is not reachable ({reason(exc, timeout)}).") from None
    finally:
        clock.cancel()


def _read_body(response, conn, clock: _Deadline, timeout: float, max_bytes: int, url: str, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        left = clock.left()
        if left <= 0:
            raise InputError(f"{url} took too long: no complete answer within {deadline:g} s.")
        if conn.sock is not None:
            conn.sock.settimeout(min(timeout, left))
        chunk = response.read1(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if clock.passed:  # the deadline shut the socket: what came is not the whole answer
        raise InputError(f"{url} took too long: no complete answer within {deadline:g} s.")
    if size <= max_bytes and response.length:  # fewer bytes than its Content-Length said
        raise InputError(f"{url} is not reachable (the connection closed before the whole page came).")
    return b"".join(chunks)


def reason(exc: object, timeout: float | None = None) -> str:
    """Why a connection failed, in words."""
    if isinstance(exc, socket.gaierror):
        return "the host name is unknown"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s" if timeout else "no answer in time"
    if isinstance(exc, http.client.HTTPException):
        return "the server's answer is not valid HTTP"
    text = getattr(exc, "strerror", None) or str(exc)
    return text.strip() or type(exc).__name__
