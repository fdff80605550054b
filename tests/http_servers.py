"""Reference servers for the ``http-*`` verifier tests, each with switchable defects.

(The build-rest-api references are real frameworks in ``tests/solutions``.)

Every server here implements its contract correctly unless a defect name is passed to ``serve``;
each defect breaks exactly one rule, the way a learner's server might. The servers are stdlib
``ThreadingHTTPServer``s on 127.0.0.1 with an ephemeral port, plus a few raw-socket misfits (a
server that never answers, one that answers garbage).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], defects: Iterable[str]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.defects = frozenset(defects)
        self.lock = threading.Lock()
        self.data: dict[str, Any] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that hung up early (the verifier's timeouts) is expected here."""


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], defects: Iterable[str] = ()) -> Iterator[Server]:
    server = Server(handler, defects)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class JsonHandler(BaseHTTPRequestHandler):
    """Routes every method to ``route(method, path, query)``; JSON in, JSON out."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def defects(self) -> frozenset[str]:
        return self.server.defects  # type: ignore[attr-defined]

    @property
    def data(self) -> dict[str, Any]:
        return self.server.data  # type: ignore[attr-defined]

    def handle_method(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            with self.server.lock:  # type: ignore[attr-defined]
                self.route(self.command, parts.path, query)
        except Exception as exc:  # what an unhandled error looks like from outside
            self.send_json(500, {"error": f"internal error: {type(exc).__name__}"})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = handle_method

    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        raise NotImplementedError

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def read_json(self) -> Any:
        """The request body as JSON; ``ValueError`` when it is not."""
        return json.loads(self.read_body() or b"null")

    def extra_headers(self) -> dict[str, str]:
        return {}

    def send_json(
        self, status: int, value: Any, headers: dict[str, str] | None = None, content_type: str = "application/json"
    ) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, header in {**self.extra_headers(), **(headers or {})}.items():
            self.send_header(name, header)
        self.end_headers()
        self.wfile.write(body)

    def send_text(self, status: int, text: str, content_type: str, headers: dict[str, str] | None = None) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, header in (headers or {}).items():
            self.send_header(name, header)
        self.end_headers()
        self.wfile.write(body)

    def send_empty(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, header in {**self.extra_headers(), **(headers or {})}.items():
            self.send_header(name, header)
        if status not in (204, 304):
            self.send_header("Content-Length", "0")
        self.end_headers()


# --- misfits: servers that are not really HTTP servers ------------------------------------------------


class RawServer:
    """A listening socket whose accepted connections get ``reply`` (or nothing at all)."""

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.connections: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.accept_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def accept_forever(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.answer(connection)

    def answer(self, connection: socket.socket) -> None:
        """Read once and send ``reply``; with no reply keep the connection open, unanswered."""
        self.connections.append(connection)
        if self.reply is not None:
            with suppress(OSError):
                connection.settimeout(0.2)
                connection.recv(65536)
                connection.sendall(self.reply)
                connection.close()


class ScriptedServer(RawServer):
    """Reads each whole request (headers and Content-Length body), then answers ``reply`` verbatim."""

    def __init__(self, reply: bytes) -> None:
        super().__init__(reply)
        self.requests: list[bytes] = []

    def answer(self, connection: socket.socket) -> None:
        with suppress(OSError), connection:
            connection.settimeout(2)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            while len(body) < length:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                body += chunk
            self.requests.append(head)
            connection.sendall(self.reply or b"")


Listener = TypeVar("Listener", bound=RawServer)


@contextmanager
def running(server: Listener) -> Iterator[Listener]:
    server.thread.start()
    try:
        yield server
    finally:
        server.stopped.set()
        server.thread.join()
        for connection in server.connections:
            connection.close()
        server.listener.close()


def raw_server(reply: bytes | None) -> contextlib.AbstractContextManager[RawServer]:
    """``reply=None``: accepts and never answers (a hanging server)."""
    return running(RawServer(reply))


def scripted_server(reply: bytes) -> contextlib.AbstractContextManager[ScriptedServer]:
    return running(ScriptedServer(reply))


def closed_port_url() -> str:
    """A URL on a port nothing listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class RedirectLoopHandler(JsonHandler):
    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        self.send_empty(302, {"Location": path})


# --- auth (http-auth) ---------------------------------------------------------------------------------

SECRET = b"reference-server-secret"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(message: bytes) -> str:
    return b64(hmac.new(SECRET, message, hashlib.sha256).digest())


