"""Verifier for ``http-rest`` (checkpoint build-rest-api): a CRUD API for notes at ``--url``.

The contract is ``assets/http_rest/CONTRACT.md`` (written by ``checkpoint start``, with the same
contract as OpenAPI 3.1 in ``openapi.yaml``). Each check creates the notes it needs, with random
titles and tags so answers cannot be hard-coded, and only the check about creating is strict
about how a note is created: the others accept any 2xx with an id, so one mistake fails one
check. Two rules hold in every check: every answer with a body is JSON (an HTML error page
fails whichever check met it), and an invalid request may be answered 400 or 422 (``INVALID``).
What the run created is deleted at the end.

``--profile todo-backend`` judges the official Todo-Backend spec instead (``TodoBackendSuite``).
"""

from __future__ import annotations

import json
import secrets
import string
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from ._http import (
    _NO_BODY,
    CheckFailed,
    HttpProblem,
    JsonTooDeep,
    Request,
    Response,
    Session,
    excerpt,
    expect_json,
    expect_status,
    parse_json,
    status_text,
)
from .base import Check, CheckSpec, VerifierInputError, VerifyOptions

PROFILES = ("notes", "todo-backend")
MAX_TITLE = 200
MAX_LIMIT = 100
INVALID = (400, 422)  # the same for every check: the contract accepts either for any invalid request
BEYOND_64_BITS = "99999999999999999999"  # 20 digits: above 2**64, so above every database integer
CLOCK_TICK = 1.05  # seconds between creating a note and the check that its created_at never changes
WORDS = ("groceries", "meeting", "idea", "recipe", "trip", "budget", "reading", "garden", "backup", "deploy")


def asset(name: str) -> str:
    return (
        resources.files(__package__).joinpath("assets").joinpath("http_rest").joinpath(name).read_text(encoding="utf-8")
    )


def verify(options: VerifyOptions) -> list[Check]:
    profile = options.profile or "notes"
    if profile not in PROFILES:
        raise VerifierInputError(
            f"unknown --profile '{profile}' for build-rest-api; choose one of: {', '.join(PROFILES)}"
        )
    session = Session(options)
    suite = TodoBackendSuite(session) if profile == "todo-backend" else NotesSuite(session)
    return session.run(declared_checks(options), suite, suite.cleanup)


def declared_checks(options: VerifyOptions) -> list[CheckSpec]:
    """The notes contract's checks, or with ``--profile todo-backend`` the Todo-Backend spec's."""
    return list(TODO_CHECKS if options.profile == "todo-backend" else NOTES_CHECKS)


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {"CONTRACT.md": asset("CONTRACT.md"), "openapi.yaml": asset("openapi.yaml")}


def token() -> str:
    return secrets.token_hex(4)


def same_tags(a: Any, b: Any) -> bool:
    """Tags are compared as collections: a server may keep them in any order."""
    return isinstance(a, list) and isinstance(b, list) and sorted(map(str, a)) == sorted(map(str, b))


def missing_id(example: Any) -> str:
    """An id shaped like ``example`` that no note has (a big number, a fresh UUID, random hex)."""
    text = str(example)
    if text.isdigit():
        return str(10**9 + secrets.randbelow(10**9))
    try:
        uuid.UUID(text)
        return str(uuid.uuid4())
    except ValueError:
        pass
    if text and all(c in string.hexdigits for c in text):
        return secrets.token_hex(len(text))[: len(text)]
    return f"missing-{token()}"


def body_is_json(request: Request, response: Response) -> None:
    """The rule every answer of the notes contract obeys: a body, if any, is JSON."""
    if not response.body.strip():
        return
    try:
        response.json()
    except JsonTooDeep as exc:
        raise CheckFailed(f"the answer to {request.label} is {exc}", request=request, response=response) from None
    except (ValueError, UnicodeDecodeError):
        kind = response.media_type or "no Content-Type"
        raise CheckFailed(
            f"{request.label} answered {status_text(response.status)} with a body that is not JSON ({kind}); "
            "every response with a body must be JSON, errors too",
            expected="a JSON body (register JSON error handlers instead of the framework's HTML pages)",
            request=request,
            response=response,
        ) from None


