"""The field markers that shape a result's JSON document (see the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

VIEW_ONLY = MappingProxyType({"json": False})
OMIT_NONE = MappingProxyType({"omit_none": True})
FLATTEN = MappingProxyType({"flatten": True})

JsonObject = Mapping[str, object]  # free-form data passed through as it is (career facts, a report)
