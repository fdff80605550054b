"""Reference solution for implement-auth: FastAPI + PyJWT, passwords hashed with PBKDF2 (hashlib).

``create_app()`` follows the contract; ``create_app({"defect"})`` reproduces one mistake a learner
really makes (each named in ``DEFECTS``), and ``token_style`` swaps in tokens of an odd shape the
verifier must survive. Users live in memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import datetime, timezone
from typing import Annotated, Any

import jwt
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

TUTORIAL_SECRET = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"
ITERATIONS = 2_000  # low for test speed (each login hashes); a real service uses 600,000 or more

DEFECTS = {
    "register-200": "register answers FastAPI's default 200 instead of 201",
    "duplicate-201": "registering a taken name silently replaces the user",
    "login-201": "login declared with status_code=201",
    "user-enumeration": "'no such user' and 'wrong password' bodies differ",
    "me-no-username": "/me answers the token's claims, not the user",
    "no-token-403": "a missing Authorization header is 403 (the old HTTPBearer default)",
    "malformed-500": "jwt.decode errors are not caught, so garbage is a 500",
    "no-signature-check": "jwt.decode with verify_signature off",
    "accepts-alg-none": "the header's alg is trusted, so alg none skips the signature",
    "alg-none-lowercase-only": "a hand-written denylist rejects alg 'none' but lets 'None' through unsigned",
    "tutorial-secret": "SECRET_KEY copied from FastAPI's security tutorial",
    "no-expiry-check": "jwt.decode with verify_exp off",
    "admin-for-all": "/admin never checks the role",
    "no-exp-claim": "the expiry is a custom 'expires' claim, checked by hand",
    "exp-in-milliseconds": "exp is time.time() * 1000 + ttl * 1000, as Date.now() gives in JavaScript",
    "echo-password": "register echoes the request body back",
    "me-returns-hashed-password": "/me returns the stored row (FastAPI tutorial's UserInDB)",
    "register-returns-hash-value": "register returns the row, hash under an unremarkable name",
    "token-carries-hash": "the whole user row, hash included, is the JWT payload",
}
TOKEN_STYLES = ("jwt", "opaque", "exp-infinity", "deep-payload", "payload-not-json")


class Credentials(BaseModel):
    username: str
    password: str
    ttl_seconds: int | None = None


def hash_password(password: str) -> str:
    """Django's format: pbkdf2_sha256$<iterations>$<salt>$<base64 hash>."""
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${salt}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    _, iterations, salt, expected = stored.split("$")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(base64.b64encode(digest).decode(), expected)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def create_app(
    defects: frozenset[str] | set[str] = frozenset(),
    token_style: str = "jwt",
    timestamped_errors: bool = False,
    login_delay: float = 0.0,
) -> FastAPI:
    """``timestamped_errors``: every 401 body carries a timestamp and a request id, as Spring's does.
    ``login_delay``: seconds between issuing a token and answering (an audit write, a slow hook): the
    token's clock starts before the client sees it."""
    unknown = set(defects) - set(DEFECTS)
    assert not unknown and token_style in TOKEN_STYLES, (unknown, token_style)
    secret = TUTORIAL_SECRET if "tutorial-secret" in defects else secrets.token_hex(32)
    users: dict[str, dict[str, Any]] = {"root": {"username": "root", "role": "admin", "hashed_password": ""}}
    issued: dict[str, tuple[str, float]] = {}  # token -> (username, expires) for the non-JWT styles
    app = FastAPI()

    def public(user: dict[str, Any]) -> dict[str, Any]:
        return {"username": user["username"], "role": user["role"]}

    def issue(user: dict[str, Any], ttl: int) -> str:
        expires = time.time() + ttl
        if token_style == "jwt":
            claims: dict[str, Any] = {"sub": user["username"], "role": user["role"], "iat": int(time.time())}
            if "token-carries-hash" in defects:
                claims.update(user)
            claims["expires" if "no-exp-claim" in defects else "exp"] = expires
            if "exp-in-milliseconds" in defects:
                claims["exp"] = int(expires * 1000)
            return jwt.encode(claims, secret, algorithm="HS256")
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        if token_style == "opaque":
            token = secrets.token_urlsafe(32)
        else:
            claims = b'"jti": "%s", "sub": "%s"' % (secrets.token_hex(8).encode(), user["username"].encode())
            payload = {
                "exp-infinity": b'{%s, "exp": Infinity}' % claims,
                "deep-payload": b'{%s, "nest": %s%s}' % (claims, b"[" * 50_000, b"]" * 50_000),
                "payload-not-json": claims,
            }[token_style]
            body = f"{header}.{b64url(payload)}"
            token = f"{body}.{b64url(hmac.new(secret.encode(), body.encode(), 'sha256').digest())}"
        issued[token] = (user["username"], expires)
        return token

    def decode(token: str) -> dict[str, Any]:
        """The user the token names; HTTPException(401) when it is not valid."""
        if token_style != "jwt":
            username, expires = issued.get(token, ("", 0.0))
            if time.time() >= expires:
                raise HTTPException(401, "invalid token")
            return {"sub": username}
        options: dict[str, Any] = {"require": ["sub"]}
        if "no-signature-check" in defects:  # PyJWT skips exp too unless told otherwise
            options.update(verify_signature=False, verify_exp=True)
        if "no-expiry-check" in defects:
            options["verify_exp"] = False
        # The defect catches the errors its author thought of; garbage raises a plain DecodeError.
        caught = (
            (jwt.ExpiredSignatureError, jwt.InvalidSignatureError, jwt.InvalidAlgorithmError)
            if "malformed-500" in defects
            else jwt.PyJWTError
        )
        try:
            alg = jwt.get_unverified_header(token).get("alg")
            if "accepts-alg-none" in defects and alg == "none":
                return jwt.decode(token, options={"verify_signature": False})
            if "alg-none-lowercase-only" in defects and alg != "none" and str(alg).lower() == "none":
                return jwt.decode(token, options={"verify_signature": False})
            if "no-signature-check" in defects and jwt.get_unverified_header(token).get("alg") != "HS256":
                raise HTTPException(401, "invalid token")  # the algorithm is pinned, the signature never compared
            claims = jwt.decode(token, secret, algorithms=["HS256"], options=options)
        except caught:
            raise HTTPException(401, "invalid token") from None
        if "no-exp-claim" in defects and claims.get("expires", 0) <= time.time():
            raise HTTPException(401, "token expired")
        return claims

    def current_user(authorization: str | None) -> dict[str, Any]:
        if not authorization:
            raise HTTPException(403 if "no-token-403" in defects else 401, "Not authenticated")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, "invalid token")
        claims = decode(token)
        user = users.get(claims["sub"])
        if user is None:
            raise HTTPException(401, "invalid token")
        return {**user, "claims": claims}

    @app.post("/auth/register", status_code=200 if "register-200" in defects else 201)
    def register(body: Credentials) -> Any:
        if body.username in users and "duplicate-201" not in defects:
            raise HTTPException(409, "username taken")
        user = {"username": body.username, "role": "user", "hashed_password": hash_password(body.password)}
        users[body.username] = user
        if "echo-password" in defects:
            return {**body.model_dump(exclude_none=True), "role": "user"}
        if "register-returns-hash-value" in defects:
            return {"id": len(users), "username": user["username"], "role": "user", "pw": user["hashed_password"]}
        return public(user)

    @app.post("/auth/login", status_code=201 if "login-201" in defects else 200)
    def login(body: Credentials) -> Any:
        user = users.get(body.username)
        if user is None or not user["hashed_password"] or not check_password(body.password, user["hashed_password"]):
            wrong = "no such user" if "user-enumeration" in defects and user is None else "invalid username or password"
            if timestamped_errors:
                return JSONResponse(
                    {
                        "timestamp": datetime.now(timezone.utc).isoformat(),
                        "status": 401,
                        "error": "Unauthorized",
                        "message": wrong,
                        "path": "/auth/login",
                        "requestId": secrets.token_hex(4),
                    },
                    status_code=401,
                )
            return JSONResponse({"detail": wrong}, status_code=401)
        token = issue(user, body.ttl_seconds or 3600)
        time.sleep(login_delay)
        return {"access_token": token, "token_type": "Bearer"}

    @app.get("/me")
    def me(authorization: Annotated[str | None, Header()] = None) -> Any:
        user = current_user(authorization)
        if "me-no-username" in defects:
            return user["claims"]
        if "me-returns-hashed-password" in defects:
            return {key: value for key, value in user.items() if key != "claims"}
        return public(user)

    @app.get("/admin")
    def admin(authorization: Annotated[str | None, Header()] = None) -> Any:
        user = current_user(authorization)
        if user["role"] != "admin" and "admin-for-all" not in defects:
            raise HTTPException(403, "admins only")
        return {"users": len(users)}

    return app
