// The cluster page: talks only to the node that served it. The value arrives through
// blocking reads (GET /v1/value?index=N&wait=30s: one request open at a time, answered
// as soon as a newer value exists), members and health by a modest 1 s poll (they have
// no blocking read; one small request a second per open page), the health score from
// /metrics every 5 s.
"use strict";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "onevalue-token";
const page = {
  index: null, // counter of the value shown; null before the first read
  etag: null,
  synchronized: true,
  contact: true,
  contactError: "",
  authNeeded: false,
  history: [], // {t, value} of recent values, oldest first
  membersAt: 0, // performance.now() when the members table was fetched
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function authHeaders(extra) {
  const h = Object.assign({}, extra || {});
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

/// fetch with the token, no caching, and a deadline (ms) after which it fails.
async function api(path, options, deadline) {
  const o = Object.assign({ cache: "no-store" }, options || {});
  o.headers = authHeaders(o.headers);
  const abort = new AbortController();
  o.signal = abort.signal;
  const timer = setTimeout(() => abort.abort(), deadline || 5000);
  try {
    const res = await fetch(path, o);
    page.authNeeded = res.status === 401 || res.status === 403;
    return res;
  } finally {
    clearTimeout(timer);
  }
}

function setContact(ok, why) {
  page.contact = ok;
  page.contactError = why || "";
  showBanner();
}

function showBanner() {
  const b = $("banner");
  if (!page.contact) {
    b.textContent = "Lost contact with this node (" + page.contactError + "); retrying…";
    b.className = "banner bad";
  } else if (page.authNeeded) {
    b.textContent = "This node requires an access token: enter one below.";
    b.className = "banner warn";
  } else if (!page.synchronized) {
    b.textContent = "This node has not synchronized with the cluster yet: it refuses " +
      "writes and its value may be behind.";
    b.className = "banner warn";
  } else {
    b.textContent = "";
    b.className = "banner hidden";
  }
}

async function errorText(res) {
  try {
    const body = await res.json();
    if (body && body.error) return res.status + ": " + body.error;
  } catch (e) { /* not JSON */ }
  return "HTTP " + res.status;
}

function showValue(body, etag) {
  const changed = page.index === null || body.index !== page.index;
  page.index = body.index;
  page.etag = etag;
  // A write's answer has no `synchronized` (it was taken, so the node is synchronized).
  page.synchronized = typeof body.synchronized === "boolean" ? body.synchronized : true;
  $("value").textContent = String(body.value);
  $("version").textContent = body.version.counter + (body.version.node ? "-" + body.version.node : "");
  $("writer").textContent = body.version.node || "nobody (initial value)";
  $("index").textContent = String(body.index);
  $("if-match-version").textContent = $("version").textContent;
  if (changed) {
    page.history.push({ t: Date.now(), value: body.value });
    if (page.history.length > 60) page.history.shift();
    drawChart();
  }
  showBanner();
}

/// The value, live: a plain read first, then one blocking read after another.
async function followValue() {
  for (;;) {
    try {
      const path = page.index === null ? "/v1/value"
        : "/v1/value?index=" + page.index + "&wait=30s";
      const res = await api(path, {}, 40000);
      if (res.status === 200) {
        showValue(await res.json(), res.headers.get("ETag"));
        setContact(true);
        continue;
      }
      setContact(true);
      await sleep(1000); // 401/403 (token), 429 (too many readers), 503 (starting)
    } catch (e) {
      setContact(false, e.name === "AbortError" ? "no answer" : e.message);
      await sleep(1000);
    }
  }
}

function age(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + " s ago";
  if (s < 3600) return Math.floor(s / 60) + " min ago";
  if (s < 86400) return Math.floor(s / 3600) + " h ago";
  return Math.floor(s / 86400) + " d ago";
}

function showMembers(members) {
  const rows = members.map((m) => {
    const tr = document.createElement("tr");
    tr.dataset.name = m.name;
    const cells = [m.name, m.state, String(m.incarnation), m.address + ":" + m.cluster_port,
      ""];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 1) td.className = "state-" + m.state;
      if (i === 4) {
        td.className = "since";
        td.dataset.ageMs = m.state_age_ms === undefined ? "" : String(m.state_age_ms);
      }
      tr.appendChild(td);
    });
    return tr;
  });
  $("members").tBodies[0].replaceChildren(...rows);
  page.membersAt = performance.now();
  tickAges();
}

