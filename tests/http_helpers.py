"""Helpers every ``http-*`` verifier test may use: run a verifier, pick its failures, misfit servers.

``verify(module, url, **options)`` runs one verifier with a short timeout; ``failed``/``skipped``
select checks by outcome; ``by_name`` indexes them. ``scripted_server`` (from http_servers) is a real HTTP/1.1 server on
127.0.0.1 (ephemeral port) that answers every request with the same raw bytes — for answers no
framework would send (control characters in the reason phrase, a 100,000-deep JSON body).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from http_servers import closed_port_url, raw_server, scripted_server  # noqa: F401  (re-exported for other test modules)

from backend_mentor.checkpoints.base import Check, Outcome, VerifyOptions

TIMEOUT = 0.5
START_TIMEOUT = 30.0  # generous: a loaded 2-core machine can take seconds to import and start a server


def verify(module: ModuleType, url: str, timeout: float = TIMEOUT, **options: object) -> list[Check]:
    return module.verify(VerifyOptions(url=url, timeout=timeout, **options))


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.outcome is Outcome.FAIL]


def skipped(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.outcome is Outcome.SKIP]


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def http_reply(body: bytes, status: str = "200 OK", headers: dict[str, str] | None = None) -> bytes:
    """A complete HTTP/1.1 answer with ``Connection: close``."""
    lines = [f"HTTP/1.1 {status}".encode("latin-1")]
    for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
        lines.append(f"{name}: {value}".encode("latin-1"))
    lines += [f"Content-Length: {len(body)}".encode(), b"Connection: close", b"", b""]
    return b"\r\n".join(lines) + body


# --- real frameworks, started on 127.0.0.1 with an ephemeral port and stopped afterwards ----------


@contextmanager
def serve_wsgi(app: object) -> Iterator[str]:
    """A WSGI app (Flask) under werkzeug's threaded ``make_server``; yields its base URL."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log on the test's stderr
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(START_TIMEOUT)


@contextmanager
def serve_asgi(app: object, start_timeout: float = START_TIMEOUT, **config: object) -> Iterator[str]:
    """An ASGI app (FastAPI) under a real ``uvicorn.Server`` in a thread, on a socket bound here (so
    the port is known before it starts); ``config`` goes to ``uvicorn.Config``. Yields its base URL."""
    import time

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    options = {"log_config": None, "log_level": "critical", "lifespan": "off", "access_log": False, **config}
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(start_timeout)
        sock.close()


@contextmanager
def serve_node(script: str, env: dict[str, str] | None = None, start_timeout: float = 30.0) -> Iterator[str]:
    """``node script`` (which prints ``listening <port>`` when ready); yields its base URL."""
    import os
    import shutil
    import subprocess

    import pytest

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the Node reference solution needs it)")
    process = subprocess.Popen([node, script], stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    try:
        timer = threading.Timer(start_timeout, process.kill)
        timer.start()
        line = process.stdout.readline() if process.stdout else ""
        timer.cancel()
        if not line.startswith("listening "):
            raise RuntimeError(f"node did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
