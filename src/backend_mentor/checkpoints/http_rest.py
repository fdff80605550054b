"""Verifier for ``http-rest`` (checkpoint build-rest-api): a CRUD API for notes at ``--url``.

The contract is ``CONTRACT`` below (written to CONTRACT.md by ``checkpoint start``, with the same
contract as OpenAPI 3.1 in openapi.yaml). Each check creates the notes it needs, with random
titles and tags so answers cannot be hard-coded, and only the check about creating is strict
about how a note is created: the others accept any 2xx with an id, so one mistake fails one
check. What the run created is deleted at the end.

``--profile todo-backend`` runs the public Todo-Backend contract instead (``TodoBackendSuite``).
"""

from __future__ import annotations

import json
import secrets
import string
import uuid
from contextlib import suppress
from datetime import datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from ._http import CheckFailed, Plan, Response, Session, expect_json, expect_status, status_text
from .base import Check, VerifierInputError, VerifyOptions

PROFILES = ("notes", "todo-backend")
MAX_TITLE = 200
WORDS = ("groceries", "meeting", "idea", "recipe", "trip", "budget", "reading", "garden", "backup", "deploy")

CONTRACT = """\
# Contract: a notes API

Build this JSON API in any language and framework, run it on this machine, then check it:

    backend-mentor checkpoint verify build-rest-api --url http://127.0.0.1:8000

Every path below is relative to that URL (with `--url http://127.0.0.1:8000/api` the
collection is `/api/notes`). The same contract, as OpenAPI 3.1, is in `openapi.yaml`.

## The resource

```json
{"id": 17, "title": "Buy milk", "body": "2 litres", "tags": ["home"], "created_at": "2025-05-01T10:00:00Z"}
```

| field | type | rules |
|---|---|---|
| `id` | integer or string | chosen by the server, never changes |
| `title` | string | required, not empty, at most 200 characters |
| `body` | string | optional, default `""` |
| `tags` | list of strings | optional, default `[]` |
| `created_at` | string | ISO 8601 date-time, set by the server on create, never changes |

Every response with a body is JSON with `Content-Type: application/json`.

## Endpoints

| request | success | errors |
|---|---|---|
| `POST /notes` | `201 Created`, `Location: /notes/{id}`, the new note | `400`/`422` invalid note |
| `GET /notes?limit=&offset=&tag=` | `200`, a page (below) | `400` bad `limit`/`offset` |
| `GET /notes/{id}` | `200`, the note | `404` no such note; `404` or `400` for an id that cannot exist (`/notes/not-a-number`) |
| `PUT /notes/{id}` | `200`, the note | `404`, `400`/`422` |
| `PATCH /notes/{id}` | `200`, the note | `404`, `400`/`422` |
| `DELETE /notes/{id}` | `204 No Content`, empty body | `404` (also when it was already deleted) |
| `PUT /notes`, `PATCH /notes`, `DELETE /notes` | — | `405 Method Not Allowed` (send an `Allow` header) |

A server error (5xx) is never the answer to a bad request.

### Create

```
curl -i -X POST http://127.0.0.1:8000/notes -H 'Content-Type: application/json' \\
     -d '{"title": "Buy milk", "tags": ["home"]}'

HTTP/1.1 201 Created
Location: /notes/17
Content-Type: application/json

{"id": 17, "title": "Buy milk", "body": "", "tags": ["home"], "created_at": "2025-05-01T10:00:00Z"}
```

`Location` may be relative (`/notes/17`) or absolute (`http://127.0.0.1:8000/notes/17`).

### List: pagination and filtering

`GET /notes` answers one page, oldest note first:

```json
{"items": [{"id": 17, "title": "Buy milk", "...": "..."}], "total": 42, "limit": 20, "offset": 0}
```

- `limit`: how many notes at most (default 20, at most 100); `offset`: how many to skip (default 0).
- `total` counts every note that matches the filter, not only the ones on the page.
- `limit` or `offset` that is not a whole number, or is negative: `400`.
- `tag=home`: only notes whose `tags` contain `home` (and `total` counts only those).

```
curl -i 'http://127.0.0.1:8000/notes?limit=2&offset=2&tag=home'
```

### Replace (PUT) and change (PATCH)

`PUT /notes/{id}` replaces the note: it takes the same body as create, and a field you leave out
goes back to its default (`body` to `""`, `tags` to `[]`). `id` and `created_at` stay. Sending
the same PUT twice leaves the note exactly as after the first one (PUT is idempotent).

`PATCH /notes/{id}` changes only the fields in the body and keeps the others.

```
curl -i -X PUT http://127.0.0.1:8000/notes/17 -H 'Content-Type: application/json' \\
     -d '{"title": "Buy oat milk", "body": "1 litre"}'
curl -i -X PATCH http://127.0.0.1:8000/notes/17 -H 'Content-Type: application/json' -d '{"tags": ["shop"]}'
```

### Delete

```
curl -i -X DELETE http://127.0.0.1:8000/notes/17     # 204, empty body
curl -i http://127.0.0.1:8000/notes/17               # 404 from now on
curl -i -X DELETE http://127.0.0.1:8000/notes/17     # 404: nothing left to delete
```

### Validation errors

A note without a title, with an empty title, a title over 200 characters, `tags` that is not a
list of strings, `body` that is not a string, or a request body that is not valid JSON is
answered `400 Bad Request` or `422 Unprocessable Content` with a JSON body that names the field:

```json
{"error": "validation failed", "fields": {"title": "is required"}}
```

(Any JSON shape works, for example RFC 9457 problem details, as long as it names the field.)

## What the verifier does

It creates notes with random titles and tags, checks each rule above, and deletes what it
created. It never follows redirects and only talks to this machine unless you pass
`--allow-remote`. Each failed check shows the `curl` command that reproduces it.

## Profile: Todo-Backend

`--profile todo-backend` checks the public Todo-Backend contract (https://todobackend.com)
instead. The URL you pass is the todo collection itself:

- `GET /` lists todos as a JSON array; `POST /` with `{"title": "walk the dog", "order": 3}`
  creates one and answers it with `"completed": false` and `"url"`, the absolute URL of the todo;
  `DELETE /` deletes every todo (the verifier does this, so use a server with nothing you need).
- `GET`, `PATCH` (`title`, `completed`, `order`) and `DELETE` on a todo's `url`; changes show up
  in the todo and in the list.
- CORS: every response has `Access-Control-Allow-Origin`, and an `OPTIONS` preflight is answered
  with `Access-Control-Allow-Methods` (GET, POST, PATCH, DELETE) and `Access-Control-Allow-Headers`
  (`Content-Type`).

    backend-mentor checkpoint verify build-rest-api --profile todo-backend --url http://127.0.0.1:8000
"""