class NotesSuite:
    """The notes contract, one method per check."""

    def __init__(self, session: Session, clock_tick: float | None = None) -> None:
        self.session = session
        self.created: list[str] = []
        self.first: tuple[dict[str, Any], float] | None = None  # the run's first note and when it was made
        self.clock_tick = CLOCK_TICK if clock_tick is None else clock_tick
        session.rules.append(body_is_json)

    # --- helpers ---

    def fields(self, **overrides: Any) -> dict[str, Any]:
        base = {"title": f"{secrets.choice(WORDS)} {token()}", "body": f"text {token()}", "tags": [f"t-{token()}"]}
        return {**base, **overrides}

    def post(self, payload: Any) -> Response:
        """POST /notes and remember any note it created, so the run can delete it afterwards."""
        response = self.session.request("POST", "/notes", json_body=payload)
        if 200 <= response.status < 300:
            with suppress(ValueError, KeyError, TypeError):
                note = response.json()
                self.created.append(str(note["id"]))
                if self.first is None and isinstance(note, dict):
                    self.first = (note, time.monotonic())
        return response

    def create(self, **overrides: Any) -> dict[str, Any]:
        """A note for a check to work with; any 2xx with an id will do (the create check is strict)."""
        response = self.post(self.fields(**overrides))
        if not 200 <= response.status < 300:
            raise CheckFailed(
                f"could not create a note to work with: POST /notes answered {status_text(response.status)}"
            )
        note = expect_json(response, "POST /notes", dict)
        if "id" not in note:
            raise CheckFailed("could not create a note to work with: the POST /notes response has no 'id'")
        return note

    def item(self, note_id: Any) -> str:
        return f"/notes/{quote(str(note_id), safe='')}"

    def get_note(self, note_id: Any, action: str) -> dict[str, Any]:
        response = self.session.request("GET", self.item(note_id))
        expect_status(response, 200, f"GET {self.item(note_id)} {action}")
        return expect_json(response, f"GET {self.item(note_id)}", dict)

    def page(self, **query: Any) -> dict[str, Any]:
        response = self.session.request("GET", "/notes", query=query)
        expect_status(response, 200, response_label(self.session))
        doc = expect_json(response, response_label(self.session), dict)
        if not isinstance(doc.get("items"), list) or not isinstance(doc.get("total"), int):
            raise CheckFailed(
                f"{response_label(self.session)} should answer a page object",
                expected='{"items": [...], "total": N, "limit": L, "offset": O}',
            )
        return doc

    def compare(self, note: dict[str, Any], wanted: dict[str, Any], action: str) -> None:
        for key, value in wanted.items():
            equal = same_tags(note.get(key), value) if key == "tags" else note.get(key) == value
            if not equal:
                raise CheckFailed(
                    f"after {action}, '{key}' is {note.get(key)!r}",
                    expected=f"{key}: {value!r}",
                    actual=f"{key}: {note.get(key)!r}",
                )

    # --- checks ---

    def create_answers_201(self) -> str:
        payload = self.fields()
        response = self.post(payload)
        expect_status(response, 201, "POST /notes")
        note = expect_json(response, "POST /notes", dict)
        if "id" not in note:
            raise CheckFailed("the created note has no 'id'", expected='{"id": ..., "title": ..., ...}')
        self.compare(note, payload, "POST /notes")
        created_at = note.get("created_at")
        if not is_iso_datetime(created_at):
            raise CheckFailed(
                f"'created_at' is {created_at!r}, not an ISO 8601 date-time",
                expected='"created_at": "2025-05-01T10:00:00Z"',
            )
        return f"201, id {note['id']}"

    def create_sets_location(self) -> str:
        response = self.post(self.fields())
        request = self.session.exchange()[0]
        if not 200 <= response.status < 300:
            raise CheckFailed(f"POST /notes answered {status_text(response.status)}", expected="201 Created")
        note = expect_json(response, "POST /notes", dict)
        wanted = self.session.target.base_path + self.item(note.get("id"))
        location = response.header("Location")
        if not location:
            raise CheckFailed("POST /notes sent no Location header", expected=f"Location: {wanted}")
        if urlsplit(urljoin(request.url, location)).path != wanted:
            raise CheckFailed(
                f"Location is '{location}'", expected=f"Location: {wanted}", actual=response.summary("Location")
            )
        return f"Location: {location}"

    def json_content_type(self) -> str:
        """Every kind of answer with a body: 201, 200 (a note, a page), 404, 400/422 (405 is its own check)."""
        note = self.create()
        seen = [self.session.exchange()]
        for method, path, extra in (
            ("GET", self.item(note["id"]), {}),
            ("GET", "/notes", {"query": {"limit": 1}}),
            ("GET", self.item(missing_id(note["id"])), {}),
            ("POST", "/notes", {"json_body": {"body": "no title"}}),
        ):
            self.session.request(method, path, **extra)
            seen.append(self.session.exchange())
        for request, answer in seen:
            if answer is not None and answer.body.strip() and not answer.is_json_type:
                raise CheckFailed(
                    f"{request.label} answered {status_text(answer.status)} with Content-Type: "
                    f"{answer.header('Content-Type') or '(none)'}",
                    expected="Content-Type: application/json",
                    request=request,
                    response=answer,
                )
        statuses = sorted({str(a.status) for _, a in seen if a is not None})
        return f"{len(seen)} responses ({', '.join(statuses)}) checked"

    def read_returns_note(self) -> str:
        payload = self.fields(tags=[f"a-{token()}", f"b-{token()}"])
        note = self.create(**payload)
        found = self.get_note(note["id"], "(a note just created)")
        self.compare(found, {"id": note["id"], **payload}, f"GET {self.item(note['id'])}")
        return "200, same fields"

    def read_missing_is_404(self) -> str:
        note = self.create()
        path = self.item(missing_id(note["id"]))
        response = self.session.request("GET", path)
        expect_status(response, 404, f"GET {path} (no such note)")
        return f"GET {path}: 404"

    def malformed_ids(self) -> str:
        # BEYOND_64_BITS: no database integer holds it; bound to SQLite as is, it is an OverflowError.
        for raw in ("not-a-number", str(uuid.uuid4()), "-1", "1.5", BEYOND_64_BITS):
            response = self.session.request("GET", self.item(raw))
            expect_status(response, (404, *INVALID), f"GET {self.item(raw)}")
        return f"404/400/422 for not-a-number, a random UUID, -1, 1.5, {BEYOND_64_BITS}"

    def pagination(self) -> str:
        notes = [self.create() for _ in range(3)]
        ids = [str(n["id"]) for n in notes]
        first = self.page(limit=2, offset=0)
        total = first["total"]
        if total < 3 or len(first["items"]) != 2:
            raise CheckFailed(
                f"with at least 3 notes, limit=2 gave {len(first['items'])} items and total {total}",
                expected="2 items, total >= 3",
            )
        if first.get("limit") != 2 or first.get("offset") != 0:
            raise CheckFailed(
                "the page does not repeat the limit and offset it used",
                expected='"limit": 2, "offset": 0',
                actual=f'"limit": {first.get("limit")!r}, "offset": {first.get("offset")!r}',
            )
        # The three notes just created are the newest, so oldest-first they are the last three.
        for offset, wanted in ((total - 3, ids[:2]), (total - 2, ids[1:])):
            got = [str(n.get("id")) for n in self.page(limit=2, offset=offset)["items"]]
            if got != wanted:
                raise CheckFailed(
                    f"limit=2&offset={offset} (of {total}) gave ids {got}; {page_diagnosis(got, ids, offset, first)}",
                    expected=f"ids {wanted}: the notes created last come last, and offset={offset} skips {offset} notes",
                    actual=f"ids {got}",
                )
        beyond = self.page(limit=2, offset=total)
        if beyond["items"]:
            raise CheckFailed(
                f"offset={total} (= total) still gave {len(beyond['items'])} items", expected='"items": []'
            )
        # Far past the end: an empty page (or a 400/422), never a 5xx from a database that cannot hold it.
        response = self.session.request("GET", "/notes", query={"offset": BEYOND_64_BITS})
        expect_status(response, (200, *INVALID), response_label(self.session))
        if response.status == 200:
            far = expect_json(response, response_label(self.session), dict)
            if far.get("items"):
                raise CheckFailed(f"offset={BEYOND_64_BITS} still gave items", expected='"items": [] (or 400/422)')
        return f"pages of 2 over {total} notes, oldest first; offset={BEYOND_64_BITS} is empty"

    def bad_pagination(self) -> str:
        for query in ({"limit": "abc"}, {"limit": -1}, {"offset": -3}, {"offset": "x"}, {"limit": MAX_LIMIT + 1}):
            response = self.session.request("GET", "/notes", query=query)
            expect_status(response, INVALID, response_label(self.session))
        return f"limit=abc, limit=-1, offset=-3, offset=x, limit={MAX_LIMIT + 1} rejected"

    def tag_filter(self) -> str:
        tag, other = f"tag-{token()}", f"other-{token()}"
        wanted = {str(self.create(tags=[tag])["id"]), str(self.create(tags=[other, tag])["id"])}
        self.create(tags=[other])
        doc = self.page(tag=tag, limit=MAX_LIMIT)
        got = {str(n.get("id")) for n in doc["items"]}
        if got != wanted or doc["total"] != 2:
            raise CheckFailed(
                f"?tag={tag} gave ids {sorted(got)} and total {doc['total']}",
                expected=f"exactly the 2 notes tagged {tag}: ids {sorted(wanted)}, total 2",
            )
        return f"?tag={tag}: 2 of 3 notes"

    def put_replaces(self) -> str:
        note = self.create(tags=[f"old-{token()}"])
        replacement = {"title": f"replaced {token()}", "body": f"new body {token()}"}
        response = self.session.request("PUT", self.item(note["id"]), json_body=replacement)
        expect_status(response, 200, f"PUT {self.item(note['id'])}")
        wanted = {**replacement, "tags": []}
        self.compare(expect_json(response, "PUT", dict), wanted, "PUT without 'tags' (tags go back to [])")
        self.compare(self.get_note(note["id"], "after PUT"), wanted, "PUT, then GET")
        return "200, omitted tags reset to []"

    def keeps_identity(self) -> str:
        """PUT and PATCH, with and without ``id``/``created_at`` in the body, a clock tick after
        the note was created, so a server that stamps ``created_at`` anew is seen even when it
        keeps whole seconds."""
        if self.first is None or "id" not in self.first[0]:
            self.first = (self.create(), time.monotonic())
        note, made = self.first
        time.sleep(max(0.0, made + self.clock_tick - time.monotonic()))
        original = {"id": note["id"], "created_at": note.get("created_at")}
        path = self.item(note["id"])
        foreign = {"id": missing_id(note["id"]), "created_at": "2001-02-03T04:05:06Z"}
        for method, body in (
            ("PUT", self.fields()),
            ("PUT", {**self.fields(), **foreign}),
            ("PATCH", {"title": f"patched {token()}"}),
            ("PATCH", {"title": f"patched {token()}", **foreign}),
        ):
            response = self.session.request(method, path, json_body=body)
            if "id" in body and response.status in INVALID:
                continue  # rejecting id/created_at in the body is allowed too
            expect_status(
                response, 200, f"{method} {path}" + (" with id and created_at in the body" if "id" in body else "")
            )
            for shown, where in (
                (expect_json(response, method, dict), f"the {method} answer"),
                (self.get_note(note["id"], f"after {method}"), f"GET after {method}"),
            ):
                changed = [k for k in ("id", "created_at") if str(shown.get(k)) != str(original[k])]
                if changed:
                    sent = "with id and created_at in the body" if "id" in body else "of title, body and tags"
                    raise CheckFailed(
                        f"after a {method} {sent}, {where} has a different {' and '.join(changed)}",
                        expected=excerpt_json({k: original[k] for k in changed}),
                        actual=excerpt_json({k: shown.get(k) for k in changed}),
                    )
        return "id and created_at unchanged by PUT and PATCH, with and without them in the body"

    def put_is_idempotent(self) -> str:
        note = self.create()
        path, replacement = self.item(note["id"]), self.fields()
        answers = [self.session.request("PUT", path, json_body=replacement) for _ in range(2)]
        for answer in answers:
            expect_status(answer, 200, f"PUT {path}")
        first, second = (stable(expect_json(a, f"PUT {path}", dict)) for a in answers)
        after = stable(self.get_note(note["id"], "after two PUTs"))
        for label, state in (("the second PUT", second), ("GET after both", after)):
            if state != first:
                changed = sorted(k for k in set(first) | set(state) if first.get(k) != state.get(k))
                raise CheckFailed(
                    f"{label} differs from the first PUT in {', '.join(changed)}",
                    expected=excerpt_json({k: first.get(k) for k in changed}),
                    actual=excerpt_json({k: state.get(k) for k in changed}),
                )
        return "same note after 1 and 2 PUTs"

    def patch_changes_fields(self) -> str:
        payload = self.fields()
        note = self.create(**payload)
        change = {"title": f"patched {token()}"}
        response = self.session.request("PATCH", self.item(note["id"]), json_body=change)
        expect_status(response, 200, f"PATCH {self.item(note['id'])}")
        wanted = {**payload, **change}
        self.compare(expect_json(response, "PATCH", dict), wanted, "PATCH of the title only")
        self.compare(self.get_note(note["id"], "after PATCH"), wanted, "PATCH, then GET")
        return "title changed, body and tags kept"

    def delete_then_404(self) -> str:
        path = self.item(self.create()["id"])
        response = self.session.request("DELETE", path)
        expect_status(response, 204, f"DELETE {path}")
        if response.body.strip():
            raise CheckFailed("204 No Content must have an empty body", expected="empty body")
        after = self.session.request("GET", path)
        expect_status(after, 404, f"GET {path} after DELETE")
        return "204, then 404"

    def delete_twice(self) -> str:
        path = self.item(self.create()["id"])
        self.session.request("DELETE", path)
        again = self.session.request("DELETE", path)
        expect_status(again, 404, f"the second DELETE {path}")
        return "second DELETE: 404"

    def missing_title(self) -> str:
        for payload in ({"body": "a note without a title"}, {"title": "", "body": "empty title"}):
            response = self.post(payload)
            expect_status(response, INVALID, f"POST /notes with {excerpt_json(payload)}")
            expect_json(response, f"POST /notes with {excerpt_json(payload)}")
            if "title" not in response.body.decode("utf-8", "replace").lower():
                raise CheckFailed(
                    "the error body does not name the field 'title'",
                    expected='e.g. {"fields": {"title": "is required"}}',
                )
        return "missing and empty title rejected, field named"

    def invalid_values(self) -> str:
        for payload in (
            {"title": "x" * (MAX_TITLE + 1)},
            {"title": 42},
            {"title": "tags as a string", "tags": "home"},
            {"title": "tags with a number", "tags": ["ok", 7]},
            {"title": "body as a number", "body": 12},
        ):
            response = self.post(payload)
            expect_status(response, INVALID, f"POST /notes with {excerpt_json(payload, 60)}")
        return "title too long or not a string, bad tags, bad body rejected"

    def malformed_json(self) -> str:
        headers = {"Content-Type": "application/json"}
        response = self.session.request("POST", "/notes", data=b'{"title": "unclosed', headers=headers)
        expect_status(response, INVALID, "POST /notes with a body that is not valid JSON")
        return f"{response.status}"

    def collection_405(self) -> str:
        body = {"title": f"collection {token()}"}
        cases: tuple[tuple[str, dict[str, Any]], ...] = (
            ("PUT", {"json_body": body}),
            ("PATCH", {"json_body": body}),
            ("DELETE", {}),
        )
        for method, extra in cases:
            response = self.session.request(method, "/notes", **extra)
            expect_status(response, 405, f"{method} /notes")
        return "405 for PUT, PATCH, DELETE"

    def cleanup(self) -> None:
        for note_id in dict.fromkeys(self.created):
            self.session.request("DELETE", self.item(note_id))


