"""Inputs that must never exhaust the machine or break later commands: hostile packs and imports."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import topic_yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

SRC = str(Path(__import__("backend_mentor").__file__).resolve().parents[1])  # the code under test


def run_limited(script: str, memory_mb: int = 1500, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a Python script under an address-space limit, so a regression fails instead of eating the machine."""
    prelude = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {SRC!r})
        limit = {memory_mb} * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    """)
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
    )


# --- YAML that expands -----------------------------------------------------------------------------


def scalar_alias_bomb(make_pack) -> Path:
    """A 930 KiB topic whose aliases expand to about 55 GB of text."""
    big = "x" * (500 * 1024)
    aliases = "[&a " + big + ", " + ", ".join(["*a"] * 100_000) + "]"
    return make_pack(topics={"bomb": topic_yaml("bomb", aliases=aliases)}, categories=True)


def test_scalar_aliases_are_bounded_by_expanded_size(make_pack, invoke):
    root = scalar_alias_bomb(make_pack)
    assert (root / "topics" / "internet" / "bomb.yaml").stat().st_size < 1_000_000
    result = invoke("curriculum", "validate", "--standalone", str(root))
    assert result.exit_code == 1
    assert "bomb.yaml:" in result.output and "expands to more than" in result.output


def test_a_scalar_alias_bomb_never_reaches_the_cache(make_pack, tmp_path):
    root = scalar_alias_bomb(make_pack)
    result = run_limited(f"""
        import os
        os.environ["BACKEND_MENTOR_CACHE_DIR"] = {str(tmp_path / "cache")!r}
        from backend_mentor.curriculum.catalog import catalog_from_sources
        from backend_mentor.curriculum.sources import Source
        from backend_mentor.errors import CurriculumError
        from pathlib import Path
        try:
            catalog_from_sources([Source(Path({str(root)!r}))])
        except CurriculumError as exc:
            print("refused:", exc)
    """)
    assert result.returncode == 0, result.stderr[-500:]
    assert "refused:" in result.stdout and "expands to more than" in result.stdout


# --- numbers with a sane range ----------------------------------------------------------------------


@pytest.mark.parametrize("hours", [".inf", "-.inf", ".nan", "1.0e+300", "201"])
def test_topic_hours_must_be_finite_and_bounded(make_pack, invoke, hours):
    root = make_pack(topics={"alpha": topic_yaml("alpha", hours=hours)}, categories=True)
    result = invoke("curriculum", "validate", "--standalone", str(root))
    assert result.exit_code == 1
    assert "alpha.yaml:5: 'hours' must be greater than 0 and at most 200" in result.output


# --- import: every field by the rules the store writes by -------------------------------------------


def export_doc(**sections) -> dict:
    doc = {
        "kind": "backend-mentor-progress",
        "schema_version": 1,
        "profile": None,
        "topics": [],
        "attempts": [],
        "review_cards": [],
        "events": [],
    }
    doc.update(sections)
    return doc


PROFILE = {
    "active_path": "backend-developer",
    "experience": None,
    "language": None,
    "goal": None,
    "hours_per_week": 6,
    "created_at": "2026-01-01T00:00:00+00:00",
    "updated_at": "2026-01-01T00:00:00+00:00",
}
CARD = {
    "card_id": "http-basics#0",
    "topic_id": "http-basics",
    "question": 0,
    "state": "review",
    "due": "2026-01-02T00:00:00+00:00",
    "stability": 1.0,
    "difficulty": 5.0,
    "reps": 1,
    "lapses": 0,
    "last_review": "2026-01-01T00:00:00+00:00",
}
TOPIC = {
    "topic_id": "http-basics",
    "status": "done",
    "started_at": None,
    "completed_at": None,
    "updated_at": "2026-01-01T00:00:00+00:00",
}
ATTEMPT = {
    "checkpoint_id": "rest-check",
    "at": "2026-01-01T00:00:00+00:00",
    "passed": True,
    "score": 1.0,
    "manual": False,
    "evidence": None,
    "report": {},
}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (export_doc(profile={**PROFILE, "hours_per_week": 1e-9}), "profile: 'hours_per_week'"),
        (export_doc(profile={**PROFILE, "hours_per_week": 1e300}), "profile: 'hours_per_week'"),
        (export_doc(review_cards=[{**CARD, "due": "2026-01-02T00:00:00"}]), "review_cards[0]: 'due'"),
        (export_doc(topics=[{**TOPIC, "updated_at": "2026W01T12"}]), "topics[0]: 'updated_at'"),
        (export_doc(attempts=[{**ATTEMPT, "score": 1e30}]), "attempts[0]: 'score'"),
        (export_doc(attempts=[{**ATTEMPT, "score": -0.5}]), "attempts[0]: 'score'"),
        (export_doc(review_cards=[{**CARD, "stability": 1e300}]), "review_cards[0]: 'stability'"),
        (export_doc(review_cards=[{**CARD, "question": 10**12}]), "review_cards[0]: 'question'"),
        (export_doc(attempts=[{**ATTEMPT, "at": "0001-01-01T00:00:00+00:00"}]), "attempts[0]: 'at'"),
    ],
)
def test_import_refuses_values_that_would_break_later_commands(invoke, mini, tmp_path, doc, message):
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(doc))
    result = invoke("progress", "import", str(file))
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "internal error" not in result.stderr
    assert invoke("progress", "export").exit_code == 0


def test_import_refuses_nan_scores(invoke, mini, tmp_path):
    file = tmp_path / "nan.json"
    file.write_text(json.dumps(export_doc(attempts=[{**ATTEMPT, "score": math.nan}])))
    assert "NaN" in file.read_text()
    result = invoke("progress", "import", str(file))
    assert result.exit_code == 1 and "nan.json" in result.stderr
    assert json.loads(invoke("progress", "export").stdout)["attempts"] == []


def test_import_stores_times_in_utc_like_the_store(invoke, mini, tmp_path):
    file = tmp_path / "tz.json"
    file.write_text(json.dumps(export_doc(topics=[{**TOPIC, "updated_at": "2026-01-01T02:00:00+02:00"}])))
    assert invoke("progress", "import", str(file)).exit_code == 0
    [row] = json.loads(invoke("progress", "export").stdout)["topics"]
    assert row["updated_at"] == "2026-01-01T00:00:00+00:00"


# --- property: whatever import accepts, every read command can read -------------------------------

TIMES = st.one_of(
    st.sampled_from(
        [
            "2026-01-01T00:00:00+00:00",
            "2026-01-01T00:00:00Z",
            "2026-06-30T23:59:59.5-07:00",
            "2026-01-01T00:00:00",
            "2026W01T12",
            "2026-01-01",
            "9999-12-31T23:59:59+00:00",
            "1970-01-01T00:00:00+14:00",
            "2026-02-30T00:00:00+00:00",
            "",
        ]
    ),
    st.datetimes(timezones=st.just(__import__("datetime").timezone.utc)).map(lambda d: d.isoformat()),
    st.text(max_size=30),
)
NUMBERS = st.one_of(
    st.floats(allow_nan=False),
    st.integers(-(10**20), 10**20),
    st.floats(-2, 200),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)
TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["http-basics", "rest-check", "\x1b]52;c;aGk=\x07", "[/bold]"]),
    st.none(),
    st.integers(),
)
OBJECTS = st.one_of(
    st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.lists(st.integers(), max_size=2),
    st.none(),
)
ROWS = {
    "topics": st.fixed_dictionaries(
        {
            "topic_id": TEXTS,
            "status": st.sampled_from(["done", "learning", "skipped", "not-started", "bogus"]),
            "started_at": st.one_of(st.none(), TIMES),
            "completed_at": st.one_of(st.none(), TIMES),
            "updated_at": TIMES,
        }
    ),
    "attempts": st.fixed_dictionaries(
        {
            "checkpoint_id": TEXTS,
            "at": TIMES,
            "passed": st.one_of(st.booleans(), NUMBERS),
            "score": NUMBERS,
            "manual": st.booleans(),
            "evidence": TEXTS,
            "report": OBJECTS,
        }
    ),
    "review_cards": st.fixed_dictionaries(
        {
            "card_id": TEXTS,
            "topic_id": TEXTS,
            "question": NUMBERS,
            "state": TEXTS,
            "due": TIMES,
            "stability": NUMBERS,
            "difficulty": NUMBERS,
            "reps": NUMBERS,
            "lapses": NUMBERS,
            "last_review": st.one_of(st.none(), TIMES),
        }
    ),
    "events": st.fixed_dictionaries({"at": TIMES, "kind": TEXTS, "subject": TEXTS, "data": OBJECTS}),
}
PROFILES = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "active_path": st.sampled_from(["backend-developer", "nope", None]),
            "experience": TEXTS,
            "language": TEXTS,
            "goal": TEXTS,
            "hours_per_week": NUMBERS,
            "created_at": TIMES,
            "updated_at": TIMES,
        }
    ),
)
WILD_DOCUMENTS = st.fixed_dictionaries(
    {
        "kind": st.just("backend-mentor-progress"),
        "schema_version": st.just(1),
        "profile": PROFILES,
        **{name: st.lists(rows, max_size=3) for name, rows in ROWS.items()},
    }
)

# Documents inside the accepted space, explored to its edges: any text, any offset, years 1970-2999,
# numbers up to their limits.
_OFFSETS = st.builds(
    lambda m: __import__("datetime").timezone(__import__("datetime").timedelta(minutes=m)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
)
_DT = __import__("datetime").datetime
OK_TIMES = st.datetimes(min_value=_DT(1970, 1, 2), max_value=_DT(2999, 12, 30), timezones=_OFFSETS).map(
    lambda d: d.isoformat()
)
OK_TEXT = st.one_of(
    st.text(min_size=1, max_size=30).filter(str.strip),
    st.sampled_from(["http-basics", "rest-check", "\x1b]52;c;aGk=\x07", "[/bold]", "x\x1b[2J"]),
)
OK_DATA = st.dictionaries(st.text(max_size=5), st.one_of(st.integers(-(10**6), 10**6), st.text(max_size=5)), max_size=3)
OK_ROWS = {
    "topics": st.fixed_dictionaries(
        {
            "topic_id": OK_TEXT,
            "status": st.sampled_from(["done", "learning", "skipped", "not-started"]),
            "started_at": st.one_of(st.none(), OK_TIMES),
            "completed_at": st.one_of(st.none(), OK_TIMES),
            "updated_at": OK_TIMES,
        }
    ),
    "attempts": st.fixed_dictionaries(
        {
            "checkpoint_id": OK_TEXT,
            "at": OK_TIMES,
            "passed": st.booleans(),
            "score": st.floats(0, 1),
            "manual": st.booleans(),
            "evidence": st.one_of(st.none(), st.text(max_size=30)),
            "report": OK_DATA,
        }
    ),
    "review_cards": st.fixed_dictionaries(
        {
            "card_id": OK_TEXT,
            "topic_id": OK_TEXT,
            "question": st.integers(0, 999),
            "state": OK_TEXT.filter(lambda t: len(t) <= 40),
            "due": OK_TIMES,
            "stability": st.floats(0, 1e6),
            "difficulty": st.floats(0, 10),
            "reps": st.integers(0, 10**6),
            "lapses": st.integers(0, 10**6),
            "last_review": st.one_of(st.none(), OK_TIMES),
        }
    ),
    "events": st.fixed_dictionaries(
        {"at": OK_TIMES, "kind": OK_TEXT, "subject": st.one_of(st.none(), OK_TEXT), "data": OK_DATA}
    ),
}
OK_PROFILES = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "active_path": st.sampled_from(["backend-developer", "no-such-path", None]),
            "experience": st.none() | OK_TEXT,
            "language": st.none() | OK_TEXT,
            "goal": st.none() | OK_TEXT,
            "hours_per_week": st.none() | st.floats(0.5, 80),
            "created_at": OK_TIMES,
            "updated_at": OK_TIMES,
        }
    ),
)
OK_DOCUMENTS = st.fixed_dictionaries(
    {
        "kind": st.just("backend-mentor-progress"),
        "schema_version": st.just(1),
        "profile": OK_PROFILES,
        **{name: st.lists(rows, max_size=4) for name, rows in OK_ROWS.items()},
    }
)
BAD_TIMES = [
    "2026-01-01T00:00:00",
    "2026W01T12",
    "2026-01-01",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59+00:00",
    "2026-01-01T00:00:00+25:00",
    "yesterday",
    20260101,
]
BAD_NUMBERS = [1e30, 1e-9, -1, 10**30, math.inf, math.nan, 1e300, True, "1"]
BAD_TEXTS = ["", " ", 1, "x" * 300, ["a"]]
TIME_KEYS = {"at", "due", "last_review", "started_at", "completed_at", "updated_at", "created_at"}
NUMBER_KEYS = {"score", "stability", "difficulty", "reps", "lapses", "question", "hours_per_week"}


def hostile_for(key: str):
    if key in TIME_KEYS:
        return st.sampled_from(BAD_TIMES)
    if key in NUMBER_KEYS:
        return st.sampled_from(BAD_NUMBERS)
    if key in ("data", "report"):
        deep: object = 1
        for _ in range(40):
            deep = [deep]
        return st.sampled_from([[], None, "text", {"deep": deep}])
    return st.sampled_from(BAD_TEXTS)


@st.composite
def one_field_off(draw) -> dict:
    """A valid document with one field replaced by a hostile value (most are refused, some are not)."""
    document = draw(OK_DOCUMENTS)
    places = [(document, "profile", key) for key in (document["profile"] or {})]
    places = [(document["profile"], key) for _, _, key in places]
    for name in ROWS:
        places += [(row, key) for row in document[name] for key in row]
    if places:
        container, key = draw(st.sampled_from(places))
        container[key] = draw(hostile_for(key))
    return document


DOCUMENTS = st.one_of(OK_DOCUMENTS, one_field_off(), WILD_DOCUMENTS)
READ_COMMANDS = [
    ("progress",),
    ("progress", "--json"),
    ("review",),
    ("review", "--json"),
    ("path", "show"),
    ("path", "plan"),
    ("progress", "export"),
    ("progress", "export", "--format", "csv"),
    ("progress", "export", "--format", "md"),
    (),
]


@pytest.mark.slow
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(document=DOCUMENTS)
def test_property_what_import_accepts_every_command_can_read(document, invoke, mini, tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BACKEND_MENTOR_HOME", str(home))
    monkeypatch.setenv("BACKEND_MENTOR_NOW", "2026-01-05T00:00:00+00:00")
    file = home / "import.json"
    file.write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    imported = invoke("progress", "import", str(file))
    assert imported.exit_code in (0, 1) and "internal error" not in imported.output, imported.output
    if imported.exit_code == 1:
        return
    active = (document["profile"] or {}).get("active_path")
    for command in READ_COMMANDS:
        result = invoke(*command)
        assert "internal error" not in result.output, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, result.exception)
        if result.exit_code != 0:
            # The only error allowed: the active path is not (or no longer) in the curriculum, said in one line.
            lines = result.stderr.strip().splitlines()
            assert result.exit_code == 1 and len(lines) == 1, (command, result.output)
            assert active not in (None, "backend-developer") or command[:1] == ("path",), (command, result.output)


# --- import streams and reads only regular files ------------------------------------------------------


NOTE = "n" * 400  # every event carries a note, so a file of 30 MB needs only 60,000 events to import


def big_export(path: Path, events: int) -> None:
    """An export without uids (the oldest format: each row's identity is derived and counted)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            '{"kind": "backend-mentor-progress", "schema_version": 1, "profile": null, "topics": [], '
            '"attempts": [], "review_cards": [], "events": [\n'
        )
        for n in range(events):
            handle.write(
                ("," if n else "") + f'{{"at": "2026-01-01T00:00:00+00:00", "kind": "k", "subject": "s{n}", '
                f'"data": {{"n": {n}, "note": "{NOTE}"}}}}\n'
            )
        handle.write("]}\n")


@pytest.mark.slow
def test_import_memory_stays_bounded_for_a_large_file(tmp_path):
    """Streaming keeps memory flat: the import grows by a few MB (6 here). The bound sits well below
    what holding the file would take (reading it whole first: 63 MB more; json.load alone: 76 MB)."""
    file = tmp_path / "big.json"
    big_export(file, 60_000)
    size_mb = file.stat().st_size / 1e6
    assert size_mb > 25
    result = run_limited(
        f"""
        import os, resource
        os.environ["BACKEND_MENTOR_HOME"] = {str(tmp_path / "home")!r}
        from backend_mentor.progress.store import Store
        from backend_mentor.progress import transfer
        from pathlib import Path
        store = Store(Path({str(tmp_path / "home" / "progress.db")!r}))
        store.applied_migrations()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if hasattr(transfer, "import_progress"):
            counts = transfer.import_progress(store, Path({str(file)!r}))
        else:
            counts = transfer.merge(store, transfer.read_import(Path({str(file)!r})))
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(counts["events_added"], (after - before) // 1024)
    """,
        memory_mb=2000,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-800:]
    added, grown_mb = map(int, result.stdout.split())
    assert added == 60_000
    assert grown_mb < 25, f"import of a {size_mb:.0f} MB file grew memory by {grown_mb} MB"


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder"])
def test_import_refuses_what_is_not_a_regular_file(tmp_path, special):
    target = special
    if special == "fifo":
        target = str(tmp_path / "pipe.json")
        os.mkfifo(target)
    elif special == "folder":
        target = str(tmp_path)
    env = {**os.environ, "BACKEND_MENTOR_HOME": str(tmp_path / "home")}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "backend_mentor", "progress", "import", target],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            preexec_fn=lambda: __import__("resource").setrlimit(__import__("resource").RLIMIT_AS, (1 << 30, 1 << 30)),
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"import {special} did not finish")
    assert result.returncode == 1
    assert "not a regular file" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --- pack entries that cannot be read are reported --------------------------------------------------


def test_unreadable_pack_entries_are_reported_not_skipped(make_pack, invoke):
    root = make_pack(topics={"alpha": topic_yaml("alpha")}, categories=True)
    folder = root / "topics" / "internet"
    os.symlink(folder / "loop-b.yaml", folder / "loop-a.yaml")
    os.symlink(folder / "loop-a.yaml", folder / "loop-b.yaml")
    os.mkfifo(folder / "pipe.yaml")
    os.symlink("/dev/zero", folder / "zero.yaml")
    result = invoke("curriculum", "validate", "--standalone", str(root), "--json")
    problems = {Path(p["file"]).name: p["message"] for p in json.loads(result.stdout)["problems"]}
    assert set(problems) >= {"loop-a.yaml", "loop-b.yaml", "pipe.yaml", "zero.yaml"}, problems
    assert all(m.startswith("cannot read file") for name, m in problems.items() if name != "alpha.yaml")