OPENAPI = """\
openapi: 3.1.0
info:
  title: Notes API (backend-mentor checkpoint build-rest-api)
  version: "1.0"
  description: The contract in CONTRACT.md, for code generators and API clients.
servers:
  - url: http://127.0.0.1:8000
paths:
  /notes:
    get:
      summary: One page of notes, oldest first
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 0, maximum: 100, default: 20}}
        - {name: offset, in: query, schema: {type: integer, minimum: 0, default: 0}}
        - {name: tag, in: query, description: only notes with this tag, schema: {type: string}}
      responses:
        "200":
          description: A page of notes
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Page"}
        "400": {$ref: "#/components/responses/Invalid"}
    post:
      summary: Create a note
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NoteInput"}
      responses:
        "201":
          description: Created
          headers:
            Location:
              description: URL of the new note, /notes/{id}
              schema: {type: string}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
        "400": {$ref: "#/components/responses/Invalid"}
        "422": {$ref: "#/components/responses/Invalid"}
    put: {summary: Not supported on the collection, responses: {"405": {description: Method Not Allowed}}}
    patch: {summary: Not supported on the collection, responses: {"405": {description: Method Not Allowed}}}
    delete: {summary: Not supported on the collection, responses: {"405": {description: Method Not Allowed}}}
  /notes/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      summary: One note
      responses:
        "200":
          description: The note
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
        "400": {description: An id that cannot exist (400 or 404)}
        "404": {$ref: "#/components/responses/NotFound"}
    put:
      summary: Replace a note (omitted fields go back to their defaults); idempotent
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NoteInput"}
      responses:
        "200":
          description: The replaced note
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
        "400": {$ref: "#/components/responses/Invalid"}
        "404": {$ref: "#/components/responses/NotFound"}
        "422": {$ref: "#/components/responses/Invalid"}
    patch:
      summary: Change only the given fields
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NotePatch"}
      responses:
        "200":
          description: The changed note
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
        "400": {$ref: "#/components/responses/Invalid"}
        "404": {$ref: "#/components/responses/NotFound"}
        "422": {$ref: "#/components/responses/Invalid"}
    delete:
      summary: Delete a note
      responses:
        "204": {description: "Deleted, no body"}
        "404": {$ref: "#/components/responses/NotFound"}
components:
  schemas:
    Note:
      type: object
      required: [id, title, body, tags, created_at]
      properties:
        id: {type: [integer, string]}
        title: {type: string, minLength: 1, maxLength: 200}
        body: {type: string}
        tags: {type: array, items: {type: string}}
        created_at: {type: string, format: date-time}
    NoteInput:
      type: object
      required: [title]
      properties:
        title: {type: string, minLength: 1, maxLength: 200}
        body: {type: string, default: ""}
        tags: {type: array, items: {type: string}, default: []}
    NotePatch:
      type: object
      properties:
        title: {type: string, minLength: 1, maxLength: 200}
        body: {type: string}
        tags: {type: array, items: {type: string}}
    Page:
      type: object
      required: [items, total, limit, offset]
      properties:
        items: {type: array, items: {$ref: "#/components/schemas/Note"}}
        total: {type: integer, description: notes matching the filter, on every page}
        limit: {type: integer}
        offset: {type: integer}
    Error:
      type: object
      description: 'Any JSON object that names the invalid field, e.g. {"error": "validation failed", "fields": {"title": "is required"}}'
  responses:
    Invalid:
      description: The request is invalid; the body names the field
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    NotFound:
      description: No such note
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
"""