NOTES_CHECKS = (
    CheckSpec(
        "POST /notes creates a note: 201 and the note as JSON", "http-status-codes", NotesSuite.create_answers_201
    ),
    CheckSpec("POST /notes sends Location: /notes/{id}", "rest-resource-design", NotesSuite.create_sets_location),
    CheckSpec(
        "JSON responses have Content-Type: application/json", "content-negotiation", NotesSuite.json_content_type
    ),
    CheckSpec("GET /notes/{id} returns the note", "rest-resource-design", NotesSuite.read_returns_note),
    CheckSpec("GET /notes/{id} of a missing note is 404", "http-status-codes", NotesSuite.read_missing_is_404),
    CheckSpec("GET /notes/{malformed id} is 404, 400 or 422, never 5xx", "http-status-codes", NotesSuite.malformed_ids),
    CheckSpec("GET /notes pages oldest first; offset counts notes", "pagination", NotesSuite.pagination),
    CheckSpec(
        "GET /notes rejects a bad limit or offset, and limit over 100", "input-validation", NotesSuite.bad_pagination
    ),
    CheckSpec("GET /notes?tag= returns only notes with that tag", "filtering-sorting", NotesSuite.tag_filter),
    CheckSpec("PUT /notes/{id} replaces the whole note", "http-methods", NotesSuite.put_replaces),
    CheckSpec("PUT and PATCH never change id or created_at", "rest-resource-design", NotesSuite.keeps_identity),
    CheckSpec("PUT is idempotent: the same PUT twice, the same note", "idempotency", NotesSuite.put_is_idempotent),
    CheckSpec("PATCH /notes/{id} changes only the given fields", "http-methods", NotesSuite.patch_changes_fields),
    CheckSpec("DELETE /notes/{id} is 204, then GET is 404", "http-status-codes", NotesSuite.delete_then_404),
    CheckSpec("DELETE of an already deleted note is 404", "idempotency", NotesSuite.delete_twice),
    CheckSpec("POST without a title is 400/422 naming 'title'", "input-validation", NotesSuite.missing_title),
    CheckSpec("POST with invalid field values is 400/422", "input-validation", NotesSuite.invalid_values),
    CheckSpec("POST with malformed JSON is 400/422, not 5xx", "input-validation", NotesSuite.malformed_json),
    CheckSpec("PUT, PATCH and DELETE on /notes are 405", "http-methods", NotesSuite.collection_405),
)


