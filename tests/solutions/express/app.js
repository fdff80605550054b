// Reference solution with what Node learners really use: Express 4 and prom-client.
// One app serves the build-rest-api notes contract and the deploy-with-monitoring endpoints.
// Listens on 127.0.0.1 and an ephemeral port and prints "listening <port>" once ready.
// DEFECTS (comma-separated, env REST_DEFECTS) switch on realistic Express mistakes:
//   express-default-errors  no JSON error handler: body-parser's 400 and unknown routes answer HTML
//   gauge-only-metrics      only prom-client's default metrics (nodejs_active_requests_total is a gauge)
"use strict";
const express = require("express");
const client = require("prom-client");
const { problems } = require("../notes_rules.js");

const defects = new Set((process.env.REST_DEFECTS || "").split(",").filter(Boolean));
const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const requests = new client.Counter({
  name: "http_requests_total",
  help: "HTTP requests answered.",
  labelNames: ["method", "route", "code"],
  registers: defects.has("gauge-only-metrics") ? [] : [registry],
});

const app = express();
app.use((req, res, next) => {
  res.on("finish", () => {
    const route = req.route ? req.baseUrl + req.route.path : "unmatched";
    requests.inc({ method: req.method, route, code: String(res.statusCode) });
  });
  next();
});
app.use(express.json({ strict: false }));

const notes = new Map();
let lastId = 0;


function whole(value, fallback) {
  if (value === undefined) return fallback;
  return typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
}

function findNote(req, res) {
  const id = /^\d+$/.test(req.params.id) ? Number(req.params.id) : null;
  const note = id === null ? undefined : notes.get(id);
  if (!note) res.status(404).json({ error: "no such note" });
  return note;
}

app.get("/health", (req, res) => res.json({ status: "ok", uptime_seconds: Math.round(process.uptime()) }));
app.get("/metrics", async (req, res) => {
  res.set("Content-Type", registry.contentType);
  res.end(await registry.metrics());
});

app.post("/notes", (req, res) => {
  const fields = problems(req.body, false);
  if (Object.keys(fields).length) return res.status(400).json({ error: "validation failed", fields });
  const note = { id: ++lastId, title: req.body.title, body: req.body.body ?? "", tags: req.body.tags ?? [],
                 created_at: new Date().toISOString() };
  notes.set(note.id, note);
  res.status(201).location(`/notes/${note.id}`).json(note);
});
app.get("/notes", (req, res) => {
  const limit = whole(req.query.limit, 20);
  const offset = whole(req.query.offset, 0);
  if (Number.isNaN(limit) || Number.isNaN(offset) || limit > 100)
    return res.status(400).json({ error: "limit must be 0-100 and offset a whole number" });
  const tag = req.query.tag;
  const found = [...notes.values()].filter((n) => tag === undefined || n.tags.includes(tag));
  res.json({ items: found.slice(offset, offset + limit), total: found.length, limit, offset });
});
app.all("/notes", (req, res) => res.status(405).set("Allow", "GET, POST").json({ error: "method not allowed" }));

app.get("/notes/:id", (req, res) => {
  const note = findNote(req, res);
  if (note) res.json(note);
});
function update(partial) {
  return (req, res) => {
    const note = findNote(req, res);
    if (!note) return;
    const fields = problems(req.body, partial);
    if (Object.keys(fields).length) return res.status(400).json({ error: "validation failed", fields });
    if (partial) for (const key of ["title", "body", "tags"]) { if (key in req.body) note[key] = req.body[key]; }
    else Object.assign(note, { title: req.body.title, body: req.body.body ?? "", tags: req.body.tags ?? [] });
    res.json(note);
  };
}
app.put("/notes/:id", update(false));
app.patch("/notes/:id", update(true));
app.delete("/notes/:id", (req, res) => {
  const note = findNote(req, res);
  if (!note) return;
  notes.delete(note.id);
  res.status(204).end();
});
app.all("/notes/:id", (req, res) =>
  res.status(405).set("Allow", "GET, PUT, PATCH, DELETE").json({ error: "method not allowed" }));

if (!defects.has("express-default-errors")) {
  // Without these two, Express answers an unknown route and a body-parser error with an HTML page.
  app.use((req, res) => res.status(404).json({ error: "not found" }));
  app.use((err, req, res, next) => {
    const status = err.status || err.statusCode || 500;
    res.status(status).json({ error: status === 400 ? "the body is not valid JSON" : "internal server error" });
  });
}

const server = app.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
