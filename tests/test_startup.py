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
                     "rich.markdown", "markdown_it", "prometheus_client", "backend_mentor.checkpoints.sql_queries") if m in sys.modules]
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def run(*args: str, env: dict[str, str] | None = None) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("HEAVY="))
    return [m for m in line[len("HEAVY=") :].split(",") if m]


def test_cached_read_commands_do_not_import_the_yaml_loader_or_renderers():
    from backend_mentor.curriculum.catalog import load_catalog

    load_catalog()  # warm the cache that the subprocess reads (same environment)
    for args in (
        ["progress", "--json"],
        ["path", "list", "--json"],
        ["mentor", "jwt", "--json"],
        ["checkpoint", "list", "--json"],
    ):
        assert run(*args) == [], args


def test_version_is_answered_before_anything_is_loaded():
    assert run("--version") == []
    assert (
        json.loads(
            subprocess.run(
                [sys.executable, "-m", "backend_mentor", "curriculum", "info", "--json"],
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout
        )["counts"]["topics"]
        > 0
    )


def test_showing_a_lesson_or_instructions_loads_no_markdown_parser():
    """Lessons are compiled to blocks with the catalog; from the cache they render without markdown-it."""
    from backend_mentor.curriculum.catalog import load_catalog

    load_catalog()
    for args in (
        ["mentor", "jwt"],
        ["mentor", "sql-joins", "--all-languages"],
        ["checkpoint", "show", "build-rest-api"],
        ["learn", "--topic", "jwt", "--no-input"],
    ):
        assert run(*args) == [], args


def test_the_probe_does_see_heavy_imports_when_they_happen(tmp_path):
    assert "yaml" in run("curriculum", "validate")
    # With an empty cache the catalog is compiled: YAML and the Markdown parser load (once).
    assert {"yaml", "markdown_it"} <= set(run("mentor", "jwt", env={"BACKEND_MENTOR_CACHE_DIR": str(tmp_path)}))


def test_a_command_line_that_names_its_command_builds_only_that_command():
    from backend_mentor.cli import invoked_command

    assert invoked_command(["mentor", "jwt"]) == "mentor"
    assert invoked_command(["--curriculum", "pack", "path", "show"]) == "path"
    assert invoked_command(["--curriculum=pack", "--json", "progress"]) == "progress"
    # no command, help or version of the root, an unknown command: the whole tree
    for argv in ([], ["--json"], ["--help"], ["-h", "learn"], ["--version"], ["nope"], ["--curriculum"]):
        assert invoked_command(argv) is None, argv


def test_each_command_reads_and_runs_the_same_from_the_one_command_tree(runner):
    """Help, usage errors and results of every command are identical whether the root app holds
    every command or only the one named on the command line."""
    from backend_mentor.cli import COMMAND_ORDER, app, build_app

    for name in COMMAND_ORDER:
        lean = build_app(name)
        for args in ([name, "--help"], [name, "--no-such-option"]):
            full_result, lean_result = runner.invoke(app, args), runner.invoke(lean, args)
            assert (lean_result.exit_code, lean_result.output) == (full_result.exit_code, full_result.output), args
    for args in (["path", "list", "--json"], ["mentor", "jwt", "--json"], ["checkpoint", "list", "--json"]):
        lean_result = runner.invoke(build_app(args[0]), args)
        assert lean_result.exit_code == 0 and lean_result.output == runner.invoke(app, args).output, args


def test_the_installed_command_runs_a_named_command_from_its_own_tree(tmp_path):
    """Through main(), as installed: the command runs and the others are never built."""
    probe = (
        "import sys, typer.main\n"
        "built = []\n"
        "original = typer.main.get_command_from_info\n"
        "def spy(*args, **kwargs):\n"
        "    built.append((args[0] if args else kwargs['command_info']).name)\n"
        "    return original(*args, **kwargs)\n"
        "typer.main.get_command_from_info = spy\n"
        "from backend_mentor.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('BUILT=' + ','.join(sorted(set(filter(None, built)))), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "mentor", "jwt", "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert json.loads(result.stdout)["match"]["id"] == "jwt"
    assert "BUILT=mentor" in result.stderr.splitlines()