def page_diagnosis(got: list[str], ids: list[str], offset: int, first: dict[str, Any]) -> str:
    """What the pages suggest the server does instead (newest first, offset as a page number)."""
    if [str(n.get("id")) for n in first["items"][:1]] == ids[-1:] or got[:1] == ids[-1:]:
        return "the newest note comes first, but the list is oldest first"
    if not got or all(i not in ids for i in got):
        return f"offset seems to count pages, not notes (offset={offset} must skip exactly {offset} notes)"
    return "the order or the offset is not what the contract says"


def response_label(session: Session) -> str:
    return session.last[0].label if session.last else "the request"


def stable(note: dict[str, Any]) -> dict[str, Any]:
    """What must not change between two identical PUTs (an ``updated_at`` may; ``id`` and
    ``created_at`` are another check's business)."""
    return {k: v for k, v in note.items() if k not in ("updated_at", "modified_at", "id", "created_at")}


def excerpt_json(value: Any, limit: int = 120) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_iso_datetime(value: Any) -> bool:
    if not isinstance(value, str) or "T" not in value.upper():
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return True


# --- the Todo-Backend profile ----------------------------------------------------------------------

ORIGIN = "https://www.todobackend.com"  # where the official spec runner's page lives
SAFELISTED = ("GET", "HEAD", "POST")  # methods a preflight need not name
SPEC = "https://github.com/TodoBackend/todo-backend-js-spec/blob/master/js/specs.js"


