"""Verifier for ``http-cache`` (checkpoint caching-layer): ETags, Cache-Control and a visible cache.

The contract is ``assets/http_cache/CONTRACT.md``: products are created with ``PUT /products/{id}`` (random ids
starting with ``bm-``), read with ``GET`` through a cache-aside layer that says ``X-Cache: MISS``
or ``HIT``, and writes must invalidate the cached copy. Each check creates its own product, so a
mistake in one rule fails one check; the products are deleted at the end.

``http.client`` never reads a body after ``304`` or ``204`` (it knows there must be none), so a
server that sends one anyway would pass unseen; ``bytes_after_head`` asks again on a raw socket
and reads what follows the header block, bounded in size and time.
"""

from __future__ import annotations

import re
import secrets
import socket
import ssl
import time
from typing import Any
from urllib.parse import quote, urlsplit

from ._http import (
    CheckFailed,
    HttpProblem,
    Request,
    Response,
    Session,
    excerpt,
    expect_json,
    expect_status,
    seconds,
    status_text,
)
from ._untrusted import contract, guarded, json_value
from .base import Check, CheckSpec, VerifyOptions

ETAG = re.compile(r'(W/)?"[\x21\x23-\x7e\x80-\xff]*"')
CACHE_CONTROL = re.compile(r"(^|,)\s*(max-age=\d+|no-cache)\s*(,|$)", re.IGNORECASE)

MAX_HEAD = 65_536  # bytes of header block the raw reader accepts
MAX_TAIL = 65_536  # bytes after the header block it reads at most
STATUS_LINE = re.compile(r"HTTP/1\.[01] (\d{3})(?: (.*))?")
QUIET = 1.0  # seconds the raw reader waits for bytes after the header block (EOF ends it at once)


def verify(options: VerifyOptions) -> list[Check]:
    session = Session(options)
    suite = CacheSuite(session)
    return session.run(CHECKS, suite, suite.cleanup)


def declared_checks(options: VerifyOptions) -> list[CheckSpec]:
    return list(CHECKS)


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {"CONTRACT.md": contract("http_cache")}


def product_fields() -> dict[str, Any]:
    return {"name": f"product {secrets.token_hex(4)}", "price": secrets.randbelow(99_900) / 100 + 1}


def max_age(cache_control: str) -> int | None:
    """The ``max-age`` in a Cache-Control value (0 when ``no-store``/``no-cache`` win), or None."""
    directives = {part.strip().lower().partition("=")[0]: part.partition("=")[2] for part in cache_control.split(",")}
    if "no-store" in directives or "no-cache" in directives:
        return 0
    value = directives.get("max-age", directives.get("s-maxage", "")).strip().strip('"')
    return int(value) if value.isdigit() else None


def raw_request(
    session: Session, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[Response, bytes]:
    """Send a request on a raw socket: the answer, and every byte the server sent after its header block.

    ``Connection: close`` is sent, so a server that ends the answer where it should closes the
    connection and this returns at once; otherwise it waits at most ``QUIET`` seconds for more.
    The request is recorded like any other (for the reproduce line and the history).
    """
    request = Request(method, session.url(path), dict(headers or {}))
    session.record(request)
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    limit = min(session.timeout, session.seconds_left())
    if limit <= 0:
        raise HttpProblem(session.time_up)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{request.method} {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    try:
        # the address that was checked as this machine's, never a second name lookup (DNS rebinding)
        with session.connect_socket(request.url, limit) as raw:
            https = parts.scheme == "https"
            sock = ssl.create_default_context().wrap_socket(raw, server_hostname=host) if https else raw
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            data = read_until(sock, b"\r\n\r\n", MAX_HEAD, time.monotonic() + limit)
            head, found, tail = data.partition(b"\r\n\r\n")
            if not found:
                raise HttpProblem(f"the answer to {request.label} has no complete header block")
            tail += read_until(sock, None, MAX_TAIL - len(tail), time.monotonic() + min(QUIET, limit))
    except TimeoutError:
        raise HttpProblem(f"no response within {seconds(limit)} s to {request.label}") from None
    except OSError as exc:
        raise HttpProblem(f"network error during {request.label}: {exc.strerror or exc}") from None
    response = parse_head(head, request)
    if response.status not in (204, 304):
        response.body = tail
    session.record(request, response)
    return response, tail


def parse_head(head: bytes, request: Request) -> Response:
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    match = STATUS_LINE.fullmatch(status_line)
    if not match:
        raise HttpProblem(f"the answer to {request.label} is not HTTP: it starts with {excerpt(status_line, 60)!r}")
    headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in header_lines)]
    return Response(int(match.group(1)), match.group(2) or "", headers, b"")


