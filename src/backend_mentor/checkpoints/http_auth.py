"""Verifier for ``http-auth`` (checkpoint implement-auth): register, log in, and attack the tokens.

The contract is ``assets/http_auth/CONTRACT.md``. The verifier registers users with random names and
passwords, then tries what an attacker would: no token, garbage, a JWT whose payload was changed
under the original signature, an ``alg: none`` token, an expired token (``ttl_seconds: 1`` at
login), a normal user on an admin route. Tokens may be JWTs or opaque strings; a JWT is decoded
without the secret (base64url) to look at its claims. Nothing here can delete users, so the
learner's server keeps the test users (their names start with ``bm_``).

Tokens are untrusted input: a JWT whose payload is not JSON, is nested 50,000 levels deep or
has ``"exp": Infinity`` fails the claims check with a message; nothing in it can crash the run.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from string import Template
from typing import Any

from ._http import (
    CheckFailed,
    Request,
    Session,
    b64url_decode,
    b64url_encode,
    excerpt,
    expect_json,
    expect_status,
    seconds,
    status_text,
)
from ._untrusted import contract, finite_number, guarded, json_value, walk
from .base import Check, CheckSpec, VerifyOptions

DEFAULT_TTL = 1
MAX_TTL_SLACK = 60  # a "1-second" token that lives longer than this was not given the ttl at all

PASSWORD_FIELDS = {  # field names, lower-cased without "_" and "-", whose value is the password or its hash
    "password",
    "passwd",
    "pwd",
    "passwordhash",
    "hashedpassword",
    "passwordhashed",
    "pwdhash",
    "pwhash",
    "passhash",
    "passworddigest",
    "encryptedpassword",
    "cryptedpassword",
    "passwordencrypted",
}
HASH_SHAPES = re.compile(
    r"\$2[abxy]?\$\d{1,2}\$[./A-Za-z0-9]{20,}"  # bcrypt
    r"|\$argon2(?:id|i|d)\$"  # Argon2 (PHC string)
    r"|\$(?:scrypt|pbkdf2(?:-sha\d+)?|bcrypt-sha256)\$"  # passlib's PHC-style strings
    r"|\$(?:[156]|y|7)\$(?:rounds=\d+\$)?[./A-Za-z0-9]{2,}\$"  # crypt(3): md5, sha256, sha512, yescrypt, scrypt
    r"|\b(?:pbkdf2_sha(?:1|256|512)|bcrypt_sha256|bcrypt|argon2|scrypt)\$"  # Django
    r"|\b(?:pbkdf2:sha(?:1|256|512)(?::\d+)?|scrypt:\d+:\d+:\d+)\$"  # Werkzeug
)
NONE_SPELLINGS = ("none", "None", "NONE", "nOnE")
HMAC_ALGORITHMS = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}
WELL_KNOWN_SECRETS = (  # tutorials' and frameworks' placeholders, jwt.io's default, and the usual guesses
    "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",  # FastAPI's security tutorial
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",  # jwt.io
    "secret",
    "Secret",
    "SECRET",
    "secret-key",
    "secret_key",
    "secretkey",
    "SECRET_KEY",
    "mysecret",
    "my-secret",
    "my_secret",
    "mysecretkey",
    "my-secret-key",
    "my_secret_key",
    "supersecret",
    "super-secret",
    "super_secret",
    "supersecretkey",
    "topsecret",
    "jwtsecret",
    "jwt-secret",
    "jwt_secret",
    "JWT_SECRET",
    "your-secret-key",
    "your_secret_key",
    "yoursecretkey",
    "your-secret",
    "change-me",
    "changeme",
    "change_me",
    "changethis",
    "password",
    "123456",
    "key",
    "test",
    "dev",
    "development",
    "s3cr3t",
    "",
)
EMBEDDED_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*")
MASK = re.compile(r"[*•]+")  # a masked value ("********") is not the password


def verify(options: VerifyOptions) -> list[Check]:
    session = Session(options)
    suite = AuthSuite(session, int(options.params.get("ttl_seconds", DEFAULT_TTL)))
    return session.run(CHECKS, suite)


def declared_checks(options: VerifyOptions) -> list[CheckSpec]:
    return list(CHECKS)


def starter_files(params: dict) -> dict[str, str | bytes]:
    ttl = int(params.get("ttl_seconds", DEFAULT_TTL))
    return {"CONTRACT.md": Template(contract("http_auth")).safe_substitute(ttl=ttl)}


def new_user() -> dict[str, str]:
    return {"username": f"bm_{secrets.token_hex(5)}", "password": f"Pw-{secrets.token_urlsafe(12)}"}


# --- tokens, read without the key -----------------------------------------------------------------


@dataclass
class Jwt:
    """A token shaped like a JWT: a JSON header with ``alg``; the payload may still be unreadable."""

    header: dict[str, Any]
    payload: dict[str, Any] | None  # None when the payload is not a JSON object (``problem`` says why)
    problem: str | None
    segments: list[str]


def decode_segment(segment: str) -> tuple[Any, str | None]:
    """The JSON value of one base64url segment, or (None, why not)."""
    try:
        raw = b64url_decode(segment)
    except ValueError:
        return None, "is not base64url"
    try:
        return json_value(raw), None
    except ValueError as exc:
        return None, "is nested too deeply to read" if "deeply" in str(exc) else "is not JSON"


def read_jwt(token: str) -> Jwt | None:
    """The token as a JWT (decoded without the key), or None when it is not shaped like one."""
    segments = token.split(".")
    if len(segments) != 3:
        return None
    header, _ = decode_segment(segments[0])
    if not isinstance(header, dict) or "alg" not in header:
        return None
    payload, problem = decode_segment(segments[1])
    if problem is None and not isinstance(payload, dict):
        payload, problem = None, f"is JSON {type(payload).__name__}, not an object of claims"
    return Jwt(header, payload, problem, segments)


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """Header, payload and signature of a JWT with readable claims; None for anything else."""
    jwt = read_jwt(token)
    if jwt is None or jwt.payload is None:
        return None
    return jwt.header, jwt.payload, jwt.segments[2]


def encode_jwt(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    encoded = (b64url_encode(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload))
    return ".".join([*encoded, signature])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def shown(value: Any) -> str:
    """A JSON value as the learner would write it (``Infinity``, ``"3600"``), at most 60 characters."""
    try:
        return excerpt(json.dumps(value), 60)
    except (ValueError, RecursionError):
        return excerpt(repr(value), 60)


def duration(value: float) -> str:
    return f"{int(value)} s" if abs(value) < 10**9 else "more than 30 years"


# --- what counts as sending the password back ----------------------------------------------------


def password_leak(text: str, passwords: list[str], parsed: Any = None) -> str | None:
    """What in ``text`` (and its parsed JSON, if any) is the password or its stored hash, or None."""
    if any(password in text for password in passwords):
        return "the password"
    if parsed is not None:
        for key, value in walk(parsed):
            if key is None or key.lower().replace("_", "").replace("-", "") not in PASSWORD_FIELDS:
                continue
            if isinstance(value, bool) or value in (None, "", [], {}):
                continue  # "password": true says one is set; it gives nothing away
            if not (isinstance(value, str) and MASK.fullmatch(value)):
                return f"the field '{excerpt(key, 40)}' (a password or its hash)"
    match = HASH_SHAPES.search(text)
    if match:
        return f"a password hash ({excerpt(match.group(0), 20)}…)"
    return None


def leak_in(body: bytes, headers: list[tuple[str, str]], passwords: list[str]) -> str | None:
    """Where a response gives the password away: its body, a header, or a JWT inside either."""
    text = body.decode("utf-8", "replace")
    try:
        parsed = json_value(text) if text.strip() else None
    except ValueError:
        parsed = None
    found = password_leak(text, passwords, parsed)
    if found:
        return f"contains {found}"
    for name, value in headers:
        found = password_leak(value, passwords)
        if found:
            return f"has {found} in its {excerpt(name, 40)} header"
    for where in (text, *(value for _, value in headers)):
        for match in EMBEDDED_JWT.finditer(where):
            payload, problem = decode_segment(match.group(1))
            if problem is None:
                found = password_leak(json.dumps(payload), passwords, payload)
                if found:
                    return f"carries a token whose payload contains {found}"
    return None


class AuthSuite:
    """The auth contract, one method per check; ``user`` is registered by the first check."""

    def __init__(self, session: Session, ttl: int) -> None:
        self.session = session
        self.ttl = ttl
        self.user = new_user()
        self.other: dict[str, str] | None = None
        self.tokens: dict[str, str] = {}
        self.token_login: Request | None = None  # the login that issued the main token, to reproduce

    # --- helpers ---

    def post_register(self, user: dict[str, str]) -> Any:
        return self.session.request("POST", "/auth/register", json_body=user)

    def login(self, user: dict[str, str], **extra: Any) -> str:
        """A token for ``user``: any 2xx with an access_token will do (the login check is strict)."""
        response = self.session.request("POST", "/auth/login", json_body={**user, **extra})
        if not 200 <= response.status < 300:
            raise CheckFailed(
                f"could not log in to get a token: POST /auth/login answered {status_text(response.status)}"
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
            self.token_login = self.session.last[0] if self.session.last else None
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
        return f"201 Created for {self.user['username']}"

    def register_twice(self) -> str:
        response = self.post_register(self.user)
        expect_status(response, (409, 400), "POST /auth/register with a taken username")
        return status_text(response.status)

    def login_answers_token(self) -> str:
        response = self.session.request("POST", "/auth/login", json_body=self.user)
        expect_status(response, 200, "POST /auth/login")
        token = expect_json(response, "POST /auth/login", dict).get("access_token")
        if not isinstance(token, str) or not token:
            raise CheckFailed("the login answer has no 'access_token' string", expected='{"access_token": "…"}')
        self.tokens["main"] = token
        self.token_login = self.session.last[0] if self.session.last else None
        return "JWT" if read_jwt(token) else "opaque token"

    def same_401(self) -> str:
        """A second wrong-password login shows which fields change on every answer anyway (a
        timestamp, a request id, as Spring's error body has); only the rest must be the same."""
        wrong_password = {"username": self.user["username"], "password": self.user["password"] + "x"}
        unknown_user = {"username": new_user()["username"], "password": self.user["password"] + "x"}
        answers = []
        for label, body in (
            ("a wrong password", wrong_password),
            ("an unknown user", unknown_user),
            ("a wrong password", wrong_password),
        ):
            response = self.session.request("POST", "/auth/login", json_body=body)
            expect_status(response, 401, f"POST /auth/login with {label}")
            answers.append(response)
        wrong, unknown, again = answers
        if wrong.body == unknown.body:
            return "identical 401 Unauthorized bodies"
        noise = changing_fields(wrong.body, again.body)
        rest = without(wrong.body, noise)
        if noise and rest is not None and rest == without(unknown.body, noise):
            return f"the same 401 Unauthorized body apart from {', '.join(sorted(noise)[:3])}, which change every time"
        raise CheckFailed(
            "the 401 Unauthorized bodies differ, so they tell an attacker which usernames exist",
            expected=f"the same body for both; wrong password: {excerpt(wrong.body, 90)}",
            actual=f"unknown user: {excerpt(unknown.body, 90)}",
        )

    def me(self) -> str:
        response = self.session.request("GET", "/me", headers=bearer(self.token()))
        expect_status(response, 200, "GET /me with a valid token")
        doc = expect_json(response, "GET /me", dict)
        if doc.get("username") != self.user["username"]:
            raise CheckFailed(
                f"GET /me answered username {shown(doc.get('username'))}",
                expected=f'"username": "{self.user["username"]}"',
            )
        return f"username {self.user['username']}"

    def no_token(self) -> str:
        self.expect_401({}, "no Authorization header")
        return "401 Unauthorized"

    def malformed_token(self) -> str:
        for value in ("Bearer not-a-token", "Bearer x.y.z", "Bearer", "Basic Zm9vOmJhcg=="):
            self.expect_401({"Authorization": value}, f"'Authorization: {value}'")
        return "401 Unauthorized for 4 malformed headers"

    def tampered_token(self) -> str:
        token = self.token()
        jwt = read_jwt(token)
        if jwt is None or jwt.payload is None:
            # an opaque token, or a JWT whose payload cannot be read: change one character of it
            if jwt:
                forged = ".".join([jwt.segments[0], one_changed(jwt.segments[1]), jwt.segments[2]])
                what = "a JWT with one character of its payload changed"
            else:
                forged, what = one_changed(token), "an opaque token with one character changed"
            self.expect_401(forged, what)
            return "401 Unauthorized for an altered token"
        other = jwt_parts(self.login(self.other_user()))
        changed = {**jwt.payload, "sub": other[1].get("sub") if other else f"{jwt.payload.get('sub')}x"}
        if "username" in jwt.payload:
            changed["username"] = self.other_user()["username"]
        forged = encode_jwt(jwt.header, changed, jwt.segments[2])
        self.expect_401(forged, "another user's sub under the original signature")
        return "401 Unauthorized for a forged sub"

    def alg_none(self) -> str:
        """Every spelling of "none": some libraries and hand-written checks compare case-sensitively."""
        jwt = read_jwt(self.token())
        if jwt:
            payload = jwt.segments[1]
        else:
            now = int(time.time())
            claims = {"sub": self.user["username"], "username": self.user["username"], "iat": now, "exp": now + 3600}
            payload = b64url_encode(json.dumps(claims).encode())
        for alg in NONE_SPELLINGS:
            header = b64url_encode(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
            self.expect_401(f"{header}.{payload}.", f'a token signed with {{"alg": "{alg}"}}')
        return f"401 Unauthorized for alg {', '.join(NONE_SPELLINGS)}"

    def known_secret(self) -> str:
        jwt = read_jwt(self.token())
        if jwt is None:
            return "opaque token: no signing secret to guess"
        digest = HMAC_ALGORITHMS.get(str(jwt.header.get("alg")))
        if digest is None:
            return f"alg {excerpt(str(jwt.header.get('alg')), 20)}: not an HMAC secret"
        signed = f"{jwt.segments[0]}.{jwt.segments[1]}".encode("ascii", "replace")
        for secret in WELL_KNOWN_SECRETS:
            if b64url_encode(hmac.new(secret.encode(), signed, digest).digest()) == jwt.segments[2]:
                raise CheckFailed(
                    f"the JWT is signed with the well-known secret {secret!r}: anyone can forge tokens",
                    expected="a long random secret read from the environment (e.g. openssl rand -hex 32)",
                    actual=f"HMAC-{digest.upper()} with {secret!r} reproduces the signature",
                    request=self.token_login,
                )
        return f"not one of {len(WELL_KNOWN_SECRETS)} well-known secrets"

    def expired_token(self) -> str:
        # Ages are counted from when the login was sent: the server's clock for exp started no
        # earlier, so a slow answer cannot make the token look younger than it is.
        sent = time.time()
        token = self.login(self.user, ttl_seconds=self.ttl)
        issued = time.time()
        jwt = read_jwt(token)
        expires = finite_number(jwt.payload.get("exp")) if jwt and jwt.payload else None  # claims check judges the rest
        if expires is not None and expires - issued > MAX_TTL_SLACK:
            milliseconds = abs(expires / 1000 - issued) < 10 * 365 * 86400  # Date.now() + ttl * 1000
            raise CheckFailed(
                f"login with ttl_seconds={self.ttl} gave a token that expires in {duration(expires - issued)}"
                + (" (exp looks like milliseconds; a JWT's exp is in seconds since 1970)" if milliseconds else ""),
                expected=f"exp about {self.ttl} s after login",
            )
        # At exp + 0.05 s every common library says "expired"; a server that compares whole
        # seconds (int(now) > exp) only does a second later, so try once more then.
        wakes = [expires + 0.05, expires + 1.05] if expires is not None else [issued + self.ttl + 0.1]
        for wake in wakes:
            pause = wake - time.time()
            if pause > self.session.seconds_left():
                raise CheckFailed(f"no time left to wait {seconds(pause)} s for the token to expire")
            time.sleep(max(0.0, pause))
            response = self.session.request("GET", "/me", headers=bearer(token))
            if response.status == 401:
                return f"401 Unauthorized, {seconds(round(time.time() - sent, 1))} s after login"
        what = f"a token from ttl_seconds={self.ttl}, {seconds(round(time.time() - sent, 1))} s after login"
        expect_status(response, 401, f"GET /me with {what}")
        return "401 Unauthorized"

    def admin_forbidden(self) -> str:
        response = self.session.request("GET", "/admin", headers=bearer(self.token()))
        expect_status(response, 403, "GET /admin with a normal user's token")
        return "403 Forbidden"

    def claims(self) -> str:
        jwt = read_jwt(self.token())
        if jwt is None:
            return "opaque token: no claims to read"
        if jwt.payload is None:
            raise CheckFailed(
                f"the JWT payload {jwt.problem}",
                expected='a JSON object of claims, e.g. {"sub": "ada", "exp": 1767225600}',
                actual=f"payload (base64url): {excerpt(jwt.segments[1], 80)}",
                request=self.token_login,
            )
        missing = [claim for claim in ("sub", "exp") if claim not in jwt.payload]
        if missing:
            raise CheckFailed(
                f"the JWT payload has no {' and no '.join(missing)}",
                expected='"sub" (the user) and "exp" (expiry, seconds since 1970)',
                actual=f"payload: {excerpt(shown_payload(jwt.payload))}",
                request=self.token_login,
            )
        if finite_number(jwt.payload["exp"]) is None:
            raise CheckFailed(
                f"exp is {shown(jwt.payload['exp'])}, not a finite number of seconds",
                expected='"exp": 1767225600',
                request=self.token_login,
            )
        return f"sub and exp present (alg {excerpt(str(jwt.header.get('alg')), 20)})"

    def password_never_sent(self) -> str:
        passwords = [u["password"] for u in (self.user, self.other) if u]
        for request, response in self.session.history:
            found = leak_in(response.body, response.headers, passwords)
            if found:
                raise CheckFailed(
                    f"the answer to {request.label} {found}",
                    expected="neither the password nor its hash in any response",
                    request=request,
                    response=response,
                )
        return f"in none of {len(self.session.history)} responses"


CHECKS = (
    CheckSpec("POST /auth/register creates a user: 201 Created", "authentication-basics", guarded(AuthSuite.register)),
    CheckSpec(
        "registering a taken username is 409 Conflict or 400 Bad Request",
        "authentication-basics",
        guarded(AuthSuite.register_twice),
    ),
    CheckSpec(
        "POST /auth/login answers 200 OK with an access_token",
        "authentication-basics",
        guarded(AuthSuite.login_answers_token),
    ),
    CheckSpec(
        "a wrong password and an unknown user get the same 401 Unauthorized",
        "authentication-basics",
        guarded(AuthSuite.same_401),
    ),
    CheckSpec("GET /me with the token answers the user", "authentication-basics", guarded(AuthSuite.me)),
    CheckSpec("GET /me without a token is 401 Unauthorized", "authentication-basics", guarded(AuthSuite.no_token)),
    CheckSpec(
        "GET /me with a malformed token is 401 Unauthorized",
        "authentication-basics",
        guarded(AuthSuite.malformed_token),
    ),
    CheckSpec("a token with a changed payload is 401 Unauthorized", "jwt", guarded(AuthSuite.tampered_token)),
    CheckSpec("an alg: none token is 401 Unauthorized", "jwt", guarded(AuthSuite.alg_none)),
    CheckSpec("the JWT secret is not a well-known one", "jwt", guarded(AuthSuite.known_secret)),
    CheckSpec("an expired token is 401 Unauthorized", "jwt", guarded(AuthSuite.expired_token)),
    CheckSpec("GET /admin is 403 Forbidden for a normal user", "rbac-abac", guarded(AuthSuite.admin_forbidden)),
    CheckSpec("a JWT carries sub and exp claims", "jwt", guarded(AuthSuite.claims)),
    CheckSpec(
        "neither the password nor its hash appears in a response",
        "password-hashing",
        guarded(AuthSuite.password_never_sent),
    ),
)


def json_leaves(body: bytes) -> dict[str, Any] | None:
    """A JSON body as {"/path/to/field": value} for every leaf; None when the body is not JSON."""
    try:
        value = json_value(body)
    except (ValueError, UnicodeDecodeError):
        return None
    leaves: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("", value)]
    while stack and len(leaves) < 10_000:
        path, item = stack.pop()
        if isinstance(item, dict) and item:
            stack.extend((f"{path}/{key}", child) for key, child in item.items())
        elif isinstance(item, list) and item:
            stack.extend((f"{path}/{index}", child) for index, child in enumerate(item))
        else:
            leaves[path or "/"] = item
    return leaves


def changing_fields(first: bytes, second: bytes) -> set[str]:
    """The JSON fields whose values differ between two answers to the same request."""
    one, two = json_leaves(first), json_leaves(second)
    if one is None or two is None or one.keys() != two.keys():
        return set()
    return {path for path in one if one[path] != two[path]}


def without(body: bytes, fields: set[str]) -> dict[str, Any] | None:
    leaves = json_leaves(body)
    return None if leaves is None else {path: v for path, v in leaves.items() if path not in fields}


def one_changed(text: str) -> str:
    index = len(text) // 2
    return text[:index] + ("A" if text[index : index + 1] != "A" else "B") + text[index + 1 :]


def shown_payload(payload: dict[str, Any]) -> str:
    try:
        return json.dumps(payload)
    except (ValueError, RecursionError):
        return repr(payload)