class TodoBackendSuite:
    """The official Todo-Backend spec (``js/specs.js``), one check per assertion, named like it.

    Requests are made the way the spec's runner makes them in a browser: jQuery sends
    ``Content-Type: application/json`` on every request, so each one is preflighted (``OPTIONS``
    to the same URL, once per method and URL, as a browser caches it), and an answer without a
    usable ``Access-Control-Allow-Origin`` is blocked. Success is any 2xx, bodies are read as text
    and parsed as JSON whatever their Content-Type, and a ``describe`` block's ``beforeEach``
    (DELETE on the root) runs before each of its checks. Anything stricter is advice: WARN lines.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.root = session.url("")
        self.preflighted: set[tuple[str, str]] = set()
        self.advice: list[str] = []

    def before_each(self) -> None:
        """The spec's ``beforeEach(function(){ return delete_(apiRoot); })``."""
        try:
            self.ajax("DELETE", self.root)
        except CheckFailed as failed:
            failed.message = f'the "before each" hook (DELETE on the root) failed: {failed.message}'
            raise

    # --- the spec's helpers, as a browser runs them ---

    def ajax(self, method: str, url: str, data: Any = _NO_BODY) -> Response:
        """One ``$.ajax`` call: preflight, the request, and the browser's CORS check of the answer."""
        self.preflight(method, url)
        body = json.dumps(data).encode("utf-8") if data is not _NO_BODY else None
        request = Request(method, url, {"Origin": ORIGIN, "Content-Type": "application/json"}, body)
        response = self.session.send_request(request)
        allowed = response.header("Access-Control-Allow-Origin")
        if allowed not in ("*", ORIGIN):
            raise CheckFailed(
                f"a browser blocks the answer to {method} {url}: it has "
                + ("no Access-Control-Allow-Origin" if allowed is None else f"Access-Control-Allow-Origin: {allowed}"),
                expected="Access-Control-Allow-Origin: *",
                actual=response.summary("Access-Control-Allow-Origin"),
            )
        if not 200 <= response.status < 300:
            raise CheckFailed(f"{method} {url} failed: {status_text(response.status)}", expected="any 2xx")
        return response

    def preflight(self, method: str, url: str) -> None:
        if (method, url) in self.preflighted:
            return
        headers = {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        }
        response = self.session.send_request(Request("OPTIONS", url, headers))
        problems = []
        if not 200 <= response.status < 300:
            problems.append(f"answered {status_text(response.status)}")
        if response.header("Access-Control-Allow-Origin") not in ("*", ORIGIN):
            problems.append("has no usable Access-Control-Allow-Origin")
        methods = header_words(response, "Access-Control-Allow-Methods")
        if method not in SAFELISTED and method not in methods and "*" not in methods:
            problems.append(f"does not name {method} in Access-Control-Allow-Methods")
        allowed_headers = header_words(response, "Access-Control-Allow-Headers")
        if "CONTENT-TYPE" not in allowed_headers and "*" not in allowed_headers:
            problems.append("does not name Content-Type in Access-Control-Allow-Headers")
        if problems:
            shown = ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers")
            raise CheckFailed(
                f"a browser does not send {method} {url}: the preflight OPTIONS {url} {'; '.join(problems)}",
                expected=f"2xx with Access-Control-Allow-Origin: *, Access-Control-Allow-Methods: {method}, "
                "Access-Control-Allow-Headers: Content-Type",
                actual=response.summary(*shown),
            )
        self.preflighted.add((method, url))

    def json_of(self, response: Response, what: str) -> Any:
        """``transformResponseToJson``: the body text parsed as JSON, whatever its Content-Type."""
        try:
            return parse_json(response.body)
        except JsonTooDeep as exc:
            raise CheckFailed(f"{what}: the answer is {exc}") from None
        except (ValueError, UnicodeDecodeError):
            raise CheckFailed(f"{what}: could not parse the response as JSON", expected="a JSON body") from None

    def get(self, url: str, what: str) -> Any:
        return self.json_of(self.ajax("GET", url), what)

    def get_root(self) -> Any:
        return self.get(self.root, "GET on the root")

    def post_root(self, data: dict[str, Any]) -> Any:
        return self.json_of(self.ajax("POST", self.root, data), "POST on the root")

    def patch_json(self, url: str, data: dict[str, Any]) -> Any:
        return self.json_of(self.ajax("PATCH", url, data), "PATCH on the todo's url")

    def todo_url(self, todo: Any, where: str) -> str:
        """``urlFromTodo``; the browser resolves a relative url against the spec's page, not the API."""
        url = todo.get("url") if isinstance(todo, dict) else None
        if not isinstance(url, str) or not url:
            raise CheckFailed(f"{where} has no url", expected='"url": "http://127.0.0.1:8000/todos/1"')
        if urlsplit(url).scheme not in ("http", "https"):
            raise CheckFailed(
                f"{where} has the relative url {url!r}; the spec's browser page resolves it against its own "
                "address, not your API",
                expected='an absolute url, e.g. "http://127.0.0.1:8000/todos/1"',
            )
        return url

    def create_fresh(self, **params: Any) -> str:
        """``createFreshTodoAndGetItsUrl``."""
        return self.todo_url(self.post_root({"title": "blah", **params}), "the todo the POST answered")

    def first_of(self, todos: Any, length: int) -> dict[str, Any]:
        if not isinstance(todos, list) or len(todos) != length:
            size = (
                f"{len(todos)} todos" if isinstance(todos, list) else f"not an array: {excerpt(json.dumps(todos), 80)}"
            )
            raise CheckFailed(f"the list at the root has {size}", expected=f"an array of {length}")
        if not isinstance(todos[0], dict):
            raise CheckFailed("the first entry of the list is not a todo object", expected='{"title": ..., ...}')
        return todos[0]

    @staticmethod
    def expect_property(todo: Any, key: str, value: Any, where: str) -> None:
        """chai's ``have.property(key, value)``: present and strictly equal (``1`` is not ``true``)."""
        if not isinstance(todo, dict) or key not in todo:
            raise CheckFailed(f"{where} has no '{key}'", expected=f"{key}: {json.dumps(value)}")
        if not strictly_equal(todo[key], value):
            raise CheckFailed(
                f"{where} has {key} {json.dumps(todo[key])}",
                expected=f"{key}: {json.dumps(value)}",
                actual=f"{key}: {json.dumps(todo[key])}",
            )

    # --- the pre-requisites ---

    def root_responds_to_get(self) -> str:
        response = self.ajax("GET", self.root)
        if not response.is_json_type:
            self.advice.append(
                f"the list is sent as {response.header('Content-Type') or 'no Content-Type'}; the spec reads text, "
                "but JSON clients expect Content-Type: application/json"
            )
        return f"{status_text(response.status)}, CORS allows it"

    def root_responds_to_post(self) -> str:
        response = self.ajax("POST", self.root, {"title": "a todo"})
        todo = self.json_of(response, "POST on the root")
        self.expect_property(todo, "title", "a todo", "the todo the POST answered")
        if response.status != 201:
            self.advice.append(
                f"POST on the root answered {status_text(response.status)}; 201 Created is the usual "
                "answer to a create (the spec accepts any 2xx)"
            )
        return "the posted todo came back"

    def root_responds_to_delete(self) -> str:
        return status_text(self.ajax("DELETE", self.root).status)

    def delete_then_empty(self) -> str:
        self.ajax("DELETE", self.root)
        todos = self.get_root()
        if todos != []:
            raise CheckFailed(f"after DELETE the root answers {excerpt(json.dumps(todos), 120)}", expected="[]")
        return "[]"

    # --- storing new todos by posting to the root url ---

    def adds_to_list(self) -> str:
        self.post_root({"title": "walk the dog"})
        first = self.first_of(self.get_root(), 1)
        self.expect_property(first, "title", "walk the dog", "the todo in the list")
        return "the list has the new todo"

    def looks_valid(self, verify_todo: Any) -> None:
        """``createTodoAndVerifyItLooksValidWith``: the POST answer, then the list's first todo."""
        verify_todo(self.post_root({"title": "blah"}), "the todo the POST answered")
        todos = self.get_root()
        first = todos[0] if isinstance(todos, list) and todos else None
        verify_todo(first, "the first todo in the list")

    def not_completed(self) -> str:
        self.looks_valid(lambda todo, where: self.expect_property(todo, "completed", False, where))
        return "completed: false, in the answer and the list"

    def has_url(self) -> str:
        def url_is_a_string(todo: Any, where: str) -> None:
            if not isinstance(todo, dict) or not isinstance(todo.get("url"), str):
                shown = json.dumps(todo.get("url")) if isinstance(todo, dict) and "url" in todo else "no url"
                raise CheckFailed(f"{where} has {shown}", expected='"url": "http://…" (a string)')

        self.looks_valid(url_is_a_string)
        return "a url, in the answer and the list"

    def url_returns_todo(self) -> str:
        url = self.todo_url(self.post_root({"title": "my todo"}), "the todo the POST answered")
        self.expect_property(self.get(url, "GET on the todo's url"), "title", "my todo", "the todo at its url")
        return url

    # --- working with an existing todo ---

    def navigate(self) -> str:
        self.post_root({"title": "todo the first"})
        self.post_root({"title": "todo the second"})
        first = self.first_of(self.get_root(), 2)
        fetched = self.get(self.todo_url(first, "the first todo in the list"), "GET on the todo's url")
        if not isinstance(fetched, dict) or "title" not in fetched:
            raise CheckFailed("the todo at the list entry's url has no title", expected='{"title": ..., ...}')
        return "list → url → todo"

    def patch_title(self) -> str:
        url = self.create_fresh(title="initial title")
        self.expect_property(
            self.patch_json(url, {"title": "bathe the cat"}), "title", "bathe the cat", "the PATCH answer"
        )
        return "title changed"

    def patch_completed(self) -> str:
        url = self.create_fresh()
        self.expect_property(self.patch_json(url, {"completed": True}), "completed", True, "the PATCH answer")
        return "completed changed"

    def persisted(self) -> str:
        patched = self.patch_json(self.create_fresh(), {"title": "changed title", "completed": True})
        refetched = self.get(self.todo_url(patched, "the PATCH answer"), "GET on the todo's url")
        for where, todo in (
            ("the todo re-fetched from its url", refetched),
            ("the todo in the list", self.first_of(self.get_root(), 1)),
        ):
            self.expect_property(todo, "completed", True, where)
            self.expect_property(todo, "title", "changed title", where)
        return "re-fetched and listed with the changes"

    def delete_todo(self) -> str:
        url = self.create_fresh()
        self.ajax("DELETE", url)
        todos = self.get_root()
        if not (isinstance(todos, (list, str, dict)) and len(todos) == 0):  # chai's ``be.empty``
            raise CheckFailed(
                f"after DELETE on the todo's url the list is {excerpt(json.dumps(todos), 120)}", expected="[]"
            )
        with suppress(HttpProblem, CheckFailed):
            gone = self.session.request("GET", url, headers={"Origin": ORIGIN})
            if 200 <= gone.status < 300:
                self.advice.append(
                    f"GET on the deleted todo's url answers {status_text(gone.status)}; "
                    "404 Not Found is what clients expect (the spec does not check it)"
                )
        return "the list is empty"

    # --- tracking todo order ---

    def create_with_order(self) -> str:
        self.expect_property(
            self.post_root({"title": "blah", "order": 523}), "order", 523, "the todo the POST answered"
        )
        return "order 523"

    def patch_order(self) -> str:
        patched = self.patch_json(self.create_fresh(order=10), {"order": 95})
        self.expect_property(patched, "order", 95, "the PATCH answer")
        return "order 10 → 95"

    def remembers_order(self) -> str:
        patched = self.patch_json(self.create_fresh(order=10), {"order": 95})
        refetched = self.get(self.todo_url(patched, "the PATCH answer"), "GET on the todo's url")
        self.expect_property(refetched, "order", 95, "the todo re-fetched from its url")
        return "order 95 after re-fetching"

    def cleanup(self) -> None:
        self.ajax("DELETE", self.root)


