"""What every http-* verifier gets from the shared client (``_http.py``), tested for all four kinds:
nothing listening, three outcomes, the whole story in ``reproduce``, bounded JSON, pinned addresses,
escaped server text."""

from __future__ import annotations

import fnmatch
import json
import socket
import time

import pytest
from http_helpers import TIMEOUT, failed, http_reply, scripted_server, skipped, verify
from http_servers import JsonHandler, closed_port_url, raw_server, serve

from backend_mentor.checkpoints import _http, http_auth, http_cache, http_monitoring, http_rest
from backend_mentor.checkpoints.base import Check, CheckSpec, Outcome, VerifierInputError, VerifyOptions, verdict

MODULES = [http_rest, http_auth, http_cache, http_monitoring]
KIND = {"ids": lambda m: m.__name__.rsplit(".", 1)[1]}


def plan(*rows) -> list[CheckSpec]:
    """Declared checks for a bare session: (name, hint, function of no arguments) rows."""
    return [CheckSpec(name, hint, lambda _suite, run=run: run()) for name, hint, run in rows]


@pytest.mark.parametrize("module", MODULES, **KIND)
def test_nothing_listening_is_one_input_error_before_any_check(module) -> None:
    url = closed_port_url()
    with pytest.raises(_http.NothingListening) as raised:
        verify(module, url)
    where = url.removeprefix("http://")
    assert str(raised.value) == f"nothing is listening on {where} — start your server, then run this again"
    assert isinstance(raised.value, VerifierInputError)  # so the CLI prints one line and records nothing


@pytest.mark.parametrize("module", MODULES, **KIND)
def test_remote_urls_are_input_errors(module) -> None:
    with pytest.raises(VerifierInputError, match="192.0.2.7 is not this machine"):
        verify(module, "http://192.0.2.7:8000")


FIRST_REQUEST = {
    http_rest: "POST /notes",
    http_auth: "POST /auth/register",
    http_cache: "PUT /products/bm-*",
    http_monitoring: "GET /health",
}


@pytest.mark.parametrize("module", MODULES, **KIND)
def test_a_server_that_stops_answering_fails_once_and_skips_the_rest(module) -> None:
    with raw_server(None) as server:
        started = time.monotonic()
        checks = verify(module, server.url)
        elapsed = time.monotonic() - started
        connections = len(server.connections)
    # One request waited out its timeout and nothing else was tried: counted, not timed, so a loaded
    # machine cannot fail it. The clock only guards against a timeout far longer than the one asked (TIMEOUT).
    assert connections == 1
    assert elapsed < 10 * TIMEOUT
    assert checks[0].outcome is Outcome.FAIL
    assert fnmatch.fnmatchcase(checks[0].message, f"no response within 0.5 s to {FIRST_REQUEST[module]}")
    rest = checks[1:]
    assert rest and skipped(rest) == rest and all(c.incomplete for c in rest)
    assert {c.message for c in rest} == {"skipped: server unreachable"}
    assert {c.to_dict()["outcome"] for c in rest} == {"skip"}
    result = verdict(checks)
    assert result["passed"] is False and result["score"] == 0.0
    assert result["counts"] == {"pass": 0, "fail": 1, "skip": len(rest), "warn": 0}


def test_the_verdict_ignores_only_skips_that_do_not_apply() -> None:
    ok = Check("a", True, "fine")
    unfinished = Check.skip("b", "the verifier's time limit of 20 s is used up")
    not_applicable = Check.skip("c", "no refresh tokens in this contract", incomplete=False)
    assert verdict([ok, ok, unfinished]) == {
        "passed": False,
        "score": round(2 / 3, 4),
        "counts": {"pass": 2, "fail": 0, "skip": 1, "warn": 0},
    }
    assert verdict([ok, not_applicable])["passed"] is True and verdict([ok, not_applicable])["score"] == 1.0
    assert verdict([not_applicable])["passed"] is False  # nothing passed: nothing proven
    assert Check("d", False, "x").incomplete is None and Check("e", True, "y", warnings=["w"]).outcome is Outcome.PASS


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_checks_left_when_the_time_limit_runs_out_are_skipped_and_the_run_cannot_pass() -> None:
    clock = FakeClock()
    session = _http.Session(VerifyOptions(url="http://127.0.0.1:8000", timeout=0.5), time_limit=0.4, clock=clock)

    def takes_150_ms() -> str:
        clock.now += 0.15
        return "done"

    checks = session.run(plan(*[(f"check {i}", "timeouts", takes_150_ms) for i in range(5)]))
    assert [c.outcome for c in checks] == [Outcome.PASS] * 3 + [Outcome.SKIP] * 2
    assert checks[-1].message == "the verifier's time limit of 0.4 s is used up" and checks[-1].incomplete
    assert verdict(checks)["passed"] is False