def read_until(sock: socket.socket, marker: bytes | None, budget: int, deadline: float) -> bytes:
    """Bytes from ``sock`` until ``marker`` (or, without one, until EOF or ``deadline``) or ``budget``.

    Waiting for a marker, the deadline raises ``TimeoutError``; waiting for EOF it just ends.
    """
    data = b""
    while len(data) < budget and (marker is None or marker not in data):
        left = deadline - time.monotonic()
        if left <= 0:
            if marker is not None:
                raise TimeoutError
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(budget - len(data))
        except OSError:
            if marker is not None:
                raise
            break  # quiet until the deadline, or reset after the answer: what came is what counts
        if not chunk:
            break
        data += chunk
    return data


def serves(response: Response, product_id: str, fields: dict[str, Any]) -> bool:
    """Whether ``response`` is the product (its id, or its name, in a JSON object)."""
    try:
        doc = json_value(response.body)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(doc, dict) and (doc.get("id") == product_id or doc.get("name") == fields["name"])


def cache_state(response: Response) -> str:
    """``HIT`` or ``MISS`` from ``X-Cache`` (its first word, so ``HIT from redis`` counts)."""
    words = (response.header("X-Cache") or "").split()
    return words[0].upper() if words else ""


class CacheSuite:
    """The caching contract, one method per check."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: list[str] = []

    # --- helpers ---

    def path(self, product_id: str) -> str:
        return f"/products/{quote(product_id, safe='')}"

    def put(self, product_id: str, fields: dict[str, Any]) -> Response:
        response = self.session.request("PUT", self.path(product_id), json_body=fields)
        if product_id not in self.created:
            self.created.append(product_id)
        return response

    def create(self) -> tuple[str, dict[str, Any]]:
        """A new product for a check to work with: any 2xx will do (the create check is strict)."""
        product_id, fields = f"bm-{secrets.token_hex(5)}", product_fields()
        response = self.put(product_id, fields)
        if not 200 <= response.status < 300:
            raise CheckFailed(f"could not create a product to work with: PUT answered {status_text(response.status)}")
        return product_id, fields

    def get(self, product_id: str, headers: dict[str, str] | None = None) -> Response:
        return self.session.request("GET", self.path(product_id), headers=headers)

    def read(self, product_id: str, when: str) -> tuple[Response, dict[str, Any]]:
        response = self.get(product_id)
        expect_status(response, 200, f"GET {self.path(product_id)} {when}")
        return response, expect_json(response, f"GET {self.path(product_id)}", dict)

    def expect_cache(self, response: Response, state: str, when: str) -> None:
        if cache_state(response) != state:
            raise CheckFailed(
                f"{when} says X-Cache: {response.header('X-Cache') or '(none)'}",
                expected=f"X-Cache: {state}",
                actual=response.summary("X-Cache"),
            )

    def expect_values(self, product: dict[str, Any], fields: dict[str, Any], when: str) -> None:
        for key, value in fields.items():
            if product.get(key) != value:
                raise CheckFailed(f"{when} shows {key} {product.get(key)!r}", expected=f"{key}: {value!r}")

    def etag(self, response: Response) -> str:
        etag = response.header("ETag")
        if not etag:
            raise CheckFailed("GET sent no ETag", expected='ETag: "…"', actual=response.summary("ETag"))
        return etag

    def expect_no_body(self, response: Response, tail: bytes, what: str) -> None:
        """A 304 or 204 ends with its header block; ``tail`` is what the server sent after it."""
        if tail:
            raise CheckFailed(
                f"the {status_text(response.status)} answer to {what} has a body: {len(tail)} bytes after the headers",
                expected=f"{status_text(response.status)} with nothing after the header block",
                actual=f"after the headers: {excerpt(tail, 120)}",
            )

    def rewrite(self, method: str, product_id: str, fields: dict[str, Any]) -> None:
        response = self.session.request(method, self.path(product_id), json_body=fields)
        if not 200 <= response.status < 300:
            raise CheckFailed(
                f"{method} {self.path(product_id)} answered {status_text(response.status)}", expected="200 OK"
            )

    # --- checks ---

    def create_answers(self) -> str:
        product_id, fields = f"bm-{secrets.token_hex(5)}", product_fields()
        response = self.put(product_id, fields)
        expect_status(response, (201, 200), f"PUT {self.path(product_id)}")
        return status_text(response.status)

    def first_get_is_miss(self) -> str:
        product_id, fields = self.create()
        response, product = self.read(product_id, "(first read)")
        self.expect_values(product, fields, "the first GET")
        self.expect_cache(response, "MISS", "the first GET after creating the product")
        return "200 OK, X-Cache: MISS"

    def second_get_is_hit(self) -> str:
        product_id, _ = self.create()
        first, _ = self.read(product_id, "(first read)")
        second, _ = self.read(product_id, "(second read)")
        self.expect_cache(second, "HIT", "the second GET")
        if second.body != first.body:
            raise CheckFailed(
                "the cached body differs from the first one", expected=first.summary(), actual=second.summary()
            )
        return "X-Cache: HIT, same body"

    def etag_is_quoted(self) -> str:
        product_id, _ = self.create()
        response, _ = self.read(product_id, "(first read)")
        etag = self.etag(response)
        if not ETAG.fullmatch(etag):
            raise CheckFailed(
                f"ETag {etag} is not a quoted string", expected=f'ETag: "{etag.strip(chr(34))}"', actual=f"ETag: {etag}"
            )
        return f"ETag: {etag}"

    def cache_control(self) -> str:
        product_id, _ = self.create()
        response, _ = self.read(product_id, "(first read)")
        value = response.header("Cache-Control")
        if not value or not CACHE_CONTROL.search(value):
            raise CheckFailed(
                f"GET sent Cache-Control: {value or '(none)'}",
                expected="Cache-Control: max-age=<seconds> (or no-cache)",
                actual=response.summary("Cache-Control"),
            )
        return f"Cache-Control: {value}"

    def conditional_get(self) -> str:
        product_id, _ = self.create()
        etag = self.etag(self.read(product_id, "(first read)")[0])
        unchanged, tail = raw_request(self.session, "GET", self.path(product_id), {"If-None-Match": etag})
        expect_status(unchanged, 304, f"GET with If-None-Match: {etag}")
        self.expect_no_body(unchanged, tail, f"GET with If-None-Match: {etag}")
        other = f'"bm-{secrets.token_hex(6)}"'
        changed = self.get(product_id, {"If-None-Match": other})
        expect_status(changed, 200, f"GET with If-None-Match: {other} (not the current ETag)")
        return "304 Not Modified with no body, then 200 OK for a different ETag"

    def invalidates(self, method: str, change: dict[str, Any]) -> str:
        product_id, fields = self.create()
        self.read(product_id, "(first read)")
        self.read(product_id, "(second read)")
        self.rewrite(method, product_id, change)
        response, product = self.read(product_id, f"after {method}")
        self.expect_values(product, {**fields, **change}, f"the GET after {method}")
        self.expect_cache(response, "MISS", f"the GET after {method}")
        return f"MISS with the new values after {method}"

    def put_invalidates(self) -> str:
        return self.invalidates("PUT", product_fields())

    def patch_invalidates(self) -> str:
        return self.invalidates("PATCH", {"price": product_fields()["price"]})

    def etag_changes(self) -> str:
        """PUT and then PATCH, so the new value shows even when one of the two forgets to invalidate
        (the invalidation checks report that)."""
        product_id, _ = self.create()
        before = self.etag(self.read(product_id, "(first read)")[0])
        self.rewrite("PUT", product_id, product_fields())
        final = {"price": product_fields()["price"]}
        self.rewrite("PATCH", product_id, final)
        response, product = self.read(product_id, "after PUT and PATCH")
        self.expect_values(product, final, "the GET after PUT and PATCH")
        after = self.etag(response)
        if after == before:
            raise CheckFailed(
                "the ETag stayed the same after the product changed",
                expected=f"an ETag other than {before}",
                actual=f"ETag: {after}",
            )
        return f"{before} → {after}"

    def delete_invalidates(self) -> str:
        """Judges only that the product is gone; how a missing product is answered is the 404 check's."""
        product_id, fields = self.create()
        self.read(product_id, "(first read)")
        self.read(product_id, "(second read)")
        response, tail = raw_request(self.session, "DELETE", self.path(product_id))
        expect_status(response, (204, 200), f"DELETE {self.path(product_id)}")
        if response.status == 204:
            self.expect_no_body(response, tail, f"DELETE {self.path(product_id)}")
        after = self.get(product_id)
        if 200 <= after.status < 300 and serves(after, product_id, fields):
            state = cache_state(after)
            raise CheckFailed(
                f"the GET after DELETE answered {status_text(after.status)}"
                f"{f' with X-Cache: {state}' if state else ''}: the deleted product is still served",
                expected="404 Not Found",
                actual=after.summary("X-Cache"),
            )
        return f"{status_text(response.status)}, then {status_text(after.status)}"

    def missing_is_404(self) -> str:
        response = self.get(f"bm-missing-{secrets.token_hex(5)}")
        expect_status(response, 404, "GET of a product that does not exist")
        etag, cache_control = response.header("ETag"), response.header("Cache-Control")
        if etag or (cache_control and (max_age(cache_control) or 0) > 0):
            sent = f"ETag: {etag}" if etag else f"Cache-Control: {cache_control}"
            raise CheckFailed(
                f"the 404 Not Found answer is cacheable ({sent}), so clients keep seeing it after the product is created",
                expected="no ETag and no max-age above 0 on a 404 Not Found (Cache-Control: no-store is fine)",
                actual=response.summary("ETag", "Cache-Control"),
            )
        return "404 Not Found, not cacheable"

    def cleanup(self) -> None:
        for product_id in self.created:
            self.session.request("DELETE", self.path(product_id))


