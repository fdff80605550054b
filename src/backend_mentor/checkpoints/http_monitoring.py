"""Verifier for ``http-monitoring`` (checkpoint deploy-with-monitoring): health and Prometheus metrics.

``/metrics`` is parsed with ``prometheus_client``'s own text parser for the format check. The
counter checks read the exposition line by line with the same parser (skipping lines it rejects),
so one malformed line fails the format check alone instead of hiding every metric.
"""

from __future__ import annotations

import re
from string import Template

from prometheus_client.parser import text_string_to_metric_families

from ._http import CheckFailed, Plan, Response, Session, excerpt, expect_json, expect_status
from .base import Check, VerifyOptions

DEFAULT_REQUESTS = 5
TYPE_LINE = re.compile(r"^#\s*TYPE\s+(\S+)\s+(\S+)", re.MULTILINE)
NOT_A_COUNT = ("_bucket", "_sum", "_created", "_gcount", "_gsum")
METRICS_TYPES = ("text/plain", "application/openmetrics-text")

CONTRACT = """\
# Contract: health and metrics

Run your service (in a container if you like) with these two endpoints, then check it:

    backend-mentor checkpoint verify deploy-with-monitoring --url http://127.0.0.1:8000

## `GET /health`

`200 OK` with a JSON body that has a `status` field while the service can do its work:

```json
{"status": "ok", "version": "1.4.2", "uptime_seconds": 5230}
```

(Answer `503` with `{"status": "unavailable", ...}` when a dependency it needs is down.)

## `GET /metrics`

`200 OK` in the Prometheus text exposition format, with `Content-Type: text/plain; version=0.0.4`
(or OpenMetrics, `application/openmetrics-text`). Every Prometheus client library writes this for
you (`prometheus_client` for Python, `prom-client` for Node.js, `client_golang` for Go ...).

It must include a **request counter**: a metric of type `counter` (its samples end in `_total`)
whose name says it counts requests, increased by one for every HTTP request the service answers,
for example:

```
# HELP http_requests_total HTTP requests answered.
# TYPE http_requests_total counter
http_requests_total{method="GET",path="/health",status="200"} 12
```

Labels are up to you (keep their values few: the route template, not the raw URL). The
verifier reads `/metrics`, sends $requests requests to `/health`, reads `/metrics` again and expects
the counter (summed over its labels) to have grown by at least $requests.

Structured (JSON) logs are a good idea too; the verifier does not check them.

```
curl -i http://127.0.0.1:8000/health
curl -i http://127.0.0.1:8000/metrics
```
"""


def verify(options: VerifyOptions) -> list[Check]:
    session = Session(options)
    suite = MonitoringSuite(session, int(options.params.get("requests", DEFAULT_REQUESTS)))
    return session.run(suite.plan())


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {"CONTRACT.md": Template(CONTRACT).safe_substitute(requests=int(params.get("requests", DEFAULT_REQUESTS)))}


def parse_error(text: str) -> str | None:
    """The parser's message when ``text`` is not valid exposition, else None."""
    try:
        for _ in text_string_to_metric_families(text):
            pass
    except Exception as exc:  # the parser raises ValueError, and sometimes other errors, on bad input
        return f"{type(exc).__name__}: {exc}"
    return None


def sample_totals(text: str) -> dict[str, tuple[str, float]]:
    """Sample name -> (declared type, value summed over labels), for every line the parser accepts."""
    types = dict(TYPE_LINE.findall(text))
    totals: dict[str, tuple[str, float]] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            samples = [s for family in text_string_to_metric_families(line + "\n") for s in family.samples]
        except Exception:
            continue
        for sample in samples:
            base = sample.name.removesuffix("_total")
            kind = types.get(sample.name) or types.get(base) or "untyped"
            previous = totals.get(sample.name, (kind, 0.0))[1]
            totals[sample.name] = (kind, previous + sample.value)
    return totals


def is_counter(name: str, kind: str) -> bool:
    return name.endswith("_total") or kind == "counter"


def mentions_requests(name: str) -> bool:
    return "request" in name.lower() or "http" in name.lower()


class MonitoringSuite:
    """The monitoring contract, one method per check."""

    def __init__(self, session: Session, requests: int) -> None:
        self.session = session
        self.requests = requests

    def plan(self) -> Plan:
        return [
            ('GET /health is 200 with JSON {"status": ...}', "monitoring-alerting", self.health),
            ("GET /metrics is 200 in the Prometheus text format", "metrics", self.metrics_parse),
            ("GET /metrics has a Prometheus Content-Type", "metrics", self.metrics_content_type),
            ("/metrics has a request counter", "metrics", self.has_request_counter),
            (
                f"the request counter grows by at least {self.requests} after {self.requests} requests",
                "metrics",
                self.counter_counts,
            ),
        ]

    def scrape(self) -> Response:
        response = self.session.request("GET", "/metrics")
        expect_status(response, 200, "GET /metrics")
        return response

    def totals(self) -> dict[str, tuple[str, float]]:
        return sample_totals(self.scrape().body.decode("utf-8", "replace"))

    # --- checks ---

    def health(self) -> str:
        response = self.session.request("GET", "/health")
        expect_status(response, 200, "GET /health")
        doc = expect_json(response, "GET /health", dict)
        if "status" not in doc:
            raise CheckFailed("the health answer has no 'status' field", expected='{"status": "ok"}')
        return f"status: {doc['status']}"

    def metrics_parse(self) -> str:
        response = self.scrape()
        text = response.body.decode("utf-8", "replace")
        error = parse_error(text)
        if error:
            raise CheckFailed(
                f"the Prometheus parser rejects /metrics: {excerpt(error, 160)}",
                expected="Prometheus text exposition format",
            )
        if not sample_totals(text):
            raise CheckFailed("/metrics has no samples", expected="lines like http_requests_total 12")
        return f"{len(sample_totals(text))} series names"

    def metrics_content_type(self) -> str:
        response = self.scrape()
        if response.media_type not in METRICS_TYPES:
            raise CheckFailed(
                f"/metrics is sent as {response.header('Content-Type') or '(no Content-Type)'}",
                expected="Content-Type: text/plain; version=0.0.4",
            )
        return response.header("Content-Type") or ""

    def has_request_counter(self) -> str:
        totals = self.totals()
        counters = sorted(
            name for name, (kind, _) in totals.items() if is_counter(name, kind) and mentions_requests(name)
        )
        if not counters:
            near = sorted(name for name in totals if mentions_requests(name))
            raise CheckFailed(
                "no counter named like a request counter"
                + (
                    f"; {', '.join(near[:3])} count requests but are not counters (type counter, name ending in _total)"
                    if near
                    else ""
                ),
                expected="e.g. # TYPE http_requests_total counter",
            )
        return ", ".join(counters[:3])

    def counter_counts(self) -> str:
        before = self.totals()
        for _ in range(self.requests):
            self.session.request("GET", "/health")
        after = self.totals()
        watched = [n for n in after if mentions_requests(n) and not n.endswith(NOT_A_COUNT)]
        growth = {n: after[n][1] - before.get(n, ("", 0.0))[1] for n in watched}
        best = max(growth, key=growth.__getitem__, default=None)
        if best is None or growth[best] < self.requests:
            shown = f"{best}: {before.get(best, ('', 0.0))[1]:g} → {after[best][1]:g}" if best else "no counter found"
            raise CheckFailed(
                f"after {self.requests} requests to /health no request counter grew by {self.requests}",
                expected=f"a request counter at least {self.requests} higher",
                actual=shown,
            )
        return f"{best}: {before.get(best, ('', 0.0))[1]:g} → {after[best][1]:g}"
