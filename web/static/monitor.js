// drillroom live monitor: the board of live sessions (each row follows its
// session over its own drillroom.v1 connection) and the observer page of
// one session (its whole history fetched page by page over HTTP, then the
// socket from the last seq; the trainer controls, each confirmed). It
// speaks the protocol through protocol.js and words events with
// present.js, like the console. A trainer's connection is an observer's:
// the server refuses trainee actions on it (docs/protocol.md).

import { formatClock, VirtualClock } from "./clock.js";
import { presenter } from "./present.js";
import { openSession } from "./protocol.js";

const $ = (id) => document.getElementById(id);

if ($("board")) startBoard();
if ($("observer-data")) startObserver(JSON.parse($("observer-data").textContent));

// ---- what a row of the board shows, folded from the events ----------------

// noClassAfter: a session not classified after this much virtual time
// raises an alert.
const noClassAfter = 3 * 60 * 1000;

function newState() {
  return { clock: new VirtualClock(), phase: "", mood: null, lastUpdate: 0, chasing: false,
    promiseBy: 0, classified: false, ended: false, paused: false, takenOver: {} };
}

function fold(s, ev) {
  const t = ev.t || 0;
  switch (ev.type) {
    case "start":
      s.clock.set(t, true, ev.scale || 1);
      break;
    case "pause":
      s.paused = true;
      s.clock.set(t, false, s.clock.scale);
      break;
    case "resume":
      s.paused = false;
      s.clock.set(t, true, s.clock.scale);
      break;
    case "scale":
      s.clock.set(t, !s.paused, ev.scale || 1);
      break;
    case "phase":
      s.phase = ev.id || "";
      break;
    case "mood":
      if (ev.mood != null) s.mood = ev.mood;
      break;
    case "takeover":
      s.takenOver[ev.id] = true;
      break;
    case "handback":
      delete s.takenOver[ev.id];
      break;
    case "line":
      if (ev.from === "customer" && ev.id === "chase") s.chasing = true;
      break;
    case "action": {
      const a = ev.action || {};
      if (a.by && a.by !== "trainee") break;
      if (a.kind === "say") {
        s.lastUpdate = t;
        s.chasing = false;
        if (a.promise > 0) s.promiseBy = a.promise > t ? a.promise : t + a.promise;
        else if (s.promiseBy && t <= s.promiseBy) s.promiseBy = 0; // kept
      }
      if (a.kind === "classify") s.classified = true;
      break;
    }
    case "end":
      s.ended = true;
      s.clock.set(t, false, s.clock.scale);
      break;
  }
  if (ev.type !== "start" && ev.type !== "end" && !s.paused && t > s.clock.now()) s.clock.set(t, true, s.clock.scale);
}

// fromSnapshot takes the trainer's resync snapshot (simulator.Snapshot).
function fromSnapshot(s, snap, clock) {
  s.phase = snap.phase || "";
  s.mood = snap.mood;
  s.lastUpdate = snap.last_spoke || 0;
  s.classified = !!snap.category;
  s.ended = !!snap.ended;
  s.paused = !!snap.paused;
  s.takenOver = Object.assign({}, snap.taken_over || {});
  s.chasing = false;
  const open = (snap.promises || []).filter((p) => !p.kept && !p.broken);
  s.promiseBy = open.length ? open[open.length - 1].by : 0;
  if (clock) s.clock.set(clock.t, clock.running, clock.scale);
  else s.clock.set(snap.t || 0, !snap.paused && !snap.ended, snap.scale || 1);
}

function alertsOf(s) {
  const now = s.clock.now(), out = [];
  if (s.ended) return ["ended"];
  if (s.paused) out.push("paused");
  if (s.chasing) out.push("customer chasing");
  if (s.promiseBy && now > s.promiseBy) out.push("promise overdue");
  if (!s.classified && now > noClassAfter) out.push("not classified after " + formatClock(noClassAfter));
  if (Object.keys(s.takenOver).length) out.push("taken over: " + Object.keys(s.takenOver).join(", "));
  return out;
}

