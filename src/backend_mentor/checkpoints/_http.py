"""The HTTP client the ``http-*`` verifiers share: stdlib only, loopback only, bounded, no redirects.

A ``Session`` is one verifier run against one server. ``Session.attempt`` runs one declared check
(a ``CheckSpec`` whose function takes the verifier's suite) and turns whatever goes wrong into a failed ``Check``: a ``CheckFailed`` raised by the check
itself, or an ``HttpProblem`` from the client (refused connection, no answer in time, an answer
that is not HTTP, a body over ``MAX_BODY``). Only a URL that cannot be used at all raises
``VerifierInputError``, and that happens when the session is created, before any request.

Redirects are never followed, so a 3xx is reported as what it is and a redirect loop cannot hang.
When nothing accepts the very first connection the run stops with ``NothingListening`` (an input
error: one line, no attempt recorded). Once a server that did answer becomes unreachable (refused,
or silent until the timeout) the remaining checks are skipped at once (``Check.skip``, reason
``SKIPPED``) instead of each waiting for its own timeout, and so are the checks left when the
run's time limit is used up; such a run cannot pass.

A check's failure reproduces the whole story: every request the check sent, in order, one
``curl`` per line. Host names are resolved once and every connection goes to an address that
was checked (no DNS rebinding). JSON bodies are bounded in size and nesting depth, and text from
the server is escaped before it reaches a message (``printable``).
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import re
import shlex
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode, urlsplit

from .base import Check, CheckSpec, VerifierInputError, VerifyOptions, printable, run_checks

DEFAULT_URL = "http://127.0.0.1:8000"
MAX_BODY = 1_000_000
MAX_DEPTH = 64  # JSON nesting the verifier reads; deeper is a failed check, never a crash
EXCERPT = 200
SKIPPED = "skipped: server unreachable"
LOOPBACK_HELP = "the verifier only talks to this machine (127.0.0.0/8, ::1, localhost) unless you pass --allow-remote"
_NO_BODY = object()
RFC9110_PHRASES = {413: "Content Too Large", 422: "Unprocessable Content"}


def seconds(value: float) -> str:
    """``2.0``, ``0.5``, ``0.25``: one decimal unless more are needed."""
    return f"{value:.1f}" if round(value, 1) == value else f"{value:g}"


def status_text(code: int) -> str:
    """``404 Not Found``; RFC 9110 wording, whatever this Python's ``HTTPStatus`` says."""
    if code in RFC9110_PHRASES:
        return f"{code} {RFC9110_PHRASES[code]}"
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def excerpt(data: bytes | str, limit: int = EXCERPT) -> str:
    """One line of at most ``limit`` characters, for the ``actual`` of a report."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = printable(" ".join(text.split()), keep_newlines=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class JsonTooDeep(ValueError):
    """A JSON document nested deeper than ``MAX_DEPTH``: not parsed (it would exhaust the stack)."""


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def json_depth_exceeds(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (a linear scan, no recursion)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for byte in _JSON_STRING.sub(b"", data):
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def parse_json(data: bytes | str) -> Any:
    """JSON from a server: ``ValueError`` when it is not JSON, ``JsonTooDeep`` when nested too deep."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if json_depth_exceeds(raw):
        raise JsonTooDeep(f"JSON nested more than {MAX_DEPTH} levels deep; the verifier does not read it")
    try:
        return json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise JsonTooDeep(f"JSON nested too deep to read (over {MAX_DEPTH} levels)") from None


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- where requests may go -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The learner's server: scheme, host and port, and the path the API lives under."""

    scheme: str
    host: str
    port: int
    base_path: str
    addresses: tuple[str, ...] = ()  # what ``host`` resolved to when it was checked; connections go here

    @property
    def where(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def url(self, path: str = "") -> str:
        return self.origin + self.base_path + path


def resolve(host: str) -> tuple[str, ...]:
    """Every address ``host`` resolves to, in the resolver's order; ``ValueError`` when none."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ValueError(f"cannot resolve the host '{host}'") from None
    return tuple(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def checked_addresses(host: str, allow_remote: bool = False) -> tuple[tuple[str, ...], str | None]:
    """``host`` resolved once, and why it is not this machine (or None). Only these addresses
    are ever connected to, so a name that resolves differently later cannot redirect a request."""
    try:
        addresses = resolve(host)
    except ValueError as exc:
        return (), str(exc)
    if allow_remote:
        return addresses, None
    remote = sorted(a for a in addresses if not ipaddress.ip_address(a).is_loopback)
    if remote:
        named = host if remote == [host] else f"{host} ({', '.join(remote)})"
        return addresses, f"{named} is not this machine; {LOOPBACK_HELP}"
    return addresses, None


def loopback_problem(host: str) -> str | None:
    """Why ``host`` is not this machine (every address it resolves to must be loopback), or None."""
    return checked_addresses(host)[1]


def parse_target(url: str | None, allow_remote: bool = False) -> Target:
    """Check ``--url`` before anything is sent; raises ``VerifierInputError`` with one clear line."""
    raw = (url or DEFAULT_URL).strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise VerifierInputError(f"--url '{raw}' is not an http:// or https:// URL; use e.g. {DEFAULT_URL}")
    if parts.query or parts.fragment:
        raise VerifierInputError(f"--url '{raw}' must not have a query or fragment; give the API's base URL")
    default_port = 443 if parts.scheme == "https" else 80
    target = Target(parts.scheme, parts.hostname, port or default_port, parts.path.rstrip("/"))
    if allow_remote:
        return target  # resolved when the first request is sent, then pinned
    addresses, problem = checked_addresses(parts.hostname)
    if problem:
        raise VerifierInputError(f"--url {printable(raw, keep_newlines=False)}: {problem}")
    return Target(target.scheme, target.host, target.port, target.base_path, addresses)


# --- one request, one response ---------------------------------------------------------------------


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    @property
    def label(self) -> str:
        parts = urlsplit(self.url)
        return f"{self.method} {parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")

    def curl(self) -> str:
        """The same request as a ``curl`` command line the learner can paste."""
        words = ["curl", "-i"]
        if self.method != "GET":
            words += ["-X", self.method]
        words.append(shlex.quote(self.url))
        for name, value in self.headers.items():
            words += ["-H", shlex.quote(f"{name}: {value}")]
        if self.body is not None:
            words += ["-d", shlex.quote(self.body.decode("utf-8", "replace"))]
        return " ".join(words)


@dataclass
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return ", ".join(values) if values else None

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def media_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def is_json_type(self) -> bool:
        return self.media_type == "application/json" or self.media_type.endswith("+json")

    def json(self) -> Any:
        """The body as JSON; ``ValueError`` when it is not (``JsonTooDeep`` when nested too deep)."""
        return parse_json(self.body)

    def summary(self, *headers: str) -> str:
        """Status, the named headers (Content-Type by default) and a body excerpt, on one line.

        The status is named with the one phrase this tool uses for it (``status_text``), whatever
        reason phrase the server sent ("METHOD NOT ALLOWED", "Request Entity Too Large").
        """
        parts = [status_text(self.status)]
        for name in headers or ("Content-Type",):
            value = self.header(name)
            parts.append(f"{name}: {value}" if value is not None else f"no {name}")
        parts.append(f"body: {excerpt(self.body)}" if self.body.strip() else "empty body")
        return "; ".join(parts)


class HttpProblem(Exception):
    """The request did not produce an HTTP response; the message says why, in the learner's terms."""


class Unreachable(HttpProblem):
    """The server cannot be reached at all, so later requests need not wait for it either."""

    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


class Skipped(HttpProblem):
    """The request was not sent: the server was already unreachable, or the run's time is up."""


class NothingListening(VerifierInputError):
    """Nothing accepted the run's first connection: there is no server to check yet."""


class CheckFailed(Exception):
    """Raised by a check function; ``Session.attempt`` turns it into a failed ``Check``."""

    def __init__(
        self,
        message: str,
        *,
        expected: str | None = None,
        actual: str | None = None,
        request: Request | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.actual = actual
        self.request = request
        self.response = response


class BodyTooLarge(Exception):
    pass


def read_capped(response: http.client.HTTPResponse) -> bytes:
    chunks, size = [], 0
    while chunk := response.read1(65536):
        size += len(chunk)
        if size > MAX_BODY:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def exchange(request: Request, limit: float, addresses: Iterable[str] | None = None) -> Response:
    """Send one request on a fresh connection and read the whole answer within ``limit`` seconds.

    A timer shuts the socket down at the limit, so a server that trickles bytes cannot stretch
    one request past it either. With ``addresses`` the connection goes to one of them (in
    order), never to whatever the host name resolves to now; the Host header keeps the name.
    """
    parts = urlsplit(request.url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    where = f"{parts.hostname}:{port}"
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=limit)
    if addresses:
        connection._create_connection = pinned_connector(tuple(addresses), port)  # type: ignore[attr-defined]
    expired = threading.Event()

    def abort() -> None:
        expired.set()
        if connection.sock is not None:
            with suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(limit, abort)
    timer.daemon = True
    timer.start()
    try:
        connect(connection, where, limit)
        return converse(connection, request, limit, expired)
    finally:
        timer.cancel()
        connection.close()


def pinned_connector(addresses: tuple[str, ...], port: int) -> Callable[..., socket.socket]:
    """A ``socket.create_connection`` that only tries ``addresses`` (no second DNS lookup)."""

    def create_connection(_address: Any, timeout: Any = None, source_address: Any = None) -> socket.socket:
        failure: OSError | None = None
        for address in addresses:
            try:
                return socket.create_connection((address, port), timeout, source_address)
            except OSError as exc:
                failure = exc
        raise failure or OSError("no address to connect to")

    return create_connection


def connect(connection: http.client.HTTPConnection, where: str, limit: float) -> None:
    try:
        connection.connect()
    except ConnectionRefusedError:
        raise Unreachable(f"connection refused at {where} — is your server running?", refused=True) from None
    except TimeoutError:
        raise Unreachable(f"no connection to {where} within {seconds(limit)} s") from None
    except OSError as exc:
        raise Unreachable(f"cannot connect to {where}: {exc.strerror or exc}") from None


def converse(
    connection: http.client.HTTPConnection, request: Request, limit: float, expired: threading.Event
) -> Response:
    parts = urlsplit(request.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(request.method, path, body=request.body, headers={**request.headers, "Connection": "close"})
        answer = connection.getresponse()
        body = read_capped(answer)
    except BodyTooLarge:
        raise HttpProblem(f"the response body to {request.label} is larger than 1 MB; stopped reading") from None
    except Exception as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise Unreachable(f"no response within {seconds(limit)} s to {request.label}") from None
        raise HttpProblem(describe_failure(exc, request)) from None
    return Response(answer.status, answer.reason, answer.getheaders(), body)


def describe_failure(exc: Exception, request: Request) -> str:
    if isinstance(exc, http.client.RemoteDisconnected):
        return f"the server closed the connection without answering {request.label}"
    if isinstance(exc, http.client.BadStatusLine):
        return f"the answer to {request.label} is not HTTP: it starts with {excerpt(str(exc.args[0] if exc.args else ''), 60)!r}"
    if isinstance(exc, http.client.HTTPException):
        return f"the answer to {request.label} is not valid HTTP ({type(exc).__name__}: {excerpt(str(exc), 80)})"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
        return f"the server reset the connection during {request.label}"
    if isinstance(exc, OSError):
        return f"network error during {request.label}: {exc.strerror or exc}"
    return f"the answer to {request.label} could not be read ({type(exc).__name__}: {excerpt(str(exc), 80)})"


# --- a verifier run --------------------------------------------------------------------------------


class Session:
    """One verifier run: where to send requests, the time left, what was seen, the checks so far."""

    def __init__(
        self, options: VerifyOptions, time_limit: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.target = parse_target(options.url, options.allow_remote)
        self.allow_remote = options.allow_remote
        self.timeout = options.timeout
        self.time_limit = time_limit or max(20.0, 10 * options.timeout)
        self.clock = clock  # injectable, so tests of the run's time limit do not depend on the machine's load
        self.deadline = clock() + self.time_limit
        self.unreachable = False
        self.answered = False  # has any request had an answer yet (then a refusal is a crash, not "not started")
        self.history: list[tuple[Request, Response]] = []
        self.trail: list[Request] = []  # every request of the check that is running, in order
        self.last: tuple[Request, Response | None] | None = None
        self.resolved: dict[str, tuple[str, ...]] = {}
        self.rules: list[Callable[[Request, Response], None]] = []  # run on every answer during a check
        self.checking = False
        if self.target.addresses:
            self.resolved[self.target.host] = self.target.addresses

    def url(self, path: str = "") -> str:
        return self.target.url(path)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = _NO_BODY,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
    ) -> Response:
        """Send a request to ``path`` under the base URL (or to an absolute URL on this machine)."""
        url = path if "://" in path else self.url(path)
        if query:
            url += "?" + urlencode(query)
        sent = dict(headers or {})
        if json_body is not _NO_BODY:
            data = json.dumps(json_body).encode("utf-8")
            sent.setdefault("Content-Type", "application/json")
        return self.send_request(Request(method, url, sent, data))

    def send_request(self, request: Request) -> Response:
        """Send a prepared request, remembering it for the check's reproduction and the history."""
        self.last = (request, None)
        if not self.unreachable and self.seconds_left() > 0:
            self.trail.append(request)
        response = self.send(request)
        self.last = (request, response)
        self.history.append((request, response))
        if self.checking:
            for rule in self.rules:
                rule(request, response)  # raises CheckFailed: a rule every answer of the contract obeys
        return response

    def send(self, request: Request) -> Response:
        if self.unreachable:
            raise Skipped(SKIPPED)
        if self.seconds_left() <= 0:
            raise Skipped(self.time_up)
        addresses = self.addresses_for(request.url)
        limit = min(self.timeout, self.seconds_left())
        try:
            response = exchange(request, limit, addresses)
        except Unreachable as exc:
            if limit < self.timeout and self.seconds_left() <= 0:
                raise Skipped(self.time_up) from None  # cut short by the run's limit, not by the server
            self.unreachable = True
            if exc.refused and not self.answered and urlsplit(request.url).hostname == self.target.host:
                raise NothingListening(
                    f"nothing is listening on {self.target.where} — start your server, then run this again"
                ) from None
            raise
        self.answered = True
        return response

    @property
    def time_up(self) -> str:
        return f"the verifier's time limit of {seconds(self.time_limit)} s is used up"

    def addresses_for(self, url: str) -> tuple[str, ...]:
        """The checked addresses for ``url``'s host (resolved once per run). A URL the server
        handed out (a todo's ``url``) may point anywhere: it must stay on this machine too."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpProblem(f"cannot request '{url}': not an http:// URL")
        host = parts.hostname
        if host not in self.resolved:
            addresses, problem = checked_addresses(host, self.allow_remote)
            if problem:
                raise HttpProblem(f"refusing to request {url}: {problem}")
            self.resolved[host] = addresses
        return self.resolved[host]

    def connect_socket(self, url: str, limit: float) -> socket.socket:
        """A TCP connection to ``url``'s host for a verifier that must read raw bytes (a 304's
        stray body): it goes to an address that was checked, like every other request. Callers
        record what they send with ``record`` so it is part of the check's story."""
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return pinned_connector(self.addresses_for(url), port)(None, limit)

    def record(self, request: Request, response: Response | None = None) -> None:
        """Count a request sent outside ``send_request`` (raw sockets) in the check's story and history."""
        if response is None:
            self.last = (request, None)
            self.trail.append(request)
            return
        self.last = (request, response)
        self.history.append((request, response))
        self.answered = True

    def refuse_other_hosts(self, url: str) -> None:
        """Raise ``HttpProblem`` when ``url`` is not on this machine (unless remote is allowed)."""
        self.addresses_for(url)

    def seconds_left(self) -> float:
        return self.deadline - self.clock()

    def add(self, check: Check) -> Check:
        """The check with every piece of text from outside escaped for the terminal."""
        check.name = printable(check.name, keep_newlines=False)
        check.message = printable(check.message or "")
        for field_name in ("expected", "actual"):
            value = getattr(check, field_name)
            if value is not None:
                setattr(check, field_name, printable(value, keep_newlines=False))
        if check.reproduce is not None:
            check.reproduce = printable(check.reproduce)
        if check.warnings:
            check.warnings = [printable(w, keep_newlines=False) for w in check.warnings]
        return check

    def attempt(self, spec: CheckSpec, suite: Any) -> Check:
        """Run one declared check against the learner's server (``run_checks`` calls this).

        ``spec.run(suite)`` returns the pass message, or ``(message, [warnings])`` for stricter
        advice that never fails the check; it raises ``CheckFailed`` for a failure. Once the
        server is unreachable or the run's time is up, the check is skipped without running.
        """
        name, hint_topic = spec.name, spec.hint
        if self.unreachable or self.seconds_left() <= 0:
            return self.add(Check.skip(name, SKIPPED if self.unreachable else self.time_up, hint_topic))
        self.last = None
        self.trail = []
        self.checking = True
        try:
            result = spec.run(suite)
            message, warnings = result if isinstance(result, tuple) else (result, None)
            return self.add(Check(name, True, message, hint_topic, warnings=list(warnings) if warnings else None))
        except CheckFailed as failed:
            return self.add(self.failure(name, hint_topic, failed))
        except Skipped as skipped:
            return self.add(Check.skip(name, str(skipped), hint_topic))
        except HttpProblem as problem:
            return self.add(Check(name, False, str(problem), hint_topic, reproduce=self.story()))
        except JsonTooDeep as exc:
            return self.add(self.failure(name, hint_topic, CheckFailed(f"the answer is {exc}")))
        except RecursionError:
            too_deep = CheckFailed(f"the answer is nested too deep to read (over {MAX_DEPTH} levels)")
            return self.add(self.failure(name, hint_topic, too_deep))
        except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError) as exc:  # JSON nobody expected
            shape = CheckFailed(f"the answer has an unexpected shape ({type(exc).__name__}: {excerpt(str(exc), 80)})")
            return self.add(self.failure(name, hint_topic, shape))
        finally:
            self.checking = False

    def exchange(self) -> tuple[Request, Response | None]:
        """The last request sent and its answer (None when it got none)."""
        if self.last is None:
            raise RuntimeError("no request has been sent yet")
        return self.last

    def story(self, until: Request | None = None) -> str | None:
        """Every request of the running check up to ``until`` (default: all), one curl per line."""
        requests = list(self.trail)
        if until is not None and any(r is until for r in requests):
            requests = requests[: next(i for i, r in enumerate(requests) if r is until) + 1]
        elif until is not None:
            requests.append(until)
        return "\n".join(r.curl() for r in requests) or None

    def failure(self, name: str, hint_topic: str, failed: CheckFailed) -> Check:
        request, response = failed.request, failed.response
        if request is None and self.last:
            request, response = self.last
        actual = failed.actual if failed.actual is not None else (response.summary() if response else None)
        return Check(name, False, failed.message, hint_topic, failed.expected, actual, self.story(request))

    def run(
        self, specs: Sequence[CheckSpec], suite: Any = None, cleanup: Callable[[], None] | None = None
    ) -> list[Check]:
        """Run every declared check in order against ``suite``, then tidy up on the server (best
        effort, never a check)."""
        try:
            return run_checks(specs, suite, attempt=self.attempt)
        finally:
            if cleanup and not self.unreachable:
                with suppress(HttpProblem, CheckFailed, ValueError):
                    cleanup()


# --- small assertions the verifiers share ----------------------------------------------------------


def expect_status(response: Response, allowed: int | Iterable[int], action: str) -> None:
    codes = (allowed,) if isinstance(allowed, int) else tuple(allowed)
    if response.status not in codes:
        wanted = " or ".join(status_text(code) for code in codes)
        raise CheckFailed(f"{action} answered {status_text(response.status)}, expected {wanted}", expected=wanted)


def expect_json(response: Response, action: str, kind: type | None = None) -> Any:
    """The body as JSON (of ``kind``, when given), or a failed check that shows what came instead."""
    try:
        value = response.json()
    except JsonTooDeep as exc:
        raise CheckFailed(f"the body of {action} is {exc}", expected="a JSON body") from None
    except (ValueError, UnicodeDecodeError):
        raise CheckFailed(f"the body of {action} is not JSON", expected="a JSON body") from None
    if kind is not None and not isinstance(value, kind):
        what = "a JSON object" if kind is dict else "a JSON array" if kind is list else f"JSON {kind.__name__}"
        raise CheckFailed(f"the body of {action} is not {what}", expected=what)
    return value
