"""The http-rest verifier (checkpoint build-rest-api) judged against real frameworks.

Reference solutions in ``tests/solutions``: Flask (werkzeug ``make_server``), FastAPI (uvicorn) and
Node's built-in ``http`` module pass every check; for every check a realistic variant of one of
them with exactly that defect fails exactly that check. The Todo-Backend profile is judged against
a Flask server that does only what the official spec asks.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import pytest
import yaml
from http_helpers import by_name, failed, serve_asgi, serve_node, serve_wsgi, skipped, verify
from http_servers import JsonHandler, RedirectLoopHandler, raw_server, serve
from solutions import rest_fastapi, rest_flask, rest_todo_flask

from backend_mentor.checkpoints import _http, http_rest
from backend_mentor.checkpoints.base import VerifierInputError, VerifyOptions, verdict

NODE_SOLUTION = str(Path(__file__).parent / "solutions" / "rest_node.js")


def flask_server(*defects: str) -> AbstractContextManager[str]:
    return serve_wsgi(rest_flask.make_app(set(defects)))


def fastapi_server(*defects: str) -> AbstractContextManager[str]:
    return serve_asgi(rest_fastapi.make_app(set(defects)))


def node_server(*defects: str) -> AbstractContextManager[str]:
    return serve_node(NODE_SOLUTION, {"REST_DEFECTS": ",".join(defects)})


def todo_server(*defects: str) -> AbstractContextManager[str]:
    return serve_wsgi(rest_todo_flask.make_app(set(defects)))


FRAMEWORKS: dict[str, Callable[..., AbstractContextManager[str]]] = {
    "flask": flask_server,
    "fastapi": fastapi_server,
    "node": node_server,
}


@pytest.fixture
def solution() -> Iterator[Callable[..., str]]:
    """Starts a reference solution on 127.0.0.1 (ephemeral port): ``solution("flask", "create-200")``
    gives its URL; every server started in a test is stopped when the test ends, pass or fail."""
    servers = {**FRAMEWORKS, "todo": todo_server}
    with ExitStack() as stack:
        yield lambda name, *defects: stack.enter_context(servers[name](*defects))


@pytest.fixture
def no_clock_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip the one-second wait before the created_at check (only the test of that check needs it)."""
    monkeypatch.setattr(http_rest, "CLOCK_TICK", 0.0)


def notes_check_names() -> list[str]:
    return [spec.name for spec in http_rest.NOTES_CHECKS]


# --- the notes contract ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_reference_solution_passes_every_check_and_is_cleaned_up(framework: str, solution) -> None:
    url = solution(framework)
    checks = verify(http_rest, url)
    left = json.loads(_http.exchange(_http.Request("GET", url + "/notes"), 5).body)
    assert failed(checks) == [] and skipped(checks) == []
    assert [c.name for c in checks] == notes_check_names() and len(checks) == 19
    assert not any(c.warnings for c in checks)
    assert left["total"] == 0 and left["items"] == []


