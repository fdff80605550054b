"""Verifier for ``http-cache`` (checkpoint caching-layer): ETags, Cache-Control and a visible cache.

The contract is ``CONTRACT`` below: products are created with ``PUT /products/{id}`` (random ids
starting with ``bm-``), read with ``GET`` through a cache-aside layer that says ``X-Cache: MISS``
or ``HIT``, and writes must invalidate the cached copy. Each check creates its own product, so a
mistake in one rule fails one check; the products are deleted at the end.
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import quote

from ._http import CheckFailed, Plan, Response, Session, expect_json, expect_status, status_text
from .base import Check, VerifyOptions

ETAG = re.compile(r'(W/)?"[\x21\x23-\x7e\x80-\xff]*"')
CACHE_CONTROL = re.compile(r"(^|,)\s*(max-age=\d+|no-cache)\s*(,|$)", re.IGNORECASE)

CONTRACT = """\
# Contract: a cached product API

Put a cache (in memory or Redis) in front of product reads, make it visible over HTTP, then check:

    backend-mentor checkpoint verify caching-layer --url http://127.0.0.1:8000

Paths are relative to `--url`; bodies are JSON.

## Products

```json
{"id": "lamp-1", "name": "Desk lamp", "price": 24.5}
```

| request | answer |
|---|---|
| `PUT /products/{id}` `{"name": "Desk lamp", "price": 24.5}` | `201 Created` (new) or `200 OK` (replaced), the product; this is how products are created |
| `PATCH /products/{id}` `{"price": 19.9}` | `200 OK`, the product with only the given fields changed |
| `GET /products/{id}` | `200 OK`, the product, with the headers below; `404` if there is none |
| `DELETE /products/{id}` | `204 No Content` (the verifier uses it to clean up) |

Ids are strings of letters, digits, `-` and `_`.

## Caching rules

Every `200` answer to `GET /products/{id}` carries:

- `ETag`: a quoted validator that changes whenever the product changes, e.g. `ETag: "5d41402a"`
  (a hash of the body works well);
- `Cache-Control` with `max-age=<seconds>` or `no-cache`, e.g. `Cache-Control: max-age=60`;
- `X-Cache: MISS` when the product was read from the database (and then put in the cache), or
  `X-Cache: HIT` when it came from the cache.

So: the first `GET` after a product is created is a `MISS`, the next one a `HIT` with the same
body. A `GET` with `If-None-Match: <the current ETag>` answers `304 Not Modified` with no body; with
any other ETag it answers `200` and the product. A `PUT` or `PATCH` invalidates the cached copy:
the next `GET` is a `MISS` with the new values and a new `ETag`.

```
curl -i -X PUT http://127.0.0.1:8000/products/lamp-1 -H 'Content-Type: application/json' \\
     -d '{"name": "Desk lamp", "price": 24.5}'
curl -i http://127.0.0.1:8000/products/lamp-1                              # X-Cache: MISS
curl -i http://127.0.0.1:8000/products/lamp-1                              # X-Cache: HIT
curl -i http://127.0.0.1:8000/products/lamp-1 -H 'If-None-Match: "5d41402a"'   # 304
```
"""


def verify(options: VerifyOptions) -> list[Check]:
    session = Session(options)
    suite = CacheSuite(session)
    return session.run(suite.plan(), suite.cleanup)


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {"CONTRACT.md": CONTRACT}


def product_fields() -> dict[str, Any]:
    return {"name": f"product {secrets.token_hex(4)}", "price": secrets.randbelow(99_900) / 100 + 1}


def cache_state(response: Response) -> str:
    """``HIT`` or ``MISS`` from ``X-Cache`` (its first word, so ``HIT from redis`` counts)."""
    words = (response.header("X-Cache") or "").split()
    return words[0].upper() if words else ""


class CacheSuite:
    """The caching contract, one method per check."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: list[str] = []

    def plan(self) -> Plan:
        return [
            ("PUT /products/{id} creates a product", "rest-resource-design", self.create_answers),
            ("the first GET is 200 with X-Cache: MISS", "cache-patterns", self.first_get_is_miss),
            ("the second GET is X-Cache: HIT with the same body", "cache-patterns", self.second_get_is_hit),
            ("GET sends a quoted ETag", "http-caching-headers", self.etag_is_quoted),
            ("GET sends Cache-Control with max-age or no-cache", "http-caching-headers", self.cache_control),
            ("If-None-Match: 304 for the current ETag, 200 for another", "http-caching-headers", self.conditional_get),
            ("PUT invalidates: the next GET is a MISS with the new values", "cache-invalidation", self.put_invalidates),
            (
                "PATCH invalidates: the next GET is a MISS with the new values",
                "cache-invalidation",
                self.patch_invalidates,
            ),
            ("the ETag changes when the product changes", "http-caching-headers", self.etag_changes),
            ("GET of a missing product is 404", "http-status-codes", self.missing_is_404),
        ]

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
            raise CheckFailed(
                f"could not create a product to work with: PUT answered {response.status} {response.reason}"
            )
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
        return f"{response.status}"

    def first_get_is_miss(self) -> str:
        product_id, fields = self.create()
        response, product = self.read(product_id, "(first read)")
        self.expect_values(product, fields, "the first GET")
        self.expect_cache(response, "MISS", "the first GET after creating the product")
        return "200, X-Cache: MISS"

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
        unchanged = self.get(product_id, {"If-None-Match": etag})
        expect_status(unchanged, 304, f"GET with If-None-Match: {etag}")
        if unchanged.body:
            raise CheckFailed("the 304 answer has a body", expected="no body")
        other = f'"bm-{secrets.token_hex(6)}"'
        changed = self.get(product_id, {"If-None-Match": other})
        expect_status(changed, 200, f"GET with If-None-Match: {other} (not the current ETag)")
        return "304, then 200 for a different ETag"

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

    def missing_is_404(self) -> str:
        response = self.get(f"bm-missing-{secrets.token_hex(5)}")
        expect_status(response, 404, "GET of a product that does not exist")
        return "404"

    def cleanup(self) -> None:
        for product_id in self.created:
            self.session.request("DELETE", self.path(product_id))
