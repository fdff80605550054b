"""Start-up discipline: heavy modules load only when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import sys
from backend_mentor.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
heavy = [m for m in ("yaml", "backend_mentor.curriculum.loader", "backend_mentor.curriculum.validate",
                     "rich.markdown", "prometheus_client", "backend_mentor.checkpoints.sql_queries") if m in sys.modules]
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def run(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=os.environ.copy(),
                            timeout=60)  # fmt: skip
    line = next(x for x in result.stderr.splitlines() if x.startswith("HEAVY="))
    return [m for m in line[len("HEAVY=") :].split(",") if m]


def test_cached_read_commands_do_not_import_the_yaml_loader_or_renderers():
    from backend_mentor.curriculum.catalog import load_catalog

    load_catalog()  # warm the cache that the subprocess reads (same environment)
    for args in (["progress", "--json"], ["path", "list", "--json"], ["mentor", "jwt", "--json"],
                 ["checkpoint", "list", "--json"]):  # fmt: skip
        assert run(*args) == [], args


def test_version_is_answered_before_anything_is_loaded():
    assert run("--version") == []
    assert json.loads(subprocess.run([sys.executable, "-m", "backend_mentor", "curriculum", "info", "--json"],
                                     capture_output=True, text=True, timeout=60).stdout)["counts"]["topics"] > 0  # fmt: skip


def test_the_probe_does_see_heavy_imports_when_they_happen():
    assert "yaml" in run("curriculum", "validate")
    assert "rich.markdown" in run("mentor", "jwt")