class CountingHandler(JsonHandler):
    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        body = self.read_body()
        self.send_json(500 if path.endswith("/third") else 200, {"path": path, "got": body.decode()})


def test_a_failed_multi_step_check_reproduces_every_request_in_order() -> None:
    with serve(CountingHandler) as server:
        session = _http.Session(VerifyOptions(url=server.url + "/api", timeout=0.5))

        def three_steps() -> str:
            session.request("POST", "/first", json_body={"n": 1})
            session.request("PUT", "/second", json_body={"n": "it's"})
            _http.expect_status(session.request("GET", "/third", query={"a": 1, "b": 2}), 200, "GET /third")
            return "unreachable"

        def one_step() -> str:
            session.request("GET", "/alone")
            raise _http.CheckFailed("fails on its own request")

        checks = session.run(plan(("three", "idempotency", three_steps), ("one", "http-methods", one_step)))
    three, one = checks
    assert three.reproduce.splitlines() == [
        f"curl -i -X POST {server.url}/api/first -H 'Content-Type: application/json' -d '{{\"n\": 1}}'",
        f"curl -i -X PUT {server.url}/api/second -H 'Content-Type: application/json' -d '{{\"n\": \"it'\"'\"'s\"}}'",
        f"curl -i '{server.url}/api/third?a=1&b=2'",
    ]
    assert one.reproduce == f"curl -i {server.url}/api/alone"  # each check starts its own story


def test_the_story_stops_at_the_request_a_failure_names() -> None:
    with serve(CountingHandler) as server:
        session = _http.Session(VerifyOptions(url=server.url, timeout=0.5))

        def names_the_first() -> str:
            first = session.request("GET", "/a")
            session.request("GET", "/b")
            raise _http.CheckFailed("the first answer was wrong", request=session.history[-2][0], response=first)

        (check,) = session.run(plan(("named", "http-methods", names_the_first)))
    assert check.reproduce == f"curl -i {server.url}/a"


def test_values_no_check_expected_are_failed_checks_not_internal_errors() -> None:
    """``"exp": Infinity`` or a 50,000-deep JWT payload decoded by a verifier's own code."""
    import datetime

    session = _http.Session(VerifyOptions(url="http://127.0.0.1:8000"))
    deep_payload = b"[" * 50_000 + b"]" * 50_000
    checks = session.run(
        plan(
            (
                "infinite exp",
                "jwt",
                lambda: str(datetime.datetime.fromtimestamp(json.loads('{"exp": Infinity}')["exp"])),
            ),
            ("deep payload", "jwt", lambda: str(json.loads(deep_payload))),
        )
    )
    assert [c.outcome for c in checks] == [Outcome.FAIL, Outcome.FAIL]
    assert checks[0].message.startswith("the answer has an unexpected shape (OverflowError: ")
    assert checks[1].message == "the answer is nested too deep to read (over 64 levels)"


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("module", "status"),
    list(zip(MODULES, ["201 Created", "201 Created", "200 OK", "200 OK"])),
    ids=[m.__name__.rsplit(".", 1)[1] for m in MODULES],
)
def test_a_100000_deep_json_answer_is_a_failed_check_not_a_crash(module, status: str) -> None:
    with scripted_server(http_reply(DEEP, status)) as server:
        checks = verify(module, server.url, timeout=2)
    assert checks and failed(checks)
    assert any("nested more than 64 levels deep" in c.message for c in failed(checks)), [c.message for c in checks]


def test_json_depth_and_strings_are_scanned_without_recursion() -> None:
    assert _http.parse_json(b'{"a": "' + b"[" * 72 + b'"}') == {"a": "[" * 72}
    assert _http.parse_json(b"[" * 64 + b"]" * 64) is not None
    with pytest.raises(_http.JsonTooDeep):
        _http.parse_json(b"[" * 65 + b"]" * 65)
    with pytest.raises(_http.JsonTooDeep):
        _http.parse_json(b'{"a": "\\"", "b": ' + b"[" * 70 + b"]" * 70 + b"}")


