"""The http-rest verifier (checkpoint build-rest-api), its Todo-Backend profile, and the shared client."""

from __future__ import annotations

import re
import time

import pytest
import yaml
from http_servers import (
    JsonHandler,
    NotesHandler,
    RedirectLoopHandler,
    TodoHandler,
    raw_server,
    serve,
)

from backend_mentor.checkpoints import _http, http_rest
from backend_mentor.checkpoints.base import Check, VerifierInputError, VerifyOptions

TIMEOUT = 0.5


def verify(url: str, **options: object) -> list[Check]:
    return http_rest.verify(VerifyOptions(url=url, timeout=TIMEOUT, **options))


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]


def test_reference_notes_server_passes_every_check_and_is_cleaned_up() -> None:
    with serve(NotesHandler) as server:
        checks = verify(server.url)
        assert failed(checks) == []
        assert len(checks) == 18
        assert server.data["notes"] == {}


NOTES_DEFECTS = [
    (
        "create-200",
        "POST /notes creates a note: 201 and the note as JSON",
        r"POST /notes answered 200 OK, expected 201 Created",
    ),
    ("no-location", "POST /notes sends Location: /notes/{id}", r"POST /notes sent no Location header"),
    (
        "text-content-type",
        "JSON responses have Content-Type: application/json",
        r"POST /notes answered JSON with Content-Type: text/plain",
    ),
    ("id-as-string", "GET /notes/{id} returns the note", r"after GET /notes/\d+, 'id' is '\d+'"),
    (
        "missing-500",
        "GET /notes/{id} of a missing note is 404",
        r"GET /notes/\d+ \(no such note\) answered 500 Internal Server Error, expected 404 Not Found",
    ),
    (
        "malformed-500",
        "GET /notes/{malformed id} is 404 or 400, never 5xx",
        r"GET /notes/not-a-number answered 500 Internal Server Error, expected 404 Not Found or 400 Bad Request",
    ),
    (
        "ignore-offset",
        "GET /notes pages with limit and offset",
        r"offset=2 gave 2 items, 2 of them already on the first page",
    ),
    (
        "bad-limit-500",
        "GET /notes rejects a bad limit or offset with 400",
        r"GET /notes\?limit=abc answered 500 Internal Server Error, expected 400 Bad Request or 422 Unprocessable Content",
    ),
    ("ignore-tag", "GET /notes?tag= returns only notes with that tag", r"\?tag=tag-\w+ gave ids \[.*\] and total \d+"),
    (
        "put-merges",
        "PUT /notes/{id} replaces the whole note",
        r"after PUT without 'tags' \(tags go back to \[\]\), 'tags' is \['old-\w+'\]",
    ),
    (
        "put-resets-created-at",
        "PUT is idempotent: the same PUT twice, the same note",
        r"the second PUT differs from the first PUT in created_at",
    ),
    (
        "patch-replaces",
        "PATCH /notes/{id} changes only the given fields",
        r"after PATCH of the title only, 'body' is ''",
    ),
    (
        "delete-200",
        "DELETE /notes/{id} is 204, then GET is 404",
        r"DELETE /notes/\d+ answered 200 OK, expected 204 No Content",
    ),
    (
        "delete-twice-204",
        "DELETE of an already deleted note is 404",
        r"the second DELETE /notes/\d+ answered 204 No Content, expected 404 Not Found",
    ),
    (
        "title-not-named",
        "POST without a title is 400/422 naming 'title'",
        r"the error body does not name the field 'title'",
    ),
    (
        "no-length-check",
        "POST with invalid field values is 400/422",
        r'POST /notes with \{"title": "x+… answered 201 Created, expected 400 Bad Request or 422 Unprocessable Content',
    ),
    (
        "bad-json-500",
        "POST with malformed JSON is 400/422, not 5xx",
        r"POST /notes with a body that is not valid JSON answered 500 Internal Server Error, .*",
    ),
    (
        "collection-delete-clears",
        "PUT, PATCH and DELETE on /notes are 405",
        r"DELETE /notes answered 204 No Content, expected 405 Method Not Allowed",
    ),
]


@pytest.mark.parametrize(("defect", "check", "message"), NOTES_DEFECTS, ids=[d[0] for d in NOTES_DEFECTS])
def test_each_notes_defect_fails_exactly_its_check(defect: str, check: str, message: str) -> None:
    with serve(NotesHandler, [defect]) as server:
        checks = verify(server.url)
    (failure,) = failed(checks)
    assert failure.name == check
    assert re.fullmatch(message, failure.message), failure.message
    assert failure.reproduce and failure.reproduce.startswith("curl -i ")