NOTES_DEFECTS = [
    (
        "flask",
        "create-200",
        "POST /notes creates a note: 201 and the note as JSON",
        r"POST /notes answered 200 OK, expected 201 Created",
    ),
    ("flask", "no-location", "POST /notes sends Location: /notes/{id}", r"POST /notes sent no Location header"),
    (
        "flask",
        "json-dumps",
        "JSON responses have Content-Type: application/json",
        r"GET /notes/\d+ answered 200 OK with Content-Type: text/html; charset=utf-8",
    ),
    (
        "fastapi",
        "text-plain-list",
        "JSON responses have Content-Type: application/json",
        r"GET /notes\?limit=1 answered 200 OK with Content-Type: text/plain; charset=utf-8",
    ),
    ("flask", "read-id-as-string", "GET /notes/{id} returns the note", r"after GET /notes/\d+, 'id' is '\d+'"),
    (
        "flask",
        "list-index-500",
        # notes[id - 1] also raises IndexError for an id beyond 64 bits: the malformed-id check fails too
        ("GET /notes/{id} of a missing note is 404", "GET /notes/{malformed id} is 404, 400 or 422, never 5xx"),
        r"GET /notes/\d+ \(no such note\) answered 500 Internal Server Error, expected 404 Not Found",
    ),
    (
        "flask",
        "int-parse-500",
        "GET /notes/{malformed id} is 404, 400 or 422, never 5xx",
        r"GET /notes/not-a-number answered 500 Internal Server Error, expected 404 Not Found or 400 Bad Request "
        r"or 422 Unprocessable Content",
    ),
    (
        "flask",
        "sqlite-id-overflow",
        "GET /notes/{malformed id} is 404, 400 or 422, never 5xx",
        r"GET /notes/99999999999999999999 answered 500 Internal Server Error, expected 404 Not Found or 400 Bad "
        r"Request or 422 Unprocessable Content",
    ),
    (
        "flask",
        "sqlite-offset-overflow",
        "GET /notes pages oldest first; offset counts notes",
        r"GET /notes\?offset=99999999999999999999 answered 500 Internal Server Error, expected 200 OK or 400 Bad "
        r"Request or 422 Unprocessable Content",
    ),
    (
        "flask",
        "newest-first",
        "GET /notes pages oldest first; offset counts notes",
        r"limit=2&offset=\d+ \(of \d+\) gave ids \[.*\]; the newest note comes first, but the list is oldest first",
    ),
    (
        "fastapi",
        "newest-first",
        "GET /notes pages oldest first; offset counts notes",
        r"limit=2&offset=\d+ \(of \d+\) gave ids \[.*\]; the newest note comes first, but the list is oldest first",
    ),
    (
        "node",
        "newest-first",
        "GET /notes pages oldest first; offset counts notes",
        r"limit=2&offset=\d+ \(of \d+\) gave ids \[.*\]; the newest note comes first, but the list is oldest first",
    ),
    (
        "flask",
        "offset-as-page",
        "GET /notes pages oldest first; offset counts notes",
        r"limit=2&offset=\d+ \(of \d+\) gave ids \[\]; offset seems to count pages, not notes .*",
    ),
    (
        "fastapi",
        "offset-as-page",
        "GET /notes pages oldest first; offset counts notes",
        r"limit=2&offset=\d+ \(of \d+\) gave ids \[\]; offset seems to count pages, not notes .*",
    ),
    (
        "flask",
        "limit-clamped",
        "GET /notes rejects a bad limit or offset, and limit over 100",
        r"GET /notes\?limit=101 answered 200 OK, expected 400 Bad Request or 422 Unprocessable Content",
    ),
    (
        "fastapi",
        "limit-clamped",
        "GET /notes rejects a bad limit or offset, and limit over 100",
        r"GET /notes\?limit=101 answered 200 OK, expected 400 Bad Request or 422 Unprocessable Content",
    ),
    (
        "flask",
        "ignore-tag",
        "GET /notes?tag= returns only notes with that tag",
        r"\?tag=tag-\w+ gave ids \[.*\] and total \d+",
    ),
    (
        "flask",
        "put-merges",
        "PUT /notes/{id} replaces the whole note",
        r"after PUT without 'tags' \(tags go back to \[\]\), 'tags' is \['old-\w+'\]",
    ),
    (
        "flask",
        "update-from-body",
        "PUT and PATCH never change id or created_at",
        r"after a PUT with id and created_at in the body, the PUT answer has a different id and created_at",
    ),
    (
        "flask",
        "put-extends-tags",
        "PUT is idempotent: the same PUT twice, the same note",
        r"the second PUT differs from the first PUT in tags",
    ),
    (
        "flask",
        "patch-replaces",
        "PATCH /notes/{id} changes only the given fields",
        r"after PATCH of the title only, 'body' is ''",
    ),
    (
        "fastapi",
        "patch-replaces",
        "PATCH /notes/{id} changes only the given fields",
        r"after PATCH of the title only, 'body' is ''",
    ),
    (
        "flask",
        "delete-200",
        "DELETE /notes/{id} is 204, then GET is 404",
        r"DELETE /notes/\d+ answered 200 OK, expected 204 No Content",
    ),
    (
        "flask",
        "delete-missing-204",
        "DELETE of an already deleted note is 404",
        r"the second DELETE /notes/\d+ answered 204 No Content, expected 404 Not Found",
    ),
    (
        "flask",
        "error-not-naming-field",
        "POST without a title is 400/422 naming 'title'",
        r"the error body does not name the field 'title'",
    ),
    (
        "flask",
        "no-length-check",
        "POST with invalid field values is 400/422",
        r'POST /notes with \{"title": "x+… answered 201 Created, expected 400 Bad Request or 422 Unprocessable Content',
    ),
    (
        "flask",
        "bad-json-500",
        "POST with malformed JSON is 400/422, not 5xx",
        r"POST /notes with a body that is not valid JSON answered 500 Internal Server Error, expected .*",
    ),
    (
        "flask",
        "html-405",
        "PUT, PATCH and DELETE on /notes are 405",
        r"PUT /notes answered 405 Method Not Allowed with a body that is not JSON \(text/html\); every response with "
        r"a body must be JSON, errors too",
    ),
]