HOSTILE = http_reply(
    b'{"error": "\x1b]52;c;cHduZWQ=\x07 \x1b[2J"}',
    "201 Created\x1b]0;pwned\x07",
    {"Location": "/x\x1b[31m", "Content-Type": "text/plain\x1b[2J", "X-Cache": "HIT\x1b[5m"},
)


@pytest.mark.parametrize("module", MODULES, **KIND)
def test_control_characters_from_the_server_never_reach_a_message(module) -> None:
    with scripted_server(HOSTILE) as server:
        checks = verify(module, server.url)
    texts = [json.dumps(c.to_dict(), ensure_ascii=False) for c in checks]
    assert failed(checks)
    for text in texts:
        assert not any(ch in text for ch in "\x1b\x07\x9b"), text
    assert any("\\x1b" in json.loads(t).get("actual", "") + json.loads(t)["message"] for t in texts)


def test_a_host_name_is_resolved_once_and_the_checked_address_is_used(monkeypatch) -> None:
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.test":
            return real(host, *args, **kwargs)
        address = "127.0.0.1" if not answers else "192.0.2.1"  # the second answer points elsewhere
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with serve(CountingHandler) as server:
        port = server.server_address[1]
        session = _http.Session(VerifyOptions(url=f"http://rebind.test:{port}", timeout=0.5))
        for _ in range(3):
            assert session.request("GET", "/x").json()["path"] == "/x"
        seen_host = session.history[-1][0].url
    assert answers == ["127.0.0.1"] and seen_host == f"http://rebind.test:{port}/x"

    with serve(CountingHandler) as again:
        raw = session.connect_socket(f"http://rebind.test:{again.server_address[1]}/raw", 1)
        with raw:
            raw.sendall(b"GET /raw HTTP/1.1\r\nHost: rebind.test\r\nConnection: close\r\n\r\n")
            assert raw.recv(12) == b"HTTP/1.0 200"  # a raw socket goes to the checked address too
    assert answers == ["127.0.0.1"]


def test_a_status_has_one_phrase_whatever_reason_the_server_sent() -> None:
    for reason in ("METHOD NOT ALLOWED", "Nope", ""):
        assert _http.Response(405, reason, [], b"").summary() == "405 Method Not Allowed; no Content-Type; empty body"
    assert _http.Response(413, "Request Entity Too Large", [], b"").summary().startswith("413 Content Too Large;")


def test_a_request_sent_on_a_raw_socket_joins_the_story() -> None:
    session = _http.Session(VerifyOptions(url="http://127.0.0.1:8000"))
    first = _http.Request("GET", "http://127.0.0.1:8000/a")
    raw = _http.Request("GET", "http://127.0.0.1:8000/b", {"If-None-Match": '"x"'})

    def two_requests() -> str:
        session.record(first)
        session.record(first, _http.Response(200, "OK", [], b"{}"))
        session.record(raw)
        session.record(raw, _http.Response(304, "Not Modified", [], b"stray"))
        raise _http.CheckFailed("a 304 has no body")

    (check,) = session.run(plan(("raw", "http-caching", two_requests)))
    assert check.reproduce.splitlines() == [first.curl(), raw.curl()]
    assert check.actual == "304 Not Modified; no Content-Type; body: stray"


def test_a_url_handed_out_by_the_server_must_stay_on_this_machine() -> None:
    session = _http.Session(VerifyOptions(url="http://127.0.0.1:8000"))
    with pytest.raises(_http.HttpProblem, match=r"refusing to request http://192.0.2.1/todos/1: 192.0.2.1 is not this"):
        session.request("GET", "http://192.0.2.1/todos/1")


def test_the_cache_verifiers_raw_read_goes_to_the_checked_address(monkeypatch) -> None:
    """http-cache reads 304/204 answers on a raw socket: that socket must not look the name up again."""
    from backend_mentor.checkpoints import http_cache

    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.test":
            return real(host, *args, **kwargs)
        address = "127.0.0.1" if not answers else "192.0.2.1"
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with serve(CountingHandler) as server:
        port = server.server_address[1]
        session = _http.Session(VerifyOptions(url=f"http://rebind.test:{port}", timeout=0.5))
        session.request("GET", "/first")
        response, _tail = http_cache.raw_request(session, "GET", "/raw")
    assert response.status == 200
    assert answers == ["127.0.0.1"]
    assert [r.url for r in session.trail][-1].endswith("/raw")