def test_every_notes_check_has_a_defect() -> None:
    with serve(NotesHandler) as server:
        names = [c.name for c in verify(server.url)]
    assert sorted(names) == sorted(check for _, check, _ in NOTES_DEFECTS)


def test_a_failure_shows_expected_actual_topic_and_the_curl_command() -> None:
    with serve(NotesHandler, ["create-200"]) as server:
        checks = verify(server.url)
    failure = failed(checks)[0]
    assert failure.expected == "201 Created"
    assert failure.actual.startswith('200 OK; Content-Type: application/json; body: {"id": 1, "title": ')
    assert failure.hint_topic == "http-status-codes"
    assert re.fullmatch(
        rf"curl -i -X POST {server.url}/notes -H 'Content-Type: application/json' -d '\{{\"title\": .*\}}'",
        failure.reproduce,
    )


def test_reference_todo_backend_under_a_base_path_passes_every_check() -> None:
    with serve(TodoHandler) as server:
        checks = verify(server.url + "/todos", profile="todo-backend")
        assert server.data["todos"] == {}
    assert failed(checks) == [] and len(checks) == 12


TODO_DEFECTS = [
    (
        "list-text-type",
        "GET on the root answers 200 with a JSON array",
        "the list is sent with Content-Type: text/html",
    ),
    ("post-no-title", "POST on the root answers the new todo", "the answer has title None"),
    ("completed-null", "a new todo is not completed", "a new todo has completed None"),
    (
        "relative-url",
        "a new todo has an absolute url that returns it",
        r"the todo's url is '/todos/\d+', not an absolute URL",
    ),
    ("list-no-url", "the list shows the new todo with its url", "after POST, its entry has no url"),
    (
        "patch-ignores-title",
        "PATCH on a todo's url changes its title, and it persists",
        r"the PATCH answer has title '\w+ \w+'",
    ),
    (
        "patch-ignores-completed",
        "PATCH on a todo's url changes completed, and it persists",
        "the PATCH answer has completed False",
    ),
    ("patch-ignores-order", "order is kept on create and changed by PATCH", r"the PATCH answer has order \d+"),
    ("delete-keeps", "DELETE on a todo's url removes it", "after DELETE the todo is still in the list"),
    ("clear-405", "DELETE on the root clears the list", "DELETE on the root answered 405 Method Not Allowed"),
    (
        "no-cors-origin",
        "responses carry Access-Control-Allow-Origin",
        r"GET on the root \(from Origin http://localhost:9999\) has no usable Access-Control-Allow-Origin",
    ),
    (
        "preflight-405",
        "an OPTIONS preflight allows the methods and headers browsers send",
        "OPTIONS on the root answered 405 Method Not Allowed",
    ),
]


@pytest.mark.parametrize(("defect", "check", "message"), TODO_DEFECTS, ids=[d[0] for d in TODO_DEFECTS])
def test_each_todo_backend_defect_fails_exactly_its_check(defect: str, check: str, message: str) -> None:
    with serve(TodoHandler, [defect]) as server:
        checks = verify(server.url + "/todos", profile="todo-backend")
    assert [(c.name, c.hint_topic is not None) for c in failed(checks)] == [(check, True)]
    assert re.fullmatch(message, failed(checks)[0].message), failed(checks)[0].message


def test_unknown_profile_is_an_input_error() -> None:
    with pytest.raises(
        VerifierInputError, match="unknown --profile 'todo' for build-rest-api; choose one of: notes, todo-backend"
    ):
        verify("http://127.0.0.1:8000", profile="todo")


# --- the shared client: misbehaving servers ----------------------------------------------------------


def test_a_hanging_server_fails_within_the_timeout() -> None:
    with raw_server(None) as server:
        started = time.monotonic()
        checks = verify(server.url)
        elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT + 0.4
    assert checks[0].message == f"no response within {TIMEOUT} s to POST /notes"
    assert {c.message for c in checks[1:]} == {"skipped: server unreachable"}
    assert {c.outcome.value for c in checks[1:]} == {"skip"} and len(checks) == 18


