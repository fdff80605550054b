"""The http-auth verifier (checkpoint implement-auth), judged against a real FastAPI + PyJWT solution.

``tests/solutions/auth_fastapi.py`` passes every check; each of its defect flags is a mistake
learners really make, and must fail exactly the check that is about it.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from http_helpers import serve_asgi
from solutions.auth_fastapi import DEFECTS as SOLUTION_DEFECTS
from solutions.auth_fastapi import create_app

from backend_mentor.checkpoints import http_auth
from backend_mentor.checkpoints.base import Check, VerifyOptions

TIMEOUT = 5.0  # generous: a loaded machine must not turn a slow answer into a verdict
NEVER_SENT = "neither the password nor its hash appears in a response"
CLAIMS = "a JWT carries sub and exp claims"


def verify(url: str, **options: object) -> list[Check]:
    return http_auth.verify(VerifyOptions(url=url, timeout=options.pop("timeout", TIMEOUT), **options))


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


@dataclass
class Run:
    url: str
    checks: list[Check]
    seconds: float


DEFECTS = [
    (
        "register-200",
        "POST /auth/register creates a user: 201 Created",
        "POST /auth/register answered 200 OK, expected 201 Created",
    ),
    (
        "duplicate-201",
        "registering a taken username is 409 Conflict or 400 Bad Request",
        "POST /auth/register with a taken username answered 201 Created, expected 409 Conflict or 400 Bad Request",
    ),
    (
        "login-201",
        "POST /auth/login answers 200 OK with an access_token",
        "POST /auth/login answered 201 Created, expected 200 OK",
    ),
    (
        "user-enumeration",
        "a wrong password and an unknown user get the same 401 Unauthorized",
        "the 401 Unauthorized bodies differ, so they tell an attacker which usernames exist",
    ),
    ("me-no-username", "GET /me with the token answers the user", "GET /me answered username null"),
    (
        "no-token-403",
        "GET /me without a token is 401 Unauthorized",
        "GET /me with no Authorization header answered 403 Forbidden, expected 401 Unauthorized",
    ),
    (
        "malformed-500",
        "GET /me with a malformed token is 401 Unauthorized",
        "GET /me with 'Authorization: Bearer not-a-token' answered 500 Internal Server Error, expected 401 Unauthorized",
    ),
    (
        "no-signature-check",
        "a token with a changed payload is 401 Unauthorized",
        "GET /me with another user's sub under the original signature answered 200 OK, expected 401 Unauthorized",
    ),
    (
        "accepts-alg-none",
        "an alg: none token is 401 Unauthorized",
        'GET /me with a token signed with {"alg": "none"} answered 200 OK, expected 401 Unauthorized',
    ),
    (
        "alg-none-lowercase-only",
        "an alg: none token is 401 Unauthorized",
        'GET /me with a token signed with {"alg": "None"} answered 200 OK, expected 401 Unauthorized',
    ),
    (
        "tutorial-secret",
        "the JWT secret is not a well-known one",
        "the JWT is signed with the well-known secret '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7': "
        "anyone can forge tokens",
    ),
    (
        "no-expiry-check",
        "an expired token is 401 Unauthorized",
        r"GET /me with a token from ttl_seconds=1, \d\.\d s after login answered 200 OK, expected 401 Unauthorized",
    ),
    (
        "admin-for-all",
        "GET /admin is 403 Forbidden for a normal user",
        "GET /admin with a normal user's token answered 200 OK, expected 403 Forbidden",
    ),
    (
        "exp-in-milliseconds",
        "an expired token is 401 Unauthorized",
        "login with ttl_seconds=1 gave a token that expires in more than 30 years "
        r"\(exp looks like milliseconds; a JWT's exp is in seconds since 1970\)",
    ),
    ("no-exp-claim", CLAIMS, "the JWT payload has no exp"),
    ("echo-password", NEVER_SENT, "the answer to POST /auth/register contains the password"),
    (
        "me-returns-hashed-password",
        NEVER_SENT,
        r"the answer to GET /me contains the field 'hashed_password' \(a password or its hash\)",
    ),
    (
        "register-returns-hash-value",
        NEVER_SENT,
        r"the answer to POST /auth/register contains a password hash \(pbkdf2_sha256\$…\)",
    ),
    (
        "token-carries-hash",
        NEVER_SENT,
        "the answer to POST /auth/login carries a token whose payload contains the field 'hashed_password' "
        r"\(a password or its hash\)",
    ),
]
ODD_TOKENS = [
    ("exp-infinity", "exp is Infinity, not a finite number of seconds"),
    ("deep-payload", "the JWT payload is nested too deeply to read"),
    ("payload-not-json", "the JWT payload is not JSON"),
]
VARIANTS = {
    "jwt": ((), "jwt"),
    "opaque": ((), "opaque"),
    "timestamped": ((), "jwt"),
    "slow-login": ((), "jwt"),
    "timestamped-enumeration": (("user-enumeration",), "jwt"),
    **{defect: ((defect,), "jwt") for defect, _, _ in DEFECTS},
    **{style: ((), style) for style, _ in ODD_TOKENS},
}


def run_against(variant: str) -> Run:
    defects, style = VARIANTS[variant]
    # a 50,000-deep payload makes a 130 KB Authorization header: let uvicorn read it
    app = create_app(
        set(defects),
        style,
        timestamped_errors=variant.startswith("timestamped"),
        login_delay=0.4 if variant == "slow-login" else 0.0,
    )
    with serve_asgi(app, h11_max_incomplete_event_size=1_000_000) as url:
        started = time.monotonic()
        checks = verify(url)
        return Run(url, checks, time.monotonic() - started)


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    """Every variant verified at once: each run waits about a second for a token to expire."""
    with ThreadPoolExecutor(max_workers=len(VARIANTS)) as pool:
        return dict(zip(VARIANTS, pool.map(run_against, VARIANTS)))


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["jwt", "opaque", "timestamped", "slow-login"])
def test_the_fastapi_solution_passes_every_check(runs: dict[str, Run], mode: str) -> None:
    checks = runs[mode].checks
    assert failed(checks) == []
    assert len(checks) == 14
    claims = next(c for c in checks if c.name == CLAIMS)
    assert claims.message == (
        "opaque token: no claims to read" if mode == "opaque" else "sub and exp present (alg HS256)"
    )
    assert re.fullmatch(r"in none of \d\d responses", checks[-1].message), checks[-1].message


@pytest.mark.slow
@pytest.mark.parametrize(("defect", "check", "message"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_each_defect_fails_exactly_its_check(runs: dict[str, Run], defect: str, check: str, message: str) -> None:
    (failure,) = failed(runs[defect].checks)
    assert failure.name == check
    assert re.fullmatch(message, failure.message), failure.message
    assert failure.reproduce and "curl -i " in failure.reproduce


def test_every_check_and_every_solution_defect_is_covered() -> None:
    assert sorted({c for _, c, _ in DEFECTS}) == sorted(spec.name for spec in http_auth.CHECKS)
    assert {d for d, _, _ in DEFECTS} == set(SOLUTION_DEFECTS)


@pytest.mark.slow
@pytest.mark.parametrize(("style", "message"), ODD_TOKENS, ids=[s for s, _ in ODD_TOKENS])
def test_an_odd_jwt_fails_the_claims_check_with_a_message(runs: dict[str, Run], style: str, message: str) -> None:
    (failure,) = failed(runs[style].checks)
    assert (failure.name, failure.message) == (CLAIMS, message)
    assert failure.reproduce and "/auth/login" in failure.reproduce


@pytest.mark.slow
def test_fields_that_change_on_every_answer_do_not_count_as_a_difference(runs: dict[str, Run]) -> None:
    same = next(c for c in runs["timestamped"].checks if c.name.startswith("a wrong password and an unknown user"))
    assert same.passed and same.message == (
        "the same 401 Unauthorized body apart from /requestId, /timestamp, which change every time"
    )
    (failure,) = failed(runs["timestamped-enumeration"].checks)
    assert failure.message == "the 401 Unauthorized bodies differ, so they tell an attacker which usernames exist"


@pytest.mark.slow
def test_different_401_bodies_are_shown_side_by_side(runs: dict[str, Run]) -> None:
    (failure,) = failed(runs["user-enumeration"].checks)
    assert failure.expected == 'the same body for both; wrong password: {"detail":"invalid username or password"}'
    assert failure.actual == 'unknown user: {"detail":"no such user"}'
    assert failure.hint_topic == "authentication-basics"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["jwt", "opaque", "slow-login"])
def test_the_expired_token_check_waits_until_the_token_has_expired(runs: dict[str, Run], mode: str) -> None:
    """Counted from when the login was sent, so a slow answer (or a loaded machine) cannot make a
    1-second token look younger than it is: "slow-login" answers 0.4 s after issuing its token."""
    message = next(c for c in runs[mode].checks if c.name == "an expired token is 401 Unauthorized").message
    assert re.fullmatch(r"401 Unauthorized, \d+\.\d s after login", message), message
    assert float(message.split(", ")[1].split()[0]) >= 1.0  # the token had really expired


@pytest.mark.slow
def test_a_leaked_hash_is_reported_with_the_request_that_leaked_it(runs: dict[str, Run]) -> None:
    (failure,) = failed(runs["me-returns-hashed-password"].checks)
    assert f"curl -i {runs['me-returns-hashed-password'].url}/me -H 'Authorization: Bearer " in failure.reproduce
    assert '"hashed_password":"pbkdf2_sha256$2000$' in failure.actual


@pytest.mark.slow
def test_missing_claims_point_at_the_login_that_issued_the_token(runs: dict[str, Run]) -> None:
    (failure,) = failed(runs["no-exp-claim"].checks)
    assert f"curl -i -X POST {runs['no-exp-claim'].url}/auth/login" in failure.reproduce
    assert re.fullmatch(r'payload: \{"sub": "bm_\w+", "role": "user", "iat": \d+, "expires": [\d.]+\}', failure.actual)


@pytest.mark.parametrize(
    "text",
    [
        '{"user": {"password_hash": "x"}}',
        '{"passwordHash": "abc"}',
        '{"Password": "hunter2"}',
        '{"password_digest": "abc"}',
        '["$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"]',
        '"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"',
        '"$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA"',
        '"scrypt:32768:8:1$salt$deadbeef"',
        '"pbkdf2:sha256:600000$salt$deadbeef"',
        '"bcrypt_sha256$$2b$12$abc"',
        '"$6$rounds=5000$saltsalt$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"',
        '"$y$j9T$salt$hash"',
    ],
)
def test_every_stored_hash_shape_and_hash_field_counts_as_the_password(text: str) -> None:
    assert http_auth.leak_in(text.encode(), [], ["other-password"])


@pytest.mark.parametrize(
    "text",
    [
        '{"username": "ada", "role": "user", "password_changed": null}',
        '{"password": "", "passwordHash": null}',
        '{"password": "********"}',
        '{"price": "$25", "note": "costs $2 a month"}',
        '{"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.sig", "token_type": "Bearer"}',
        '{"username": "ada", "password": true, "has_password": true}',
    ],
)
def test_harmless_answers_are_not_leaks(text: str) -> None:
    assert http_auth.leak_in(text.encode(), [], ["correct horse"]) is None


def test_a_password_in_a_header_or_a_cookie_token_is_found() -> None:
    token = http_auth.encode_jwt({"alg": "HS256"}, {"sub": "ada", "password_hash": "$2b$12$abcdefghij"}, "sig")
    assert http_auth.leak_in(b"", [("X-Debug", "pw=correct horse")], ["correct horse"]) == (
        "has the password in its X-Debug header"
    )
    assert http_auth.leak_in(b"", [("Set-Cookie", f"session={token}; HttpOnly")], ["x"]) == (
        "carries a token whose payload contains the field 'password_hash' (a password or its hash)"
    )


def test_jwt_helpers_decode_without_the_key_and_never_raise() -> None:
    token = http_auth.encode_jwt({"alg": "HS256"}, {"sub": "ada", "exp": 5}, "sig")
    assert http_auth.jwt_parts(token) == ({"alg": "HS256"}, {"sub": "ada", "exp": 5}, "sig")
    assert http_auth.jwt_parts("not-a-token") is None
    assert http_auth.jwt_parts("a.b.c") is None
    header = http_auth.b64url_encode(b'{"alg": "HS256"}')
    deep = http_auth.read_jwt(f"{header}.{http_auth.b64url_encode(b'[' * 50_000 + b']' * 50_000)}.sig")
    assert (deep.payload, deep.problem) == (None, "is nested too deeply to read")
    assert http_auth.read_jwt(f"{header}.{http_auth.b64url_encode(b'[1, 2]')}.sig").problem == (
        "is JSON list, not an object of claims"
    )
    assert http_auth.read_jwt(f"{header}.%%%.sig").problem in ("is not base64url", "is not JSON")


def test_a_100000_deep_answer_is_a_failed_check_not_a_crash() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000

    async def app(scope, receive, send) -> None:  # plain ASGI: every path answers the deep document
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass  # read what was sent: a server closing on an unread body races the client (a reset)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": deep})

    with serve_asgi(app) as url:
        checks = verify(url)
    login = next(c for c in checks if c.name == "POST /auth/login answers 200 OK with an access_token")
    assert login.message == (
        "the body of POST /auth/login is JSON nested more than 64 levels deep; the verifier does not read it"
    )
    assert not login.passed


def test_starter_file_is_the_contract_and_says_the_hash_is_the_password() -> None:
    contract = http_auth.starter_files({"ttl_seconds": 2})["CONTRACT.md"]
    assert "POST /auth/register" in contract and "`ttl_seconds: 2`" in contract and "alg" in contract
    assert "the stored hash counts as the password" in contract
    assert "$ttl" not in contract and "`$2b$12$…` (bcrypt), `$argon2id$…`" in contract


BARE_STATUS = re.compile(r"(?<![\w.$-])([1-5]\d\d)(?![\w.$-])")


def bare_status_codes(text: str) -> list[str]:
    """Status codes in ``text`` not followed by their one phrase ("404" alone, "404 not found")."""
    from backend_mentor.checkpoints._http import status_text

    return [m.group(0) for m in BARE_STATUS.finditer(text) if not text[m.start() :].startswith(status_text(int(m[1])))]


@pytest.mark.slow
def test_every_status_code_is_written_with_its_one_phrase(runs: dict[str, Run]) -> None:
    for run in runs.values():
        for check in run.checks:
            assert bare_status_codes(check.name) == [], check.name
            assert bare_status_codes(check.message) == [], check.message
    assert bare_status_codes("answered 404, expected 200 OK") == ["404"]