class AuthHandler(JsonHandler):
    """JWT (HS256) auth; with the ``opaque-tokens`` mode, random tokens looked up in memory."""

    @property
    def users(self) -> dict[str, dict[str, Any]]:
        return self.data.setdefault("users", {})

    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        routes = {
            ("POST", "/auth/register"): self.register,
            ("POST", "/auth/login"): self.login,
            ("GET", "/me"): self.me,
            ("GET", "/admin"): self.admin,
        }
        routes.get((method, path), lambda: self.send_json(404, {"error": "not found"}))()

    def register(self) -> None:
        doc = self.read_json()
        name, password = doc.get("username"), doc.get("password")
        if name in self.users and "duplicate-201" not in self.defects:
            return self.send_json(409, {"error": "username taken"})
        salt = secrets_bytes()
        self.users[name] = {
            "salt": salt,
            "hash": hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000),
            "role": "user",
        }
        answer = {
            "username": name,
            "role": "user",
            **({"password": password} if "echo-password" in self.defects else {}),
        }
        self.send_json(200 if "register-200" in self.defects else 201, answer)

    def login(self) -> None:
        doc = self.read_json()
        user = self.users.get(doc.get("username"))
        if user is None or not hmac.compare_digest(
            user["hash"], hashlib.pbkdf2_hmac("sha256", str(doc.get("password")).encode(), user["salt"], 1000)
        ):
            message = (
                "no such user"
                if user is None and "user-enumeration" in self.defects
                else "invalid username or password"
            )
            return self.send_json(401, {"error": message})
        ttl = int(doc.get("ttl_seconds", 3600))
        token = self.issue(doc["username"], ttl)
        self.send_json(201 if "login-201" in self.defects else 200, {"access_token": token, "token_type": "Bearer"})

    def issue(self, name: str, ttl: int) -> str:
        if "opaque-tokens" in self.defects:
            token = b64(secrets_bytes(24))
            self.data.setdefault("tokens", {})[token] = (name, time.time() + ttl)
            return token
        expiry = int(time.time()) + ttl
        claims = {"sub": name, "role": self.users[name]["role"], "iat": int(time.time())}
        claims.update({"expires": expiry} if "no-exp-claim" in self.defects else {"exp": expiry})
        signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}"
        return f"{signing_input}.{sign(signing_input.encode())}"

    def current_user(self) -> str | None:
        """The user the request's bearer token belongs to, or None; a 401 has been sent then."""
        header = self.headers.get("Authorization")
        if header is None and "no-token-403" in self.defects:
            self.send_json(403, {"error": "forbidden"})
            return None
        scheme, _, token = (header or "").partition(" ")
        name = self.token_user(token) if scheme == "Bearer" and token else None
        if name is None or name not in self.users:
            self.send_json(401, {"error": "invalid or missing token"}, {"WWW-Authenticate": "Bearer"})
            return None
        return name

    def token_user(self, token: str) -> str | None:
        if "opaque-tokens" in self.defects:
            name, expiry = self.data.get("tokens", {}).get(token, (None, 0.0))
            return name if expiry > time.time() else None
        if "malformed-500" in self.defects:
            header_part, payload_part, signature = token.split(".")  # ValueError → 500
        elif token.count(".") != 2:
            return None
        else:
            header_part, payload_part, signature = token.split(".")
        try:
            header, claims = json.loads(unb64(header_part)), json.loads(unb64(payload_part))
        except ValueError:
            return None
        if not self.signature_ok(header, f"{header_part}.{payload_part}", signature):
            return None
        expiry = claims.get("expires" if "no-exp-claim" in self.defects else "exp", 0)
        if expiry <= time.time() and "no-expiry-check" not in self.defects:
            return None
        return claims.get("sub")

    def signature_ok(self, header: dict[str, Any], signing_input: str, signature: str) -> bool:
        if header.get("alg") == "none" and "accepts-alg-none" in self.defects:
            return True
        if header.get("alg") != "HS256":
            return False
        return "no-signature-check" in self.defects or hmac.compare_digest(signature, sign(signing_input.encode()))

    def me(self) -> None:
        name = self.current_user()
        if name is not None:
            key = "sub" if "me-no-username" in self.defects else "username"
            self.send_json(200, {key: name, "role": self.users[name]["role"]})

    def admin(self) -> None:
        name = self.current_user()
        if name is None:
            return
        if self.users[name]["role"] != "admin" and "admin-for-all" not in self.defects:
            return self.send_json(403, {"error": "admins only"})
        self.send_json(200, {"users": len(self.users)})