def test_garbage_that_is_not_http_is_a_failed_check() -> None:
    with raw_server(b"hello, I am not HTTP\r\n\r\n") as server:
        checks = verify(server.url)
    assert checks[0].message == "the answer to POST /notes is not HTTP: it starts with 'hello, I am not HTTP'"
    assert not any(c.passed for c in checks)


def test_a_redirect_loop_is_reported_not_followed() -> None:
    with serve(RedirectLoopHandler) as server:
        started = time.monotonic()
        checks = verify(server.url)
    assert time.monotonic() - started < 2
    assert checks[0].message == "POST /notes answered 302 Found, expected 201 Created"
    assert checks[0].actual == "302 Found; no Content-Type; empty body"
    assert not any(c.passed for c in checks)


class HugeBodyHandler(JsonHandler):
    def route(self, method: str, path: str, query: dict[str, str]) -> None:
        self.read_body()
        self.send_text(200, "x" * (_http.MAX_BODY + 10), "application/json")


def test_a_body_over_one_megabyte_is_not_read() -> None:
    with serve(HugeBodyHandler) as server:
        checks = verify(server.url)
    assert checks[0].message == "the response body to POST /notes is larger than 1 MB; stopped reading"


# --- the shared client: where it may connect ----------------------------------------------------------


@pytest.mark.parametrize("url", ["http://192.0.2.10:8000", "http://[2001:db8::1]:8000/api"])
def test_a_remote_url_is_refused_before_anything_is_sent(url: str) -> None:
    host = url.split("//")[1].rsplit(":", 1)[0].strip("[]")
    with pytest.raises(VerifierInputError, match=re.escape(f"{host} is not this machine")) as raised:
        verify(url)
    assert "--allow-remote" in str(raised.value)


def test_a_remote_host_name_is_refused_whether_or_not_it_resolves() -> None:
    with pytest.raises(VerifierInputError, match="example.com"):
        verify("http://example.com")


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
        verify(url)
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
    files = http_rest.starter_files({})
    assert set(files) == {"CONTRACT.md", "openapi.yaml"}
    spec = yaml.safe_load(files["openapi.yaml"])
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {"/notes", "/notes/{id}"}
    assert spec["components"]["schemas"]["NoteInput"]["properties"]["title"]["maxLength"] == http_rest.MAX_TITLE
    assert '"items": [' in files["CONTRACT.md"] and "--profile todo-backend" in files["CONTRACT.md"]


def test_cli_verify_passes_on_the_reference_and_fails_with_a_curl_line(invoke) -> None:
    with serve(NotesHandler) as server:
        result = invoke("checkpoint", "verify", "build-rest-api", "--url", server.url, "--timeout", "1")
    assert result.exit_code == 0, result.stdout
    assert "18 passed, 0 failed" in result.stdout

    with serve(NotesHandler, ["no-location"]) as server:
        result = invoke("checkpoint", "verify", "build-rest-api", "--url", server.url, "--timeout", "1")
    assert result.exit_code == 1
    assert "FAIL POST /notes sends Location: /notes/{id}" in result.stdout
    assert f"reproduce: curl -i -X POST {server.url}/notes -H 'Content-Type:" in result.stdout
    assert "17 passed, 1 failed" in result.stdout


class StringItemsHandler(NotesHandler):
    """Lists notes as bare titles instead of objects."""

    def list_notes(self, query: dict[str, str]) -> None:
        limit, offset = int(query.get("limit", 20)), int(query.get("offset", 0))
        titles = [n["title"] for n in self.notes.values()][offset : offset + limit]
        self.send_json(200, {"items": titles, "total": len(self.notes), "limit": limit, "offset": offset})


def test_an_unexpected_json_shape_is_a_failed_check_not_a_crash() -> None:
    with serve(StringItemsHandler) as server:
        checks = {c.name: c for c in verify(server.url)}
    failure = checks["GET /notes pages with limit and offset"]
    assert failure.message == "the answer has an unexpected shape (AttributeError: 'str' object has no attribute 'get')"
    assert failure.reproduce.splitlines()[-1] == f"curl -i '{server.url}/notes?limit=2&offset=2'"


def test_the_starter_openapi_document_is_valid_openapi():
    import yaml
    from openapi_spec_validator import validate

    from backend_mentor.checkpoints import http_rest

    document = yaml.safe_load(http_rest.starter_files({})["openapi.yaml"])
    validate(document)  # raises on any schema violation
    assert set(document["paths"]) == {"/notes", "/notes/{id}"}
