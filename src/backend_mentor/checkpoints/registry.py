"""Verifier kinds -> the modules that implement them, imported only when used."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from ..curriculum.schema import VERIFIER_KINDS
from ..errors import VerifierMissing

if TYPE_CHECKING:
    from .base import CheckSpec, VerifyOptions

MODULES = {kind: f"{__package__}.{kind.replace('-', '_')}" for kind in VERIFIER_KINDS}


def verifier_module(kind: str) -> ModuleType:
    """The module for a kind; ``VerifierMissing`` when this version has no verifier for it."""
    name = MODULES.get(kind)
    if name is None:
        raise VerifierMissing(f"unknown verifier kind '{kind}'")
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise VerifierMissing(
            f"the '{kind}' verifier is not available in this version; mark the checkpoint by hand with "
            "'backend-mentor checkpoint done ID --evidence TEXT'"
        ) from None


def available(kind: str) -> bool:
    """Whether a verifier exists for ``kind``, without importing it."""
    import importlib.util
    import sys

    name = MODULES.get(kind)
    if name is None:
        return False
    if name in sys.modules:
        return sys.modules[name] is not None
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def declared_checks(kind: str, options: VerifyOptions | None = None) -> list[CheckSpec]:
    """The checks a kind's verifier runs, in report order, for these options (params, profile,
    language, engine); with none, the defaults."""
    from .base import VerifyOptions

    return list(verifier_module(kind).declared_checks(options or VerifyOptions()))


def checkpoint_checks(kind: str, params: dict | None = None) -> list[CheckSpec]:
    """What ``checkpoint show`` lists: the checks a checkpoint's verifier runs with its params and the
    default profile, language and engine; none when this version has no verifier for the kind."""
    from .base import VerifyOptions

    if not available(kind):
        return []
    return declared_checks(kind, VerifyOptions(params=dict(params or {})))
