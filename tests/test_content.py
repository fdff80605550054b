"""The shipped curriculum: valid, complete, teachable, and its examples correct."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

import pytest

from backend_mentor.curriculum.catalog import load_catalog
from backend_mentor.curriculum.schema import EXAMPLE_LANGUAGES
from backend_mentor.curriculum.search import search


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_counts(catalog):
    assert len(catalog.topics) >= 150
    assert len(catalog.paths) >= 17
    assert len(catalog.checkpoints) == 8
    assert len(catalog.projects) == 15
    assert all(sum(1 for t in catalog.topics.values() if t.category == c) for c in catalog.categories)


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def test_every_lesson_teaches_at_length(catalog):
    short_or_long = {t.id: words(t.lesson) for t in catalog.topics.values() if not 230 <= words(t.lesson) <= 650}
    assert short_or_long == {}


def test_every_topic_has_its_parts(catalog):
    problems = []
    for topic in catalog.topics.values():
        if len(topic.quiz) < 3:
            problems.append(f"{topic.id}: fewer than 3 quiz questions")
        if len(topic.resources) < 2:
            problems.append(f"{topic.id}: fewer than 2 resources")
        if len(topic.exercise.get("steps", [])) < 2 or not topic.exercise.get("done_when"):
            problems.append(f"{topic.id}: exercise without steps or done_when")
        if not topic.aliases:
            problems.append(f"{topic.id}: no aliases")
        if any(not q["why"].strip() for q in topic.quiz):
            problems.append(f"{topic.id}: a quiz answer without an explanation")
    assert problems == []


def test_quiz_answers_are_not_always_in_the_same_place(catalog):
    positions = Counter(q["answer"] for t in catalog.topics.values() for q in t.quiz)
    total = sum(positions.values())
    assert positions[0] / total < 0.5 and positions[1] / total > 0.15 and positions[2] / total > 0.1


FILLER = re.compile(r"in today's|seamless|cutting[- ]edge|game[- ]changer|important in modern development", re.I)


def test_no_filler_phrases(catalog):
    found = {t.id: FILLER.findall(f"{t.summary} {t.lesson}") for t in catalog.topics.values()}
    assert {k: v for k, v in found.items() if v} == {}


def all_examples(catalog):
    return [(t.id, e) for t in catalog.topics.values() for e in t.examples]


def test_python_examples_compile(catalog):
    failures = []
    for topic_id, example in all_examples(catalog):
        if example["language"] == "python":
            try:
                compile(example["code"], f"{topic_id}: {example['title']}", "exec")
            except SyntaxError as exc:
                failures.append(f"{topic_id}: {exc}")
    assert failures == []


def test_sql_examples_run_on_sqlite_unless_they_name_a_dialect(catalog):
    failures, ran = [], 0
    for topic_id, example in all_examples(catalog):
        if example["language"] != "sql" or example.get("dialect") not in (None, "sqlite"):
            continue
        db = sqlite3.connect(":memory:")
        try:
            db.executescript(example["code"])
            ran += 1
        except sqlite3.Error as exc:
            failures.append(f"{topic_id} / {example['title']}: {exc}")
        finally:
            db.close()
    assert failures == []
    assert ran >= 20


def test_other_examples_are_tagged_and_not_empty(catalog):
    for topic_id, example in all_examples(catalog):
        assert example["language"] in EXAMPLE_LANGUAGES, topic_id
        assert example["code"].strip(), topic_id


LANGUAGE_TOPICS = {
    "express": "javascript typescript",
    "nestjs": "typescript",
    "django": "python",
    "fastapi": "python",
    "flask": "python",
    "spring-boot": "java kotlin",
    "spring-data": "java kotlin",
    "gin": "go",
    "echo": "go",
    "laravel": "php",
    "symfony": "php",
    "wordpress-architecture": "php",
    "go-concurrency": "go",
    "python-asyncio": "python",
    "csharp-aspnet-core": "csharp",
    "ruby-rails": "ruby",
    "jest": "javascript typescript",
    "mocha": "javascript typescript",
    "pytest": "python",
    "junit": "java kotlin",
    "go-testing": "go",
}


def test_language_and_framework_topics_carry_code_in_their_own_language(catalog):
    for topic_id, languages in LANGUAGE_TOPICS.items():
        topic = catalog.topics[topic_id]
        assert any(e["language"] in languages.split() for e in topic.examples), topic_id


def test_resources_are_https_links(catalog):
    plain = [
        (t.id, r["url"]) for t in catalog.topics.values() for r in t.resources if not r["url"].startswith("https://")
    ]
    assert plain == []


def test_prerequisites_point_to_earlier_or_equal_levels(catalog):
    rank = {"beginner": 0, "intermediate": 1, "advanced": 2}
    backwards = [
        (t.id, p)
        for t in catalog.topics.values()
        for p in t.prerequisites
        if rank[catalog.topics[p].level] > rank[t.level]
    ]
    assert backwards == []


def test_http_comes_before_rest_before_api_security(catalog):
    def needs(topic_id: str, target: str) -> bool:
        seen, stack = set(), [topic_id]
        while stack:
            current = stack.pop()
            for p in catalog.topics[current].prerequisites:
                if p == target:
                    return True
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return False

    assert needs("rest-principles", "http-basics")
    assert needs("api-security", "rest-principles")
    assert needs("jwt", "authentication-basics")


def test_every_topic_is_found_by_its_title(catalog):
    misses = []
    for topic in catalog.topics.values():
        best = search(catalog, topic.title).best
        if best is None or best.id != topic.id:
            misses.append(topic.id)
    assert misses == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jwt", "jwt"),
        ("json web token", "jwt"),
        ("bearer", "jwt"),
        ("bearer token", "token-auth"),
        ("cors", "cors"),
        ("grpc", "grpc"),
        ("protobuf", "grpc"),
        ("n+1", "n-plus-one"),
        ("n+1 queries", "n-plus-one"),
        ("kafka vs rabbitmq", "message-queues"),
        ("autentication", "authentication-basics"),
        ("acid", "acid-transactions"),
        ("explain plan", "execution-plans"),
        ("k8s", "kubernetes"),
        ("swagger", "openapi"),
        ("dataloader", "graphql-resolvers"),
        ("saga", "distributed-transactions"),
        ("2pc", "distributed-transactions"),
        ("problem details", "api-error-formats"),
        ("oauth", "oauth2"),
        ("bcrypt", "password-hashing"),
        ("pgbouncer", "connection-pooling"),
        ("elasticsearch", "search-engines"),
    ],
)
def test_loose_queries_find_the_right_topic(catalog, query, expected):
    result = search(catalog, query)
    assert result.best is not None and result.best.id == expected, [h.id for h in result.hits[:3]]


def test_path_list_shows_every_path_and_path_show_renders_each_plan(invoke, catalog):
    listed = invoke("path", "list").stdout
    for path in catalog.paths.values():
        assert path.id in listed, path.id
        result = invoke("path", "show", path.id, "--all")
        assert result.exit_code == 0, (path.id, result.output)
        for label in ("Beginner (0-3 months)", "Intermediate (3-6 months)", "Advanced (6-12 months)"):
            assert label in result.stdout, (path.id, label)
        for stage in path.stages:
            for module in stage.modules:
                assert module.title in result.stdout, (path.id, module.title)


# --- Quizzes that test understanding, not test-taking -------------------------------------------------


def right_answer_is_single_longest(question: dict) -> bool:
    lengths = [len(choice) for choice in question["choices"]]
    right = lengths[question["answer"]]
    return right == max(lengths) and lengths.count(right) == 1


def test_the_longest_option_is_not_a_tell(catalog):
    # "Pick the longest option" must not pass a quiz: across the whole curriculum the right answer
    # may be the single longest option in at most 30 % of questions (issue 14; 84 % before).
    # The curriculum is rewritten in two halves on two branches; until both are merged this can
    # fail on a branch that carries only one half.
    questions = [(t.id, q) for t in catalog.topics.values() for q in t.quiz]
    tells = [f"{topic_id}: {q['q'][:60]}" for topic_id, q in questions if right_answer_is_single_longest(q)]
    share = len(tells) / len(questions)
    assert share <= 0.30, (
        f"{len(tells)}/{len(questions)} = {share:.0%} of questions are won by picking the longest option"
    )


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_no_quiz_question_is_repeated_across_topics(catalog):
    asked_in: dict[str, set[str]] = {}
    for topic in catalog.topics.values():
        for q in topic.quiz:
            asked_in.setdefault(normalised(q["q"]), set()).add(topic.id)
    repeated = {text: sorted(ids) for text, ids in asked_in.items() if len(ids) > 1}
    assert repeated == {}


# --- Each example's declared language is the language of its code, checked by a real parser -----------


def examples_in(catalog, language: str) -> list[tuple[str, dict]]:
    return [(t.id, e) for t in catalog.topics.values() for e in t.examples if e["language"] == language]


def test_yaml_and_json_examples_parse(catalog):
    import json

    import yaml

    failures = []
    for topic_id, example in examples_in(catalog, "yaml"):
        try:
            list(yaml.safe_load_all(example["code"]))
        except yaml.YAMLError as exc:
            failures.append(f"{topic_id} / {example['title']}: {exc}")
    for topic_id, example in examples_in(catalog, "json"):
        try:
            json.loads(example["code"])
        except ValueError as exc:
            failures.append(f"{topic_id} / {example['title']}: {exc}")
    assert failures == []


def test_bash_examples_parse(catalog):
    import shutil
    import subprocess

    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    failures = []
    for topic_id, example in examples_in(catalog, "bash"):
        result = subprocess.run(["bash", "-n"], input=example["code"], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            failures.append(f"{topic_id} / {example['title']}: {result.stderr.strip()}")
    assert failures == []


# One Node process parses every snippet with V8, the parser `node --check` uses: a snippet passes if it
# is a valid CommonJS file (module wrapper, as `node --check x.js` compiles it) or a valid ES module
# (as `node --check x.mjs`). Spawning `node --check` per snippet would cost a process start each.
NODE_PARSER = r"""
const vm = require("node:vm");
const { wrap } = require("node:module");
const snippets = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const errors = snippets.map((code) => {
  try { new vm.Script(wrap(code)); return null; } catch (asScript) {
    try { new vm.SourceTextModule(code); return null; } catch (asModule) {
      return `${asScript.message} (as CommonJS) / ${asModule.message} (as ES module)`;
    }
  }
});
process.stdout.write(JSON.stringify(errors));
"""


def test_javascript_examples_parse_with_node(tmp_path, catalog):
    import json
    import shutil
    import subprocess

    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    examples = examples_in(catalog, "javascript")
    script = tmp_path / "parse.js"
    script.write_text(NODE_PARSER)
    result = subprocess.run(
        ["node", "--no-warnings", "--experimental-vm-modules", str(script)],
        input=json.dumps([e["code"] for _, e in examples]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    errors = json.loads(result.stdout)
    failures = [f"{topic_id} / {e['title']}: {err}" for (topic_id, e), err in zip(examples, errors) if err]
    assert failures == []
    assert len(examples) >= 20


def test_the_node_parser_rejects_what_is_not_javascript(tmp_path):
    import json
    import shutil
    import subprocess

    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    script = tmp_path / "parse.js"
    script.write_text(NODE_PARSER)
    snippets = [
        "def f():\n    return 1\n",
        "const x: number = 1;\n",
        "import fs from 'node:fs';\nawait 1;\n",
        "return 1;\n",
    ]
    result = subprocess.run(
        ["node", "--no-warnings", "--experimental-vm-modules", str(script)],
        input=json.dumps(snippets),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert [err is None for err in json.loads(result.stdout)] == [False, False, True, True]


GO_DECLARATION = re.compile(r"^(func|type|var|const|import)\b", re.M)


def as_go_file(code: str) -> str:
    """Go snippets that are fragments get a shell so gofmt can parse them: declarations get a package
    clause, bare statements are also wrapped in a function body. Complete files are checked as they are."""
    if re.search(r"^package \w+", code, re.M):
        return code
    if GO_DECLARATION.search(code):
        return "package snippet\n\n" + code
    return "package snippet\n\nfunc _() {\n" + code + "\n}\n"


def test_go_examples_parse_with_gofmt(tmp_path, catalog):
    import shutil
    import subprocess

    if shutil.which("gofmt") is None:
        pytest.skip("gofmt is not installed")
    examples = examples_in(catalog, "go")
    for index, (_, example) in enumerate(examples):
        (tmp_path / f"example{index}.go").write_text(as_go_file(example["code"]))
    result = subprocess.run(["gofmt", "-e", "-l", str(tmp_path)], capture_output=True, text=True, timeout=60)
    failures = []
    for line in result.stderr.splitlines():
        match = re.search(r"example(\d+)\.go:(.*)", line)
        if match:
            topic_id, example = examples[int(match.group(1))]
            failures.append(f"{topic_id} / {example['title']}:{match.group(2)}")
    assert failures == [] and result.returncode == 0, result.stderr
    assert len(examples) >= 10


def test_gofmt_rejects_what_is_not_go(tmp_path):
    import shutil
    import subprocess

    if shutil.which("gofmt") is None:
        pytest.skip("gofmt is not installed")
    (tmp_path / "a.go").write_text(as_go_file("x := []int{1, 2}\nfmt.Println(x)"))
    assert subprocess.run(["gofmt", "-e", "-l", str(tmp_path)], capture_output=True).returncode == 0
    (tmp_path / "b.go").write_text(as_go_file("const x = require('fs');\nfunction f() {}"))
    assert subprocess.run(["gofmt", "-e", "-l", str(tmp_path)], capture_output=True).returncode != 0


# javac with the JVM's quick compiler only: the same diagnostics for less than half the CPU (a
# compile of a few seconds never pays back the optimizing compiler's work).
JAVAC = ["javac", "-J-XX:TieredStopAtLevel=1"]
JAVA_TYPE = re.compile(r"^public\s+(?:(?:final|abstract|sealed)\s+)*(?:class|interface|record|enum)\s+(\w+)", re.M)
# Errors javac reports for names it cannot resolve (and for @Override on a method of a framework type it
# cannot see), or for several public types shown in one snippet: the only errors a snippet that is not
# self-contained may have. Syntax errors are never among them.
JAVA_NOT_SELF_CONTAINED = re.compile(
    r"error: (cannot find symbol|package [\w.]+ does not exist|cannot access |static import only from classes"
    r"|method does not override or implement a method from a supertype"
    r"|(class|interface|record|enum) \w+ is public, should be declared in a file)"
)
JDK_PACKAGES = ("java.", "javax.", "jdk.", "com.sun.net.httpserver.")


def java_is_self_contained(code: str) -> bool:
    """Imports only from the JDK (at least one), and at most one public top-level type."""
    imports = re.findall(r"^import\s+(?:static\s+)?([\w.]+)", code, re.M)
    return bool(imports) and all(i.startswith(JDK_PACKAGES) for i in imports) and len(JAVA_TYPE.findall(code)) <= 1


def javac_errors(tmp_path, code: str) -> list[str]:
    import subprocess

    (tmp_path / "Snippet.java").write_text(code)
    result = subprocess.run(
        [*JAVAC, "-proc:none", "-d", str(tmp_path / "out"), str(tmp_path / "Snippet.java")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in result.stderr.splitlines() if ": error: " in line]


@pytest.mark.slow
def test_javac_tolerates_only_unresolved_framework_names(tmp_path):
    """A framework snippet may fail only on names javac cannot see, including @Override on a method of an
    unresolved supertype (a Servlet filter); a syntax error in it is still an error."""
    import shutil

    if shutil.which("javac") is None:
        pytest.skip("javac is not installed")
    framework = (
        "import jakarta.servlet.http.HttpFilter;\n"
        "class LoggingFilter extends HttpFilter {\n"
        "    @Override\n"
        '    protected void init() { log("up"); }\n'
        "}\n"
    )
    errors = javac_errors(tmp_path, framework)
    assert errors and all(JAVA_NOT_SELF_CONTAINED.search(e) for e in errors)
    broken = framework.replace('log("up");', 'log("up")')
    assert not all(JAVA_NOT_SELF_CONTAINED.search(e) for e in javac_errors(tmp_path, broken))


@pytest.mark.slow
def test_java_examples_compile_with_javac(tmp_path, catalog):
    """Self-contained snippets must compile; the others (a framework's names, several files in one snippet)
    may have no error but javac not finding those names or wanting one file per public type."""
    import shutil
    import subprocess

    if shutil.which("javac") is None:
        pytest.skip("javac is not installed")
    examples = examples_in(catalog, "java")
    # The curriculum teaches Java 21 (virtual threads, records, pattern matching). An older javac
    # still checks the syntax of every snippet, but cannot resolve newer JDK names, so then no snippet
    # is held to a full compile.
    version = subprocess.run(["javac", "-version"], capture_output=True, text=True).stdout + "0"
    javac_knows_java_21 = int(re.search(r"(\d+)", version).group(1)) >= 21
    files = []
    for index, (_, example) in enumerate(examples):
        name = JAVA_TYPE.search(example["code"])
        folder = tmp_path / f"example{index}"
        folder.mkdir()
        files.append(folder / f"{name.group(1) if name else 'Snippet'}.java")
        files[-1].write_text(example["code"])
    result = subprocess.run(
        [*JAVAC, "-proc:none", "-Xmaxerrs", "10000", "-d", str(tmp_path / "out"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    failures = []
    for line in result.stderr.splitlines():
        match = re.search(r"example(\d+)[/\\]\w+\.java:(\d+): (error: .*)", line)
        if not match:
            continue
        topic_id, example = examples[int(match.group(1))]
        full_compile = javac_knows_java_21 and java_is_self_contained(example["code"])
        if full_compile or not JAVA_NOT_SELF_CONTAINED.search(match.group(3)):
            failures.append(f"{topic_id} / {example['title']}:{match.group(2)}: {match.group(3)}")
    assert failures == []


# --- PostgreSQL examples run on a real PostgreSQL ------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_socket_dir():
    """A throwaway PostgreSQL cluster on a unix socket, started for this module and removed after."""
    import glob
    import os
    import shutil
    import subprocess
    import tempfile
    import time
    from pathlib import Path

    initdb = shutil.which("initdb") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)), None
    )
    if initdb is None:
        pytest.skip("PostgreSQL server binaries (initdb) are not installed")
    bindir = Path(initdb).resolve().parent  # /usr/local/bin/initdb may be a symlink into the real bindir
    base = Path(tempfile.mkdtemp(prefix="bm-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        import pwd

        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, and there is no postgres user to run the server as")
        os.chown(base, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
        timeout=180,
    )
    server = subprocess.Popen(
        [
            *as_user,
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-k",
            str(base),
            "-c",
            "listen_addresses=",
            "-c",
            "fsync=off",
            "-c",
            "shared_preload_libraries=pg_stat_statements",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120  # generous: the machine may be busy
        while subprocess.run([str(bindir / "pg_isready"), "-h", str(base), "-q"]).returncode != 0:
            assert server.poll() is None, "the PostgreSQL server exited during start-up"
            assert time.monotonic() < deadline, "the PostgreSQL server did not start within 120 s"
            time.sleep(0.2)
        yield bindir, base
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(base, ignore_errors=True)


# What a PostgreSQL example may fail with when it is a fragment over the learner's own tables or needs
# something outside one server: an undefined table, an extension that is not installed, a remote host.
PG_EXPECTED = {"42P01": "undefined table", "08001": "cannot connect to a remote server"}
PG_EXTENSION_MISSING = re.compile(r"extension \S+ is not available|could not open extension control file")


def run_postgres_example(bindir, socket_dir, code: str) -> tuple[str, str]:
    """Run code in a fresh database; return (SQLSTATE, message) of the first error, or ("", "")."""
    import subprocess

    psql = [str(bindir / "psql"), "-h", str(socket_dir), "-U", "postgres", "-X", "-q"]
    subprocess.run(
        [*psql, "-d", "postgres", "-c", "DROP DATABASE IF EXISTS example", "-c", "CREATE DATABASE example"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    result = subprocess.run(
        [*psql, "-d", "example", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose"],
        input=code,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode == 0:
        return "", ""
    match = re.search(r"ERROR:\s+([0-9A-Z]{5}):\s*(.*)", result.stderr)
    return (match.group(1), match.group(2)) if match else ("?????", result.stderr.strip()[-200:])


@pytest.mark.slow
def test_postgres_examples_run_on_postgres(catalog, postgres_socket_dir):
    """Every example tagged dialect: postgres runs on a fresh database; fragments may stop only because
    they use tables the learner has, an extension the server lacks, or a remote host. (Until the other
    content branch's fix for transactions/locking-mvcc is merged, its `WHERE id = $1` fails here: a
    psql script has no parameter $1, as issue 14 says.)"""
    bindir, socket_dir = postgres_socket_dir
    examples = [(t.id, e) for t in catalog.topics.values() for e in t.examples if e.get("dialect") == "postgres"]
    failures = []
    for topic_id, example in examples:
        code, message = run_postgres_example(bindir, socket_dir, example["code"])
        expected = code in PG_EXPECTED or (code == "0A000" and PG_EXTENSION_MISSING.search(message))
        if code and not expected:
            failures.append(f"{topic_id} / {example['title']}: {code} {message}")
    assert failures == []
    assert len(examples) >= 10


@pytest.mark.slow
def test_the_postgres_check_catches_a_broken_example(postgres_socket_dir):
    bindir, socket_dir = postgres_socket_dir
    broken = "SELECT round(random() * 10, 2);"  # round(double precision, integer) does not exist
    assert run_postgres_example(bindir, socket_dir, broken)[0] == "42883"
    assert run_postgres_example(bindir, socket_dir, "SELECT round((random() * 10)::numeric, 2);") == ("", "")


def test_every_shipped_exercise_says_how_it_was_tried(catalog):
    """Run here exactly as written, or desk-checked against the tools' docs: never left unsaid."""
    untried = [t.id for t in catalog.topics.values() if (t.exercise or {}).get("tried") not in ("ran", "desk-checked")]
    assert untried == []
