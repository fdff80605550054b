"""The http-auth verifier (checkpoint implement-auth)."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from http_servers import AuthHandler, raw_server, serve

from backend_mentor.checkpoints import http_auth
from backend_mentor.checkpoints.base import Check, VerifyOptions

TIMEOUT = 0.5


def verify(url: str, **options: object) -> list[Check]:
    return http_auth.verify(VerifyOptions(url=url, timeout=TIMEOUT, **options))


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


@dataclass
class Run:
    url: str
    checks: list[Check]
    seconds: float


def run_against(defects: list[str]) -> Run:
    with serve(AuthHandler, defects) as server:
        started = time.monotonic()
        checks = verify(server.url)
        return Run(server.url, checks, time.monotonic() - started)


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    """Every server variant verified at once: each run waits about a second for a token to expire."""
    variants = {"jwt": [], "opaque": ["opaque-tokens"], **{defect: [defect] for defect, _, _ in DEFECTS}}
    with ThreadPoolExecutor(max_workers=len(variants)) as pool:
        results = dict(zip(variants, pool.map(run_against, variants.values())))
    return results


@pytest.mark.parametrize("mode", ["jwt", "opaque"])
def test_reference_server_passes_every_check(runs: dict[str, Run], mode: str) -> None:
    checks = runs[mode].checks
    assert failed(checks) == []
    assert len(checks) == 13
    claims = next(c for c in checks if c.name == "a JWT carries sub and exp claims")
    assert claims.message == ("sub and exp present (alg HS256)" if mode == "jwt" else "opaque token: no claims to read")


DEFECTS = [
    (
        "register-200",
        "POST /auth/register creates a user: 201",
        "POST /auth/register answered 200 OK, expected 201 Created",
    ),
    (
        "duplicate-201",
        "registering a taken username is 409 or 400",
        "POST /auth/register with a taken username answered 201 Created, expected 409 Conflict or 400 Bad Request",
    ),
    (
        "login-201",
        "POST /auth/login answers 200 with an access_token",
        "POST /auth/login answered 201 Created, expected 200 OK",
    ),
    (
        "user-enumeration",
        "a wrong password and an unknown user get the same 401",
        "the 401 bodies differ, so they tell an attacker which usernames exist",
    ),
    ("me-no-username", "GET /me with the token answers the user", "GET /me answered username None"),
    (
        "no-token-403",
        "GET /me without a token is 401",
        "GET /me with no Authorization header answered 403 Forbidden, expected 401 Unauthorized",
    ),
    (
        "malformed-500",
        "GET /me with a malformed token is 401",
        "GET /me with 'Authorization: Bearer not-a-token' answered 500 Internal Server Error, expected 401 Unauthorized",
    ),
    (
        "no-signature-check",
        "a token with a changed payload is 401",
        "GET /me with another user's sub under the original signature answered 200 OK, expected 401 Unauthorized",
    ),
    (
        "accepts-alg-none",
        "an alg: none token is 401",
        'GET /me with a token signed with {"alg": "none"} answered 200 OK, expected 401 Unauthorized',
    ),
    (
        "no-expiry-check",
        "an expired token is 401",
        r"GET /me with a token from ttl_seconds=1, \d\.\d s after login answered 200 OK, expected 401 Unauthorized",
    ),
    (
        "admin-for-all",
        "GET /admin is 403 for a normal user",
        "GET /admin with a normal user's token answered 200 OK, expected 403 Forbidden",
    ),
    ("no-exp-claim", "a JWT carries sub and exp claims", "the JWT payload has no exp"),
    (
        "echo-password",
        "the password never appears in a response",
        "the answer to POST /auth/register contains the password",
    ),
]


@pytest.mark.parametrize(("defect", "check", "message"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_each_defect_fails_exactly_its_check(runs: dict[str, Run], defect: str, check: str, message: str) -> None:
    (failure,) = failed(runs[defect].checks)
    assert failure.name == check
    assert re.fullmatch(message, failure.message), failure.message
    assert failure.reproduce and failure.reproduce.startswith("curl -i ")


def test_every_check_has_a_defect() -> None:
    assert sorted(c for _, c, _ in DEFECTS) == sorted(name for name, _, _ in http_auth.AuthSuite(None, 1).plan())


def test_different_401_bodies_are_shown_side_by_side(runs: dict[str, Run]) -> None:
    (failure,) = failed(runs["user-enumeration"].checks)
    assert failure.expected == 'the same body for both; wrong password: {"error": "invalid username or password"}'
    assert failure.actual == 'unknown user: {"error": "no such user"}'
    assert failure.hint_topic == "authentication-basics"


def test_the_expired_token_check_waits_only_until_exp(runs: dict[str, Run]) -> None:
    assert runs["jwt"].seconds < 1.8
    assert re.fullmatch(r"401, \d\.\d s after login", runs["jwt"].checks[9].message)


def test_a_leaked_password_is_reported_with_the_request_that_leaked_it(runs: dict[str, Run]) -> None:
    (failure,) = failed(runs["echo-password"].checks)
    url = runs["echo-password"].url
    assert failure.reproduce.startswith(f"curl -i -X POST {url}/auth/register -H 'Content-Type: application/json' -d")
    assert '"password": "Pw-' in failure.actual


def test_missing_claims_point_at_the_login_that_issued_the_token(runs: dict[str, Run]) -> None:
    (failure,) = failed(runs["no-exp-claim"].checks)
    assert failure.reproduce.startswith(f"curl -i -X POST {runs['no-exp-claim'].url}/auth/login")
    assert re.fullmatch(r'payload: \{"sub": "bm_\w+", "role": "user", "iat": \d+, "expires": \d+\}', failure.actual)


def test_jwt_helpers_decode_without_the_key() -> None:
    token = http_auth.encode_jwt({"alg": "HS256"}, {"sub": "ada", "exp": 5}, "sig")
    assert http_auth.jwt_parts(token) == ({"alg": "HS256"}, {"sub": "ada", "exp": 5}, "sig")
    assert http_auth.jwt_parts("not-a-token") is None
    assert http_auth.jwt_parts("a.b.c") is None


def test_a_hanging_server_fails_within_the_timeout() -> None:
    with raw_server(None) as server:
        started = time.monotonic()
        checks = verify(server.url)
    assert time.monotonic() - started < TIMEOUT + 0.4
    assert checks[0].message == "no response within 0.5 s to POST /auth/register"
    assert {c.message for c in checks[1:]} == {"skipped: server unreachable"}




def test_starter_file_is_the_contract() -> None:
    contract = http_auth.starter_files({})["CONTRACT.md"]
    assert "POST /auth/register" in contract and '"ttl_seconds": 1' in contract and "alg" in contract
