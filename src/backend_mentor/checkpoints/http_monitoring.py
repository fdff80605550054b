"""Verifier for ``http-monitoring`` (checkpoint deploy-with-monitoring): health and Prometheus metrics.

The contract is ``assets/http_monitoring/CONTRACT.md``. ``/metrics`` is parsed with
``prometheus_client``'s own parsers: the text-format one for ``text/plain`` (versions 0.0.4 and
1.0.0), the OpenMetrics one for ``application/openmetrics-text``. Only a series whose family is
declared ``counter`` (or an untyped series named ``*_total``) can be the request counter: a gauge
named ``*_total`` or a histogram's ``_count`` cannot. When the whole exposition does not parse,
the counter checks read it line by line (types from its ``# TYPE`` lines), so one malformed line
fails the format check alone instead of hiding every metric.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from string import Template
from typing import Any

from ._http import CheckFailed, Response, Session, excerpt, expect_json, expect_status
from ._untrusted import contract, guarded
from .base import Check, CheckSpec, NotChecked, VerifyOptions

DEFAULT_REQUESTS = 5
TYPE_LINE = re.compile(r"^#\s*TYPE\s+(\S+)\s+(\S+)", re.MULTILINE)
SAMPLE_PARTS = ("_count", "_sum", "_bucket", "_gcount", "_gsum")  # samples of a histogram or summary
UNTYPED = ("untyped", "unknown")
OPENMETRICS = "application/openmetrics-text"
METRICS_TYPES = ("text/plain", OPENMETRICS)
GROWS = "the request counter grows by at least {n} after {n} requests"


def requests_param(options: VerifyOptions) -> int:
    return int(options.params.get("requests", DEFAULT_REQUESTS))


def verify(options: VerifyOptions) -> list[Check]:
    session = Session(options)
    suite = MonitoringSuite(session, requests_param(options))
    return session.run(declared_checks(options), suite)


def declared_checks(options: VerifyOptions) -> list[CheckSpec]:
    """The monitoring contract's checks; the growth check's name says how many requests it sends."""
    return [
        CheckSpec(
            'GET /health is 200 OK with JSON {"status": ...}', "monitoring-alerting", guarded(MonitoringSuite.health)
        ),
        CheckSpec(
            "GET /metrics is 200 OK in a Prometheus exposition format",
            "metrics",
            guarded(MonitoringSuite.metrics_parse),
        ),
        CheckSpec(
            "GET /metrics has a Prometheus Content-Type", "metrics", guarded(MonitoringSuite.metrics_content_type)
        ),
        CheckSpec("/metrics has a request counter", "metrics", guarded(MonitoringSuite.has_request_counter)),
        CheckSpec(GROWS.format(n=requests_param(options)), "metrics", guarded(MonitoringSuite.counter_counts)),
    ]


def starter_files(params: dict) -> dict[str, str | bytes]:
    requests = int(params.get("requests", DEFAULT_REQUESTS))
    return {"CONTRACT.md": Template(contract("http_monitoring")).safe_substitute(requests=requests)}


def families(text: str, openmetrics: bool = False) -> Iterable[Any]:
    """The metric families in ``text``, by the parser for its format; raises on invalid input."""
    if openmetrics:
        from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse
    else:
        from prometheus_client.parser import text_string_to_metric_families as parse
    return parse(text)


def parse_error(text: str, openmetrics: bool = False) -> str | None:
    """The parser's message when ``text`` is not valid exposition, else None."""
    try:
        for _ in families(text, openmetrics):
            pass
    except Exception as exc:  # the parsers raise ValueError, and sometimes other errors, on bad input
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass(frozen=True)
class Series:
    kind: str  # the declared type of its family: counter, gauge, histogram, summary, untyped ...
    total: float  # the value summed over its labels


def sample_totals(text: str, openmetrics: bool = False) -> dict[str, Series]:
    """Sample name -> its family's type and its value summed over labels.

    The whole exposition is parsed when it can be; otherwise every line the text parser accepts
    counts, with the type its ``# TYPE`` line declares.
    """
    try:
        pairs = [(s.name, family.type, s.value) for family in families(text, openmetrics) for s in family.samples]
    except Exception:
        pairs = list(line_by_line(text))
    totals: dict[str, Series] = {}
    for name, kind, value in pairs:
        previous = totals[name].total if name in totals else 0.0
        totals[name] = Series(kind, previous + value)
    return totals


def line_by_line(text: str) -> Iterable[tuple[str, str, float]]:
    types = dict(TYPE_LINE.findall(text))
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            samples = [s for family in families(line + "\n") for s in family.samples]
        except Exception:
            continue
        for sample in samples:
            yield sample.name, kind_of(sample.name, types), sample.value