@pytest.mark.parametrize(
    ("framework", "defect", "check", "message"), NOTES_DEFECTS, ids=[f"{f}-{d}" for f, d, _, _ in NOTES_DEFECTS]
)
def test_each_realistic_defect_fails_exactly_its_check(
    framework, defect, check, message, solution, no_clock_tick
) -> None:
    url = solution(framework, defect)
    checks = verify(http_rest, url)
    expected = list(check) if isinstance(check, tuple) else [check]  # the first is the one the message is for
    assert [c.name for c in failed(checks)] == expected, [(c.name, c.message) for c in failed(checks)]
    failure = failed(checks)[0]
    assert re.fullmatch(message, failure.message), failure.message
    assert failure.reproduce and all(line.startswith("curl -i ") for line in failure.reproduce.splitlines())
    assert skipped(checks) == []


def test_every_notes_check_has_a_defect_that_fails_only_it() -> None:
    primary = {check[0] if isinstance(check, tuple) else check for _, _, check, _ in NOTES_DEFECTS}
    assert sorted(set(notes_check_names())) == sorted(primary)


@pytest.mark.slow
def test_a_created_at_stamped_anew_in_whole_seconds_is_caught_a_clock_tick_later(solution) -> None:
    url = solution("fastapi", "stamp-on-put")
    started = time.monotonic()
    checks = verify(http_rest, url)
    assert time.monotonic() - started >= http_rest.CLOCK_TICK
    (failure,) = failed(checks)
    assert failure.name == "PUT and PATCH never change id or created_at"
    assert failure.message == "after a PUT of title, body and tags, the PUT answer has a different created_at"


HTML_IS_NOT_JSON = (
    r".* with a body that is not JSON \(text/html.*\); every response with a body must be JSON, errors too"
)


def test_flask_default_html_404_pages_fail_every_check_that_meets_one(solution, no_clock_tick) -> None:
    url = solution("flask", "html-404")
    checks = verify(http_rest, url)
    assert {c.name for c in failed(checks)} == {
        "JSON responses have Content-Type: application/json",
        "GET /notes/{id} of a missing note is 404",
        "GET /notes/{malformed id} is 404, 400 or 422, never 5xx",
        "DELETE /notes/{id} is 204, then GET is 404",
        "DELETE of an already deleted note is 404",
    }
    assert all(re.fullmatch(HTML_IS_NOT_JSON, c.message) for c in failed(checks)), [c.message for c in failed(checks)]


