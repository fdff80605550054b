"""Reference servers for the ``http-*`` verifier tests, each with switchable defects.

Every server here implements its contract correctly unless a defect name is passed to ``serve``;
each defect breaks exactly one rule, the way a learner's server might. The servers are stdlib
``ThreadingHTTPServer``s on 127.0.0.1 with an ephemeral port, plus a few raw-socket misfits (a
server that never answers, one that answers garbage).
"""

from __future__ import annotations

import base64
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
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
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


# --- notes (http-rest) --------------------------------------------------------------------------

NOTE_FIELDS = ("title", "body", "tags")


def note_errors(doc: Any, partial: bool = False) -> dict[str, str]:
    if not isinstance(doc, dict):
        return {"body": "must be a JSON object"}
    errors = {}
    if "title" in doc or not partial:
        title = doc.get("title")
        if not isinstance(title, str) or not title.strip():
            errors["title"] = "is required and must be a non-empty string"
        elif len(title) > 200:
            errors["title"] = "must be at most 200 characters"
    if "body" in doc and not isinstance(doc["body"], str):
        errors["body"] = "must be a string"
    if "tags" in doc and not (isinstance(doc["tags"], list) and all(isinstance(t, str) for t in doc["tags"])):
        errors["tags"] = "must be a list of strings"
    return errors


class NotesHandler(JsonHandler):
    def extra_headers(self) -> dict[str, str]:
        return {}

    def send_json(
        self, status: int, value: Any, headers: dict[str, str] | None = None, content_type: str = "application/json"
    ) -> None:
        if "text-content-type" in self.defects:
            content_type = "text/plain"
        super().send_json(status, value, headers, content_type)

    @property
    def notes(self) -> dict[int, dict[str, Any]]:
        return self.data.setdefault("notes", {})

    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        parts = path.strip("/").split("/")
        if parts == ["notes"]:
            handlers = {"GET": self.list_notes, "POST": self.create}
            if "collection-delete-clears" in self.defects:
                handlers["DELETE"] = self.clear
            handlers.get(method, self.not_allowed)(query)
        elif len(parts) == 2 and parts[0] == "notes":
            note_id = self.parse_id(parts[1])
            if note_id is None or note_id not in self.notes:
                if method == "DELETE" and "delete-twice-204" in self.defects:
                    return self.send_empty(204)
                return self.send_json(404, {"error": "no such note"})
            {"GET": self.read, "PUT": self.replace, "PATCH": self.change, "DELETE": self.delete}[method](note_id)
        else:
            self.send_json(404, {"error": "not found"})

    def parse_id(self, raw: str) -> int | None:
        if "malformed-500" in self.defects:
            return int(raw)
        if not re.fullmatch(r"\d+", raw):
            return None
        note_id = int(raw)
        if "missing-500" in self.defects and note_id > self.data.get("last_id", 0):
            raise IndexError(note_id)
        return note_id

    def not_allowed(self, query: dict[str, str]) -> None:
        self.send_json(405, {"error": "method not allowed"}, {"Allow": "GET, POST"})

    def clear(self, query: dict[str, str]) -> None:
        self.notes.clear()
        self.send_empty(204)

    def body_or_error(self, partial: bool = False) -> dict[str, Any] | None:
        try:
            doc = self.read_json()
        except ValueError:
            if "bad-json-500" in self.defects:
                raise
            self.send_json(400, {"error": "the body is not valid JSON"})
            return None
        errors = note_errors(doc, partial)
        if (
            "no-length-check" in self.defects
            and isinstance(doc, dict)
            and isinstance(doc.get("title"), str)
            and doc["title"]
        ):
            errors.pop("title", None)
        if errors:
            fields = (
                {"error": "invalid request"}
                if "title-not-named" in self.defects
                else {"error": "validation failed", "fields": errors}
            )
            self.send_json(422, fields)
            return None
        return doc

    def create(self, query: dict[str, str]) -> None:
        doc = self.body_or_error()
        if doc is None:
            return
        note_id = self.data["last_id"] = self.data.get("last_id", 0) + 1
        note = {"id": note_id, "title": doc["title"], "body": doc.get("body", ""), "tags": doc.get("tags", []),
                "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}  # fmt: skip
        self.notes[note_id] = note
        headers = {} if "no-location" in self.defects else {"Location": f"/notes/{note_id}"}
        self.send_json(200 if "create-200" in self.defects else 201, note, headers)

    def list_notes(self, query: dict[str, str]) -> None:
        try:
            limit, offset = int(query.get("limit", 20)), int(query.get("offset", 0))
        except ValueError:
            if "bad-limit-500" in self.defects:
                raise
            return self.send_json(400, {"error": "limit and offset must be whole numbers"})
        if (limit < 0 or offset < 0) and "bad-limit-500" not in self.defects:
            return self.send_json(400, {"error": "limit and offset must not be negative"})
        notes = list(self.notes.values())
        if "tag" in query and "ignore-tag" not in self.defects:
            notes = [n for n in notes if query["tag"] in n["tags"]]
        start = 0 if "ignore-offset" in self.defects else offset
        page = notes[start : start + min(limit, 100)]
        self.send_json(200, {"items": page, "total": len(notes), "limit": limit, "offset": offset})

    def read(self, note_id: int) -> None:
        note = self.notes[note_id]
        self.send_json(200, {**note, "id": str(note_id)} if "id-as-string" in self.defects else note)

    def replace(self, note_id: int) -> None:
        doc = self.body_or_error()
        if doc is None:
            return
        note = self.notes[note_id]
        if "put-merges" in self.defects:
            note.update({k: doc[k] for k in NOTE_FIELDS if k in doc})
        else:
            note.update({"title": doc["title"], "body": doc.get("body", ""), "tags": doc.get("tags", [])})
        if "put-resets-created-at" in self.defects:
            note["created_at"] = datetime.now(timezone.utc).isoformat()
        self.send_json(200, note)

    def change(self, note_id: int) -> None:
        doc = self.body_or_error(partial=True)
        if doc is None:
            return
        note = self.notes[note_id]
        if "patch-replaces" in self.defects:
            note.update({"body": "", "tags": []})
        note.update({k: doc[k] for k in NOTE_FIELDS if k in doc})
        self.send_json(200, note)

    def delete(self, note_id: int) -> None:
        note = self.notes.pop(note_id)
        if "delete-200" in self.defects:
            return self.send_json(200, {"deleted": note})
        self.send_empty(204)


# --- Todo-Backend (http-rest --profile todo-backend), mounted at /todos ---------------------------------

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}


