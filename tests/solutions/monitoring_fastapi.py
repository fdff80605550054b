"""Reference solution for deploy-with-monitoring: FastAPI with ``prometheus_client``.

``create_app()`` follows the contract; ``create_app({"defect"})`` reproduces one mistake a
learner really makes (each named in ``DEFECTS``); ``exposition`` picks one of the formats a
Prometheus server accepts (all valid). Each app has its own ``CollectorRegistry``.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, exposition
from prometheus_client.openmetrics import exposition as openmetrics

DEFECTS = {
    "health-text": "/health answers the text OK",
    "metrics-garbage": "a hand-written info line with an unquoted label value is appended",
    "metrics-no-content-type": "Response(generate_latest()) without a media type",
    "gauge-total": "requests are counted with a Gauge named http_requests_total",
    "histogram-only": "only a latency histogram (its _count grows) and an in-flight gauge",
    "counter-frozen": "the counter is increased by a per-route decorator that only /metrics has",
}
EXPOSITIONS = {
    "text-1.0.0": (exposition.generate_latest, exposition.CONTENT_TYPE_PLAIN_1_0_0),
    "text-0.0.4": (exposition.generate_latest, exposition.CONTENT_TYPE_PLAIN_0_0_4),
    "openmetrics": (openmetrics.generate_latest, openmetrics.CONTENT_TYPE_LATEST),
}


def create_app(defects: frozenset[str] | set[str] = frozenset(), exposition_format: str = "text-1.0.0") -> FastAPI:
    assert set(defects) <= set(DEFECTS) and exposition_format in EXPOSITIONS, (defects, exposition_format)
    registry = CollectorRegistry()
    started = time.monotonic()
    labels = ["method", "path", "status"]
    in_flight = Gauge("nodejs_active_requests_total", "Requests in flight.", registry=registry)
    latency = Histogram("http_request_duration_seconds", "Request latency.", ["path"], registry=registry)
    if "gauge-total" in defects:
        requests: Any = Gauge("http_requests_total", "HTTP requests answered.", labels, registry=registry)
    elif "histogram-only" not in defects:
        requests = Counter("http_requests_total", "HTTP requests answered.", labels, registry=registry)
    app = FastAPI()

    @app.middleware("http")
    async def count_requests(request: Request, call_next: Any) -> Any:
        in_flight.inc()
        began = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            in_flight.dec()
        path = request.url.path
        latency.labels(path).observe(time.perf_counter() - began)
        if "histogram-only" not in defects and ("counter-frozen" not in defects or path == "/metrics"):
            requests.labels(request.method, path, str(response.status_code)).inc()
        return response

    @app.get("/health")
    def health() -> Any:
        if "health-text" in defects:
            return PlainTextResponse("OK")
        return {"status": "ok", "uptime_seconds": round(time.monotonic() - started, 1)}

    @app.get("/metrics")
    def metrics() -> Response:
        generate, content_type = EXPOSITIONS[exposition_format]
        body = generate(registry)
        if "metrics-garbage" in defects:
            body += b"app_info{version=1.4.2} 1\n"
        if "metrics-no-content-type" in defects:
            return Response(body)
        return Response(body, media_type=content_type)

    return app