def test_flask_default_html_400_pages_fail_every_check_that_meets_one(solution, no_clock_tick) -> None:
    url = solution("flask", "html-400")
    checks = verify(http_rest, url)
    assert {c.name for c in failed(checks)} == {
        "GET /notes rejects a bad limit or offset, and limit over 100",
        "POST with malformed JSON is 400/422, not 5xx",
    }
    assert all(re.fullmatch(HTML_IS_NOT_JSON, c.message) for c in failed(checks))


def test_a_multi_step_failure_reproduces_the_whole_sequence(solution, no_clock_tick) -> None:
    url = solution("flask", "put-extends-tags")
    failure = by_name(verify(http_rest, url))["PUT is idempotent: the same PUT twice, the same note"]
    lines = failure.reproduce.splitlines()
    assert [line.split(" http")[0] for line in lines] == [
        "curl -i -X POST",
        "curl -i -X PUT",
        "curl -i -X PUT",
        "curl -i",
    ]  # create, both PUTs, the GET, in order
    note = re.search(r"/notes/(\d+)", lines[1]).group(1)
    assert all(line.split()[4 if "-X" in line else 2].endswith(f"/notes/{note}") for line in lines[1:])


def test_400_and_422_are_judged_the_same_in_every_check(solution, no_clock_tick) -> None:
    """FastAPI answers 422 everywhere and Node answers 400 everywhere: both pass every check."""
    fast, node = solution("fastapi"), solution("node")
    results = {name: verify(http_rest, url) for name, url in (("fastapi", fast), ("node", node))}
    assert {name: failed(checks) for name, checks in results.items()} == {"fastapi": [], "node": []}


def test_the_contract_states_the_rules_the_verifier_judges() -> None:
    contract = http_rest.starter_files({})["CONTRACT.md"]
    for rule in (
        "Every response with a body is JSON",
        "`400 Bad Request`\nand `422 Unprocessable Content` are both right",
        "`limit` over 100: `400`/`422`",
        "oldest note first",
        "how many notes to skip",
        "`id` and `created_at` never change",
        "one check per assertion of the spec",
    ):
        assert rule in contract, rule
    show = yaml.safe_load((Path(__file__).parents[1] / "curriculum/checkpoints/build-rest-api.yaml").read_text())
    for rule in ("400` or `422`", "over 100", "oldest first", "id` and `created_at` never change", "WARN"):
        assert rule in show["instructions"], rule


# --- the Todo-Backend profile ----------------------------------------------------------------------------

SPEC_ASSERTIONS = [  # js/specs.js of TodoBackend/todo-backend-js-spec, in order
    "the api root responds to a GET (i.e. the server is up and accessible, CORS headers are set up)",
    "the api root responds to a POST with the todo which was posted to it",
    "the api root responds successfully to a DELETE",
    "after a DELETE the api root responds to a GET with a JSON representation of an empty array",
    "adds a new todo to the list of todos at the root url",
    "sets up a new todo as initially not completed",
    "each new todo has a url",
    "each new todo has a url, which returns a todo",
    "can navigate from a list of todos to an individual todo via urls",
    "can change the todo's title by PATCHing to the todo's url",
    "can change the todo's completedness by PATCHing to the todo's url",
    "changes to a todo are persisted and show up when re-fetching the todo",
    "can delete a todo making a DELETE request to the todo's url",
    "can create a todo with an order field",
    "can PATCH a todo to change its order",
    "remembers changes to a todo's order",
]
P1, P2, P3, P4, S1, S2, S3, S4, W1, W2, W3, W4, W5, O1, O2, O3 = SPEC_ASSERTIONS


@pytest.fixture
def todo_run(solution: Callable[..., str]) -> Callable[..., list]:
    """Start the spec-minimal Todo-Backend (with ``defects``) and run the profile against it."""
    return lambda *defects: verify(http_rest, solution("todo", *defects) + "/todos", profile="todo-backend")


