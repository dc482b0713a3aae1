// The controller's page: plain JavaScript, no build step. Every value on it comes from the
// API (fetch, with the bearer token) and the WebSocket of events (the token as a subprotocol).
// Data is written with textContent only, never as HTML.
"use strict";

const TOKEN_KEY = "plc-token";
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
let latest = null; // the last snapshot

function token() { return sessionStorage.getItem(TOKEN_KEY); }

function showError(message) { $("error").textContent = message || ""; }

async function api(method, path, body, headers = {}) {
  const response = await fetch("/api/v1" + path, {
    method, body, headers: { Authorization: "Bearer " + token(), ...headers },
  });
  const text = await response.text();
  let data = null;
  try { data = JSON.parse(text); } catch (_) { /* not JSON */ }
  if (response.status === 401) { forget(); }
  if (!response.ok) {
    const problems = data && data.problems ? ": " + data.problems.join("; ") : "";
    throw new Error(((data && data.error) || response.statusText) + problems);
  }
  return data;
}

function act(promise) { promise.then(() => showError(""), (e) => showError(e.message)); }
const json = (value) => JSON.stringify(value);
const jsonHeaders = { "Content-Type": "application/json" };

function forget() {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
}

// --- rendering ---------------------------------------------------------------------------

function keyed(tbody, key, make) {
  let row = tbody.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
  if (!row) { row = make(); row.dataset.key = key; tbody.append(row); }
  row.dataset.seen = "1";
  return row;
}

function prune(tbody) {
  for (const row of [...tbody.rows]) {
    if (row.dataset.seen) delete row.dataset.seen; else row.remove();
  }
}

function renderPrograms(programs) {
  const tbody = $("programs").tBodies[0];
  for (const p of programs) {
    const row = keyed(tbody, p.name, () => {
      const tr = el("tr");
      for (let i = 0; i < 8; i++) tr.append(el("td"));
      const name = p.name;
      const button = (label, method, path) => el("button", { type: "button", textContent: label, onclick: () => act(api(method, path)) });
      const path = "/programs/" + encodeURIComponent(name);
      tr.append(el("td", {}, button("stop", "POST", path + "/stop"), button("start", "POST", path + "/start"),
        button("restart", "POST", path + "/restart"), button("remove", "DELETE", path)));
      return tr;
    });
    const cells = row.cells;
    cells[0].textContent = p.name;
    cells[1].textContent = p.status;
    cells[1].className = p.status;
    [p.polls, p.faults, p.last_poll_us, p.max_poll_us].forEach((v, i) => { cells[2 + i].textContent = v; cells[2 + i].className = "num"; });
    cells[6].textContent = p.sha256.slice(0, 12);
    cells[6].title = p.sha256;
    cells[7].textContent = p.last_fault || "";
  }
  prune(tbody);
}

function renderVariables(variables) {
  const tbody = $("variables").tBodies[0];
  for (const v of variables) {
    const row = keyed(tbody, v.name, () => {
      const tr = el("tr");
      tr.dataset.variable = v.name;
      const input = el("input", { className: "new-value", size: 8, placeholder: v.type === "bool" ? "true/false" : "value" });
      const path = "/variables/" + encodeURIComponent(v.name);
      const forcePath = "/forces" + path;
      const value = () => parseValue(input.value);
      tr.append(el("td"), el("td"), el("td", { className: "value num" }), el("td", {}, input), el("td", {},
        el("button", { type: "button", className: "write", textContent: "write", onclick: () => act(api("PUT", path, json({ value: value() }), jsonHeaders)) }),
        el("button", { type: "button", className: "force", textContent: "force", onclick: () => act(api("PUT", forcePath, json({ value: value() }), jsonHeaders)) }),
        el("button", { type: "button", className: "release", textContent: "release", onclick: () => act(api("DELETE", forcePath)) })));
      return tr;
    });
    row.cells[0].textContent = v.name;
    row.cells[1].textContent = v.type;
    row.cells[2].textContent = String(v.value);
    row.cells[2].classList.toggle("forced", v.forced);
    row.cells[2].title = v.forced ? "forced" : "";
  }
  prune(tbody);
}

function parseValue(text) {
  const t = text.trim();
  if (t === "true" || t === "false") return t === "true";
  const n = Number(t);
  return t !== "" && Number.isFinite(n) ? n : t;
}

