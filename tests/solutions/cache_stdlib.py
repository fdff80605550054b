"""Reference solution for caching-layer with no framework: ``http.server`` and a dict as the cache.

Frameworks drop a body sent with ``304`` or ``204``; a hand-written server does not, which is how
a learner's server ends up sending one. ``DEFECTS`` are those two slips.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFECTS = {
    "body-on-304": "the 304 is sent with the product as its body",
    "body-on-204": "DELETE sends 204 with a JSON body",
}


class ProductHandler(BaseHTTPRequestHandler):
    defects: frozenset[str] = frozenset()
    store: dict[str, dict[str, Any]]
    cache: dict[str, str]
    lock: threading.Lock

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def product_id(self) -> str | None:
        prefix = "/products/"
        rest = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
        return rest if rest and "/" not in rest else None

    def answer(self, status: int, body: str = "", headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json")
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def json_body(self) -> Any:
        try:
            return json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        except ValueError:
            return None

    def do_PUT(self) -> None:
        product_id, doc = self.product_id(), self.json_body()
        if product_id is None or not isinstance(doc, dict) or not {"name", "price"} <= doc.keys():
            return self.answer(400, json.dumps({"error": "name and price are required"}))
        with self.lock:
            created = product_id not in self.store
            self.store[product_id] = {"id": product_id, "name": doc["name"], "price": doc["price"]}
            self.cache.pop(product_id, None)
            self.answer(201 if created else 200, json.dumps(self.store[product_id]))

    def do_PATCH(self) -> None:
        product_id, doc = self.product_id(), self.json_body()
        with self.lock:
            if product_id not in self.store or not isinstance(doc, dict):
                return self.answer(404, json.dumps({"error": "no such product"}))
            self.store[product_id].update({k: v for k, v in doc.items() if k in ("name", "price")})
            self.cache.pop(product_id, None)
            self.answer(200, json.dumps(self.store[product_id]))

    def do_GET(self) -> None:
        product_id = self.product_id()
        with self.lock:
            body, state = self.cache.get(product_id or ""), "HIT"
            if body is None:
                if product_id not in self.store:
                    return self.answer(404, json.dumps({"error": "no such product"}))
                body, state = json.dumps(self.store[product_id]), "MISS"
                self.cache[product_id] = body
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Cache-Control": "max-age=60", "X-Cache": state}
        if self.headers.get("If-None-Match") == etag:
            return self.answer(304, body if "body-on-304" in self.defects else "", headers)
        self.answer(200, body, headers)

    def do_DELETE(self) -> None:
        product_id = self.product_id()
        with self.lock:
            if self.store.pop(product_id or "", None) is None:
                return self.answer(404, json.dumps({"error": "no such product"}))
            self.cache.pop(product_id or "", None)
        self.answer(204, json.dumps({"deleted": product_id}) if "body-on-204" in self.defects else "")


@contextmanager
def serve(defects: frozenset[str] | set[str] = frozenset()) -> Iterator[str]:
    assert set(defects) <= set(DEFECTS), defects
    handler = type(
        "Handler",
        (ProductHandler,),
        {"defects": frozenset(defects), "store": {}, "cache": {}, "lock": threading.Lock()},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