def verify(options: VerifyOptions) -> list[Check]:
    profile = options.profile or "notes"
    if profile not in PROFILES:
        raise VerifierInputError(
            f"unknown --profile '{profile}' for build-rest-api; choose one of: {', '.join(PROFILES)}"
        )
    session = Session(options)
    suite = TodoBackendSuite(session) if profile == "todo-backend" else NotesSuite(session)
    return session.run(suite.plan(), suite.cleanup)


def starter_files(params: dict) -> dict[str, str | bytes]:
    return {"CONTRACT.md": CONTRACT, "openapi.yaml": OPENAPI}


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


class NotesSuite:
    """The notes contract, one method per check."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: list[str] = []

    def plan(self) -> Plan:
        return [
            ("POST /notes creates a note: 201 and the note as JSON", "http-status-codes", self.create_answers_201),
            ("POST /notes sends Location: /notes/{id}", "rest-resource-design", self.create_sets_location),
            ("JSON responses have Content-Type: application/json", "content-negotiation", self.json_content_type),
            ("GET /notes/{id} returns the note", "rest-resource-design", self.read_returns_note),
            ("GET /notes/{id} of a missing note is 404", "http-status-codes", self.read_missing_is_404),
            ("GET /notes/{malformed id} is 404 or 400, never 5xx", "http-status-codes", self.malformed_ids),
            ("GET /notes pages with limit and offset", "pagination", self.pagination),
            ("GET /notes rejects a bad limit or offset with 400", "input-validation", self.bad_pagination),
            ("GET /notes?tag= returns only notes with that tag", "filtering-sorting", self.tag_filter),
            ("PUT /notes/{id} replaces the whole note", "http-methods", self.put_replaces),
            ("PUT is idempotent: the same PUT twice, the same note", "idempotency", self.put_is_idempotent),
            ("PATCH /notes/{id} changes only the given fields", "http-methods", self.patch_changes_fields),
            ("DELETE /notes/{id} is 204, then GET is 404", "http-status-codes", self.delete_then_404),
            ("DELETE of an already deleted note is 404", "idempotency", self.delete_twice),
            ("POST without a title is 400/422 naming 'title'", "input-validation", self.missing_title),
            ("POST with invalid field values is 400/422", "input-validation", self.invalid_values),
            ("POST with malformed JSON is 400/422, not 5xx", "input-validation", self.malformed_json),
            ("PUT, PATCH and DELETE on /notes are 405", "http-methods", self.collection_405),
        ]

    # --- helpers ---

    def fields(self, **overrides: Any) -> dict[str, Any]:
        base = {"title": f"{secrets.choice(WORDS)} {token()}", "body": f"text {token()}", "tags": [f"t-{token()}"]}
        return {**base, **overrides}

    def post(self, payload: Any) -> Response:
        """POST /notes and remember any note it created, so the run can delete it afterwards."""
        response = self.session.request("POST", "/notes", json_body=payload)
        if 200 <= response.status < 300:
            with suppress(ValueError, KeyError, TypeError):
                self.created.append(str(response.json()["id"]))
        return response

    def create(self, **overrides: Any) -> dict[str, Any]:
        """A note for a check to work with; any 2xx with an id will do (the create check is strict)."""
        response = self.post(self.fields(**overrides))
        if not 200 <= response.status < 300:
            raise CheckFailed(
                f"could not create a note to work with: POST /notes answered {response.status} {response.reason}"
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
        request = self.session.last[0]
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
        note = self.create()
        seen = [self.session.last]
        self.session.request("GET", self.item(note["id"]))
        seen.append(self.session.last)
        self.session.request("GET", "/notes", query={"limit": 1})
        seen.append(self.session.last)
        response = self.post({"body": "no title"})
        if response.status in (400, 422):
            seen.append(self.session.last)
        for request, answer in seen:
            if answer is not None and answer.body.strip() and not answer.is_json_type:
                raise CheckFailed(
                    f"{request.label} answered JSON with Content-Type: {answer.header('Content-Type') or '(none)'}",
                    expected="Content-Type: application/json",
                    request=request,
                    response=answer,
                )
        return f"{len(seen)} responses checked"

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
        for raw in ("not-a-number", str(uuid.uuid4()), "-1", "1.5"):
            response = self.session.request("GET", self.item(raw))
            expect_status(response, (404, 400), f"GET {self.item(raw)}")
        return "404/400 for not-a-number, a random UUID, -1, 1.5"

    def pagination(self) -> str:
        for _ in range(3):
            self.create()
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
        second = self.page(limit=2, offset=2)
        overlap = {str(n.get("id")) for n in first["items"]} & {str(n.get("id")) for n in second["items"]}
        if overlap or len(second["items"]) != min(2, total - 2):
            raise CheckFailed(
                f"offset=2 gave {len(second['items'])} items, {len(overlap)} of them already on the first page",
                expected=f"{min(2, total - 2)} items after the first two",
            )
        beyond = self.page(limit=2, offset=total)
        if beyond["items"]:
            raise CheckFailed(
                f"offset={total} (= total) still gave {len(beyond['items'])} items", expected='"items": []'
            )
        return f"pages of 2 over {total} notes"

    def bad_pagination(self) -> str:
        for query in ({"limit": "abc"}, {"limit": -1}, {"offset": -3}, {"offset": "x"}):
            response = self.session.request("GET", "/notes", query=query)
            expect_status(response, (400, 422), response_label(self.session))
        return "limit=abc, limit=-1, offset=-3, offset=x rejected"

    def tag_filter(self) -> str:
        tag, other = f"tag-{token()}", f"other-{token()}"
        wanted = {str(self.create(tags=[tag])["id"]), str(self.create(tags=[other, tag])["id"])}
        self.create(tags=[other])
        doc = self.page(tag=tag, limit=100)
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
            expect_status(response, (400, 422), f"POST /notes with {excerpt_json(payload)}")
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
            expect_status(response, (400, 422), f"POST /notes with {excerpt_json(payload, 60)}")
        return "title too long or not a string, bad tags, bad body rejected"

    def malformed_json(self) -> str:
        headers = {"Content-Type": "application/json"}
        response = self.session.request("POST", "/notes", data=b'{"title": "unclosed', headers=headers)
        expect_status(response, (400, 422), "POST /notes with a body that is not valid JSON")
        return f"{response.status}"

    def collection_405(self) -> str:
        body = {"title": f"collection {token()}"}
        for method, extra in (("PUT", {"json_body": body}), ("PATCH", {"json_body": body}), ("DELETE", {})):
            response = self.session.request(method, "/notes", **extra)
            expect_status(response, 405, f"{method} /notes")
        return "405 for PUT, PATCH, DELETE"

    def cleanup(self) -> None:
        for note_id in dict.fromkeys(self.created):
            self.session.request("DELETE", self.item(note_id))


def response_label(session: Session) -> str:
    return session.last[0].label if session.last else "the request"


def stable(note: dict[str, Any]) -> dict[str, Any]:
    """What must not change between two identical PUTs (an ``updated_at`` may; the id's type is
    the read check's business)."""
    kept = {k: v for k, v in note.items() if k not in ("updated_at", "modified_at")}
    return {**kept, "id": str(note.get("id"))}


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

ORIGIN = "http://localhost:9999"


class TodoBackendSuite:
    """The public Todo-Backend contract: the URL is the collection, todos carry their own URL."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.root = session.url("")
        self.created: list[str] = []

    def plan(self) -> Plan:
        return [
            ("GET on the root answers 200 with a JSON array", "rest-resource-design", self.root_lists),
            ("POST on the root answers the new todo", "rest-resource-design", self.post_returns_todo),
            ("a new todo is not completed", "rest-resource-design", self.new_not_completed),
            ("a new todo has an absolute url that returns it", "rest-resource-design", self.url_is_absolute),
            ("the list shows the new todo with its url", "rest-resource-design", self.list_has_todo),
            ("PATCH on a todo's url changes its title, and it persists", "http-methods", self.patch_title),
            ("PATCH on a todo's url changes completed, and it persists", "http-methods", self.patch_completed),
            ("order is kept on create and changed by PATCH", "http-methods", self.order),
            ("DELETE on a todo's url removes it", "http-methods", self.delete_item),
            ("DELETE on the root clears the list", "http-methods", self.clear),
            ("responses carry Access-Control-Allow-Origin", "cors", self.cors_origin),
            ("an OPTIONS preflight allows the methods and headers browsers send", "cors", self.preflight),
        ]

    def todo_url(self, todo: dict[str, Any]) -> str:
        """The todo's URL, resolved against the root (only ``url_is_absolute`` insists it is absolute)."""
        url = todo.get("url")
        if not isinstance(url, str) or not url:
            raise CheckFailed("the todo has no 'url'", expected='"url": "http://127.0.0.1:8000/todos/1"')
        return urljoin(self.root + "/", url)

    def create(self, headers: dict[str, str] | None = None, **fields: Any) -> tuple[dict[str, Any], Response]:
        """A todo for a check to work with: any 2xx with a JSON object will do."""
        payload = {"title": f"{secrets.choice(WORDS)} {token()}", **fields}
        response = self.session.request("POST", self.root, json_body=payload, headers=headers)
        if not 200 <= response.status < 300:
            raise CheckFailed(f"POST on the root answered {response.status} {response.reason}", expected="201 or 200")
        todo = expect_json(response, "POST on the root", dict)
        if isinstance(todo.get("url"), str):
            self.created.append(self.todo_url(todo))
        return {**payload, **todo}, response

    def todos(self) -> list[Any]:
        response = self.session.request("GET", self.root)
        expect_status(response, 200, "GET on the root")
        return expect_json(response, "GET on the root", list)

    def find(self, todos: list[Any], url: str, title: str | None = None) -> dict[str, Any] | None:
        """The list entry for ``url``; entries without a url are matched by ``title``."""
        for entry in todos:
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("url"), str):
                if urljoin(self.root + "/", entry["url"]) == url:
                    return entry
            elif title is not None and entry.get("title") == title:
                return entry
        return None

    def fetch(self, url: str) -> dict[str, Any]:
        response = self.session.request("GET", url)
        expect_status(response, 200, "GET on the todo's url")
        return expect_json(response, "GET on the todo's url", dict)

    def patch(self, url: str, change: dict[str, Any]) -> dict[str, Any]:
        response = self.session.request("PATCH", url, json_body=change)
        if not 200 <= response.status < 300:
            raise CheckFailed(f"PATCH on the todo's url answered {response.status} {response.reason}", expected="200")
        return expect_json(response, "PATCH on the todo's url", dict)

    def persisted(self, url: str, key: str, value: Any) -> None:
        """``key`` has ``value`` in the PATCH answer's todo, when fetched again, and in the list."""
        fetched = self.fetch(url)
        if fetched.get(key) != value:
            raise CheckFailed(
                f"GET on the todo's url after PATCH shows {key} {fetched.get(key)!r}", expected=f"{key}: {value!r}"
            )
        title = value if key == "title" else fetched.get("title")
        entry = self.find(self.todos(), url, title)
        if entry is None or entry.get(key) != value:
            shown = "no such todo" if entry is None else f"{key} {entry.get(key)!r}"
            raise CheckFailed(f"the list after PATCH shows {shown}", expected=f"{key}: {value!r}")

    # --- checks ---

    def root_lists(self) -> str:
        response = self.session.request("GET", self.root)
        expect_status(response, 200, "GET on the root")
        todos = expect_json(response, "GET on the root", list)
        if not response.is_json_type:
            raise CheckFailed(
                f"the list is sent with Content-Type: {response.header('Content-Type') or '(none)'}",
                expected="Content-Type: application/json",
            )
        return f"{len(todos)} todos"

    def post_returns_todo(self) -> str:
        title = f"walk the dog {token()}"
        _, response = self.create(title=title)
        todo = response.json()
        if todo.get("title") != title:
            raise CheckFailed(f"the answer has title {todo.get('title')!r}", expected=f"title: {title!r}")
        return f"{response.status}, title echoed"

    def new_not_completed(self) -> str:
        todo, _ = self.create()
        if todo.get("completed") is not False:
            raise CheckFailed(f"a new todo has completed {todo.get('completed')!r}", expected="completed: false")
        return "completed: false"

    def url_is_absolute(self) -> str:
        todo, _ = self.create()
        url = todo.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise CheckFailed(
                f"the todo's url is {url!r}, not an absolute URL", expected='"url": "http://127.0.0.1:8000/…"'
            )
        fetched = self.fetch(url)
        if fetched.get("title") != todo["title"]:
            raise CheckFailed(
                f"GET on the url returned title {fetched.get('title')!r}", expected=f"title: {todo['title']!r}"
            )
        return url

    def list_has_todo(self) -> str:
        todo, _ = self.create()
        url = self.todo_url(todo)
        todos = self.todos()
        if self.find(todos, url) is None:
            titled = [t for t in todos if isinstance(t, dict) and t.get("title") == todo["title"]]
            why = "its entry has no url" if titled else "it is not in the list"
            raise CheckFailed(f"after POST, {why}", expected=f"an entry with url {url}")
        return f"{len(todos)} todos, the new one included"

    def patch_title(self) -> str:
        todo, _ = self.create()
        url, title = self.todo_url(todo), f"renamed {token()}"
        answered = self.patch(url, {"title": title})
        if answered.get("title") != title:
            raise CheckFailed(f"the PATCH answer has title {answered.get('title')!r}", expected=f"title: {title!r}")
        self.persisted(url, "title", title)
        return "title changed in the todo and the list"

    def patch_completed(self) -> str:
        todo, _ = self.create()
        url = self.todo_url(todo)
        answered = self.patch(url, {"completed": True})
        if answered.get("completed") is not True:
            raise CheckFailed(
                f"the PATCH answer has completed {answered.get('completed')!r}", expected="completed: true"
            )
        self.persisted(url, "completed", True)
        return "completed changed in the todo and the list"

    def order(self) -> str:
        first, second = secrets.randbelow(900) + 10, secrets.randbelow(900) + 1000
        todo, _ = self.create(order=first)
        url = self.todo_url(todo)
        stored = self.fetch(url).get("order")
        if stored != first:
            raise CheckFailed(f"a todo created with order {first} has order {stored!r}", expected=f"order: {first}")
        answered = self.patch(url, {"order": second})
        if answered.get("order") != second:
            raise CheckFailed(f"the PATCH answer has order {answered.get('order')!r}", expected=f"order: {second}")
        self.persisted(url, "order", second)
        return f"order {first} → {second}"

    def delete_item(self) -> str:
        todo, _ = self.create()
        url = self.todo_url(todo)
        response = self.session.request("DELETE", url)
        if not 200 <= response.status < 300:
            raise CheckFailed(
                f"DELETE on the todo's url answered {response.status} {response.reason}", expected="200 or 204"
            )
        if self.find(self.todos(), url, todo["title"]) is not None:
            raise CheckFailed("after DELETE the todo is still in the list", expected="the todo gone from the list")
        gone = self.session.request("GET", url)
        expect_status(gone, 404, "GET on a deleted todo's url")
        return "removed from the list, its url answers 404"

    def clear(self) -> str:
        self.create()
        response = self.session.request("DELETE", self.root)
        if not 200 <= response.status < 300:
            raise CheckFailed(f"DELETE on the root answered {response.status} {response.reason}", expected="200 or 204")
        left = self.todos()
        if left:
            raise CheckFailed(f"after DELETE on the root the list still has {len(left)} todos", expected="[]")
        return "the list is empty"

    def cors_origin(self) -> str:
        listed = self.session.request("GET", self.root, headers={"Origin": ORIGIN})
        _, created = self.create(headers={"Origin": ORIGIN})
        for method, response in (("GET", listed), ("POST", created)):
            allowed = response.header("Access-Control-Allow-Origin")
            if allowed not in ("*", ORIGIN):
                raise CheckFailed(
                    f"{method} on the root (from Origin {ORIGIN}) has no usable Access-Control-Allow-Origin",
                    expected="Access-Control-Allow-Origin: *",
                    actual=response.summary("Access-Control-Allow-Origin"),
                )
        return "Access-Control-Allow-Origin on GET and POST"

    def preflight(self) -> str:
        headers = {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "content-type",
        }
        response = self.session.request("OPTIONS", self.root, headers=headers)
        shown = ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers")
        if not 200 <= response.status < 300:
            raise CheckFailed(
                f"OPTIONS on the root answered {response.status} {response.reason}",
                expected="200 or 204",
                actual=response.summary(*shown),
            )
        methods = header_words(response, "Access-Control-Allow-Methods")
        missing = [m for m in ("GET", "POST", "PATCH", "DELETE") if m not in methods and "*" not in methods]
        allowed_headers = header_words(response, "Access-Control-Allow-Headers")
        problems = [f"methods without {', '.join(missing)}"] if missing else []
        if "CONTENT-TYPE" not in allowed_headers and "*" not in allowed_headers:
            problems.append("headers without Content-Type")
        if response.header("Access-Control-Allow-Origin") not in ("*", ORIGIN):
            problems.append("no Access-Control-Allow-Origin")
        if problems:
            raise CheckFailed(
                f"the preflight answer allows {'; '.join(problems)}",
                expected="Access-Control-Allow-Methods: GET, POST, PATCH, DELETE; Access-Control-Allow-Headers: Content-Type",
                actual=response.summary(*shown),
            )
        return "GET, POST, PATCH, DELETE and Content-Type allowed"

    def cleanup(self) -> None:
        for url in dict.fromkeys(self.created):
            self.session.request("DELETE", url)


def header_words(response: Response, name: str) -> set[str]:
    return {word.strip().upper() for word in (response.header(name) or "").split(",") if word.strip()}