function renderImage(id, kind, image) {
  const box = $(id);
  const letter = kind === "inputs" ? "I" : "Q";
  image.bytes.forEach((byte, address) => {
    let line = box.children[address];
    if (!line) {
      line = el("div", { className: "byte" }, el("span", { className: "addr", textContent: address }));
      for (let bit = 7; bit >= 0; bit--) {
        const place = `${address}.${bit}`;
        line.append(el("button", {
          type: "button", className: "bit", title: `%${letter}X${place}`,
          onclick: (event) => {
            const b = event.currentTarget;
            const path = `/forces/${kind}/${place}`;
            act(b.dataset.forced === "1" ? api("DELETE", path) : api("PUT", path, json({ value: b.dataset.on !== "1" }), jsonHeaders));
          },
        }));
      }
      box.append(line);
    }
    const mask = image.forced[address] || 0;
    [...line.querySelectorAll(".bit")].forEach((b, i) => {
      const bit = 7 - i;
      const on = (byte >> bit) & 1;
      b.textContent = on;
      b.dataset.on = String(on);
      b.dataset.forced = (mask >> bit) & 1 ? "1" : "0";
      b.classList.toggle("on", on === 1);
      b.classList.toggle("forced", ((mask >> bit) & 1) === 1);
    });
  });
  while (box.children.length > image.bytes.length) box.lastChild.remove();
}

function renderStats(s) {
  const c = s.cycle;
  const rows = [["cycles", c.cycles], ["overruns", c.overruns], ["last scan", c.last_us + " µs"], ["min", c.min_us + " µs"],
    ["max", c.max_us + " µs"], ["average", c.avg_us + " µs"], ["jitter", c.jitter_us + " µs"], ["forces", s.forces.length]];
  $("stats").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { textContent: k }), el("dd", { textContent: v })]));
}

function render(snapshot) {
  latest = snapshot;
  $("scans").textContent = snapshot.scans;
  renderPrograms(snapshot.programs);
  renderVariables(snapshot.variables);
  renderImage("inputs", "inputs", snapshot.images.inputs);
  renderImage("outputs", "outputs", snapshot.images.outputs);
  renderStats(snapshot);
}

function addLog(record) {
  const log = $("log");
  const time = new Date(record.time_ms).toLocaleTimeString();
  const where = record.file ? ` ${record.file}:${record.line}` : "";
  log.append(el("li", { className: record.level, textContent: `${time} ${record.level} ${record.target}${where}: ${record.message}` }));
  while (log.children.length > 200) log.firstChild.remove();
  log.scrollTop = log.scrollHeight;
}

// --- the event stream --------------------------------------------------------------------

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}/api/v1/events?interval_ms=200`, ["plc.v1", "bearer." + token()]);
  const status = $("connection");
  socket.onopen = () => { status.textContent = "live"; status.className = "badge ok"; };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "snapshot" && message.snapshot) render(message.snapshot);
    else if (message.type === "log") addLog(message);
    else if (message.type === "dropped") addLog({ level: "WARN", target: "page", message: `${message.logs} log records missed`, time_ms: Date.now() });
  };
  socket.onclose = () => {
    status.textContent = "disconnected, retrying";
    status.className = "badge bad";
    // A wrong token closes the socket too: check it with a plain request, which forgets it on 401.
    api("GET", "/stats").catch(() => {});
    setTimeout(connect, 1000);
  };
}

// --- start -------------------------------------------------------------------------------

function start() {
  if (!token()) {
    $("login").hidden = false;
    $("login").onsubmit = (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("token-input").value.trim());
      location.reload();
    };
    return;
  }
  $("main").hidden = false;
  $("forget").hidden = false;
  $("forget").onclick = forget;
  $("release-all").onclick = () => act(api("DELETE", "/forces"));
  $("upload").onsubmit = async (event) => {
    event.preventDefault();
    const name = $("upload-name").value.trim();
    const file = $("upload-file").files[0];
    const result = $("upload-result");
    result.textContent = "uploading…";
    try {
      const answer = await api("PUT", "/programs/" + encodeURIComponent(name), await file.arrayBuffer(), { "Content-Type": "application/wasm" });
      result.textContent = `${answer.name} runs ${answer.sha256.slice(0, 12)}` + (answer.program && answer.program.status !== "running" ? ` (${answer.program.status})` : "");
      result.className = "ok";
    } catch (e) {
      result.textContent = e.message;
      result.className = "bad";
    }
  };
  connect();
}

start();