class TodoHandler(JsonHandler):
    def extra_headers(self) -> dict[str, str]:
        return {} if "no-cors-origin" in self.defects else {"Access-Control-Allow-Origin": "*"}

    @property
    def todos(self) -> dict[int, dict[str, Any]]:
        return self.data.setdefault("todos", {})

    def url_of(self, todo_id: int) -> str:
        path = f"/todos/{todo_id}"
        return path if "relative-url" in self.defects else f"http://{self.headers['Host']}{path}"

    def shown(self, todo: dict[str, Any]) -> dict[str, Any]:
        return {**{k: v for k, v in todo.items() if k != "id"}, "url": self.url_of(todo["id"])}

    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        parts = path.strip("/").split("/")
        if method == "OPTIONS":
            if "preflight-405" in self.defects:
                return self.send_json(405, {"error": "method not allowed"})
            return self.send_empty(204, CORS)
        if parts == ["todos"]:
            return {"GET": self.list_todos, "POST": self.create, "DELETE": self.clear}.get(method, self.not_allowed)()
        if len(parts) == 2 and parts[0] == "todos" and parts[1].isdigit() and int(parts[1]) in self.todos:
            todo_id = int(parts[1])
            handlers = {"GET": self.read, "PATCH": self.change, "DELETE": self.delete}
            return handlers.get(method, lambda _: self.not_allowed())(todo_id)
        self.send_json(404, {"error": "not found"})

    def not_allowed(self) -> None:
        self.send_json(405, {"error": "method not allowed"})

    def list_todos(self) -> None:
        todos = [self.shown(t) for t in self.todos.values()]
        if "list-no-url" in self.defects:
            todos = [{k: v for k, v in t.items() if k != "url"} for t in todos]
        self.send_json(200, todos, content_type="text/html" if "list-text-type" in self.defects else "application/json")

    def create(self) -> None:
        doc = self.read_json()
        todo_id = self.data["last_id"] = self.data.get("last_id", 0) + 1
        completed = None if "completed-null" in self.defects else False
        todo = {
            "id": todo_id,
            "title": doc["title"],
            "completed": completed,
            **({"order": doc["order"]} if "order" in doc else {}),
        }
        self.todos[todo_id] = todo
        shown = self.shown(todo)
        if "post-no-title" in self.defects:
            del shown["title"]
        self.send_json(201, shown)

    def clear(self) -> None:
        if "clear-405" in self.defects:
            return self.not_allowed()
        self.todos.clear()
        self.send_empty(204)

    def read(self, todo_id: int) -> None:
        self.send_json(200, self.shown(self.todos[todo_id]))

    def change(self, todo_id: int) -> None:
        doc = self.read_json()
        ignored = {field for field in ("title", "completed", "order") if f"patch-ignores-{field}" in self.defects}
        self.todos[todo_id].update(
            {k: v for k, v in doc.items() if k in ("title", "completed", "order") and k not in ignored}
        )
        self.send_json(200, self.shown(self.todos[todo_id]))

    def delete(self, todo_id: int) -> None:
        if "delete-keeps" not in self.defects:
            del self.todos[todo_id]
        self.send_empty(204)


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
            self.connections.append(connection)
            if self.reply is not None:
                with suppress(OSError):
                    connection.settimeout(0.2)
                    connection.recv(65536)
                    connection.sendall(self.reply)
                    connection.close()


@contextmanager
def raw_server(reply: bytes | None) -> Iterator[RawServer]:
    """``reply=None``: accepts and never answers (a hanging server)."""
    server = RawServer(reply)
    server.thread.start()
    try:
        yield server
    finally:
        server.stopped.set()
        server.thread.join()
        for connection in server.connections:
            connection.close()
        server.listener.close()


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
        routes = {("POST", "/auth/register"): self.register, ("POST", "/auth/login"): self.login,
                  ("GET", "/me"): self.me, ("GET", "/admin"): self.admin}  # fmt: skip
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