function moodText(m) {
  if (m == null) return "–";
  const pct = Math.round(m * 100);
  return (m >= 0.66 ? "calm" : m >= 0.33 ? "uneasy" : "upset") + " (" + pct + "%)";
}

// ---- the board -------------------------------------------------------------

function startBoard() {
  const rows = {}; // session id -> {tr, state, client}
  const tbody = $("board-rows");

  function follow(tr) {
    const id = tr.dataset.session;
    // seq is the last event folded; liveFrom the server's last when the
    // board connected: the row has caught up once seq reaches it.
    const r = { tr, state: newState(), client: null, seq: 0, liveFrom: undefined, announced: null };
    rows[id] = r;
    r.client = openSession({
      sessionId: id,
      onHello: (msg) => { if (r.liveFrom === undefined) r.liveFrom = msg.last_seq || 0; if (msg.clock) r.state.clock.set(msg.clock.t, msg.clock.running, msg.clock.scale); },
      onEvent: (ev) => { fold(r.state, ev); r.seq = ev.seq; paint(r); },
      onResync: (msg) => { if (msg.snapshot) fromSnapshot(r.state, msg.snapshot, msg.clock); r.seq = Math.max(r.seq, msg.last_seq || 0); paint(r); },
      onEnded: () => { r.state.ended = true; paint(r); },
      onStatus: (st) => { tr.dataset.conn = st; },
    });
    r.client.open();
  }

  function paint(r) {
    const s = r.state, tr = r.tr, now = s.clock.now();
    tr.querySelector(".clock").textContent = formatClock(now) + (s.paused ? " (paused)" : "");
    tr.querySelector(".phase").textContent = s.phase || "–";
    tr.querySelector(".since").textContent = s.lastUpdate ? formatClock(Math.max(now - s.lastUpdate, 0)) + " ago" : (now > 0 ? "never (" + formatClock(now) + ")" : "–");
    tr.querySelector(".mood").textContent = moodText(s.mood);
    const cell = tr.querySelector(".alerts");
    const alerts = alertsOf(s);
    const key = alerts.join("|");
    if (cell.dataset.key !== key) {
      cell.dataset.key = key;
      cell.replaceChildren(...alerts.map((a) => {
        const b = document.createElement("span");
        b.className = "badge alert";
        b.textContent = a;
        return b;
      }));
    }
    tr.classList.toggle("ended", s.ended);
    // A screen reader hears each alert a session raises, once, when it is
    // raised: not those it already had when the board caught up with it.
    if (r.liveFrom !== undefined && r.seq >= r.liveFrom) {
      const raised = r.announced ? alerts.filter((a) => a !== "ended" && !r.announced.has(a)) : [];
      if (raised.length) announce(tr.querySelector(".trainee").textContent + ": " + raised.join(", "));
      r.announced = new Set(alerts);
    }
  }

  // announce puts text in the board's status region, each piece once;
  // alerts raised together are read together.
  let pending = [], flush = 0;
  function announce(text) {
    pending.push(text);
    clearTimeout(flush);
    flush = setTimeout(() => { $("board-announce").textContent = pending.join(". ") + "."; pending = []; }, 300);
  }

  for (const tr of tbody.querySelectorAll("tr[data-session]")) follow(tr);
  setInterval(() => { for (const id in rows) paint(rows[id]); }, 1000);

  // New sessions appear, ended ones go, without a reload.
  async function refresh() {
    let data;
    try {
      const res = await fetch("/api/monitor/sessions", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!res.ok) return;
      data = await res.json();
    } catch (e) { return; }
    const live = new Set();
    for (const x of data.sessions) {
      live.add(x.id);
      if (rows[x.id]) continue;
      const tr = document.createElement("tr");
      tr.dataset.session = x.id;
      for (const [cls, text] of [["trainee", x.trainee], ["", x.title], ["", x.mode], ["clock", "–"], ["phase", "–"], ["since", "–"], ["mood", "–"], ["alerts", ""]]) {
        const td = document.createElement("td");
        if (cls) td.className = cls;
        td.textContent = text;
        tr.append(td);
      }
      const td = document.createElement("td"), a = document.createElement("a");
      a.className = "button secondary";
      a.href = "/monitor/sessions/" + encodeURIComponent(x.id);
      a.textContent = "Observe";
      const name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = " " + x.trainee;
      a.append(name);
      td.append(a);
      tr.append(td);
      tbody.append(tr);
      follow(tr);
    }
    for (const id in rows) {
      if (!live.has(id) && rows[id].state.ended) {
        rows[id].client.close();
        rows[id].tr.remove();
        delete rows[id];
      }
    }
    $("live-count").textContent = String(Object.keys(rows).length);
    $("board-empty").hidden = Object.keys(rows).length > 0;
  }
  setInterval(refresh, 5000);
}

