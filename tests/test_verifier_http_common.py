"""What every http-* verifier gets from the shared client: clear failures before anything is checked."""

from __future__ import annotations

import pytest
from http_servers import closed_port_url

from backend_mentor.checkpoints import http_auth, http_cache, http_monitoring, http_rest
from backend_mentor.checkpoints.base import VerifierInputError, VerifyOptions

MODULES = [http_rest, http_auth, http_cache, http_monitoring]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_a_refused_connection_says_so(module) -> None:
    url = closed_port_url()
    checks = module.verify(VerifyOptions(url=url, timeout=0.5))
    assert checks[0].message == f"connection refused at {url.removeprefix('http://')} — is your server running?"
    assert not any(c.passed for c in checks)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_remote_urls_are_input_errors(module) -> None:
    with pytest.raises(VerifierInputError, match="192.0.2.7 is not this machine"):
        module.verify(VerifyOptions(url="http://192.0.2.7:8000", timeout=0.5))