def secrets_bytes(size: int = 16) -> bytes:
    return os.urandom(size)


# --- products behind a cache (http-cache) ---------------------------------------------------------------


class CacheHandler(JsonHandler):
    @property
    def store(self) -> dict[str, dict[str, Any]]:
        return self.data.setdefault("store", {})

    @property
    def cache(self) -> dict[str, bytes]:
        return self.data.setdefault("cache", {})

    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        match = re.fullmatch(r"/products/([\w-]+)", path)
        if not match:
            return self.send_json(404, {"error": "not found"})
        product_id = match.group(1)
        {"GET": self.read, "PUT": self.replace, "PATCH": self.change, "DELETE": self.delete}[method](product_id)

    def etag(self, product_id: str, body: bytes) -> str:
        digest = hashlib.sha256(product_id.encode() if "etag-from-id" in self.defects else body).hexdigest()[:16]
        return digest if "unquoted-etag" in self.defects else f'"{digest}"'

    def read(self, product_id: str) -> None:
        if product_id not in self.store:
            if "missing-200" in self.defects:
                return self.send_json(200, None)
            return self.send_json(404, {"error": "no such product"})
        state = "HIT" if product_id in self.cache else "MISS"
        body = self.cache.get(product_id) or json.dumps(self.store[product_id]).encode()
        if "never-cache" not in self.defects:
            self.cache[product_id] = body
        etag = self.etag(product_id, body)
        if self.not_modified(etag):
            return self.send_empty(304, {"ETag": etag})
        headers = {"ETag": etag, "X-Cache": state}
        if "no-cache-control" not in self.defects:
            headers["Cache-Control"] = "max-age=60"
        self.send_text(200, body.decode(), "application/json", headers)

    def not_modified(self, etag: str) -> bool:
        sent = self.headers.get("If-None-Match")
        if not sent or "ignore-inm" in self.defects:
            return False
        return etag in sent or "inm-always-304" in self.defects

    def replace(self, product_id: str) -> None:
        doc = self.read_json()
        created = product_id not in self.store
        self.store[product_id] = {"id": product_id, "name": doc["name"], "price": doc["price"]}
        self.invalidate(product_id, "put-keeps-cache")
        if created and "create-warms-cache" in self.defects:
            self.cache[product_id] = json.dumps(self.store[product_id]).encode()
        self.send_json(202 if "put-202" in self.defects else 201 if created else 200, self.store[product_id])

    def change(self, product_id: str) -> None:
        self.store[product_id].update(self.read_json())
        self.invalidate(product_id, "patch-keeps-cache")
        self.send_json(200, self.store[product_id])

    def invalidate(self, product_id: str, defect: str) -> None:
        if defect not in self.defects:
            self.cache.pop(product_id, None)

    def delete(self, product_id: str) -> None:
        self.store.pop(product_id, None)
        self.cache.pop(product_id, None)
        self.send_empty(204)


# --- health and metrics (http-monitoring) ---------------------------------------------------------------


class MonitoringHandler(JsonHandler):
    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        counts = self.data.setdefault("requests", {"/health": 3})
        if "counter-frozen" not in self.defects:
            counts[path] = counts.get(path, 0) + 1
        if path == "/health":
            if "health-text" in self.defects:
                return self.send_text(200, "OK", "text/plain")
            return self.send_json(200, {"status": "ok"})
        if path == "/metrics":
            return self.send_text(
                200,
                self.exposition(counts),
                "application/json"
                if "metrics-json-type" in self.defects
                else "text/plain; version=0.0.4; charset=utf-8",
            )
        self.send_json(404, {"error": "not found"})

    def exposition(self, counts: dict[str, int]) -> str:
        kind, name = (
            ("gauge", "http_requests") if "gauge-not-counter" in self.defects else ("counter", "http_requests_total")
        )
        lines = [f"# HELP {name} HTTP requests answered.", f"# TYPE {name} {kind}"]
        lines += [f'{name}{{path="{path}"}} {count}' for path, count in sorted(counts.items())]
        lines += ["# TYPE process_start_time_seconds gauge", "process_start_time_seconds 1.7e9"]
        if "metrics-garbage" in self.defects:
            lines.append("app_info{version=1.0} 1")
        return "\n".join(lines) + "\n"
