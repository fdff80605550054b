"""The http-cache verifier (checkpoint caching-layer), judged against real solutions.

``tests/solutions/cache_flask.py`` (Flask) and ``tests/solutions/cache_stdlib.py`` (no framework)
pass every check; each defect flag is a mistake learners really make, and must fail exactly the
check that is about it.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from http_helpers import serve_wsgi
from solutions import cache_stdlib
from solutions.cache_flask import DEFECTS as FLASK_DEFECTS
from solutions.cache_flask import create_app

from backend_mentor.checkpoints import http_cache
from backend_mentor.checkpoints.base import Check, VerifyOptions

TIMEOUT = 5.0  # generous: a loaded machine must not turn a slow answer into a verdict
INM = "If-None-Match: 304 Not Modified for the current ETag, 200 OK for another"
DELETE = "DELETE invalidates: the next GET does not serve the product"
MISSING = "GET of a missing product is 404 Not Found and not cacheable"


def verify(url: str, **options: object) -> list[Check]:
    return http_cache.verify(VerifyOptions(url=url, timeout=options.pop("timeout", TIMEOUT), **options))


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


@contextmanager
def flask_solution(*defects: str) -> Iterator[str]:
    with serve_wsgi(create_app(set(defects))) as url:
        yield url


@pytest.mark.parametrize("solution", [flask_solution, cache_stdlib.serve], ids=["flask", "stdlib"])
def test_the_reference_solutions_pass_every_check(solution, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_cache, "QUIET", 30.0)  # a server that closes after a 304/204 costs no waiting
    with solution() as url:
        started = time.monotonic()
        checks = verify(url)
        elapsed = time.monotonic() - started
    assert failed(checks) == []
    assert len(checks) == 11
    assert elapsed < 20


FLASK_CASES = [
    (
        "put-202",
        "PUT /products/{id} creates a product",
        r"PUT /products/bm-\w+ answered 202 Accepted, expected 201 Created or 200 OK",
    ),
    (
        "create-warms-cache",
        "the first GET is 200 OK with X-Cache: MISS",
        "the first GET after creating the product says X-Cache: HIT",
    ),
    ("never-cache", "the second GET is X-Cache: HIT with the same body", "the second GET says X-Cache: MISS"),
    ("unquoted-etag", "GET sends a quoted ETag", r"ETag \w+ is not a quoted string"),
    ("no-cache-control", "GET sends Cache-Control with max-age or no-cache", r"GET sent Cache-Control: \(none\)"),
    ("ignore-inm", INM, r'GET with If-None-Match: "\w+" answered 200 OK, expected 304 Not Modified'),
    (
        "inm-always-304",
        INM,
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
    (
        "delete-keeps-cache",
        DELETE,
        "the GET after DELETE answered 200 OK with X-Cache: HIT: the deleted product is still served",
    ),
    ("etag-from-id", "the ETag changes when the product changes", "the ETag stayed the same after the product changed"),
    ("missing-200", MISSING, "GET of a product that does not exist answered 200 OK, expected 404 Not Found"),
    (
        "cache-headers-on-404",
        MISSING,
        r"the 404 Not Found answer is cacheable \(Cache-Control: max-age=60\), "
        "so clients keep seeing it after the product is created",
    ),
]
STDLIB_CASES = [
    (
        "body-on-304",
        INM,
        r'the 304 Not Modified answer to GET with If-None-Match: "\w+" has a body: \d+ bytes after the headers',
    ),
    (
        "body-on-204",
        DELETE,
        r"the 204 No Content answer to DELETE /products/bm-\w+ has a body: \d+ bytes after the headers",
    ),
]


@pytest.mark.parametrize(("defect", "check", "message"), FLASK_CASES, ids=[d[0] for d in FLASK_CASES])
def test_each_flask_defect_fails_exactly_its_check(defect: str, check: str, message: str) -> None:
    with flask_solution(defect) as url:
        checks = verify(url)
    (failure,) = failed(checks)
    assert failure.name == check
    assert re.fullmatch(message, failure.message), failure.message
    assert failure.reproduce and "curl -i " in failure.reproduce


@pytest.mark.parametrize(("defect", "check", "message"), STDLIB_CASES, ids=[d[0] for d in STDLIB_CASES])
def test_a_body_after_304_or_204_is_seen_on_the_wire(defect: str, check: str, message: str) -> None:
    with cache_stdlib.serve({defect}) as url:
        checks = verify(url)
    (failure,) = failed(checks)
    assert failure.name == check
    assert re.fullmatch(message, failure.message), failure.message
    assert failure.actual.startswith('after the headers: {"')
    assert failure.reproduce and "curl -i " in failure.reproduce


def test_every_check_and_every_defect_is_covered() -> None:
    covered = {c for _, c, _ in FLASK_CASES + STDLIB_CASES}
    assert covered == {spec.name for spec in http_cache.CHECKS}
    assert {d for d, _, _ in FLASK_CASES} == set(FLASK_DEFECTS)
    assert {d for d, _, _ in STDLIB_CASES} == set(cache_stdlib.DEFECTS)


def test_a_wrong_cache_header_is_shown_with_the_response() -> None:
    with flask_solution("never-cache") as url:
        (failure,) = failed(verify(url))
    assert failure.expected == "X-Cache: HIT"
    assert failure.actual.startswith('200 OK; X-Cache: MISS; body: {"id": "bm-')
    assert failure.hint_topic == "cache-patterns"
    assert re.search(rf"curl -i {url}/products/bm-\w+$", failure.reproduce)


@contextmanager
def keep_alive_304_with_late_body(delay: float) -> Iterator[str]:
    """A hand-rolled server that ignores ``Connection: close`` and sends a 304 body ``delay`` s late."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(b'HTTP/1.1 304 Not Modified\r\nETag: "a"\r\n\r\n')
                time.sleep(delay)
                with suppress(OSError):
                    connection.sendall(b'{"late": true}')
                    stop.wait(2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.mark.slow
def test_the_raw_read_is_bounded_in_time_and_sees_a_body_that_comes_late(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_cache, "QUIET", 2.0)
    with keep_alive_304_with_late_body(0.2) as url:
        session = http_cache.Session(VerifyOptions(url=url, timeout=TIMEOUT))
        started = time.monotonic()
        response, tail = http_cache.raw_request(session, "GET", "/products/x", {"If-None-Match": '"a"'})
        elapsed = time.monotonic() - started
    assert (response.status, tail) == (304, b'{"late": true}')
    assert 2.0 <= elapsed < 2.0 + 10.0  # the server keeps the connection open: read until QUIET, not until it closes


def test_cache_control_max_age_is_read_like_a_cache_would() -> None:
    assert http_cache.max_age("public, max-age=60") == 60
    assert http_cache.max_age("max-age=0") == 0
    assert http_cache.max_age("no-store, max-age=60") == 0
    assert http_cache.max_age("s-maxage=30") == 30
    assert http_cache.max_age("private") is None


def test_starter_file_is_the_contract_and_states_delete_invalidation() -> None:
    contract = http_cache.starter_files({})["CONTRACT.md"]
    assert "PUT /products/{id}" in contract and "X-Cache: MISS" in contract and "If-None-Match" in contract
    assert "A `DELETE` invalidates it too" in contract and "no bytes at all after the header block" in contract


def test_every_status_code_is_written_with_its_one_phrase() -> None:
    from test_verifier_http_auth import bare_status_codes

    checks = []
    for defects in ((), ("put-202",), ("missing-200",), ("cache-headers-on-404",), ("inm-always-304",)):
        with flask_solution(*defects) as url:
            checks += verify(url)
    with cache_stdlib.serve({"body-on-204"}) as url:
        checks += verify(url)
    for check in checks:
        assert bare_status_codes(check.name) == [], check.name
        assert bare_status_codes(check.message) == [], check.message


def test_a_raw_status_line_is_read_like_http_client_reads_it() -> None:
    request = http_cache.Request("GET", "http://127.0.0.1:1/products/x")
    bare = http_cache.parse_head(b'HTTP/1.1 304\r\nETag: "a"\r\nX-Cache:HIT', request)
    assert (bare.status, bare.reason, bare.header("etag"), bare.header("X-Cache")) == (304, "", '"a"', "HIT")
    with pytest.raises(http_cache.HttpProblem, match="is not HTTP: it starts with 'SSH-2.0-OpenSSH'"):
        http_cache.parse_head(b"SSH-2.0-OpenSSH", request)
