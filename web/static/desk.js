// The desk's cues for time-critical work, beside the console's panes: the
// caller panel, the strip of open tasks (promised updates, responders'
// questions, approvals awaited) with their countdowns, the live ETAs of
// the engaged services, the hold timer and the cue on a new customer line.
// Everything here is computed from the events the trainee's socket
// carries and the drill clock; nothing is asked of the server.

import { formatClock } from "./clock.js";

// urgentWithin is how close to its due time a promised update turns
// urgent, in virtual milliseconds.
const urgentWithin = 30000;

// askUrgentAfter is how long a responder's question stays open before it
// turns urgent.
const askUrgentAfter = 60000;

// consultUrgentAfter is how long a consultation keeps the caller waiting
// before it turns urgent.
const consultUrgentAfter = 45000;

// label words an id for a trainee: "people_at_risk" reads "People at risk".
export function label(labels, id) {
  if (labels && labels[id]) return labels[id];
  const s = String(id || "").replace(/[_-]+/g, " ").trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "";
}

// The caller panel's rows and the record fields that fill them, by the
// words in the field's id.
const callerRows = [
  { id: "caller-name", re: /(^|_)(name|caller|customer)(_|$)/ },
  { id: "caller-number", re: /(callback|phone|number|mobile|telephone|contact)/ },
  { id: "caller-address", re: /(location|address|postcode|premises|site)/ },
];

