"""The HTTP verifiers against what Node learners really write: Express 4 with prom-client.

``tests/solutions/express`` is a real Express app (build-rest-api's notes and
deploy-with-monitoring's /health and /metrics). Its packages are installed by ``.ci/run`` (``npm
ci``) before the tests; the tests themselves never download. Each realistic Express mistake fails
exactly the check that is about it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from http_helpers import failed, serve_node, skipped, verify

from backend_mentor.checkpoints import http_monitoring, http_rest
from backend_mentor.checkpoints.base import Outcome

APP = Path(__file__).parent / "solutions" / "express"
pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (apt-get install nodejs)"),
    pytest.mark.skipif(
        not (APP / "node_modules" / "express").is_dir() or not (APP / "node_modules" / "prom-client").is_dir(),
        reason="Express and prom-client are not installed: run 'npm ci' in tests/solutions/express (.ci/run does)",
    ),
]


@contextmanager
def express(*defects: str) -> Iterator[str]:
    with serve_node(str(APP / "app.js"), {"REST_DEFECTS": ",".join(defects), "NODE_ENV": "production"}) as url:
        yield url


@pytest.fixture(autouse=True)
def no_clock_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_rest, "CLOCK_TICK", 0.0)


def test_the_express_app_passes_build_rest_api_and_deploy_with_monitoring() -> None:
    with express() as url:
        rest = verify(http_rest, url)
        monitoring = verify(http_monitoring, url)
    assert failed(rest) == [] and skipped(rest) == [] and len(rest) == 19
    assert [c.outcome for c in monitoring] == [Outcome.PASS] * len(monitoring), failed(monitoring)
    counter = next(c for c in monitoring if c.message.endswith("(counter)"))
    assert counter.message == "http_requests_total (counter)"  # never prom-client's *_total gauge


def test_express_without_a_json_error_handler_fails_only_the_json_check() -> None:
    """Express's default error handler answers body-parser's 400 with an HTML page: the status is
    right, the body is not JSON, and that one check says so."""
    with express("express-default-errors") as url:
        checks = verify(http_rest, url)
    (failure,) = failed(checks)
    assert failure.name == "POST with malformed JSON is 400/422, not 5xx"
    assert "with a body that is not JSON (text/html)" in failure.message


def test_prom_clients_default_metrics_alone_have_no_request_counter() -> None:
    with express("gauge-only-metrics") as url:
        checks = verify(http_monitoring, url)
    bad = failed(checks)
    assert len(bad) == 1 and "nodejs_active_requests_total (gauge)" in bad[0].message
