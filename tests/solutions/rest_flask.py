"""A Flask solution of the build-rest-api contract, written the way a learner would.

``make_app()`` is correct; each name in ``defects`` switches on one realistic mistake (see
``DEFECTS``). Served by werkzeug's ``make_server`` in a thread (``serve_flask`` in the tests).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from datetime import datetime, timezone
from typing import Any

from flask import Flask, Response, abort, jsonify, request
from werkzeug.exceptions import HTTPException

DEFECTS = {
    "create-200": "POST answers Flask's default 200 instead of 201",
    "no-location": "POST sends no Location header",
    "json-dumps": "GET /notes/<id> returns json.dumps(note): Flask labels it text/html",
    "read-id-as-string": "GET /notes/<id> serializes the id as a string",
    "list-index-500": "notes kept in a list and read with notes[id - 1]: an id past the end is an IndexError (500)",
    "int-parse-500": "GET /notes/<id> calls int(id) unguarded: /notes/not-a-number is a 500",
    "sqlite-id-overflow": "the id is bound to an SQLite query as is: one past 2**63 - 1 is an OverflowError (500)",
    "sqlite-offset-overflow": "offset is bound to SQLite's LIMIT ? OFFSET ? as is: past 2**63 - 1, a 500",
    "newest-first": "GET /notes lists the newest note first",
    "offset-as-page": "GET /notes treats offset as a page number",
    "limit-clamped": "GET /notes quietly lowers limit=101 to 100",
    "ignore-tag": "GET /notes ignores ?tag=",
    "put-merges": "PUT keeps the fields the body leaves out",
    "update-from-body": "PUT and PATCH do note.update(body), so id and created_at in the body overwrite the note",
    "put-extends-tags": "PUT adds the body's tags to the old ones instead of replacing them",
    "patch-replaces": "PATCH resets the fields it was not given",
    "delete-200": "DELETE answers 200 with the deleted note",
    "delete-missing-204": "DELETE of a missing note answers 204 (notes.pop(id, None))",
    "error-not-naming-field": 'validation errors say only {"error": "invalid"}',
    "no-length-check": "no check of the title's length",
    "bad-json-500": "json.loads(request.data) unguarded: malformed JSON is a 500",
    "html-400": "no JSON handler for 400: malformed JSON gets Flask's HTML 400 page",
    "html-405": "no JSON handler for 405: PUT /notes gets Flask's HTML 405 page",
    "html-404": "no JSON handler for 404: abort(404) gets Flask's HTML 404 page",
}


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # whole seconds, like many databases


def make_app(defects: frozenset[str] | set[str] = frozenset()) -> Flask:
    unknown = set(defects) - set(DEFECTS)
    assert not unknown, unknown
    app = Flask(__name__)
    notes: list[dict[str, Any] | None] = []  # index = id - 1; None once deleted
    lock = threading.Lock()

    def invalid(fields: dict[str, str]) -> Response:
        doc = (
            {"error": "invalid"}
            if "error-not-naming-field" in defects
            else {"error": "validation failed", "fields": fields}
        )
        response = jsonify(doc)
        response.status_code = 422
        return response

    for status in (400, 404, 405):
        if f"html-{status}" not in defects:
            app.register_error_handler(
                status,
                lambda e: (
                    jsonify({"error": e.description}),
                    e.code,
                    {"Allow": ", ".join(e.valid_methods)} if getattr(e, "valid_methods", None) else {},
                ),
            )

    @app.errorhandler(500)
    def server_error(e: HTTPException) -> Any:
        return jsonify({"error": "internal server error"}), 500

    def validate(doc: Any, partial: bool) -> dict[str, str]:
        if not isinstance(doc, dict):
            return {"body": "must be a JSON object"}
        fields = {}
        if "title" in doc or not partial:
            title = doc.get("title")
            if not isinstance(title, str) or not title.strip():
                fields["title"] = "is required and must be a non-empty string"
            elif len(title) > 200 and "no-length-check" not in defects:
                fields["title"] = "must be at most 200 characters"
        if "body" in doc and not isinstance(doc["body"], str):
            fields["body"] = "must be a string"
        if "tags" in doc and not (isinstance(doc["tags"], list) and all(isinstance(t, str) for t in doc["tags"])):
            fields["tags"] = "must be a list of strings"
        return fields

    def body(partial: bool = False) -> dict[str, Any]:
        if "html-400" in defects:
            doc = request.get_json()  # malformed JSON: Flask raises BadRequest
        elif "bad-json-500" in defects:
            doc = json.loads(request.get_data())  # JSONDecodeError: a 500
        else:
            doc = request.get_json(silent=True)
            if doc is None and request.get_data():
                abort(400, "the body is not valid JSON")
        fields = validate(doc, partial)
        if fields:
            abort(invalid(fields))
        return doc

    def find(raw: str) -> dict[str, Any]:
        if "int-parse-500" in defects and request.method == "GET":
            note_id = int(raw)
        elif not raw.isdigit():
            abort(404, "no such note")
        else:
            note_id = int(raw)
        if "sqlite-id-overflow" in defects:
            with closing(sqlite3.connect(":memory:")) as db:
                db.execute("SELECT ?", (note_id,))  # as SELECT … WHERE id = ? would
        if "list-index-500" in defects:
            note = notes[note_id - 1] if note_id > 0 else None  # IndexError past the end
        else:
            note = notes[note_id - 1] if 0 < note_id <= len(notes) else None
        if note is None:
            abort(404, "no such note")
        return note

    @app.post("/notes")
    def create() -> Any:
        doc = body()
        with lock:
            note = {
                "id": len(notes) + 1,
                "title": doc["title"],
                "body": doc.get("body", ""),
                "tags": doc.get("tags", []),
                "created_at": now(),
            }
            notes.append(note)
        headers = {} if "no-location" in defects else {"Location": f"/notes/{note['id']}"}
        return jsonify(note), 200 if "create-200" in defects else 201, headers

    @app.get("/notes")
    def list_notes() -> Any:
        try:
            limit, offset = int(request.args.get("limit", 20)), int(request.args.get("offset", 0))
        except ValueError:
            abort(400, "limit and offset must be whole numbers")
        if limit < 0 or offset < 0:
            abort(400, "limit and offset must not be negative")
        if limit > 100:
            if "limit-clamped" not in defects:
                abort(400, "limit must be at most 100")
            limit = 100
        found = [n for n in notes if n is not None]
        if "tag" in request.args and "ignore-tag" not in defects:
            found = [n for n in found if request.args["tag"] in n["tags"]]
        if "newest-first" in defects:
            found.reverse()
        if "sqlite-offset-overflow" in defects:
            with closing(sqlite3.connect(":memory:")) as db:
                db.execute("SELECT 1 LIMIT ? OFFSET ?", (limit, offset))
        start = offset * limit if "offset-as-page" in defects else offset
        return jsonify({"items": found[start : start + limit], "total": len(found), "limit": limit, "offset": offset})

    @app.get("/notes/<note_id>")
    def read(note_id: str) -> Any:
        note = find(note_id)
        if "read-id-as-string" in defects:
            note = {**note, "id": str(note["id"])}
        if "json-dumps" in defects:
            return json.dumps(note)
        return jsonify(note)

    @app.put("/notes/<note_id>")
    def replace(note_id: str) -> Any:
        note = find(note_id)
        doc = body()
        if "update-from-body" in defects:
            note.update(doc)
        if "put-merges" in defects:
            note.update({k: doc[k] for k in ("title", "body", "tags") if k in doc})
        elif "put-extends-tags" in defects:
            note.update(
                title=doc["title"], body=doc.get("body", ""), tags=note["tags"] + doc["tags"] if "tags" in doc else []
            )
        else:
            note.update(title=doc["title"], body=doc.get("body", ""), tags=doc.get("tags", []))
        return jsonify(note)

    @app.patch("/notes/<note_id>")
    def change(note_id: str) -> Any:
        note = find(note_id)
        doc = body(partial=True)
        if "patch-replaces" in defects:
            note.update(body="", tags=[])
        if "update-from-body" in defects:
            note.update(doc)
        else:
            note.update({k: doc[k] for k in ("title", "body", "tags") if k in doc})
        return jsonify(note)

    @app.delete("/notes/<note_id>")
    def delete(note_id: str) -> Any:
        if "delete-missing-204" in defects and not (
            note_id.isdigit() and 0 < int(note_id) <= len(notes) and notes[int(note_id) - 1]
        ):
            return "", 204
        note = find(note_id)
        notes[note["id"] - 1] = None
        if "delete-200" in defects:
            return jsonify(note)
        return "", 204

    return app
