"""The http-cache verifier (checkpoint caching-layer)."""

from __future__ import annotations

import re
import time

import pytest
from http_servers import CacheHandler, raw_server, serve

from backend_mentor.checkpoints import http_cache
from backend_mentor.checkpoints.base import Check, VerifyOptions

TIMEOUT = 0.5


def verify(url: str, **options: object) -> list[Check]:
    return http_cache.verify(VerifyOptions(url=url, timeout=TIMEOUT, **options))


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


def test_reference_server_passes_every_check_and_is_cleaned_up() -> None:
    with serve(CacheHandler) as server:
        checks = verify(server.url)
        assert server.data["store"] == {} and server.data["cache"] == {}
    assert failed(checks) == []
    assert len(checks) == 10


DEFECTS = [
    (
        "put-202",
        "PUT /products/{id} creates a product",
        r"PUT /products/bm-\w+ answered 202 Accepted, expected 201 Created or 200 OK",
    ),
    (
        "create-warms-cache",
        "the first GET is 200 with X-Cache: MISS",
        "the first GET after creating the product says X-Cache: HIT",
    ),
    ("never-cache", "the second GET is X-Cache: HIT with the same body", "the second GET says X-Cache: MISS"),
    ("unquoted-etag", "GET sends a quoted ETag", r"ETag \w+ is not a quoted string"),
    ("no-cache-control", "GET sends Cache-Control with max-age or no-cache", r"GET sent Cache-Control: \(none\)"),
    (
        "ignore-inm",
        "If-None-Match: 304 for the current ETag, 200 for another",
        r'GET with If-None-Match: "\w+" answered 200 OK, expected 304 Not Modified',
    ),
    (
        "inm-always-304",
        "If-None-Match: 304 for the current ETag, 200 for another",
        r'GET with If-None-Match: "bm-\w+" \(not the current ETag\) answered 304 Not Modified, expected 200 OK',
    ),
    (
        "put-keeps-cache",
        "PUT invalidates: the next GET is a MISS with the new values",
        r"the GET after PUT shows name 'product \w+'",
    ),
    (
        "patch-keeps-cache",
        "PATCH invalidates: the next GET is a MISS with the new values",
        r"the GET after PATCH shows price [\d.]+",
    ),
    ("etag-from-id", "the ETag changes when the product changes", "the ETag stayed the same after the product changed"),
    (
        "missing-200",
        "GET of a missing product is 404",
        "GET of a product that does not exist answered 200 OK, expected 404 Not Found",
    ),
]


@pytest.mark.parametrize(("defect", "check", "message"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_each_defect_fails_exactly_its_check(defect: str, check: str, message: str) -> None:
    with serve(CacheHandler, [defect]) as server:
        checks = verify(server.url)
    (failure,) = failed(checks)
    assert failure.name == check
    assert re.fullmatch(message, failure.message), failure.message
    assert failure.reproduce and failure.reproduce.startswith("curl -i ")


def test_every_check_has_a_defect() -> None:
    assert {c for _, c, _ in DEFECTS} == {name for name, _, _ in http_cache.CacheSuite(None).plan()}


def test_a_wrong_cache_header_is_shown_with_the_response() -> None:
    with serve(CacheHandler, ["never-cache"]) as server:
        (failure,) = failed(verify(server.url))
    assert failure.expected == "X-Cache: HIT"
    assert failure.actual.startswith('200 OK; X-Cache: MISS; body: {"id": "bm-')
    assert failure.hint_topic == "cache-patterns"
    assert re.fullmatch(rf"curl -i {server.url}/products/bm-\w+", failure.reproduce)


def test_a_hanging_server_fails_within_the_timeout() -> None:
    with raw_server(None) as server:
        started = time.monotonic()
        checks = verify(server.url)
    assert time.monotonic() - started < TIMEOUT + 0.4
    assert re.fullmatch(r"no response within 0.5 s to PUT /products/bm-\w+", checks[0].message)
    assert {c.message for c in checks[1:]} == {"skipped: server unreachable"}




def test_starter_file_is_the_contract() -> None:
    contract = http_cache.starter_files({})["CONTRACT.md"]
    assert "PUT /products/{id}" in contract and "X-Cache: MISS" in contract and "If-None-Match" in contract