// ---- the observer page -----------------------------------------------------

async function startObserver(cfg) {
  const names = {};
  for (const c of cfg.cast || []) names[c.id] = c.name;
  const present = presenter(cfg.texts || {}, names, cfg.labels || {});
  const state = newState();
  const logEl = $("obs-log");
  let client = null;

  function hiddenText(ev) {
    switch (ev.type) {
      case "beat": return "beat " + ev.id;
      case "reaction": return "reaction " + ev.id;
      case "phase": return "phase → " + ev.id;
      case "mood": return "mood " + moodText(ev.mood);
      case "set": return "vars." + ev.id + " = " + JSON.stringify(ev.value);
      case "takeover": return "taken over: " + (names[ev.id] || ev.id);
      case "handback": return "handed back: " + (names[ev.id] || ev.id);
      case "timer": return null;
      case "error": return "expression error at " + ev.id + ": " + ev.reason;
      case "scale": return "speed ×" + ev.scale;
    }
    return null;
  }

  function show(ev) {
    fold(state, ev);
    const l = present.line(ev);
    let text, who = "", cls = "";
    if (l) {
      who = l.who;
      text = l.text;
      cls = l.cls;
    } else {
      text = hiddenText(ev);
      cls = "hidden-event";
      if (text == null) return;
    }
    const li = document.createElement("li");
    li.className = cls;
    li.dataset.seq = ev.seq;
    const t = document.createElement("span");
    t.className = "t";
    t.textContent = formatClock(ev.t || 0);
    li.append(t);
    if (who) {
      const w = document.createElement("strong");
      w.textContent = who + ": ";
      li.append(w);
    }
    li.append(text);
    const by = ev.action && ev.action.by;
    if (by === "trainer") {
      li.classList.add("by-trainer");
      const b = document.createElement("span");
      b.className = "badge by";
      b.textContent = "trainer";
      li.append(b);
    }
    const atEnd = logEl.scrollTop + logEl.clientHeight >= logEl.scrollHeight - 30;
    logEl.append(li);
    if (atEnd) logEl.scrollTop = logEl.scrollHeight;
    paintState();
  }

  function paintState() {
    $("obs-phase").textContent = state.phase || "–";
    $("obs-mood").textContent = moodText(state.mood);
    const taken = Object.keys(state.takenOver).map((id) => names[id] || id);
    $("obs-taken").textContent = taken.length ? taken.join(", ") : "nobody";
    $("obs-state").textContent = state.ended ? "ended" : state.paused ? "paused" : "";
  }
  setInterval(() => { $("obs-clock").textContent = formatClock(state.clock.now()); }, 500);

  // The whole history first, page by page; then the socket from there.
  let after = 0, count = 0;
  for (;;) {
    let page;
    try {
      const res = await fetch("/api/sessions/" + encodeURIComponent(cfg.session) + "/events?limit=1000&after=" + after,
        { credentials: "same-origin", headers: { Accept: "application/json" } });
      page = await res.json();
      if (!res.ok) throw new Error((page.error && (page.error.message || page.error.code)) || res.statusText);
    } catch (e) {
      $("obs-history").textContent = "The history could not be loaded: " + e.message;
      return;
    }
    for (const ev of page.events) show(ev);
    count += page.events.length;
    after = page.next;
    $("obs-history").textContent = count + " events so far…";
    if (!page.more) break;
  }
  $("obs-history").textContent = "History loaded: " + count + " events. Following live.";
  $("obs-history").dataset.loaded = String(after);
  // From now on a screen reader reads each new line of the call as it
  // comes (the history is not read out).
  logEl.setAttribute("aria-live", "polite");

  client = openSession({
    sessionId: cfg.session,
    lastSeq: after,
    onHello: (msg) => { if (msg.clock) state.clock.set(msg.clock.t, msg.clock.running, msg.clock.scale); },
    onEvent: (ev) => show(ev),
    onResync: (msg) => {
      // Only if the server no longer had what we asked for: start over.
      logEl.replaceChildren();
      if (msg.snapshot) {
        fromSnapshot(state, msg.snapshot, msg.clock);
        for (const ev of msg.snapshot.events || []) show(ev);
      }
      paintState();
    },
    onReject: (msg, label) => {
      const el = $("obs-refused");
      if (!el) return;
      el.textContent = (label ? label + ": " : "") + (msg.reason || msg.code);
      el.hidden = false;
    },
    onEnded: () => { state.ended = true; paintState(); },
    onStatus: (st, detail) => { $("obs-conn").textContent = st + (detail ? " (" + detail + ")" : ""); },
  });
  client.open();
  window.drillObserver = client; // for the end-to-end test

  if (!$("c-pause")) return; // read-only
  for (const sel of document.querySelectorAll(".cast-select")) {
    for (const c of cfg.cast || []) {
      const o = document.createElement("option");
      o.value = c.id;
      o.textContent = c.name + (c.id === "customer" ? "" : " (" + c.id + ")");
      sel.append(o);
    }
  }
  for (const id of cfg.lines || []) {
    const o = document.createElement("option");
    o.value = o.textContent = id;
    $("c-line").append(o);
  }
  for (const v of cfg.vars || []) {
    const o = document.createElement("option");
    o.value = o.textContent = v;
    $("c-var").append(o);
  }
  if (!(cfg.vars || []).length) $("c-set-var").disabled = true;

  function control(question, action, label) {
    if (!window.confirm(question)) return;
    $("obs-refused").hidden = true;
    client.command(action, label);
  }
  $("c-pause").addEventListener("click", () => control("Pause " + cfg.trainee + "'s call?", { kind: "pause" }, "pause"));
  $("c-resume").addEventListener("click", () => control("Resume the clock?", { kind: "resume_clock" }, "resume"));
  $("c-set-scale").addEventListener("click", () => {
    const v = Number($("c-scale").value);
    control("Set the speed to ×" + v + "?", { kind: "set_scale", amount: v }, "speed");
  });
  $("c-inject").addEventListener("click", () => {
    const as = $("c-as").value, line = $("c-line").value, text = $("c-text").value.trim();
    if (!line && !text) { $("c-text").focus(); return; }
    const who = names[as] || as;
    const action = line ? { kind: "inject", as: as, line: line } : { kind: "inject", as: as, text: text };
    control(line ? "Inject the scripted line " + line + " as " + who + "?" : "Say as " + who + ": \u201c" + text + "\u201d?", action, "inject");
    $("c-text").value = "";
  });
  $("c-set-var").addEventListener("click", () => {
    const name = $("c-var").value, value = $("c-value").value.trim();
    if (!value) { $("c-value").focus(); return; }
    control("Set vars." + name + " to " + value + "?", { kind: "set_var", field: name, value: value }, "set variable");
  });
  $("c-takeover").addEventListener("click", () => {
    const who = $("c-who").value;
    control("Take over " + (names[who] || who) + "? Their scripted lines stop until you hand them back.", { kind: "takeover", as: who }, "take over");
  });
  $("c-handback").addEventListener("click", () => {
    const who = $("c-who").value;
    control("Hand " + (names[who] || who) + " back to the script?", { kind: "handback", as: who }, "hand back");
  });
}