TodoCheck = Callable[[TodoBackendSuite], str]


def advised(check: TodoCheck) -> Callable[[TodoBackendSuite], tuple[str, list[str]]]:
    """The check, with the advice it gathered along the way as WARN lines."""

    def run(suite: TodoBackendSuite) -> tuple[str, list[str]]:
        suite.advice = []
        return check(suite), list(suite.advice)

    return run


def cleared(check: TodoCheck) -> TodoCheck:
    """The check inside a ``describe`` block: its ``beforeEach`` runs first."""

    def run(suite: TodoBackendSuite) -> str:
        suite.before_each()
        return check(suite)

    return run


TODO_CHECKS = tuple(
    CheckSpec(name, hint, advised(check))
    for name, hint, check in [
        (
            "the api root responds to a GET (i.e. the server is up and accessible, CORS headers are set up)",
            "cors",
            TodoBackendSuite.root_responds_to_get,
        ),
        (
            "the api root responds to a POST with the todo which was posted to it",
            "rest-resource-design",
            TodoBackendSuite.root_responds_to_post,
        ),
        ("the api root responds successfully to a DELETE", "http-methods", TodoBackendSuite.root_responds_to_delete),
        (
            "after a DELETE the api root responds to a GET with a JSON representation of an empty array",
            "http-methods",
            TodoBackendSuite.delete_then_empty,
        ),
        # describe("storing new todos by posting to the root url"), with its beforeEach:
        (
            "adds a new todo to the list of todos at the root url",
            "rest-resource-design",
            cleared(TodoBackendSuite.adds_to_list),
        ),
        (
            "sets up a new todo as initially not completed",
            "rest-resource-design",
            cleared(TodoBackendSuite.not_completed),
        ),
        ("each new todo has a url", "rest-resource-design", cleared(TodoBackendSuite.has_url)),
        (
            "each new todo has a url, which returns a todo",
            "rest-resource-design",
            cleared(TodoBackendSuite.url_returns_todo),
        ),
        # describe("working with an existing todo"), with its beforeEach:
        (
            "can navigate from a list of todos to an individual todo via urls",
            "rest-resource-design",
            cleared(TodoBackendSuite.navigate),
        ),
        (
            "can change the todo's title by PATCHing to the todo's url",
            "http-methods",
            cleared(TodoBackendSuite.patch_title),
        ),
        (
            "can change the todo's completedness by PATCHing to the todo's url",
            "http-methods",
            cleared(TodoBackendSuite.patch_completed),
        ),
        (
            "changes to a todo are persisted and show up when re-fetching the todo",
            "http-methods",
            cleared(TodoBackendSuite.persisted),
        ),
        (
            "can delete a todo making a DELETE request to the todo's url",
            "http-methods",
            cleared(TodoBackendSuite.delete_todo),
        ),
        # describe("tracking todo order"):
        ("can create a todo with an order field", "rest-resource-design", TodoBackendSuite.create_with_order),
        ("can PATCH a todo to change its order", "http-methods", TodoBackendSuite.patch_order),
        ("remembers changes to a todo's order", "http-methods", TodoBackendSuite.remembers_order),
    ]
)


def strictly_equal(a: Any, b: Any) -> bool:
    """JavaScript's ``===`` for JSON values chai compares: no ``1 == true``, no ``"1" == 1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def header_words(response: Response, name: str) -> set[str]:
    return {word.strip().upper() for word in (response.header(name) or "").split(",") if word.strip()}
