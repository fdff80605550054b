"""A Todo-Backend server in Flask that does only what the official spec (``js/specs.js``) asks.

It answers 200 (not 201) to a create, sends the list as ``text/plain``, answers ``200 {}`` for a
deleted todo, and answers each preflight for its own route only (the root allows GET, POST and
DELETE; a todo's url allows GET, PATCH and DELETE). Each name in ``defects`` breaks one thing.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from flask import Flask, Response, request

DEFECTS = {
    "get-root-no-cors": "GET on the root has no Access-Control-Allow-Origin",
    "post-answer-without-title": "POST answers the todo without its title",
    "delete-root-405": "DELETE on the root is not supported",
    "empty-list-as-object": "an empty list is serialized as {} (a dict of todos by id)",
    "list-without-title": "list entries have no title",
    "completed-null": "a new todo has completed: null",
    "list-without-url": "list entries have no url",
    "get-todo-without-title": "GET on a todo's url leaves the title out",
    "list-url-wrong-path": "list entries link to /todo/<id>, a path that does not exist",
    "patch-answer-old-title": "PATCH answers the title the todo had before",
    "patch-answer-old-completed": "PATCH answers the completed the todo had before",
    "list-cached-across-patch": "the list is cached and PATCH does not invalidate it",
    "delete-todo-keeps": "DELETE on a todo's url answers 200 but keeps the todo",
    "order-dropped-on-create": "POST ignores order",
    "patch-answer-without-order": "PATCH answers the todo without its order",
    "order-not-persisted": "PATCH of order changes only the answer, not the stored todo",
    "preflight-root-only": "only the root answers preflights (the todo's url answers OPTIONS with 405)",
}


def make_app(defects: frozenset[str] | set[str] = frozenset()) -> Flask:
    unknown = set(defects) - set(DEFECTS)
    assert not unknown, unknown
    app = Flask(__name__)
    todos: dict[int, dict[str, Any]] = {}
    lock = threading.Lock()
    state: dict[str, Any] = {"last": 0, "list_cache": None}

    def text(value: Any, status: int = 200, content_type: str = "application/json") -> Response:
        return Response(json.dumps(value), status, content_type=content_type)

    def shown(todo: dict[str, Any], path: str = "todos") -> dict[str, Any]:
        base = request.host_url.rstrip("/")
        return {**{k: v for k, v in todo.items() if k != "id"}, "url": f"{base}/{path}/{todo['id']}"}

    @app.after_request
    def cors(response: Response) -> Response:
        if not ("get-root-no-cors" in defects and request.method == "GET" and request.path == "/todos"):
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    @app.before_request
    def preflight() -> Response | None:
        """Each route answers its own preflight, naming only its own methods."""
        if request.method != "OPTIONS":
            return None
        if request.path == "/todos":
            methods = "GET, POST, DELETE"
        elif request.path.startswith("/todos/") and "preflight-root-only" not in defects:
            methods = "GET, PATCH, DELETE"
        else:
            return Response("", 405)
        return Response(
            "", 200, {"Access-Control-Allow-Methods": methods, "Access-Control-Allow-Headers": "Content-Type"}
        )

    def changed() -> None:
        """A write: the cached list is rebuilt (the defect forgets to call this after PATCH)."""
        state["list_cache"] = build_list() if "list-cached-across-patch" in defects else None

    @app.get("/todos")
    def list_todos() -> Response:
        return state["list_cache"] if state["list_cache"] is not None else build_list()

    def build_list() -> Response:
        entries = [shown(t, "todo" if "list-url-wrong-path" in defects else "todos") for t in todos.values()]
        for entry in entries:
            for key, defect in (("title", "list-without-title"), ("url", "list-without-url")):
                if defect in defects:
                    entry.pop(key)
        value: Any = entries if entries or "empty-list-as-object" not in defects else {}
        return text(value, content_type="text/plain")

    @app.post("/todos")
    def create() -> Response:
        doc = json.loads(request.get_data() or b"{}")
        with lock:
            state["last"] += 1
            todo = {
                "id": state["last"],
                "title": doc.get("title"),
                "completed": None if "completed-null" in defects else False,
            }
            if "order" in doc and "order-dropped-on-create" not in defects:
                todo["order"] = doc["order"]
            todos[todo["id"]] = todo
            changed()
        answer = shown(todo)
        if "post-answer-without-title" in defects:
            answer.pop("title")
        return text(answer)

    @app.delete("/todos")
    def clear() -> Response:
        if "delete-root-405" in defects:
            return text({"error": "method not allowed"}, 405)
        todos.clear()
        changed()
        return Response("", 200)

    @app.get("/todos/<int:todo_id>")
    def read(todo_id: int) -> Response:
        if todo_id not in todos:
            return text({})
        answer = shown(todos[todo_id])
        if "get-todo-without-title" in defects:
            answer.pop("title")
        return text(answer)

    @app.patch("/todos/<int:todo_id>")
    def change(todo_id: int) -> Response:
        doc = json.loads(request.get_data() or b"{}")
        todo = todos.get(todo_id, {"id": todo_id})
        before = dict(todo)
        changes = {k: v for k, v in doc.items() if k in ("title", "completed", "order")}
        todo.update({k: v for k, v in changes.items() if not (k == "order" and "order-not-persisted" in defects)})
        answer = shown({**todo, **changes})
        if "patch-answer-old-title" in defects:
            answer["title"] = before.get("title")
        if "patch-answer-old-completed" in defects:
            answer["completed"] = before.get("completed")
        if "patch-answer-without-order" in defects:
            answer.pop("order", None)
        if "list-cached-across-patch" not in defects:
            changed()
        return text(answer)

    @app.delete("/todos/<int:todo_id>")
    def delete(todo_id: int) -> Response:
        if "delete-todo-keeps" not in defects:
            todos.pop(todo_id, None)
        changed()
        return Response("", 200)

    return app