def test_a_server_that_follows_the_spec_minimally_passes_with_advice_only(todo_run) -> None:
    checks = todo_run()
    assert [c.name for c in checks] == SPEC_ASSERTIONS
    assert failed(checks) == [] and verdict(checks)["passed"] is True
    warnings = {c.name: c.warnings for c in checks if c.warnings}
    assert warnings == {
        P1: [
            "the list is sent as text/plain; the spec reads text, but JSON clients expect Content-Type: "
            "application/json"
        ],
        P2: [
            "POST on the root answered 200 OK; 201 Created is the usual answer to a create (the spec accepts any 2xx)"
        ],
        W5: [
            "GET on the deleted todo's url answers 200 OK; 404 Not Found is what clients expect (the spec does not "
            "check it)"
        ],
    }


TODO_DEFECTS = [  # where the spec's assertions share a request, the official runner fails them all too
    ("get-root-no-cors", {P1, P4, S1, S2, S3, W1, W4, W5}),
    ("post-answer-without-title", {P2}),
    ("delete-root-405", {P3, P4, S1, S2, S3, S4, W1, W2, W3, W4, W5}),
    ("empty-list-as-object", {P4}),
    ("list-without-title", {S1, W4}),
    ("completed-null", {S2}),
    ("list-without-url", {S3, W1}),
    ("get-todo-without-title", {S4, W1, W4}),
    ("list-url-wrong-path", {W1}),
    ("patch-answer-old-title", {W2}),
    ("patch-answer-old-completed", {W3}),
    ("list-cached-across-patch", {W4}),
    ("delete-todo-keeps", {W5}),
    ("order-dropped-on-create", {O1}),
    ("patch-answer-without-order", {O2}),
    ("order-not-persisted", {O3}),
]


@pytest.mark.parametrize(("defect", "failing"), TODO_DEFECTS, ids=[d for d, _ in TODO_DEFECTS])
def test_each_spec_assertion_has_a_variant_that_breaks_it(defect: str, failing: set[str], todo_run) -> None:
    checks = todo_run(defect)
    assert {c.name for c in failed(checks)} == failing
    assert all(c.reproduce and c.hint_topic for c in failed(checks))


def test_every_spec_assertion_is_broken_by_some_variant_and_most_alone() -> None:
    assert set().union(*(failing for _, failing in TODO_DEFECTS)) == set(SPEC_ASSERTIONS)
    alone = {next(iter(failing)) for _, failing in TODO_DEFECTS if len(failing) == 1}
    assert alone == set(SPEC_ASSERTIONS) - {P1, P3, S1, S3, S4}  # these share their requests with other assertions


def test_the_preflight_goes_to_the_url_the_browser_preflights(todo_run) -> None:
    checks = todo_run("preflight-root-only")
    assert {c.name for c in failed(checks)} == {S4, W1, W2, W3, W4, W5, O2, O3}
    failure = by_name(checks)[W2]
    assert re.fullmatch(
        r"a browser does not send PATCH http://127\.0\.0\.1:\d+/todos/\d+: the preflight OPTIONS "
        r"http://127\.0\.0\.1:\d+/todos/\d+ answered 405 Method Not Allowed; .*",
        failure.message,
    )
    assert failure.reproduce.splitlines()[-1].startswith("curl -i -X OPTIONS http://127.0.0.1:")


def test_a_spec_failure_names_what_the_spec_expected(todo_run) -> None:
    checks = by_name(todo_run("completed-null"))
    assert checks[S2].message == "the todo the POST answered has completed null"
    assert checks[S2].expected == "completed: false"


def test_unknown_profile_is_an_input_error() -> None:
    with pytest.raises(
        VerifierInputError, match="unknown --profile 'todo' for build-rest-api; choose one of: notes, todo-backend"
    ):
        verify(http_rest, "http://127.0.0.1:8000", profile="todo")


