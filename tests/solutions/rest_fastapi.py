"""A FastAPI solution of the build-rest-api contract, the way the FastAPI tutorial teaches it.

``make_app()`` is correct (FastAPI answers 422 for invalid input, typed path parameters and
``le=100`` on ``limit``); each name in ``defects`` switches on one realistic mistake. Served by
``uvicorn.Server`` in a thread (``serve_fastapi`` in the tests).
"""

# No ``from __future__ import annotations``: FastAPI reads the annotations at runtime, and
# ``le=maximum`` refers to a local variable.
import threading
from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field, StrictStr

DEFECTS = {
    "text-plain-list": "GET /notes is returned as PlainTextResponse(json.dumps(page))",
    "newest-first": "GET /notes sorts by created_at descending",
    "offset-as-page": "GET /notes reads offset as a page number",
    "limit-clamped": "GET /notes declares limit with no maximum and slices at most 100",
    "stamp-on-put": "PUT sets created_at to now again (whole seconds)",
    "patch-replaces": "PATCH uses the full model, so omitted fields go back to their defaults",
}

Title = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class NoteIn(BaseModel):
    title: Title
    body: StrictStr = ""
    tags: list[StrictStr] = []


class NotePatch(BaseModel):
    title: Title | None = None
    body: StrictStr | None = None
    tags: list[StrictStr] | None = None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def make_app(defects: frozenset[str] | set[str] = frozenset()) -> FastAPI:
    unknown = set(defects) - set(DEFECTS)
    assert not unknown, unknown
    app = FastAPI()
    notes: dict[int, dict[str, Any]] = {}
    lock = threading.Lock()
    counter = {"last": 0}

    def find(note_id: int) -> dict[str, Any]:
        if note_id not in notes:
            raise HTTPException(404, "no such note")
        return notes[note_id]

    @app.post("/notes", status_code=201)
    def create(note: NoteIn, response: Response) -> dict[str, Any]:
        with lock:
            counter["last"] += 1
            stored = {"id": counter["last"], **note.model_dump(), "created_at": now()}
            notes[stored["id"]] = stored
        response.headers["Location"] = f"/notes/{stored['id']}"
        return stored

    maximum = None if "limit-clamped" in defects else 100

    @app.get("/notes")
    def list_notes(
        limit: Annotated[int, Query(ge=0, le=maximum)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
        tag: str | None = None,
    ) -> Any:
        found = [n for n in notes.values() if tag is None or tag in n["tags"]]
        if "newest-first" in defects:
            found.sort(key=lambda n: n["id"], reverse=True)
        size = min(limit, 100)
        start = offset * size if "offset-as-page" in defects else offset
        page = {"items": found[start : start + size], "total": len(found), "limit": size, "offset": offset}
        if "text-plain-list" in defects:
            import json

            return PlainTextResponse(json.dumps(page))
        return page

    @app.get("/notes/{note_id}")
    def read(note_id: int) -> dict[str, Any]:
        return find(note_id)

    @app.put("/notes/{note_id}")
    def replace(note_id: int, note: NoteIn) -> dict[str, Any]:
        stored = find(note_id)
        stored.update(note.model_dump())
        if "stamp-on-put" in defects:
            stored["created_at"] = now()
        return stored

    @app.patch("/notes/{note_id}")
    def change(note_id: int, change: NotePatch) -> dict[str, Any]:
        stored = find(note_id)
        if "patch-replaces" in defects:
            stored.update({"body": "", "tags": []})
        stored.update(change.model_dump(exclude_unset=True))
        return stored

    @app.delete("/notes/{note_id}", status_code=204)
    def delete(note_id: int) -> Response:
        find(note_id)
        del notes[note_id]
        return Response(status_code=204)

    return app