CHECKS = (
    CheckSpec("PUT /products/{id} creates a product", "rest-resource-design", guarded(CacheSuite.create_answers)),
    CheckSpec("the first GET is 200 OK with X-Cache: MISS", "cache-patterns", guarded(CacheSuite.first_get_is_miss)),
    CheckSpec(
        "the second GET is X-Cache: HIT with the same body", "cache-patterns", guarded(CacheSuite.second_get_is_hit)
    ),
    CheckSpec("GET sends a quoted ETag", "http-caching-headers", guarded(CacheSuite.etag_is_quoted)),
    CheckSpec(
        "GET sends Cache-Control with max-age or no-cache", "http-caching-headers", guarded(CacheSuite.cache_control)
    ),
    CheckSpec(
        "If-None-Match: 304 Not Modified for the current ETag, 200 OK for another",
        "http-caching-headers",
        guarded(CacheSuite.conditional_get),
    ),
    CheckSpec(
        "PUT invalidates: the next GET is a MISS with the new values",
        "cache-invalidation",
        guarded(CacheSuite.put_invalidates),
    ),
    CheckSpec(
        "PATCH invalidates: the next GET is a MISS with the new values",
        "cache-invalidation",
        guarded(CacheSuite.patch_invalidates),
    ),
    CheckSpec(
        "DELETE invalidates: the next GET does not serve the product",
        "cache-invalidation",
        guarded(CacheSuite.delete_invalidates),
    ),
    CheckSpec("the ETag changes when the product changes", "http-caching-headers", guarded(CacheSuite.etag_changes)),
    CheckSpec(
        "GET of a missing product is 404 Not Found and not cacheable",
        "http-status-codes",
        guarded(CacheSuite.missing_is_404),
    ),
)
