"""Verifier for ``http-auth`` (checkpoint implement-auth): register, log in, and attack the tokens.

The contract is ``CONTRACT`` below. The verifier registers users with random names and
passwords, then tries what an attacker would: no token, garbage, a JWT whose payload was changed
under the original signature, an ``alg: none`` token, an expired token (``ttl_seconds: 1`` at
login), a normal user on an admin route. Tokens may be JWTs or opaque strings; a JWT is decoded
without the secret (base64url) to look at its claims. Nothing here can delete users, so the
learner's server keeps the test users (their names start with ``bm_``).
"""

from __future__ import annotations

import json
import secrets
import time
from string import Template
from typing import Any

from ._http import (
    CheckFailed,
    Plan,
    Request,
    Session,
    b64url_decode,
    b64url_encode,
    excerpt,
    expect_json,
    expect_status,
    seconds,
)
from .base import Check, VerifyOptions

DEFAULT_TTL = 1
MAX_TTL_SLACK = 60  # a "1-second" token that lives longer than this was not given the ttl at all

CONTRACT = """\
# Contract: register, log in, protected routes

Add these endpoints to your API (any language, any framework), run it, then check it:

    backend-mentor checkpoint verify implement-auth --url http://127.0.0.1:8000

All bodies are JSON. Paths are relative to `--url`.

| request | success | failure |
|---|---|---|
| `POST /auth/register` `{"username": "ada", "password": "correct horse"}` | `201 Created`, e.g. `{"username": "ada", "role": "user"}` | `409 Conflict` (or `400`) when the username is taken |
| `POST /auth/login` `{"username": "ada", "password": "correct horse"}` | `200 OK` `{"access_token": "…", "token_type": "Bearer"}` | `401` for a wrong password **and** for an unknown user, with the *same* body |
| `GET /me` with `Authorization: Bearer <access_token>` | `200 OK` `{"username": "ada", "role": "user"}` | `401` without a valid token |
| `GET /admin` with a token | `200 OK` for a user whose role is `admin` | `403 Forbidden` for any other valid user, `401` without a valid token |

New users get the role `user`; how an admin comes to exist is up to you (a seeded account, a
command). Store passwords with a slow, salted hash (bcrypt, scrypt, Argon2), and never send a
password back in any response.

## Token lifetime: `ttl_seconds`

`POST /auth/login` accepts an optional `"ttl_seconds": 1` (a positive whole number): the token it
issues stops working after that many seconds. Without it, pick your own lifetime (e.g. 1 hour).
The verifier logs in with `ttl_seconds: $ttl`, waits until just after that and expects `401`, so
allow no clock-skew leeway beyond a second (some frameworks allow minutes by default).

## If your tokens are JWTs

A JWT must be signed (HS256 with a secret from the environment, or RS256/EdDSA), carry the user
in `sub` and the expiry in `exp`, and the server must check the signature, the algorithm it
expects and `exp` on every request. The verifier decodes the token without the secret (anyone
can: the payload is only base64url) and sends:

- the token with a changed payload under the original signature (another user's `sub`) → `401`
- a token with the header `{"alg": "none"}` and no signature → `401`
- an expired token → `401`
- `Authorization: Bearer not-a-token` and other garbage → `401` (never `500`)

Opaque tokens (random strings your server looks up) work too; then there are no claims to check.

```
curl -i -X POST http://127.0.0.1:8000/auth/register -H 'Content-Type: application/json' \\
     -d '{"username": "ada", "password": "correct horse"}'
curl -i -X POST http://127.0.0.1:8000/auth/login -H 'Content-Type: application/json' \\
     -d '{"username": "ada", "password": "correct horse", "ttl_seconds": 1}'
curl -i http://127.0.0.1:8000/me -H 'Authorization: Bearer eyJhbGciOi…'
```

The test users the verifier registers are named `bm_…`; it cannot delete them, so use a
development database.
"""


def verify(options: VerifyOptions) -> list[Check]:
    session = Session(options)
    suite = AuthSuite(session, int(options.params.get("ttl_seconds", DEFAULT_TTL)))
    return session.run(suite.plan())


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {"CONTRACT.md": Template(CONTRACT).safe_substitute(ttl=int(params.get("ttl_seconds", DEFAULT_TTL)))}


