"""Rendering at 50, 80 and 110 columns: hanging indents, unwrapped code, whole ids, clean sentences."""

from __future__ import annotations

import io
import re
import time

import pytest
from rich.console import Console

from backend_mentor import render
from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.output import Output
from backend_mentor.render import show_checkpoints, show_hits, show_stats
from backend_mentor.services import categories, path_detail, path_overview

WIDTHS = (50, 80, 110)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    import os

    os.environ.setdefault("BACKEND_MENTOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return load_catalog([])


def unpaged(name: str):
    """A render function with paging off (the pager is tested in test_render_pager.py)."""
    import inspect

    function = getattr(render, name)
    paged = "pager" in inspect.signature(function).parameters
    return lambda *args, **kwargs: function(*args, **({"pager": False} if paged else {}), **kwargs)


show_topic, show_lesson, show_path = unpaged("show_topic"), unpaged("show_lesson"), unpaged("show_path")
show_categories, show_path_list = unpaged("show_categories"), unpaged("show_path_list")


def rendered(width: int, draw) -> str:
    out = Output()
    buffer = io.StringIO()
    out._out = Console(file=buffer, width=width, no_color=True, force_terminal=False, highlight=False, emoji=False)
    draw(out)
    return buffer.getvalue()


def section(text: str, heading: str) -> list[str]:
    """The lines under a heading, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    body = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        body.append(line.rstrip())
    return body


def assert_hanging(lines: list[str], marker: re.Pattern[str], indent: int) -> None:
    """Each item starts with its marker; every wrapped line lines up under the item's text."""
    assert lines and marker.match(lines[0]), lines[:2]
    text_column = None
    for line in lines:
        found = marker.match(line)
        if found:
            text_column = found.end()
            continue
        assert text_column is not None
        leading = len(line) - len(line.lstrip(" "))
        assert leading == text_column, f"continuation not under the text: {line!r}"
    assert text_column is not None and text_column > indent


@pytest.mark.parametrize("width", WIDTHS)
def test_key_points_pitfalls_and_steps_wrap_with_a_hanging_indent(shipped, width):
    topic = shipped.topics["jwt"]
    text = rendered(width, lambda out: show_topic(out, shipped, topic, {}, []))
    bullet = re.compile(r"^  • ")
    for heading in ("Key points", "Pitfalls"):
        lines = section(text, heading)
        assert_hanging(lines, bullet, 2)
        if width == 50:
            assert len(lines) > len(getattr(topic, "key_points" if heading == "Key points" else "pitfalls"))
    steps = section(text, "Exercise")
    steps = steps[: next(i for i, line in enumerate(steps) if line.strip() == "Done when:")]
    steps = steps[next(i for i, line in enumerate(steps) if re.match(r"^  1\. ", line)) :]  # after a wrapped heading
    assert_hanging(steps, re.compile(r"^  \d+\. "), 2)
    done = section(text, "  Done when:")
    assert_hanging(done, re.compile(r"^    ✓ "), 4)


@pytest.mark.parametrize("width", WIDTHS)
def test_lessons_in_learn_wrap_their_lists_the_same_way(shipped, width):
    topic = shipped.topics["jwt"]
    text = rendered(width, lambda out: show_lesson(out, shipped, topic, None, "1/9"))
    assert_hanging(section(text, "Watch out for"), re.compile(r"^  • "), 2)


@pytest.mark.parametrize("width", WIDTHS)
def test_code_is_never_wrapped_or_cut(shipped, width):
    checked = 0
    for tid in ("jwt", "sql-joins", "n-plus-one", "go-concurrency"):
        topic = shipped.topics[tid]
        lines = set(rendered(width, lambda out, t=topic: show_topic(out, shipped, t, {}, [])).splitlines())
        lines = {line.rstrip() for line in lines}
        code = [e["code"] for e in topic.examples]
        code += re.findall(r"^```[^\n]*\n(.*?)^```", topic.lesson, flags=re.S | re.M)
        for block in code:
            for line in block.rstrip().splitlines():
                if line.strip():
                    forms = {line.rstrip(), line.expandtabs(4).rstrip(), line.expandtabs(8).rstrip()}
                    assert forms & lines, (tid, width, line)
                    checked += 1
    assert checked > 20


@pytest.mark.parametrize("width", WIDTHS)
def test_ids_are_never_split_or_cut(shipped, width):
    text = rendered(width, lambda out: show_categories(out, categories(shipped, {})))
    words = set(re.findall(r"[\w.#+-]+", text))
    missing = [tid for tid in shipped.topics if tid not in words]
    assert missing == []
    paths = rendered(width, lambda out: show_path_list(out, path_overview(shipped, {})))
    assert [p for p in shipped.paths if p not in set(re.findall(r"[\w.#+-]+", paths))] == []
    from backend_mentor.curriculum.search import Hit

    hits = [Hit(t.id, t.title, 1.0) for t in shipped.topics.values() if len(t.id) > 25][:8]
    listed = rendered(width, lambda out: show_hits(out, hits, "long ids"))
    assert all(re.search(rf"(^|\s){re.escape(h.id)}(\s|$)", listed, re.M) for h in hits), listed


@pytest.mark.parametrize("width", WIDTHS)
def test_titles_are_not_cut_with_an_ellipsis(shipped, width):
    text = rendered(width, lambda out: show_categories(out, categories(shipped, {})))
    text += rendered(width, lambda out: show_path_list(out, path_overview(shipped, {})))
    assert "…" not in text


def test_path_show_expands_the_current_stage_and_summarises_the_others(shipped):
    path = shipped.paths["backend-developer"]
    first = path.stages[0].modules[0]
    done = {t: "done" for m in path.stages[0].modules for t in m.topics}
    short = rendered(80, lambda out: show_path(out, path_detail(shipped, path, done), shipped))
    second = path.stages[1]
    assert second.modules[0].title in short and first.title not in short
    assert f"{len(path.stages[0].modules)} modules" in short and "path show backend-developer --all" in short
    full = rendered(80, lambda out: show_path(out, path_detail(shipped, path, done), shipped, expand_all=True))
    assert all(m.title in full for s in path.stages for m in s.modules)
    assert "--all" not in full


def test_career_facts_each_get_their_own_line_without_doubled_punctuation(shipped):
    path = shipped.paths["backend-developer"]
    text = rendered(80, lambda out: show_path(out, path_detail(shipped, path, {}), shipped))
    career = section(text, "Career")
    assert sum(1 for line in career if line.startswith("  • ")) == 5
    assert not re.search(r"[.;,]\s*[.;]", " ".join(career))


def test_the_wizard_shows_career_facts_one_per_line(invoke, monkeypatch):
    for module in ("_common", "learn"):
        monkeypatch.setattr(f"backend_mentor.commands.{module}.interactive", lambda no_input=False: not no_input)
    result = invoke("learn", input="new\nany\nbackend-developer\n6\nn\n")
    assert "Recommended: Backend Developer" in result.stdout
    assert ".;" not in result.stdout and "; time to a first job" not in result.stdout
    assert re.search(r"^\s+• Market demand: High", result.stdout, re.M)
    assert re.search(r"^\s+• Time to employment: 4-8 months", result.stdout, re.M)


def test_plurals_and_sentences():
    from backend_mentor.render import plural, sentence

    assert plural(1, "day") == "1 day" and plural(0, "day") == "0 days" and plural(2, "active day") == "2 active days"
    assert sentence("Use a pool.") == "Use a pool." and sentence("Use a pool") == "Use a pool."
    assert sentence("Really?") == "Really?"


def test_a_one_day_streak_is_singular():
    from datetime import date

    from backend_mentor.results import CalendarDay, CheckpointCounts, Stats, StreakSummary, TopicCounts

    data = Stats(
        topics=TopicCounts(done=1, learning=0, skipped=0, known=0, total=3, hours_done=1),
        streak=StreakSummary(current=1, longest=1, active_days=1),
        checkpoints=CheckpointCounts(passed=0, total=1, attempted=0),
        path=None,
        by_category={},
        by_level={},
        calendar=((CalendarDay(date(2026, 3, 2), 0, False),) * 7,),
        unknown_topics=(),
    )
    text = rendered(80, lambda out: show_stats(out, data))
    assert "Streak: 1 day · longest 1 day · 1 active day" in text
    assert "day(s)" not in text and "1 days" not in text


def test_the_dashboard_and_the_export_say_1_day(invoke, mini, monkeypatch):
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-03-01T12:00:00+00:00")
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    invoke("learn", "done", "http-basics")
    dashboard = invoke().stdout
    assert "Streak: 1 day ·" in dashboard and "day(s)" not in dashboard
    exported = invoke("progress", "export", "--format", "md").stdout
    assert "Streak: 1 day (longest 1 day)" in exported


def test_timestamps_in_tables_are_local_date_and_time(shipped, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        from backend_mentor.render import local_time

        assert local_time("2026-03-01T12:34:56+00:00") == "2026-03-01 13:34"
        from backend_mentor.results import CheckpointSummary
        from backend_mentor.services import checkpoint_rows

        summaries = {
            next(iter(shipped.checkpoints)): CheckpointSummary(
                attempts=2, best=0.5, passed=False, last="2026-03-01T12:34:56+00:00"
            )
        }
        text = rendered(110, lambda out: show_checkpoints(out, checkpoint_rows(shipped, summaries)))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert "2026-03-01 13:34" in text and "T12:34" not in text


def test_quiz_feedback_never_doubles_the_full_stop(monkeypatch):
    from backend_mentor.commands import _common

    question = {"q": "Which is safe?", "choices": ["GET.", "POST."], "answer": 0, "why": "GET has no side effects."}
    for answer in ("1", "2"):
        monkeypatch.setattr(_common, "ask", lambda *a, answer=answer, **k: answer)
        text = rendered(80, lambda out: _common.ask_question(out, question, ""))
        assert ".." not in text, text
        assert (
            ("Correct. GET has no side effects." in text)
            if answer == "1"
            else ("Not quite. The answer is: GET. GET has no side effects." in text)
        )


def test_the_interrupt_message_starts_on_its_own_line(invoke, mini, monkeypatch):
    for module in ("_common", "learn"):
        monkeypatch.setattr(f"backend_mentor.commands.{module}.interactive", lambda no_input=False: not no_input)
    result = invoke("learn", input="developer\n")  # end of input at the next prompt = Ctrl-C
    assert result.exit_code == 130
    assert re.search(r"(^|\n)error: interrupted", result.output), result.output[-200:]


def test_no_command_says_day_s_or_card_s():
    """The class of fault: no '(s)' plural anywhere a learner reads."""
    from pathlib import Path

    import backend_mentor

    root = Path(backend_mentor.__file__).parent
    offenders = [
        f"{p.relative_to(root)}:{n}"
        for p in root.rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\w\(s\)[ .,:;'\"]", line.replace("http(s)", ""))
        and not line.lstrip().startswith("#")
        and "#" not in line.split("(s)")[0][-40:]
    ]
    assert offenders == []


def test_review_counts_read_as_words(invoke, mini):
    assert "0 questions due of 0." in invoke("review").stdout


@pytest.mark.parametrize("width", (50, 80))
def test_resource_urls_are_never_split(shipped, width):
    for tid in ("jwt", "api-error-formats", "hateoas"):
        topic = shipped.topics[tid]
        lines = {
            line.strip()
            for line in rendered(width, lambda out, t=topic: show_topic(out, shipped, t, {}, [])).splitlines()
        }
        assert all(res["url"] in lines for res in topic.resources), tid
    path = shipped.paths["backend-developer"]
    view = path_detail(shipped, path, {})
    lines = {line.strip() for line in rendered(width, lambda out: show_path(out, view, shipped)).splitlines()}
    assert all(res["url"] in lines for res in path.resources)


@pytest.mark.parametrize("width", WIDTHS)
def test_hints_on_a_terminal_wrap_between_words_and_keep_each_command_whole(width):
    """A hint wider than the terminal: each ' · ' choice gets its own line and no word is split."""
    out = Output()
    buffer = io.StringIO()
    out._err = Console(file=buffer, width=width, color_system=None, force_terminal=True, highlight=False)
    commands = [
        "When you are done: backend-mentor learn done how-the-internet-works",
        "quiz: backend-mentor mentor how-the-internet-works --quiz",
        "skip: backend-mentor learn skip how-the-internet-works",
    ]
    out.hint("   ·   ".join(commands))
    out.hint("Recorded as not passed: some checks could not run (SKIP); fix what stopped them and run again.")
    lines = buffer.getvalue().splitlines()
    assert all(len(line) <= width for line in lines)
    words = {word for line in lines for word in line.split()}
    for command in commands:
        assert set(command.split()) <= words  # every word arrives whole
        if len(command) <= width:
            assert command in [line.strip() for line in lines]  # and a command that fits stays on one line
    assert "how-the-internet-works" in words and "again." in words


def test_hints_into_a_pipe_stay_one_line_each():
    out = Output()
    buffer = io.StringIO()
    out._err = Console(file=buffer, width=50, no_color=True, force_terminal=False, highlight=False, emoji=False)
    text = "Details: backend-mentor checkpoint show ID · check your work: backend-mentor checkpoint verify ID"
    out.hint(text)
    assert buffer.getvalue() == text + "\n"


LONG_CHOICE = (
    "The database keeps the row version the transaction first read until the transaction ends, so VACUUM "
    "cannot remove the dead tuples that newer transactions left behind"
)


@pytest.mark.parametrize("width", (50, 80))
def test_quiz_options_wrap_under_their_own_start(monkeypatch, width):
    from backend_mentor.commands import _common

    question = {
        "q": "What happens?",
        "choices": ["Nothing.", LONG_CHOICE, "It fails [red]loudly[/red]."],
        "answer": 1,
        "why": "Because.",
    }
    monkeypatch.setattr(_common, "ask", lambda *a, **k: "2")
    text = rendered(width, lambda out: _common.ask_shuffled(out, question, "Q1. ", __import__("random").Random(7)))
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "What happens?" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith(("Correct.", "Not quite.")))
    options = [line for line in lines[start + 1 : end] if line.strip()]
    assert_hanging(options, re.compile(r"^   \d\) "), 3)
    assert "[red]loudly[/red]" in text  # curriculum text is shown as written, never read as markup


@pytest.mark.parametrize("width", (50, 80))
def test_project_milestones_and_criteria_wrap_with_a_hanging_indent(shipped, width, tmp_path):
    from backend_mentor.progress.store import Store
    from backend_mentor.services import project_detail

    project = max(shipped.projects.values(), key=lambda p: max(len(c) for m in p.milestones for c in m["acceptance"]))
    text = rendered(
        width,
        lambda out: render.show_project(out, project_detail(shipped, Store(tmp_path / "p.db"), project.id), shipped),
    )
    milestones = section(text, "Milestones")
    criteria = [line for line in milestones if not re.match(r"^  \d+\. ", line)]
    assert any(len(c) > width for m in project.milestones for c in m["acceptance"])
    assert_hanging(criteria, re.compile(r"^     ✓ "), 5)


def test_the_wizards_reasons_wrap_with_a_hanging_indent(invoke, monkeypatch):
    for module in ("_common", "learn"):
        monkeypatch.setattr(f"backend_mentor.commands.{module}.interactive", lambda no_input=False: not no_input)
    result = invoke("learn", input="developer\ngo\nnot-sure\n\nn\n", env={"COLUMNS": "50"})
    assert "Hours per week you can study (6):" in result.stdout  # the default Enter takes is shown
    assert "roughly" in result.stdout and "at 6 h/week" in result.stdout
    reasons = section(result.stdout, "Recommended: Go Developer")
    assert len(reasons) > 3, reasons
    assert_hanging(reasons[: reasons.index("  • career:")], re.compile(r"^  • "), 2)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("attempted", [False, True])
def test_checkpoint_and_project_lists_never_cut_ids_or_titles(shipped, width, attempted):
    from backend_mentor.results import CheckpointSummary
    from backend_mentor.services import checkpoint_rows, project_list

    summaries = {}
    if attempted:
        summaries = {cid: CheckpointSummary(True, 1.0, 2, "2026-03-01T14:05:00+00:00") for cid in shipped.checkpoints}
    text = rendered(width, lambda out: render.show_checkpoints(out, checkpoint_rows(shipped, summaries)))
    text += rendered(width, lambda out: render.show_projects(out, project_list(shipped)))
    assert "…" not in text
    words = set(re.findall(r"[\w.#+-]+", text))
    assert [c for c in shipped.checkpoints if c not in words] == []
    assert [p for p in shipped.projects if p not in words] == []
    assert {c.verifier["kind"] for c in shipped.checkpoints.values()} <= words
    title_words = {w for c in shipped.checkpoints.values() for w in re.findall(r"[\w.#+-]+", c.title)}
    assert title_words <= words  # every word of every title arrives whole
    assert all(len(line) <= width for line in text.splitlines())


@pytest.mark.parametrize("width", (50, 80))
def test_no_printed_line_ends_in_blanks(invoke, width):
    """Wrapped paragraphs and table padding used to leave trailing spaces on every line a learner copies."""
    for args in (("mentor", "jwt", "--no-pager"), ("checkpoint", "list"), ("path", "list", "--no-pager")):
        text = invoke(*args, env={"COLUMNS": str(width)}).stdout
        assert text.count("\n") > 10
        assert [line for line in text.splitlines() if line.endswith(" ")] == [], args


def test_blanks_with_a_background_colour_are_kept():
    from rich.style import Style
    from rich.text import Text

    from backend_mentor.output import _console

    console = _console()
    console.file = io.StringIO()

    console.print(Text.assemble("code", ("   ", Style(bgcolor="blue")), "\n", "text   "), soft_wrap=True)
    lines = console.file.getvalue().split("\n")
    assert lines[0].endswith("   ") and lines[1] == "text"