# --- the shared client: misbehaving servers ----------------------------------------------------------


def test_garbage_that_is_not_http_is_a_failed_check() -> None:
    with raw_server(b"hello, I am not HTTP\r\n\r\n") as server:
        checks = verify(http_rest, server.url)
    assert checks[0].message == "the answer to POST /notes is not HTTP: it starts with 'hello, I am not HTTP'"
    assert not any(c.passed for c in checks)


def test_a_redirect_loop_is_reported_not_followed() -> None:
    with serve(RedirectLoopHandler) as server:
        started = time.monotonic()
        checks = verify(http_rest, server.url)
    assert time.monotonic() - started < 10  # a hang guard only: the message shows the 302 was not followed
    assert checks[0].message == "POST /notes answered 302 Found, expected 201 Created"
    assert checks[0].actual == "302 Found; no Content-Type; empty body"
    assert not any(c.passed for c in checks)


class HugeBodyHandler(JsonHandler):
    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        self.read_body()
        self.send_text(200, "x" * (_http.MAX_BODY + 10), "application/json")


def test_a_body_over_one_megabyte_is_not_read() -> None:
    with serve(HugeBodyHandler) as server:
        checks = verify(http_rest, server.url)
    assert checks[0].message == "the response body to POST /notes is larger than 1 MB; stopped reading"


# --- the shared client: where it may connect ----------------------------------------------------------


@pytest.mark.parametrize("url", ["http://192.0.2.10:8000", "http://[2001:db8::1]:8000/api"])
def test_a_remote_url_is_refused_before_anything_is_sent(url: str) -> None:
    host = url.split("//")[1].rsplit(":", 1)[0].strip("[]")
    with pytest.raises(VerifierInputError, match=re.escape(f"{host} is not this machine")) as raised:
        verify(http_rest, url)
    assert "--allow-remote" in str(raised.value)


def test_a_remote_host_name_is_refused_whether_or_not_it_resolves() -> None:
    with pytest.raises(VerifierInputError, match="example.com"):
        verify(http_rest, "http://example.com")


def test_allow_remote_accepts_a_remote_url_without_contacting_it() -> None:
    target = _http.parse_target("http://192.0.2.10:8000/api/", allow_remote=True)
    assert target == _http.Target("http", "192.0.2.10", 8000, "/api")
    assert target.url("/notes") == "http://192.0.2.10:8000/api/notes"


@pytest.mark.parametrize("url", ["http://localhost:8000", "http://127.0.0.5:9000", "http://[::1]:8000"])
def test_loopback_urls_are_accepted(url: str) -> None:
    assert _http.parse_target(url).port in (8000, 9000)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "ftp://127.0.0.1/x",
            "--url 'ftp://127.0.0.1/x' is not an http:// or https:// URL; use e.g. http://127.0.0.1:8000",
        ),
        ("127.0.0.1:8000", "--url '127.0.0.1:8000' is not an http:// or https:// URL; use e.g. http://127.0.0.1:8000"),
        (
            "http://127.0.0.1:99999",
            "--url 'http://127.0.0.1:99999' is not an http:// or https:// URL; use e.g. http://127.0.0.1:8000",
        ),
        (
            "http://127.0.0.1:8000/?x=1",
            "--url 'http://127.0.0.1:8000/?x=1' must not have a query or fragment; give the API's base URL",
        ),
    ],
)
def test_a_malformed_url_is_an_input_error(url: str, message: str) -> None:
    with pytest.raises(VerifierInputError) as raised:
        verify(http_rest, url)
    assert str(raised.value) == message


def test_urls_handed_out_by_the_server_must_stay_on_this_machine() -> None:
    session = _http.Session(VerifyOptions(url="http://127.0.0.1:8000"))
    with pytest.raises(
        _http.HttpProblem, match=r"refusing to request http://192.0.2.1/todos/1: 192.0.2.1 is not this machine"
    ):
        session.request("GET", "http://192.0.2.1/todos/1")