def new_user() -> dict[str, str]:
    return {"username": f"bm_{secrets.token_hex(5)}", "password": f"Pw-{secrets.token_urlsafe(12)}"}


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """Header, payload and signature of a JWT, decoded without the key; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header, payload = (json.loads(b64url_decode(part)) for part in parts[:2])
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict) or "alg" not in header:
        return None
    return header, payload, parts[2]


def encode_jwt(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    encoded = (b64url_encode(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload))
    return ".".join([*encoded, signature])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class AuthSuite:
    """The auth contract, one method per check; ``user`` is registered by the first check."""

    def __init__(self, session: Session, ttl: int) -> None:
        self.session = session
        self.ttl = ttl
        self.user = new_user()
        self.other: dict[str, str] | None = None
        self.tokens: dict[str, str] = {}
        self.token_login: Request | None = None  # the login that issued the main token, to reproduce

    def plan(self) -> Plan:
        return [
            ("POST /auth/register creates a user: 201", "authentication-basics", self.register),
            ("registering a taken username is 409 or 400", "authentication-basics", self.register_twice),
            ("POST /auth/login answers 200 with an access_token", "authentication-basics", self.login_answers_token),
            ("a wrong password and an unknown user get the same 401", "authentication-basics", self.same_401),
            ("GET /me with the token answers the user", "authentication-basics", self.me),
            ("GET /me without a token is 401", "authentication-basics", self.no_token),
            ("GET /me with a malformed token is 401", "authentication-basics", self.malformed_token),
            ("a token with a changed payload is 401", "jwt", self.tampered_token),
            ("an alg: none token is 401", "jwt", self.alg_none),
            ("an expired token is 401", "jwt", self.expired_token),
            ("GET /admin is 403 for a normal user", "rbac-abac", self.admin_forbidden),
            ("a JWT carries sub and exp claims", "jwt", self.claims),
            ("the password never appears in a response", "password-hashing", self.password_never_sent),
        ]

    # --- helpers ---

    def post_register(self, user: dict[str, str]) -> Any:
        return self.session.request("POST", "/auth/register", json_body=user)

    def login(self, user: dict[str, str], **extra: Any) -> str:
        """A token for ``user``: any 2xx with an access_token will do (the login check is strict)."""
        response = self.session.request("POST", "/auth/login", json_body={**user, **extra})
        if not 200 <= response.status < 300:
            raise CheckFailed(
                f"could not log in to get a token: POST /auth/login answered {response.status} {response.reason}"
            )
        doc = expect_json(response, "POST /auth/login", dict)
        token = doc.get("access_token")
        if not isinstance(token, str) or not token:
            raise CheckFailed(
                "could not log in to get a token: no 'access_token' in the answer", expected='{"access_token": "…"}'
            )
        return token

    def token(self) -> str:
        if "main" not in self.tokens:
            self.tokens["main"] = self.login(self.user)
            self.token_login = self.session.last[0]
        return self.tokens["main"]

    def other_user(self) -> dict[str, str]:
        if self.other is None:
            self.other = new_user()
            self.post_register(self.other)
        return self.other

    def expect_401(self, token_or_headers: str | dict[str, str], what: str, path: str = "/me") -> None:
        headers = bearer(token_or_headers) if isinstance(token_or_headers, str) else token_or_headers
        response = self.session.request("GET", path, headers=headers)
        expect_status(response, 401, f"GET {path} with {what}")

    # --- checks ---

    def register(self) -> str:
        response = self.post_register(self.user)
        expect_status(response, 201, "POST /auth/register")
        return f"201 for {self.user['username']}"

    def register_twice(self) -> str:
        response = self.post_register(self.user)
        expect_status(response, (409, 400), "POST /auth/register with a taken username")
        return f"{response.status}"

    def login_answers_token(self) -> str:
        response = self.session.request("POST", "/auth/login", json_body=self.user)
        expect_status(response, 200, "POST /auth/login")
        token = expect_json(response, "POST /auth/login", dict).get("access_token")
        if not isinstance(token, str) or not token:
            raise CheckFailed("the login answer has no 'access_token' string", expected='{"access_token": "…"}')
        self.tokens["main"], self.token_login = token, self.session.last[0]
        return "JWT" if jwt_parts(token) else "opaque token"

    def same_401(self) -> str:
        wrong_password = {"username": self.user["username"], "password": self.user["password"] + "x"}
        unknown_user = {"username": new_user()["username"], "password": self.user["password"] + "x"}
        answers = []
        for label, body in (("a wrong password", wrong_password), ("an unknown user", unknown_user)):
            response = self.session.request("POST", "/auth/login", json_body=body)
            expect_status(response, 401, f"POST /auth/login with {label}")
            answers.append(response)
        if answers[0].body != answers[1].body:
            raise CheckFailed(
                "the 401 bodies differ, so they tell an attacker which usernames exist",
                expected=f"the same body for both; wrong password: {excerpt(answers[0].body, 90)}",
                actual=f"unknown user: {excerpt(answers[1].body, 90)}",
            )
        return "identical 401 bodies"

    def me(self) -> str:
        response = self.session.request("GET", "/me", headers=bearer(self.token()))
        expect_status(response, 200, "GET /me with a valid token")
        doc = expect_json(response, "GET /me", dict)
        if doc.get("username") != self.user["username"]:
            raise CheckFailed(
                f"GET /me answered username {doc.get('username')!r}", expected=f'"username": "{self.user["username"]}"'
            )
        return f"username {self.user['username']}"

    def no_token(self) -> str:
        self.expect_401({}, "no Authorization header")
        return "401"

    def malformed_token(self) -> str:
        for value in ("Bearer not-a-token", "Bearer x.y.z", "Bearer", "Basic Zm9vOmJhcg=="):
            self.expect_401({"Authorization": value}, f"'Authorization: {value}'")
        return "401 for 4 malformed headers"

    def tampered_token(self) -> str:
        token = self.token()
        parts = jwt_parts(token)
        if parts is None:
            index = len(token) // 2
            forged = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
            self.expect_401(forged, "an opaque token with one character changed")
            return "401 for an altered opaque token"
        header, payload, signature = parts
        other = jwt_parts(self.login(self.other_user()))
        changed = {**payload, "sub": other[1].get("sub") if other else f"{payload.get('sub')}x"}
        if "username" in payload:
            changed["username"] = self.other_user()["username"]
        self.expect_401(encode_jwt(header, changed, signature), "another user's sub under the original signature")
        return "401 for a forged sub"

    def alg_none(self) -> str:
        parts = jwt_parts(self.token())
        now = int(time.time())
        payload = (
            parts[1]
            if parts
            else {"sub": self.user["username"], "username": self.user["username"], "iat": now, "exp": now + 3600}
        )
        forged = encode_jwt({"alg": "none", "typ": "JWT"}, payload, "")
        self.expect_401(forged, 'a token signed with {"alg": "none"}')
        return "401"

    def expired_token(self) -> str:
        token = self.login(self.user, ttl_seconds=self.ttl)
        issued = time.time()
        parts = jwt_parts(token)
        expires = parts[1].get("exp") if parts else None
        if isinstance(expires, (int, float)) and expires - issued > MAX_TTL_SLACK:
            raise CheckFailed(
                f"login with ttl_seconds={self.ttl} gave a token that expires in {int(expires - issued)} s",
                expected=f"exp about {self.ttl} s after login",
            )
        # At exp + 0.05 s every common library says "expired"; a server that compares whole
        # seconds (int(now) > exp) only does a second later, so try once more then.
        wakes = [expires + 0.05, expires + 1.05] if isinstance(expires, (int, float)) else [issued + self.ttl + 0.1]
        for wake in wakes:
            pause = wake - time.time()
            if pause > self.session.seconds_left():
                raise CheckFailed(f"no time left to wait {seconds(pause)} s for the token to expire")
            time.sleep(max(0.0, pause))
            response = self.session.request("GET", "/me", headers=bearer(token))
            if response.status == 401:
                return f"401, {seconds(round(time.time() - issued, 1))} s after login"
        what = f"a token from ttl_seconds={self.ttl}, {seconds(round(time.time() - issued, 1))} s after login"
        expect_status(response, 401, f"GET /me with {what}")
        return "401"

    def admin_forbidden(self) -> str:
        response = self.session.request("GET", "/admin", headers=bearer(self.token()))
        expect_status(response, 403, "GET /admin with a normal user's token")
        return "403"

    def claims(self) -> str:
        parts = jwt_parts(self.token())
        if parts is None:
            return "opaque token: no claims to read"
        header, payload, _ = parts
        missing = [claim for claim in ("sub", "exp") if claim not in payload]
        if missing:
            raise CheckFailed(
                f"the JWT payload has no {' and no '.join(missing)}",
                expected='"sub" (the user) and "exp" (expiry, seconds since 1970)',
                actual=f"payload: {excerpt(json.dumps(payload))}",
                request=self.token_login,
            )
        if not isinstance(payload["exp"], (int, float)):
            raise CheckFailed(
                f"exp is {payload['exp']!r}, not a number of seconds",
                expected='"exp": 1767225600',
                request=self.token_login,
            )
        return f"sub and exp present (alg {header.get('alg')})"

    def password_never_sent(self) -> str:
        secrets_sent = [u["password"].encode() for u in (self.user, self.other) if u]
        for request, response in self.session.history:
            if any(secret in response.body for secret in secrets_sent):
                raise CheckFailed(
                    f"the answer to {request.label} contains the password",
                    expected="no password in any response",
                    request=request,
                    response=response,
                )
        return f"not in any of {len(self.session.history)} responses"
