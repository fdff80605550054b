// A Node solution of the build-rest-api contract with only the built-in `http` module (no
// packages, so the tests need no network). Listens on 127.0.0.1 and an ephemeral port, prints
// "listening <port>" once ready. DEFECTS (comma-separated, env REST_DEFECTS) switch on mistakes.
"use strict";
const http = require("http");
const { problems } = require("./notes_rules.js");

const defects = new Set((process.env.REST_DEFECTS || "").split(",").filter(Boolean));
const notes = new Map();
let lastId = 0;

function send(res, status, value, headers = {}) {
  if (value === undefined) {
    res.writeHead(status, headers);
    return res.end();
  }
  const body = JSON.stringify(value);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(body);
}


function whole(value, fallback) {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : NaN;
}

function handle(req, res, raw) {
  const url = new URL(req.url, "http://localhost");
  const parts = url.pathname.split("/").filter(Boolean);
  let doc;
  if (["POST", "PUT", "PATCH"].includes(req.method)) {
    try {
      doc = JSON.parse(raw || "null");
    } catch {
      return send(res, 400, { error: "the body is not valid JSON" });
    }
  }
  if (parts.length === 1 && parts[0] === "notes") {
    if (req.method === "POST") {
      const fields = problems(doc, false);
      if (Object.keys(fields).length) return send(res, 400, { error: "validation failed", fields });
      const note = { id: ++lastId, title: doc.title, body: doc.body ?? "", tags: doc.tags ?? [],
                     created_at: new Date().toISOString() };
      notes.set(note.id, note);
      return send(res, 201, note, { Location: `/notes/${note.id}` });
    }
    if (req.method === "GET") {
      const limit = whole(url.searchParams.get("limit"), 20);
      const offset = whole(url.searchParams.get("offset"), 0);
      if (Number.isNaN(limit) || Number.isNaN(offset) || limit > 100)
        return send(res, 400, { error: "limit must be 0-100 and offset a whole number" });
      const tag = url.searchParams.get("tag");
      let found = [...notes.values()].filter((n) => tag === null || n.tags.includes(tag));
      if (defects.has("newest-first")) found = found.reverse();
      return send(res, 200, { items: found.slice(offset, offset + limit), total: found.length, limit, offset });
    }
    return send(res, 405, { error: "method not allowed" }, { Allow: "GET, POST" });
  }
  if (parts.length === 2 && parts[0] === "notes") {
    const id = /^\d+$/.test(parts[1]) ? Number(parts[1]) : null;
    const note = id === null ? undefined : notes.get(id);
    if (!note) return send(res, 404, { error: "no such note" });
    if (req.method === "GET") return send(res, 200, note);
    if (req.method === "DELETE") {
      notes.delete(id);
      return send(res, 204);
    }
    if (req.method === "PUT" || req.method === "PATCH") {
      const partial = req.method === "PATCH";
      const fields = problems(doc, partial);
      if (Object.keys(fields).length) return send(res, 400, { error: "validation failed", fields });
      if (partial) for (const key of ["title", "body", "tags"]) { if (key in doc) note[key] = doc[key]; }
      else Object.assign(note, { title: doc.title, body: doc.body ?? "", tags: doc.tags ?? [] });
      return send(res, 200, note);
    }
    return send(res, 405, { error: "method not allowed" }, { Allow: "GET, PUT, PATCH, DELETE" });
  }
  return send(res, 404, { error: "not found" });
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    try {
      handle(req, res, Buffer.concat(chunks).toString("utf8"));
    } catch (err) {
      send(res, 500, { error: "internal server error" });
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
