"""The prompting forms of learn, mentor --quiz, review and reset, driven through stdin."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def prompts(monkeypatch):
    """Pretend to be in a terminal so the commands prompt; answers come from CliRunner input."""
    monkeypatch.setattr("backend_mentor.commands._common.interactive", lambda no_input=False: not no_input)
    for module in ("learn", "mentor", "review", "progress"):
        monkeypatch.setattr(f"backend_mentor.commands.{module}.interactive", lambda no_input=False: not no_input)


def test_wizard_recommends_and_saves_the_profile(invoke, mini, prompts, store):
    result = invoke("learn", input="developer\npython\nnot-sure\n5\ny\nn\nl\n")  # no placement check
    assert result.exit_code == 0, result.output
    assert "Recommended: Python Developer" in result.stdout
    assert "career — " not in result.stdout  # the fixture path has no career facts
    assert "you prefer python" in result.stdout
    profile = store.profile()
    assert (profile["experience"], profile["language"], profile["goal"], profile["hours_per_week"]) == (
        "developer",
        "python",
        "not-sure",
        5.0,
    )
    assert profile["active_path"] == "python-developer"


def test_the_recommendation_shows_career_facts(invoke, mini, prompts):
    result = invoke("learn", input="new\nany\nbackend-developer\n6\nn\n")
    assert "Recommended: Backend Developer" in result.stdout
    for fact in ("• Market demand: High", "• Time to employment: 4-8 months", "• Salary range: $92,000 - $130,000+"):
        assert fact in result.stdout, fact  # one fact per line, never run together


def test_declining_the_recommendation_saves_nothing(invoke, mini, prompts, store):
    result = invoke("learn", input="new\nany\nnot-sure\n6\nn\n")
    assert result.exit_code == 0
    assert store.profile() is None and "Nothing saved" in result.stderr


def test_end_of_input_in_the_wizard_is_an_interrupt_with_nothing_saved(invoke, mini, prompts, store):
    result = invoke("learn", input="developer\n")
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and store.profile() is None


def test_lesson_choices_done_skip_later(invoke, mini, prompts, store):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    assert invoke("learn", input="d\n").exit_code == 0
    assert store.statuses()["http-basics"] == "done"
    invoke("learn", input="s\n")
    assert store.statuses()["http-status-codes"] == "skipped"
    invoke("learn", input="l\n")
    assert store.statuses()["rest-principles"] == "learning"


def test_quiz_from_a_lesson_then_done(invoke, mini, prompts, store, monkeypatch):
    from quizkeys import keys

    from backend_mentor.curriculum.catalog import load_catalog

    monkeypatch.setenv("BACKEND_MENTOR_SEED", "3")
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    typed = keys(load_catalog().topics["http-basics"].quiz, [True, False, True], 3)
    result = invoke("learn", input="q\n" + "\n".join(typed) + "\nd\n")  # right, wrong, right
    assert result.exit_code == 0, result.output
    assert "2/3 correct" in result.stdout and "Not quite." in result.stdout
    assert store.statuses()["http-basics"] == "done"
    taken = [e for e in store.iter_events() if e["kind"] == "quiz.taken"]
    assert taken[0]["data"] == {"correct": 2, "questions": 3, "source": "quiz"}
    assert len(store.review_cards()) == 3


def test_mentor_quiz_then_review_asks_only_what_was_missed(invoke, mini, prompts, store, monkeypatch):
    from quizkeys import keys

    from backend_mentor.curriculum.catalog import load_catalog

    quiz = load_catalog().topics["jwt"].quiz
    monkeypatch.setenv("BACKEND_MENTOR_SEED", "5")
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-04-01T10:00:00+00:00")
    typed = keys(quiz, [True, False, True], 5)
    assert "2/3 correct" in invoke("mentor", "jwt", "--quiz", input="\n".join(typed) + "\n").stdout
    assert "Nothing due" in invoke("review").stderr  # the right answers do not come straight back
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-04-01T10:15:00+00:00")
    result = invoke("review", input="\n".join(keys(quiz[1:2], [True], 5)) + "\n")
    assert result.exit_code == 0 and "1/1 correct" in result.stdout and quiz[1]["q"] in result.stdout
    assert quiz[0]["q"] not in result.stdout
    cards = {c["card_id"]: c for c in store.review_cards()}
    assert cards["jwt#1"]["state"] == "review" and cards["jwt#1"]["reps"] == 2
    assert cards["jwt#0"]["state"] == "review" and cards["jwt#0"]["due"] > "2026-04-02"
    assert [a["source"] for a in store.answers()] == ["quiz", "quiz", "quiz", "review"]
    assert "Nothing due" in invoke("review").stderr


def test_reset_asks_first(invoke, mini, prompts, store):
    invoke("learn", "done", "jwt")
    assert invoke("progress", "reset", input="n\n").exit_code == 0
    assert store.statuses() == {"jwt": "done"}
    assert invoke("progress", "reset", input="y\n").exit_code == 0
    assert store.statuses() == {}


def test_no_input_overrides_a_terminal(invoke, mini, prompts):
    result = invoke("learn", "--no-input")
    assert result.exit_code == 1 and "no learning path chosen yet" in result.stderr
    assert json.loads(invoke("review", "--no-input", "--json").stdout)["cards"] == 0


# --- placement and test-out ------------------------------------------------------------------------


def _right_keys(catalog, questions, seed, right=True):
    from quizkeys import keys

    return keys([catalog.topics[t].quiz[i] for t, i in questions], [right] * len(questions), seed)


def test_test_out_of_a_module_marks_it_known_and_path_show_says_so(invoke, mini, prompts, store, monkeypatch):
    from backend_mentor.curriculum.catalog import load_catalog

    catalog = load_catalog()
    monkeypatch.setenv("BACKEND_MENTOR_SEED", "9")
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    three = [("http-basics", 0), ("http-status-codes", 0), ("rest-principles", 0)]
    result = invoke("learn", "test-out", "server", input="\n".join(_right_keys(catalog, three, 9)) + "\n")
    assert result.exit_code == 0, result.output
    assert "You know Server fundamentals: 3 topics marked known." in result.stdout
    assert store.statuses() == {"http-basics": "known", "http-status-codes": "known", "rest-principles": "known"}
    assert [a["source"] for a in store.answers()] == ["test-out"] * 3
    shown = invoke("path", "show", "backend-developer", "--all").stdout
    assert "◆ HTTP Basics (known)" in shown and "(3 known already)" in shown
    assert json.loads(invoke("learn", "--json").stdout)["topic"]["id"] == "authentication-basics"


def test_test_out_of_a_topic_stops_at_the_second_miss(invoke, mini, prompts, store, monkeypatch):
    from backend_mentor.curriculum.catalog import load_catalog

    catalog = load_catalog()
    monkeypatch.setenv("BACKEND_MENTOR_SEED", "4")
    typed = _right_keys(catalog, [("jwt", 0), ("jwt", 1)], 4, right=False)
    result = invoke("learn", "test-out", "jwt", input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "JWT is worth studying" in result.stdout or "worth studying (0/2 right)" in result.stdout
    assert store.statuses() == {} and len(store.answers("test-out")) == 2


def test_test_out_errors_are_one_line(invoke, mini, prompts):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    unknown = invoke("learn", "test-out", "quantum")
    assert unknown.exit_code == 1 and "neither a topic id or a module of Backend Developer" in unknown.stderr
    no_terminal = invoke("learn", "test-out", "jwt", "--no-input")
    assert no_terminal.exit_code == 1
    assert no_terminal.stderr.strip() == "error: test-out asks quiz questions; run it in a terminal without --no-input"


def test_only_a_learner_with_experience_is_offered_placement(invoke, mini, prompts, store, monkeypatch):
    from backend_mentor.curriculum.catalog import load_catalog

    beginner = invoke("learn", input="new\nany\nbackend-developer\n6\ny\nl\n")
    assert beginner.exit_code == 0, beginner.output
    assert "Placement check" not in beginner.stdout and "HTTP Basics" in beginner.stdout
    invoke("progress", "reset", "--yes")
    monkeypatch.setenv("BACKEND_MENTOR_SEED", "2")
    catalog = load_catalog()
    typed = _right_keys(catalog, [("http-basics", 0), ("http-status-codes", 0), ("rest-principles", 0)], 2)
    developer = invoke("learn", input="developer\nany\nbackend-developer\n6\ny\ny\n" + "\n".join(typed) + "\nl\n")
    assert developer.exit_code == 0, developer.output
    assert "Placement check" in developer.stdout and "3 topics marked known" in developer.stdout
    assert (
        "Authentication vs Authorization" in developer.stdout.split("Placement done")[1]
    )  # the first lesson is past them


# --- prompts that forgive -----------------------------------------------------------------------


def test_wizard_takes_numbers_any_case_prefixes_and_close_spellings(invoke, mini, prompts, store):
    answers = [
        "zzz",
        "3",  # not an option, then a number: developer
        "Pyhton",
        "y",  # a close spelling, confirmed
        "BACK",
        "y",  # a unique prefix in capitals, confirmed
        "5",
        "y",
        "n",
        "l",
    ]
    result = invoke("learn", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    profile = store.profile()
    assert (profile["experience"], profile["language"], profile["goal"]) == ("developer", "python", "backend-developer")
    out = result.stdout
    assert out.count("1) new — new to programming") == 1  # the menu is printed once, not after each miss
    assert "'zzz' is not one of the options; type 1-4 or a name from the list." in out
    assert "Your experience (number or name) (some):" in out and "Preferred language (number or name) (any):" in out
    assert "Did you mean 'python' (Python)?" in out and "Did you mean 'backend-developer' (Backend Developer)?" in out


def test_a_refused_guess_asks_again(invoke, mini, prompts, store):
    result = invoke("learn", input="dev\nn\nbackend\n\n\n6\ny\nn\nl\n")  # 'dev' -> developer? no; then backend
    assert result.exit_code == 0, result.output
    assert store.profile()["experience"] == "backend" and store.profile()["language"] == "any"
    assert "Did you mean 'developer' (developer, new to backend)?" in result.stdout


def test_the_lesson_prompt_takes_words_and_letters_in_any_case(invoke, mini, prompts, store):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    result = invoke("learn", input="Maybe\nDONE\n")
    assert "'maybe' is not a choice; type a letter or a word: done, quiz, read again, skip, later." in result.stdout
    assert store.statuses()["http-basics"] == "done"
    invoke("learn", input="S\n")
    assert store.statuses()["http-status-codes"] == "skipped"
    later = invoke("learn", input="Quit\n")
    assert "Stopped here; nothing marked. 'REST Principles' stays your next lesson" in later.stderr
    assert store.statuses()["rest-principles"] == "learning"


def test_after_a_failed_quiz_enter_reads_the_lesson_again(invoke, mini, prompts, store, monkeypatch):
    from quizkeys import keys

    from backend_mentor.curriculum.catalog import load_catalog

    monkeypatch.setenv("BACKEND_MENTOR_SEED", "8")
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    typed = keys(load_catalog().topics["http-basics"].quiz, [False, True, True], 8)
    result = invoke("learn", input="quiz\n" + "\n".join(typed) + "\n\nlater\n")  # Enter after the quiz
    assert result.exit_code == 0, result.output
    assert "1/3 correct" not in result.stdout and "2/3 correct" in result.stdout
    assert "the default now is to read the lesson again" in result.stdout
    assert "(l)ater (r):" in result.stdout  # the default shown is 'read again'
    assert result.stdout.count("Practice task") == 2  # shown again, not marked done
    assert store.statuses()["http-basics"] == "learning"


def test_skip_shows_the_next_step_like_done(invoke, mini, prompts, store):
    invoke("learn", "--path", "backend-developer", "--yes", "--json")
    done = invoke("learn", input="d\n")
    assert "Marked 'HTTP Basics' done." in done.stderr and "Next: HTTP Status Codes (http-status-codes)" in done.stderr
    skipped = invoke("learn", input="skip\n")
    assert (
        "Skipped 'HTTP Status Codes'" in skipped.stderr and "Next: REST Principles (rest-principles)" in skipped.stderr
    )
