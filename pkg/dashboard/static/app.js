// The dashboard page: it draws the snapshots that api/stream sends and
// posts kill and send actions. The token comes from the page address
// (#token=TOKEN) and is kept for the tab's session only.
"use strict";

const token = readToken();
const panels = new Map(); // instance id to its panel elements

function readToken() {
  const match = location.hash.match(/token=([^&]+)/);
  if (match) {
    sessionStorage.setItem("axiom-token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem("axiom-token") || "";
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showMessage(text) {
  document.getElementById("message").textContent = text;
}

async function post(action, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch("api/" + action, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) {
    showMessage(action + " failed: " + (await response.text()));
    return null;
  }
  showMessage("");
  return response.json();
}

function createPanel(p) {
  const root = element("article", "panel");
  root.dataset.instance = p.instance_id;
  const head = element("div", "head");
  const name = element("span", "name");
  const state = element("span", "state");
  const score = element("span", "score");
  const kill = element("button", "kill", "Kill");
  kill.type = "button";
  kill.addEventListener("click", () => post("kill", { instance_id: p.instance_id, requeue: false }));
  head.append(name, state, score, kill);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 240 40");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("height", "40");
  svg.setAttribute("width", "100%");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#2f6fde");
  line.setAttribute("stroke-width", "1.5");
  line.setAttribute("vector-effect", "non-scaling-stroke");
  svg.append(line);
  const reason = element("div", "reason");
  const screen = element("pre", "screen");
  const form = element("form", "send");
  const input = element("input");
  input.name = "text";
  input.placeholder = "text to type, sent with Enter";
  const send = element("button", "", "Send");
  send.type = "submit";
  form.append(input, send);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await post("send", { instance_id: p.instance_id, text: input.value, keys: ["enter"] });
    if (result) input.value = "";
  });
  root.append(head, svg, reason, screen, form);
  return { root, name, state, score, kill, line, reason, screen, form };
}

function updatePanel(view, p) {
  view.name.textContent = (p.task || p.task_id) + " · " + p.instance_id;
  view.state.textContent = p.state;
  view.state.className = "state " + p.state;
  view.score.textContent = "score " + p.score + (p.verdict ? " (" + p.verdict + ")" : "");
  view.reason.textContent = p.kill_reason ? "killed: " + p.kill_reason : "";
  view.root.classList.toggle("ended", !p.running);
  view.kill.disabled = !p.running;
  for (const control of view.form.elements) control.disabled = !p.running;
  const scores = p.scores || [];
  const step = scores.length > 1 ? 240 / (scores.length - 1) : 0;
  view.line.setAttribute("points", scores.map((s, i) => (i * step).toFixed(1) + "," + (40 - s * 0.4).toFixed(1)).join(" "));
  const text = (p.screen || []).join("\n");
  if (view.screen.textContent !== text) view.screen.textContent = text;
}

function drawPanels(list) {
  const main = document.getElementById("panels");
  const seen = new Set();
  list.forEach((p, index) => {
    seen.add(p.instance_id);
    let view = panels.get(p.instance_id);
    if (!view) {
      view = createPanel(p);
      panels.set(p.instance_id, view);
    }
    updatePanel(view, p);
    if (main.children[index] !== view.root) main.insertBefore(view.root, main.children[index] || null);
  });
  for (const [id, view] of panels) {
    if (!seen.has(id)) {
      view.root.remove();
      panels.delete(id);
    }
  }
}

function drawEvents(events) {
  const list = document.getElementById("events");
  list.replaceChildren(...events.slice().reverse().map((ev) => {
    const subject = ev.task_id + (ev.instance_id ? "/" + ev.instance_id : "");
    const time = new Date(ev.time).toLocaleTimeString();
    return element("li", ev.level, time + "  " + subject + "  " + ev.message);
  }));
}

function drawTasks(tasks) {
  const body = document.querySelector("#tasks tbody");
  body.replaceChildren(...tasks.map((t) => {
    const row = element("tr");
    row.append(element("td", "", t.name || t.id), element("td", "", t.state),
      element("td", "", String(t.attempts)), element("td", "", t.last_error || ""));
    return row;
  }));
}

function drawPool(pool) {
  document.getElementById("pool").textContent =
    pool.running + " running, " + pool.queued + " queued, " + pool.succeeded + " succeeded, " +
    pool.failed + " failed, " + pool.cancelled + " cancelled" +
    (pool.starts_paused ? "; starts paused " + pool.starts_paused : "");
}

function connect() {
  const url = "api/stream" + (token ? "?token=" + encodeURIComponent(token) : "");
  const stream = new EventSource(url);
  const status = document.getElementById("connection");
  stream.addEventListener("open", () => { status.textContent = "live"; status.className = "online"; });
  stream.addEventListener("error", () => { status.textContent = "reconnecting"; status.className = "offline"; });
  stream.addEventListener("snapshot", (message) => {
    const snap = JSON.parse(message.data);
    drawPool(snap.pool);
    drawPanels(snap.panels || []);
    drawEvents(snap.events || []);
    drawTasks(snap.tasks || []);
  });
}

connect();