def test_curl_quotes_what_the_shell_would_mangle() -> None:
    request = _http.Request("GET", "http://127.0.0.1:8000/notes?limit=2&offset=0", {"Origin": "http://x"})
    assert request.curl() == "curl -i 'http://127.0.0.1:8000/notes?limit=2&offset=0' -H 'Origin: http://x'"
    posted = _http.Request(
        "POST", "http://127.0.0.1:8000/notes", {"Content-Type": "application/json"}, b'{"title": "it\'s"}'
    )
    assert posted.curl() == (
        "curl -i -X POST http://127.0.0.1:8000/notes -H 'Content-Type: application/json' -d '{\"title\": \"it'\"'\"'s\"}'"
    )


# --- starter files and the command line ---------------------------------------------------------------


def test_starter_files_hold_the_contract_and_a_matching_openapi_document() -> None:
    from openapi_spec_validator import validate

    files = http_rest.starter_files({})
    assert set(files) == {"CONTRACT.md", "openapi.yaml"}
    spec = yaml.safe_load(files["openapi.yaml"])
    validate(spec)  # raises on any schema violation
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {"/notes", "/notes/{id}"}
    assert spec["components"]["schemas"]["NoteInput"]["properties"]["title"]["maxLength"] == http_rest.MAX_TITLE
    limit = next(p for p in spec["paths"]["/notes"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == http_rest.MAX_LIMIT
    assert '"items": [' in files["CONTRACT.md"] and "--profile todo-backend" in files["CONTRACT.md"]


def test_cli_verify_passes_on_flask_and_fails_with_the_whole_story(invoke, solution, no_clock_tick) -> None:
    url = solution("flask")
    result = invoke("checkpoint", "verify", "build-rest-api", "--url", url, "--timeout", "2")
    assert result.exit_code == 0, result.stdout
    assert "19 passed, 0 failed, 0 skipped" in result.stdout

    url = solution("flask", "put-extends-tags")
    result = invoke("checkpoint", "verify", "build-rest-api", "--url", url, "--timeout", "2")
    assert result.exit_code == 1
    assert "FAIL PUT is idempotent: the same PUT twice, the same note" in result.stdout
    assert "reproduce (4 requests, in order):" in result.stdout
    assert f"         curl -i -X POST {url}/notes -H 'Content-Type:" in result.stdout
    assert "18 passed, 1 failed, 0 skipped" in result.stdout


def test_cli_todo_backend_profile_shows_warn_lines_and_passes(invoke, solution) -> None:
    url = solution("todo")
    result = invoke("checkpoint", "verify", "build-rest-api", "--profile", "todo-backend", "--url", url + "/todos")
    assert result.exit_code == 0, result.stdout
    assert "WARN (advice, does not fail) POST on the root answered 200 OK" in result.stdout
    assert result.stdout.splitlines()[-1] == "16 passed, 0 failed, 0 skipped, 3 warnings"


class StringItemsHandler(JsonHandler):
    """Creates notes, but lists them as bare titles instead of objects."""

    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        if method == "POST":
            self.data["last"] = self.data.get("last", 0) + 1
            return self.send_json(201, {"id": self.data["last"], "title": "t", "body": "", "tags": []})
        self.send_json(200, {"items": ["a", "b"], "total": 9, "limit": 2, "offset": 0})


def test_an_unexpected_json_shape_is_a_failed_check_not_a_crash(no_clock_tick) -> None:
    with serve(StringItemsHandler) as server:
        failure = by_name(verify(http_rest, server.url))["GET /notes pages oldest first; offset counts notes"]
    assert failure.message == "the answer has an unexpected shape (AttributeError: 'str' object has no attribute 'get')"
    assert failure.reproduce.splitlines()[-1] == f"curl -i '{server.url}/notes?limit=2&offset=6'"
