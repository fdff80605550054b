"""Reference solution for caching-layer: Flask with a cache-aside layer in front of a product store.

``create_app()`` follows the contract; ``create_app({"defect"})`` reproduces one mistake a
learner really makes (each named in ``DEFECTS``). The store and the cache are dicts here; with
Redis, ``cache`` would be ``GET``/``SET``/``DEL`` on ``product:{id}`` keys and nothing else changes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from flask import Flask, Response, jsonify, request

DEFECTS = {
    "put-202": "PUT answers 202 Accepted",
    "create-warms-cache": "creating a product also caches it, so the first GET is a HIT",
    "never-cache": "the cache is never filled: every GET is a MISS",
    "unquoted-etag": "ETag set by hand without the quotes",
    "no-cache-control": "no Cache-Control header",
    "ignore-inm": "If-None-Match is never looked at",
    "inm-always-304": "any If-None-Match gets a 304",
    "put-keeps-cache": "PUT of an existing product leaves the cached copy",
    "patch-keeps-cache": "PATCH leaves the cached copy",
    "delete-keeps-cache": "DELETE removes the product from the store but not from the cache",
    "etag-from-id": "the ETag is a hash of the id, so it never changes",
    "missing-200": "a missing product is jsonify(None): 200 null",
    "cache-headers-on-404": "an after_request hook adds Cache-Control: max-age=60 to every answer, 404s included",
}
MAX_AGE = "max-age=60"


def create_app(defects: frozenset[str] | set[str] = frozenset()) -> Flask:
    unknown = set(defects) - set(DEFECTS)
    assert not unknown, unknown
    app = Flask(__name__)
    store: dict[str, dict[str, Any]] = {}
    cache: dict[str, str] = {}  # product id -> the JSON body, as Redis would hold it
    lock = threading.Lock()

    def etag_of(product_id: str, body: str) -> str:
        digest = hashlib.sha256((product_id if "etag-from-id" in defects else body).encode()).hexdigest()[:16]
        return digest if "unquoted-etag" in defects else f'"{digest}"'

    def invalidate(product_id: str, keep: str) -> None:
        if keep not in defects:
            cache.pop(product_id, None)

    def fields() -> dict[str, Any] | None:
        doc = request.get_json(silent=True)
        return doc if isinstance(doc, dict) else None

    if "cache-headers-on-404" in defects:

        @app.after_request
        def cache_headers(response: Response) -> Response:
            response.headers.setdefault("Cache-Control", MAX_AGE)
            return response

    @app.put("/products/<product_id>")
    def put(product_id: str) -> Any:
        doc = fields()
        if doc is None or not isinstance(doc.get("name"), str) or not isinstance(doc.get("price"), (int, float)):
            return jsonify(error="name (string) and price (number) are required"), 400
        with lock:
            created = product_id not in store
            store[product_id] = {"id": product_id, "name": doc["name"], "price": doc["price"]}
            if created and "create-warms-cache" in defects:
                cache[product_id] = json.dumps(store[product_id])
            elif not created:
                invalidate(product_id, "put-keeps-cache")
            product = store[product_id]
        return jsonify(product), 202 if "put-202" in defects else 201 if created else 200

    @app.patch("/products/<product_id>")
    def patch(product_id: str) -> Any:
        doc = fields()
        with lock:
            if product_id not in store:
                return jsonify(error="no such product"), 404
            if doc is None:
                return jsonify(error="a JSON object is required"), 400
            store[product_id].update({k: v for k, v in doc.items() if k in ("name", "price")})
            invalidate(product_id, "patch-keeps-cache")
            return jsonify(store[product_id])

    @app.get("/products/<product_id>")
    def get(product_id: str) -> Any:
        with lock:
            body = None if "never-cache" in defects else cache.get(product_id)
            state = "HIT"
            if body is None:
                product = store.get(product_id)
                if product is None:
                    return jsonify(None) if "missing-200" in defects else (jsonify(error="no such product"), 404)
                body, state = json.dumps(product), "MISS"
                cache[product_id] = body
        headers = {"ETag": etag_of(product_id, body), "X-Cache": state}
        if "no-cache-control" not in defects and "cache-headers-on-404" not in defects:
            headers["Cache-Control"] = MAX_AGE
        wanted = request.headers.get("If-None-Match")
        if wanted and "ignore-inm" not in defects and ("inm-always-304" in defects or wanted == headers["ETag"]):
            return Response(status=304, headers=headers)
        return Response(body, 200, headers, mimetype="application/json")

    @app.delete("/products/<product_id>")
    def delete(product_id: str) -> Any:
        with lock:
            if store.pop(product_id, None) is None:
                return jsonify(error="no such product"), 404
            invalidate(product_id, "delete-keeps-cache")
        return "", 204

    return app