function tickAges() {
  const elapsed = performance.now() - page.membersAt;
  for (const td of document.querySelectorAll("#members td.since")) {
    td.textContent = td.dataset.ageMs === "" ? "" : age(Number(td.dataset.ageMs) + elapsed);
  }
}

function showHealth(body) {
  $("node-name").textContent = body.node || "";
  const badge = $("health");
  badge.textContent = body.status;
  badge.className = "badge " + body.status;
  badge.title = body.reason || "";
  if (typeof body.synchronized === "boolean") page.synchronized = body.synchronized;
  showBanner();
}

async function pollMembers() {
  for (;;) {
    try {
      const [members, health] = await Promise.all([api("/v1/members"), api("/health")]);
      if (members.status === 200) showMembers(await members.json());
      showHealth(await health.json());
      setContact(true);
    } catch (e) {
      setContact(false, e.name === "AbortError" ? "no answer" : e.message);
      $("health").textContent = "unreachable";
      $("health").className = "badge down";
    }
    await sleep(1000);
  }
}

async function pollHealthScore() {
  for (;;) {
    try {
      const res = await api("/metrics");
      if (res.status === 200) {
        const m = /^onevalue_health_score (\S+)$/m.exec(await res.text());
        $("health-score").textContent = m ? "health score " + m[1] + " (0 = healthy)" : "";
      }
    } catch (e) { /* shown by the members poll */ }
    await sleep(5000);
  }
}

function drawChart() {
  const canvas = $("chart");
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 18;
  ctx.clearRect(0, 0, w, h);
  const points = page.history;
  if (points.length === 0) return;
  let lo = Math.min(...points.map((p) => p.value));
  let hi = Math.max(...points.map((p) => p.value));
  if (lo === hi) { lo -= 1; hi += 1; }
  const t0 = points[0].t, t1 = Math.max(points[points.length - 1].t, t0 + 1);
  const x = (t) => pad + (w - 2 * pad) * (t - t0) / (t1 - t0);
  const y = (v) => h - pad - (h - 2 * pad) * (v - lo) / (hi - lo);
  ctx.strokeStyle = "#0969da";
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach((p, i) => {
    if (i === 0) ctx.moveTo(x(p.t), y(p.value));
    else { ctx.lineTo(x(p.t), y(points[i - 1].value)); ctx.lineTo(x(p.t), y(p.value)); }
  });
  ctx.lineTo(w - pad, y(points[points.length - 1].value));
  ctx.stroke();
  ctx.fillStyle = "#57606a";
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillText(String(hi), 2, pad - 6);
  ctx.fillText(String(lo), 2, h - 4);
}

async function submitWrite(event) {
  event.preventDefault();
  const input = $("new-value");
  const result = $("write-result");
  const text = input.value.trim();
  if (!/^-?[0-9]+$/.test(text)) {
    result.textContent = "a whole number, please";
    return;
  }
  const headers = { "Content-Type": "text/plain" };
  if ($("if-match").checked && page.etag) headers["If-Match"] = page.etag;
  result.textContent = "writing…";
  try {
    const res = await api("/v1/value", { method: "PUT", headers, body: text });
    if (res.status === 200) {
      const body = await res.json();
      result.textContent = "written: " + body.value + " (version " + body.version.counter +
        "-" + body.version.node + ")";
      showValue(body, res.headers.get("ETag"));
    } else if (res.status === 412) {
      const body = await res.json();
      result.textContent = "not written: the value changed meanwhile (now " + body.value + ")";
      showValue(body, res.headers.get("ETag"));
    } else {
      result.textContent = "not written: " + await errorText(res);
    }
  } catch (e) {
    result.textContent = "not written: " + e.message;
  }
}

$("write-form").addEventListener("submit", submitWrite);
$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  $("token").value = "";
  page.authNeeded = false;
  showBanner();
});
setInterval(tickAges, 1000);
followValue();
pollMembers();
pollHealthScore();
