// Reference solution for deploy-with-monitoring in Node.js, with only the built-in `http` module.
// It writes /metrics the way prom-client does: default metrics such as the
// `nodejs_active_requests_total` GAUGE, a latency histogram, and the request counter.
// Usage: node monitoring_node.js [defect]   — prints the port it listens on (127.0.0.1, ephemeral).
// Defects: "no-counter" (only the gauge and the histogram mention requests).
"use strict";
const http = require("http");

const defect = process.argv[2] || "";
const counts = new Map(); // 'method|route|code' -> count
let active = 0;
const buckets = [0.005, 0.01, 0.05, 0.1, 0.5, 1];
const bucketCounts = buckets.map(() => 0);
let durationCount = 0;
let durationSum = 0;

function exposition() {
  const lines = [
    "# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.",
    "# TYPE process_cpu_user_seconds_total counter",
    `process_cpu_user_seconds_total ${process.cpuUsage().user / 1e6}`,
    "",
    "# HELP nodejs_active_requests_total Total number of active requests.",
    "# TYPE nodejs_active_requests_total gauge",
    `nodejs_active_requests_total ${active}`,
    "",
    "# HELP http_request_duration_seconds Duration of HTTP requests in seconds.",
    "# TYPE http_request_duration_seconds histogram",
  ];
  buckets.forEach((le, i) => lines.push(`http_request_duration_seconds_bucket{le="${le}"} ${bucketCounts[i]}`));
  lines.push(`http_request_duration_seconds_bucket{le="+Inf"} ${durationCount}`);
  lines.push(`http_request_duration_seconds_sum ${durationSum}`);
  lines.push(`http_request_duration_seconds_count ${durationCount}`);
  lines.push("");
  if (defect !== "no-counter") {
    lines.push("# HELP http_requests_total Total number of HTTP requests.");
    lines.push("# TYPE http_requests_total counter");
    for (const [key, value] of counts) {
      const [method, route, code] = key.split("|");
      lines.push(`http_requests_total{method="${method}",route="${route}",code="${code}"} ${value}`);
    }
    lines.push("");
  }
  return lines.join("\n") + "\n";
}

const server = http.createServer((req, res) => {
  active += 1;
  const began = process.hrtime.bigint();
  const route = req.url.split("?")[0];
  res.on("finish", () => {
    active -= 1;
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    buckets.forEach((le, i) => { if (seconds <= le) bucketCounts[i] += 1; });
    durationCount += 1;
    durationSum += seconds;
    const key = `${req.method}|${route}|${res.statusCode}`;
    counts.set(key, (counts.get(key) || 0) + 1);
  });
  if (req.method === "GET" && route === "/health") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ status: "ok", uptime_seconds: process.uptime() }));
  } else if (req.method === "GET" && route === "/metrics") {
    res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
    res.end(exposition());
  } else {
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: "not found" }));
  }
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
