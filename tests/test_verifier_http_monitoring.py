"""The http-monitoring verifier (checkpoint deploy-with-monitoring), judged against real solutions.

``tests/solutions/monitoring_fastapi.py`` (FastAPI + prometheus_client) passes every check in each
exposition format Prometheus accepts; each of its defect flags must fail exactly the check that is
about it. ``tests/solutions/monitoring_node.js`` writes /metrics the way prom-client does, with a
``nodejs_active_requests_total`` gauge that must never be taken for the request counter.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from http_helpers import START_TIMEOUT, serve_asgi
from solutions.monitoring_fastapi import DEFECTS as SOLUTION_DEFECTS
from solutions.monitoring_fastapi import EXPOSITIONS, create_app

from backend_mentor.checkpoints import http_monitoring
from backend_mentor.checkpoints.base import Check, Outcome, VerifyOptions

TIMEOUT = 5.0  # generous: a loaded machine must not turn a slow answer into a verdict
COUNTS = "the request counter grows by at least 5 after 5 requests"
HAS_COUNTER = "/metrics has a request counter"
NODE_SOLUTION = Path(__file__).parent / "solutions" / "monitoring_node.js"


def verify(url: str, **options: object) -> list[Check]:
    return http_monitoring.verify(VerifyOptions(url=url, timeout=options.pop("timeout", TIMEOUT), **options))


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.outcome is Outcome.FAIL]


def fastapi_checks(*defects: str, exposition_format: str = "text-1.0.0", **options: object) -> tuple[str, list[Check]]:
    with serve_asgi(create_app(set(defects), exposition_format)) as url:
        return url, verify(url, **options)


@pytest.mark.parametrize("exposition_format", sorted(EXPOSITIONS))
def test_the_fastapi_solution_passes_in_every_exposition_format(exposition_format: str) -> None:
    _, checks = fastapi_checks(exposition_format=exposition_format)
    assert [c.outcome for c in checks] == [Outcome.PASS] * 5, failed(checks)
    assert checks[2].message == EXPOSITIONS[exposition_format][1]
    assert checks[3].message == "http_requests_total (counter)"
    before, after = map(int, re.fullmatch(r"http_requests_total: (\d+) → (\d+)", checks[4].message).groups())
    assert after - before >= 5


DEFECTS = [
    ("health-text", 'GET /health is 200 OK with JSON {"status": ...}', "the body of GET /health is not JSON"),
    (
        "metrics-garbage",
        "GET /metrics is 200 OK in a Prometheus exposition format",
        "the Prometheus parser rejects /metrics: ValueError: Invalid labels: version=1.4.2",
    ),
    (
        "metrics-no-content-type",
        "GET /metrics has a Prometheus Content-Type",
        r"/metrics is sent as \(no Content-Type\)",
    ),
    (
        "gauge-total",
        HAS_COUNTER,
        r"no counter named like a request counter; http_request_duration_seconds_count \(histogram\), "
        r"http_requests_total \(gauge\), nodejs_active_requests_total \(gauge\) mention requests but are not counters",
    ),
    (
        "histogram-only",
        HAS_COUNTER,
        r"no counter named like a request counter; http_request_duration_seconds_count \(histogram\), "
        r"nodejs_active_requests_total \(gauge\) mention requests but are not counters",
    ),
    ("counter-frozen", COUNTS, "after 5 requests to /health no request counter grew by 5"),
]


@pytest.mark.parametrize(("defect", "check", "message"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_each_defect_fails_exactly_its_check(defect: str, check: str, message: str) -> None:
    url, checks = fastapi_checks(defect)
    (failure,) = failed(checks)
    assert failure.name == check
    assert re.fullmatch(message, failure.message), failure.message
    path = "health" if defect == "health-text" else "metrics"
    assert failure.reproduce and f"curl -i {url}/{path}" in failure.reproduce


def test_every_check_and_every_solution_defect_is_covered() -> None:
    assert {c for _, c, _ in DEFECTS} == {
        spec.name for spec in http_monitoring.declared_checks(VerifyOptions(params={"requests": 5}))
    }
    assert {d for d, _, _ in DEFECTS} == set(SOLUTION_DEFECTS)


@pytest.mark.parametrize("defect", ["gauge-total", "histogram-only"])
def test_with_no_counter_the_growth_check_is_skipped_not_failed_twice(defect: str) -> None:
    _, checks = fastapi_checks(defect)
    assert checks[4].outcome is Outcome.SKIP
    assert checks[4].message == "/metrics has no request counter to watch (see the check above)"


def test_a_frozen_counter_reports_before_and_after() -> None:
    _, checks = fastapi_checks("counter-frozen")
    (failure,) = failed(checks)
    before, after = map(int, re.fullmatch(r"http_requests_total: (\d+) → (\d+)", failure.actual).groups())
    assert after - before < 5
    assert failure.expected == "a request counter at least 5 higher"


def test_the_number_of_requests_comes_from_the_params() -> None:
    _, checks = fastapi_checks(params={"requests": 2})
    assert checks[-1].name == "the request counter grows by at least 2 after 2 requests" and checks[-1].passed


# --- prom-client's output, from a real Node process ------------------------------------------------


@contextmanager
def node_solution(*args: str) -> Iterator[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the prom-client-style solution needs it)")
    process = subprocess.Popen(
        [node, str(NODE_SOLUTION), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ}
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        line = process.stdout.readline().decode().strip() if ready else ""
        if not line.isdigit():
            raise RuntimeError(f"the node solution did not start: {process.stderr.read1(2000)!r}")
        yield f"http://127.0.0.1:{line}"
    finally:
        process.terminate()
        try:
            process.wait(START_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_the_node_solution_passes_and_the_counter_named_is_the_counter_not_the_gauge() -> None:
    with node_solution() as url:
        checks = verify(url)
    assert [c.outcome for c in checks] == [Outcome.PASS] * 5, failed(checks)
    assert checks[2].message == "text/plain; version=0.0.4; charset=utf-8"
    assert checks[3].message == "http_requests_total (counter)"
    assert re.fullmatch(r"http_requests_total: \d+ → \d+", checks[4].message)


def test_node_with_only_the_active_requests_gauge_and_a_histogram_has_no_counter() -> None:
    with node_solution("no-counter") as url:
        checks = verify(url)
    (failure,) = failed(checks)
    assert failure.name == HAS_COUNTER
    assert "nodejs_active_requests_total (gauge)" in failure.message
    assert "http_request_duration_seconds_count (histogram)" in failure.message
    assert checks[4].outcome is Outcome.SKIP


# --- the parsers -------------------------------------------------------------------------------------


def test_only_counters_and_untyped_totals_can_be_the_request_counter() -> None:
    text = (
        "# TYPE nodejs_active_requests_total gauge\nnodejs_active_requests_total 3\n"
        "# TYPE http_request_duration_seconds histogram\n"
        'http_request_duration_seconds_bucket{le="+Inf"} 9\nhttp_request_duration_seconds_count 9\n'
        "http_request_duration_seconds_sum 0.4\n"
        "# TYPE api_requests_total counter\napi_requests_total 4\n"
        "# TYPE api_requests_created gauge\napi_requests_created 1.7e9\n"
        "legacy_http_requests_total 2\n"
    )
    totals = http_monitoring.sample_totals(text)
    counters = sorted(n for n, s in totals.items() if http_monitoring.is_request_counter(n, s))
    assert counters == ["api_requests_total", "legacy_http_requests_total"]
    broken = text + "bad{x=1} 1\n"  # the line-by-line fallback keeps the declared types
    assert http_monitoring.sample_totals(broken) == totals


def test_sample_totals_skip_lines_the_parser_rejects() -> None:
    text = (
        '# TYPE http_requests_total counter\nhttp_requests_total{a="1"} 2\nbad{x=1} 1\nhttp_requests_total{a="2"} 3\n'
    )
    assert http_monitoring.sample_totals(text) == {"http_requests_total": http_monitoring.Series("counter", 5.0)}
    assert http_monitoring.parse_error(text) == "ValueError: Invalid labels: x=1"


def test_openmetrics_is_read_with_the_openmetrics_parser() -> None:
    text = '# TYPE http_requests counter\nhttp_requests_total{a="1"} 2 # {trace_id="abc"} 1.0\n# EOF\n'
    assert http_monitoring.parse_error(text, openmetrics=True) is None
    assert http_monitoring.sample_totals(text, openmetrics=True)["http_requests_total"].kind == "counter"
    assert http_monitoring.parse_error("# TYPE x counter\nx_total 1\n", openmetrics=True)  # no # EOF


def test_a_counter_that_is_not_a_finite_number_never_counts() -> None:
    before = {"http_requests_total": http_monitoring.Series("counter", 1.0)}
    after = {"http_requests_total": http_monitoring.Series("counter", float("nan"))}
    assert not http_monitoring.growth(before, after, "http_requests_total") >= 5


def test_starter_file_is_the_contract_and_names_both_text_versions() -> None:
    contract = http_monitoring.starter_files({"requests": 7})["CONTRACT.md"]
    assert "GET /health" in contract and "# TYPE http_requests_total counter" in contract
    assert "version=0.0.4" in contract and "version=1.0.0" in contract and "sends 7 requests" in contract
    assert "nodejs_active_requests_total" in contract


def test_every_status_code_is_written_with_its_one_phrase() -> None:
    from test_verifier_http_auth import bare_status_codes

    checks = fastapi_checks()[1] + fastapi_checks("health-text")[1] + fastapi_checks("gauge-total")[1]
    for check in checks:
        assert bare_status_codes(check.name) == [], check.name
        assert bare_status_codes(check.message) == [], check.message


def test_a_100000_deep_health_answer_is_a_failed_check_not_a_crash() -> None:
    from fastapi import FastAPI
    from fastapi.responses import Response as Plain

    app = FastAPI()

    @app.get("/health")
    def health() -> Plain:
        return Plain(b"[" * 100_000 + b"]" * 100_000, media_type="application/json")

    with serve_asgi(app) as url:
        checks = verify(url)
    assert checks[0].outcome is Outcome.FAIL
    assert "JSON nested more than 64 levels deep; the verifier does not read it" in checks[0].message
