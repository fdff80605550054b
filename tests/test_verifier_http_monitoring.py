"""The http-monitoring verifier (checkpoint deploy-with-monitoring)."""

from __future__ import annotations

import re
import time

import pytest
from http_servers import MonitoringHandler, raw_server, serve

from backend_mentor.checkpoints import http_monitoring
from backend_mentor.checkpoints.base import Check, VerifyOptions

TIMEOUT = 0.5
COUNTS = "the request counter grows by at least 5 after 5 requests"


def verify(url: str, **options: object) -> list[Check]:
    return http_monitoring.verify(VerifyOptions(url=url, timeout=TIMEOUT, **options))


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


def test_reference_server_passes_every_check_and_reports_the_counter() -> None:
    with serve(MonitoringHandler) as server:
        checks = verify(server.url)
    assert failed(checks) == []
    assert checks[3].message == "http_requests_total"
    before, after = map(int, re.fullmatch(r"http_requests_total: (\d+) → (\d+)", checks[4].message).groups())
    assert after - before >= 5


DEFECTS = [
    ("health-text", 'GET /health is 200 with JSON {"status": ...}', "the body of GET /health is not JSON"),
    (
        "metrics-garbage",
        "GET /metrics is 200 in the Prometheus text format",
        "the Prometheus parser rejects /metrics: ValueError: Invalid labels: version=1.0",
    ),
    ("metrics-json-type", "GET /metrics has a Prometheus Content-Type", "/metrics is sent as application/json"),
    (
        "gauge-not-counter",
        "/metrics has a request counter",
        r"no counter named like a request counter; http_requests count requests but are not counters \(type counter, name ending in _total\)",
    ),
    ("counter-frozen", COUNTS, "after 5 requests to /health no request counter grew by 5"),
]


@pytest.mark.parametrize(("defect", "check", "message"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_each_defect_fails_exactly_its_check(defect: str, check: str, message: str) -> None:
    with serve(MonitoringHandler, [defect]) as server:
        checks = verify(server.url)
    (failure,) = failed(checks)
    assert failure.name == check
    assert re.fullmatch(message, failure.message), failure.message
    assert failure.reproduce == f"curl -i {server.url}/{'health' if defect == 'health-text' else 'metrics'}"


def test_every_check_has_a_defect() -> None:
    assert {c for _, c, _ in DEFECTS} == {name for name, _, _ in http_monitoring.MonitoringSuite(None, 5).plan()}


def test_a_frozen_counter_reports_before_and_after() -> None:
    with serve(MonitoringHandler, ["counter-frozen"]) as server:
        (failure,) = failed(verify(server.url))
    assert failure.actual == "http_requests_total: 3 → 3"
    assert failure.expected == "a request counter at least 5 higher"


def test_the_number_of_requests_comes_from_the_params() -> None:
    with serve(MonitoringHandler) as server:
        checks = verify(server.url, params={"requests": 2})
    assert checks[-1].name == "the request counter grows by at least 2 after 2 requests" and checks[-1].passed


def test_sample_totals_skip_lines_the_parser_rejects() -> None:
    text = (
        '# TYPE http_requests_total counter\nhttp_requests_total{a="1"} 2\nbad{x=1} 1\nhttp_requests_total{a="2"} 3\n'
    )
    assert http_monitoring.sample_totals(text) == {"http_requests_total": ("counter", 5.0)}
    assert http_monitoring.parse_error(text) == "ValueError: Invalid labels: x=1"


def test_a_hanging_server_fails_within_the_timeout() -> None:
    with raw_server(None) as server:
        started = time.monotonic()
        checks = verify(server.url)
    assert time.monotonic() - started < TIMEOUT + 0.4
    assert checks[0].message == "no response within 0.5 s to GET /health"
    assert {c.message for c in checks[1:]} == {"skipped: server unreachable"}




def test_starter_file_is_the_contract() -> None:
    contract = http_monitoring.starter_files({})["CONTRACT.md"]
    assert "GET /health" in contract and "# TYPE http_requests_total counter" in contract