def kind_of(name: str, types: dict[str, str]) -> str:
    """The type the text format gives sample ``name``: its own ``# TYPE`` line, or for a histogram's
    or summary's ``_count``/``_sum``/``_bucket`` the type of its family; else ``unknown``."""
    if name in types:
        return types[name]
    for suffix in SAMPLE_PARTS:
        base = name.removesuffix(suffix)
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary", "gaugehistogram"):
            return types[base]
    return "unknown"


def mentions_requests(name: str) -> bool:
    return "request" in name.lower() or "http" in name.lower()


def is_request_counter(name: str, series: Series) -> bool:
    """A counter's running total (not its ``_created`` timestamp), or an untyped ``*_total``."""
    if not mentions_requests(name) or name.endswith("_created"):
        return False
    return series.kind == "counter" or (series.kind in UNTYPED and name.endswith("_total"))


def growth(before: dict[str, Series], after: dict[str, Series], name: str) -> float:
    """How much ``name`` grew; NaN when either value is not a finite number (it counts nothing)."""
    start = before[name].total if name in before else 0.0
    end = after[name].total
    return end - start if math.isfinite(start) and math.isfinite(end) else math.nan


class MonitoringSuite:
    """The monitoring contract, one method per check."""

    def __init__(self, session: Session, requests: int) -> None:
        self.session = session
        self.requests = requests

    def scrape(self) -> Response:
        response = self.session.request("GET", "/metrics")
        expect_status(response, 200, "GET /metrics")
        return response

    def totals(self) -> dict[str, Series]:
        response = self.scrape()
        return sample_totals(response.body.decode("utf-8", "replace"), response.media_type == OPENMETRICS)

    def counters(self, totals: dict[str, Series]) -> list[str]:
        return sorted(name for name, series in totals.items() if is_request_counter(name, series))

    # --- checks ---

    def health(self) -> str:
        response = self.session.request("GET", "/health")
        expect_status(response, 200, "GET /health")
        doc = expect_json(response, "GET /health", dict)
        if "status" not in doc:
            raise CheckFailed("the health answer has no 'status' field", expected='{"status": "ok"}')
        return f"200 OK, status: {excerpt(str(doc['status']), 40)}"

    def metrics_parse(self) -> str:
        response = self.scrape()
        text = response.body.decode("utf-8", "replace")
        openmetrics = response.media_type == OPENMETRICS
        error = parse_error(text, openmetrics)
        if error:
            raise CheckFailed(
                f"the {'OpenMetrics' if openmetrics else 'Prometheus'} parser rejects /metrics: {excerpt(error, 160)}",
                expected="OpenMetrics text ending in # EOF" if openmetrics else "Prometheus text exposition format",
            )
        totals = sample_totals(text, openmetrics)
        if not totals:
            raise CheckFailed("/metrics has no samples", expected="lines like http_requests_total 12")
        return f"{len(totals)} series names"

    def metrics_content_type(self) -> str:
        response = self.scrape()
        if response.media_type not in METRICS_TYPES:
            raise CheckFailed(
                f"/metrics is sent as {response.header('Content-Type') or '(no Content-Type)'}",
                expected="Content-Type: text/plain; version=0.0.4 (or version=1.0.0, or application/openmetrics-text)",
            )
        return excerpt(response.header("Content-Type") or "", 80)

    def has_request_counter(self) -> str:
        totals = self.totals()
        counters = self.counters(totals)
        if not counters:
            near = sorted(
                name
                for name in totals
                if mentions_requests(name) and not name.endswith(("_created", "_sum", "_bucket", "_gsum"))
            )
            shown = ", ".join(f"{name} ({totals[name].kind})" for name in near[:4])
            raise CheckFailed(
                "no counter named like a request counter"
                + (f"; {shown} mention requests but are not counters" if near else ""),
                expected="e.g. # TYPE http_requests_total counter",
            )
        return ", ".join(f"{name} (counter)" for name in counters[:3])

    def counter_counts(self) -> str:
        before = self.totals()
        for _ in range(self.requests):
            self.session.request("GET", "/health")
        after = self.totals()
        watched = self.counters(after)
        if not watched:  # the growth check could not run: a skip, not a second failure
            raise NotChecked("/metrics has no request counter to watch (see the check above)")
        grew = {name: growth(before, after, name) for name in watched}
        best = max(watched, key=lambda name: grew[name] if not math.isnan(grew[name]) else -math.inf)
        shown = f"{best}: {before[best].total if best in before else 0.0:g} → {after[best].total:g}"
        if not grew[best] >= self.requests:
            raise CheckFailed(
                f"after {self.requests} requests to /health no request counter grew by {self.requests}",
                expected=f"a request counter at least {self.requests} higher",
                actual=shown,
            )
        return shown
