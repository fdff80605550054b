"""`--version`, help everywhere, and `curriculum validate/info` on good and bad packs."""

from __future__ import annotations

import json

import pytest
from conftest import topic_yaml

from backend_mentor import __version__
from backend_mentor.cli import app


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"backend-mentor {__version__}"


def _commands(group, prefix=()):
    for name, command in getattr(group, "commands", {}).items():
        yield (*prefix, name), command
        yield from _commands(command, (*prefix, name))


def test_every_command_has_help_with_an_example(invoke):
    import typer.main

    root = typer.main.get_command(app)
    seen = 0
    for path, command in _commands(root):
        if command.hidden:
            continue
        assert command.help, f"{' '.join(path)} has no help"
        result = invoke(*path, "-h")
        assert result.exit_code == 0, (path, result.output)
        assert "Example" in result.stdout, f"'{' '.join(path)} -h' shows no example"
        seen += 1
    assert seen >= 7


def test_unknown_command_is_a_usage_error(invoke):
    result = invoke("no-such-command")
    assert result.exit_code == 2


def test_validate_a_good_pack(invoke, make_pack):
    pack = make_pack(topics={"alpha": topic_yaml("alpha")}, categories=True)
    result = invoke("curriculum", "validate", str(pack), "--standalone", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["problems"] == [] and report["counts"]["topic"] == 1
    assert report["schema_version"] == 1


def test_validate_a_bad_pack_lists_every_problem_with_file_and_line(invoke, make_pack):
    pack = make_pack(
        topics={"alpha": topic_yaml("alpha", level="expert"), "beta": topic_yaml("beta", prerequisites="[alpah]")},
        categories=True,
    )
    result = invoke("curriculum", "validate", str(pack), "--standalone")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("alpha.yaml:4: 'level' must be one of beginner, intermediate, advanced; got 'expert'")
    assert lines[1].endswith("beta.yaml:6: unknown topic 'alpah' (did you mean 'alpha'?)")
    assert "2 problems" in result.stderr


def test_validate_a_missing_directory(invoke, tmp_path):
    result = invoke("curriculum", "validate", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: curriculum directory not found: {tmp_path / 'nope'}"


def test_standalone_needs_a_directory(invoke):
    assert invoke("curriculum", "validate", "--standalone").exit_code == 2


@pytest.fixture
def small_shipped(make_pack, monkeypatch):
    """Stand a small curriculum in for the shipped one."""
    root = make_pack("shipped", topics={"alpha": topic_yaml("alpha"), "beta": topic_yaml("beta")}, categories=True)
    monkeypatch.setattr("backend_mentor.curriculum.catalog.shipped_curriculum_dir", lambda: root)
    return root


def test_info_reports_sources_counts_and_cache(invoke, small_shipped):
    first = json.loads(invoke("curriculum", "info", "--json").stdout)
    assert first["sources"] == [str(small_shipped)]
    assert first["counts"]["topics"] == 2
    assert first["topics_by_category"] == {"internet": 2}
    assert first["cache"]["from_cache"] is False
    second = json.loads(invoke("curriculum", "info", "--json").stdout)
    assert second["cache"]["from_cache"] is True


def test_info_with_an_extra_pack_from_the_environment(invoke, small_shipped, make_pack, monkeypatch):
    pack = make_pack("extra", topics={"gamma": topic_yaml("gamma", prerequisites="[alpha]")})
    monkeypatch.setenv("BACKEND_MENTOR_CURRICULUM_PATH", str(pack))
    info = json.loads(invoke("curriculum", "info", "--json").stdout)
    assert info["counts"]["topics"] == 3 and info["sources"][-1] == str(pack)


def test_a_clashing_pack_fails_every_command_with_one_line(invoke, small_shipped, make_pack):
    pack = make_pack("extra", topics={"alpha": topic_yaml("alpha", title="Mine")})
    result = invoke("--curriculum", str(pack), "curriculum", "info")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "id 'alpha' is already defined in" in result.stderr and "Traceback" not in result.output


def test_debug_mode_shows_the_traceback(invoke, small_shipped, make_pack):
    pack = make_pack("extra", topics={"alpha": topic_yaml("alpha", title="Mine")})
    result = invoke("--curriculum", str(pack), "curriculum", "info", env={"BACKEND_MENTOR_DEBUG": "1"})
    assert result.exception is not None and type(result.exception).__name__ == "CurriculumError"