// createDesk wires the desk to the page. opts: now() the drill clock in
// virtual ms, name(id) a cast member's name, labels (id -> words), and
// ended() whether the call has ended.
export function createDesk(opts) {
  const $ = (id) => document.getElementById(id);
  const tasksEl = $("tasks"), countEl = $("task-count"), noTasks = $("no-tasks");
  const announcer = $("announce");
  const engagedEl = $("engaged");

  let tasks = [];     // {key, kind, t, due?, who?, info?, decision?, done, urgentSaid, overdueSaid, li}
  let engaged = {};   // id -> {name, status, eta}
  let holdSince = null;
  let replaying = false;

  // say reads text out to a screen reader at once (role=alert).
  function say(text) {
    if (replaying) return;
    announcer.textContent = "";
    // A new text node, so the same words twice are read twice.
    setTimeout(() => { announcer.textContent = text; }, 30);
  }

  // ---- tasks -------------------------------------------------------------
  function add(task) {
    task.done = false;
    const li = document.createElement("li");
    li.className = "task task-" + task.kind;
    li.dataset.key = task.key;
    task.li = li;
    tasks.push(task);
    tasksEl.appendChild(li);
    render();
  }

  function done(pred) {
    let changed = false;
    tasks.forEach((x) => {
      if (!x.done && pred(x)) {
        x.done = true;
        x.li.remove();
        changed = true;
      }
    });
    if (changed) render();
  }

  function text(x, now) {
    switch (x.kind) {
      case "promise": {
        const left = x.due - now;
        return left >= 0
          ? "Update the caller by " + formatClock(x.due) + ": due in " + formatClock(left)
          : "Update the caller: overdue by " + formatClock(-left) + " (promised for " + formatClock(x.due) + ")";
      }
      case "ask":
        return opts.name(x.who) + " asks for " + label(opts.labels, x.info).toLowerCase() + ": open for " + formatClock(now - x.t);
      case "approval":
        return "Approval of " + label(opts.labels, x.decision).toLowerCase() + " from " + opts.name(x.who) + ": waiting " + formatClock(now - x.t);
      case "consult":
        return "Consulting " + opts.name(x.who) + (x.answered ? ": they have answered; go back to the caller" : ": waiting for their answer") +
          " (the caller has waited " + formatClock(now - x.t) + ")";
    }
    return "";
  }

  function urgent(x, now) {
    switch (x.kind) {
      case "promise": return x.due - now <= urgentWithin;
      case "ask": return now - x.t >= askUrgentAfter;
      case "consult": return now - x.t >= consultUrgentAfter;
    }
    return false;
  }

  // render redraws the strip at the clock's time; it announces a task the
  // first time it turns urgent and a promise the first time it is overdue.
  function render() {
    const now = opts.now();
    let open = 0;
    tasks.forEach((x) => {
      if (x.done) return;
      open++;
      const u = urgent(x, now) && !opts.ended();
      x.li.classList.toggle("urgent", u);
      const words = (u ? "Urgent: " : "") + text(x, now);
      if (x.li.textContent !== words) x.li.textContent = words;
      if (u && !x.urgentSaid) {
        x.urgentSaid = true;
        say("Urgent: " + text(x, now));
      }
      if (x.kind === "promise" && now > x.due && !x.overdueSaid && !opts.ended()) {
        x.overdueSaid = true;
        if (x.urgentSaid) say("Overdue: " + text(x, now));
      }
    });
    countEl.textContent = String(open);
    noTasks.hidden = open > 0;
    renderEngaged(now);
  }

  // ---- engaged services and their ETAs ----------------------------------
  function renderEngaged(now) {
    const ids = Object.keys(engaged);
    if (engagedEl.childElementCount !== ids.length) {
      engagedEl.textContent = "";
      ids.forEach((id) => {
        const li = document.createElement("li");
        li.dataset.id = id;
        engagedEl.appendChild(li);
      });
    }
    ids.forEach((id, i) => {
      const e = engaged[id];
      let s = e.name + ": " + e.status;
      if (e.eta != null) {
        const left = e.eta - now;
        s += left > 0 ? ", arriving in " + formatClock(left) + " (at " + formatClock(e.eta) + ")"
          : ", due " + formatClock(-left) + " ago (at " + formatClock(e.eta) + ")";
      }
      const li = engagedEl.children[i];
      if (li.textContent !== s) li.textContent = s;
    });
    // The live countdowns beside the ETA lines of the radio log.
    document.querySelectorAll("#radio-log .countdown[data-due]").forEach((el) => {
      const left = Number(el.dataset.due) - now;
      const s = el.dataset.over === "1" ? "" : left > 0 ? "arriving in " + formatClock(left) : "due now";
      if (el.textContent !== s) el.textContent = s;
    });
  }

  function engage(id, status, eta) {
    const e = engaged[id] || { name: opts.name(id), status: status, eta: null };
    e.status = status;
    if (eta !== undefined) e.eta = eta;
    engaged[id] = e;
    renderEngaged(opts.now());
  }

  // ---- the caller panel ---------------------------------------------------
  function recorded(field, value) {
    const row = callerRows.find((r) => r.re.test(field));
    if (!row) return;
    const dd = $(row.id);
    dd.textContent = value;
    dd.title = value;
    dd.classList.remove("muted");
  }

  // ---- hold timer -----------------------------------------------------------
  function hold(t) { holdSince = t; tickHold(); }
  function unhold() { holdSince = null; }
  function tickHold() {
    if (holdSince != null) $("hold-timer").textContent = formatClock(opts.now() - holdSince);
  }

  // ---- new customer lines -----------------------------------------------
  const newLine = $("new-line"), soundToggle = $("sound-toggle");
  let newLineTimer = null, audio = null;
  try { soundToggle.checked = localStorage.getItem("drillroom:tone") !== "0"; } catch (e) { soundToggle.checked = true; }
  soundToggle.addEventListener("change", () => {
    try { localStorage.setItem("drillroom:tone", soundToggle.checked ? "1" : "0"); } catch (e) { /* ignore */ }
  });
  function tone() {
    if (!soundToggle.checked) return;
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      audio = audio || new AC();
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880;
      g.gain.setValueAtTime(0.08, audio.currentTime);
      g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
      o.connect(g);
      g.connect(audio.destination);
      o.start();
      o.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound: the visible cue remains */ }
  }
  // customerSpoke marks a new line: the pane's "New line" badge until the
  // trainee reaches the customer box, the line's highlight and the tone.
  // The log itself is a polite live region, so screen readers read it.
  function customerSpoke(li) {
    if (replaying) return;
    li.classList.add("fresh");
    setTimeout(() => li.classList.remove("fresh"), 4000);
    newLine.hidden = false;
    clearTimeout(newLineTimer);
    newLineTimer = setTimeout(() => { newLine.hidden = true; }, 8000);
    tone();
  }
  $("say-text").addEventListener("focus", () => { newLine.hidden = true; });

  // ---- events -------------------------------------------------------------
  // event takes one event of the log (as the console applies it) and
  // updates the tasks and the engaged services.
  function event(ev) {
    const a = ev.action || {};
    const byTrainee = !a.by || a.by === "trainee";
    switch (ev.type) {
      case "action":
        switch (a.kind) {
          case "say":
            if ((ev.intents || []).indexOf("update") >= 0) done((x) => x.kind === "promise");
            if (a.promise > 0 && byTrainee) add({ key: "promise:" + ev.seq, kind: "promise", t: ev.t, due: a.promise });
            break;
          case "hold":
            hold(ev.t);
            break;
          case "resume":
            unhold();
            break;
          case "record":
            recorded(a.field, a.value);
            break;
          case "dispatch":
          case "escalate":
          case "contact": {
            if (a.kind !== "contact") engage(a.target, a.kind === "dispatch" ? "dispatched" : "escalated");
            const info = a.info || [];
            // A question is answered by what is handed over to the one who
            // asked, or by a message with words of one's own.
            done((x) => x.kind === "ask" && x.who === a.target && (info.indexOf(x.info) >= 0 || (a.kind === "contact" && !!a.text)));
            break;
          }
          case "request":
            add({ key: "approval:" + ev.seq, kind: "approval", t: ev.t, who: a.target, decision: a.decision });
            break;
          case "consult":
            add({ key: "consult:" + ev.seq, kind: "consult", t: ev.t, who: a.target });
            break;
          case "end_consult":
            done((x) => x.kind === "consult");
            break;
        }
        break;
      case "line": {
        const x = tasks.find((x) => !x.done && x.kind === "consult" && x.who === ev.from);
        if (x && !x.answered) {
          x.answered = true;
          say(opts.name(ev.from) + " has answered your consultation.");
          render();
        }
        break;
      }
      case "end":
        done((x) => x.kind === "consult");
        break;
      case "ask":
        if (!tasks.some((x) => !x.done && x.kind === "ask" && x.who === ev.from && x.info === ev.id)) {
          add({ key: "ask:" + ev.seq, kind: "ask", t: ev.t, who: ev.from, info: ev.id || "information" });
        }
        break;
      case "approve":
      case "decline":
        done((x) => x.kind === "approval" && x.who === ev.from && x.decision === ev.id);
        break;
      case "ack":
        if (engaged[ev.from]) engage(ev.from, "acknowledged");
        break;
      case "eta":
        engage(ev.from, "on the way", ev.eta);
        break;
      case "arrive":
        engage(ev.from, "on scene", null);
        break;
      case "resolve":
        engage(ev.from, "resolved", null);
        break;
    }
  }

  // reset forgets everything, before a snapshot is applied.
  function reset() {
    tasks.forEach((x) => x.li.remove());
    tasks = [];
    engaged = {};
    engagedEl.textContent = "";
    holdSince = null;
    ["caller-name", "caller-number", "caller-address"].forEach((id) => {
      $(id).textContent = "not recorded";
      $(id).classList.add("muted");
    });
    render();
  }

  function tick() {
    render();
    tickHold();
  }

  return {
    event, reset, tick, customerSpoke, say,
    // replay silences the cues while a snapshot's past events are applied.
    replay(on) { replaying = on; },
    // open lists the tasks still open, in words, for the close dialog.
    open() { const now = opts.now(); return tasks.filter((x) => !x.done).map((x) => text(x, now)); },
  };
}
