// drillroom trainee console: the page's state, rendering and forms. It
// speaks the drillroom.v1 protocol through protocol.js, words events with
// present.js (the same table of texts as the debrief) and runs the clock
// with clock.js. ES modules, no build step, no inline handlers (the CSP
// forbids inline script).

import { formatClock, VirtualClock } from "./clock.js";
import { presenter } from "./present.js";
import { openSession } from "./protocol.js";

const cfgEl = document.getElementById("console-data");
if (cfgEl) start(JSON.parse(cfgEl.textContent));

function start(cfg) {
  const names = {};
  (cfg.services || []).forEach(function (s) { names[s.id] = s.name; });
  (cfg.teams || []).forEach(function (t) { names[t.id] = t.name; });
  const present = presenter(cfg.texts || {}, names);

  var $ = function (id) { return document.getElementById(id); };
  var callLog = $("call-log"), radioLog = $("radio-log"), connEl = $("conn");
  var clockEl = $("clock"), sinceEl = $("since-update"), holdEl = $("hold-state");
  var sayText = $("say-text");

  // ---- state -------------------------------------------------------------
  var clock = new VirtualClock();
  var lastUpdateT = null;     // virtual ms of the trainee's last line to the customer
  var ended = !!cfg.ended;
  var onHold = false;
  var engaged = {};           // id -> {name, status}

  // ---- rendering ---------------------------------------------------------
  function addLine(log, cls, who, text, t, seq) {
    var li = document.createElement("li");
    li.className = cls;
    if (seq) li.dataset.seq = seq;
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (t != null ? formatClock(t) + " · " : "") + who;
    li.appendChild(meta);
    li.appendChild(document.createTextNode(text));
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  // show adds a presented line to the pane it belongs on.
  function show(l) {
    return addLine(l.pane === "call" ? callLog : radioLog, l.cls, l.who, l.text, l.t, l.seq);
  }

  var speakToggle = $("speak-toggle");
  try { speakToggle.checked = localStorage.getItem("drillroom:speak") === "1"; } catch (e) { /* ignore */ }
  speakToggle.addEventListener("change", function () {
    try { localStorage.setItem("drillroom:speak", speakToggle.checked ? "1" : "0"); } catch (e) { /* ignore */ }
    if (!speakToggle.checked && window.speechSynthesis) window.speechSynthesis.cancel();
  });
  function speak(text) {
    if (!speakToggle.checked || !window.speechSynthesis || !window.SpeechSynthesisUtterance) return;
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  var toast = document.createElement("div");
  toast.className = "flash error";
  toast.setAttribute("role", "alert");
  toast.id = "console-alert";
  toast.hidden = true;
  document.querySelector(".console-bar").after(toast);
  var toastTimer = null;
  function showAlert(text) {
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, 12000);
  }

  function renderEngaged() {
    var ul = $("engaged");
    ul.textContent = "";
    Object.keys(engaged).forEach(function (id) {
      var li = document.createElement("li");
      li.textContent = engaged[id].name + ": " + engaged[id].status;
      ul.appendChild(li);
    });
  }
  function engage(id, status) {
    engaged[id] = { name: present.name(id), status: status };
    renderEngaged();
  }

  function setHold(h) {
    onHold = h;
    holdEl.hidden = !h;
  }

  function setEnded() {
    ended = true;
    document.querySelectorAll(".understood button, .understood select").forEach(function (el) { el.disabled = true; });
    $("ended-banner").hidden = false;
    document.querySelectorAll("#console button, #console input, #console select, #console textarea").forEach(function (el) {
      el.disabled = true;
    });
  }

  function recordForm(field) {
    return document.querySelector('.record-field[data-field="' + CSS.escape(field) + '"]');
  }

  // applyEvent renders one event of the log: its line, from the presenter,
  // and what it changes on the desk. live is true for events that happened
  // while this page was connected (they move the clock).
  function applyEvent(ev, live) {
    var t = ev.t;
    var l = present.line(presentable(ev));
    switch (ev.type) {
      case "line":
        show(l);
        if (l.pane === "call" && live) speak(ev.text || "");
        break;
      case "action": {
        var a = ev.action || {};
        switch (a.kind) {
          case "say": {
            var li = show(l);
            lastUpdateT = t;
            if (practice && (!a.by || a.by === "trainee")) showUnderstood(li, ev.seq, ev.intents || [], false);
            break;
          }
          case "correct":
            show(l);
            corrected(ev);
            break;
          case "hold":
            show(l);
            if (a.text) lastUpdateT = t;
            setHold(true);
            break;
          case "resume":
            show(l);
            setHold(false);
            break;
          case "classify":
            // The classification panel shows it.
            $("classified-as").textContent = "Classified: " + a.category + (a.priority ? ", " + a.priority : "") + " at " + formatClock(t);
            $("category").value = a.category;
            if (a.priority) $("priority").value = a.priority;
            break;
          case "record": {
            var form = recordForm(a.field);
            if (form) {
              form.querySelector("input").value = a.value;
              form.querySelector(".saved").textContent = "Saved at " + formatClock(t);
            } else if (l) {
              show(l);
            }
            break;
          }
          case "dispatch":
          case "escalate":
            engage(a.target, a.kind === "dispatch" ? "dispatched" : "escalated");
            show(l);
            break;
          case "review":
            break; // written after the call, on the debrief
          default:
            if (l) show(l);
        }
        break;
      }
      case "ack":
        if (engaged[ev.from]) engage(ev.from, "acknowledged");
        show(l);
        break;
      case "eta":
        engage(ev.from, "ETA " + formatClock(ev.eta) + " (in " + Math.max(0, Math.round((ev.eta - t) / 60000)) + " min)");
        show(l);
        break;
      case "arrive":
        engage(ev.from, "on scene");
        show(l);
        break;
      case "resolve":
        engage(ev.from, "resolved");
        show(l);
        break;
      case "pause":
        show(l);
        if (live) clock.set(t, false, clock.scale);
        break;
      case "resume":
        show(l);
        if (live) clock.set(t, true, clock.scale);
        break;
      case "scale":
        if (live) clock.set(clock.now(), clock.running, ev.scale || 1);
        break;
      case "end":
        show(l);
        if (live) clock.set(t, false, clock.scale);
        setEnded();
        break;
      case "review":
        break; // written after the call, on the debrief
      default:
        if (l) show(l);
    }
    if (live && t > clock.now()) clock.set(t, clock.running, clock.scale);
  }

  // ---- how lines were understood (practice) --------------------------------
  // In practice each of the trainee's lines shows the intents the drill
  // understood, and the trainee corrects them with one click: a chip takes
  // its intent off, the "Add" list puts one on. Each correction is a
  // command of its own (kind "correct"), on the log, to which the customer
  // responds. In an assessment nothing of this is shown live.
  var practice = cfg.mode === "practice";
  var understood = {}; // seq -> {li, intents}
  var lastUnderstood = null;

  // presentable is the event as the console words it: an assessment shows
  // no intents; a practice line shows them as chips instead of in its text.
  function presentable(ev) {
    if (ev.type === "start" && !ev.mode) ev = Object.assign({}, ev, { mode: cfg.mode });
    if (ev.type === "action" && ev.intents && ev.intents.length && ev.action &&
        (!practice || ev.action.kind === "say")) {
      ev = Object.assign({}, ev, { intents: [] });
    }
    return ev;
  }

  function correct(seq, intents, label) {
    command({ kind: "correct", of: seq, intents: intents }, label);
  }

  function showUnderstood(li, seq, intents, changed) {
    if (!li) return;
    intents = intents.slice().sort();
    understood[seq] = { li: li, intents: intents };
    lastUnderstood = seq;
    var box = li.querySelector(".understood");
    if (!box) {
      box = document.createElement("div");
      box.className = "understood";
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Understood as");
      li.appendChild(box);
    }
    box.textContent = "";
    var lab = document.createElement("span");
    lab.className = "understood-label";
    lab.textContent = changed ? "Corrected to:" : "Understood as:";
    box.appendChild(lab);
    if (!intents.length) {
      var none = document.createElement("span");
      none.className = "understood-none";
      none.textContent = "nothing";
      box.appendChild(none);
    }
    intents.forEach(function (name) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chip";
      b.dataset.intent = name;
      b.textContent = name + " ×";
      b.title = "Not what you meant: take " + name + " off this line";
      b.setAttribute("aria-label", "Take " + name + " off this line");
      b.disabled = ended;
      b.addEventListener("click", function () {
        correct(seq, intents.filter(function (x) { return x !== name; }), "Correction");
      });
      box.appendChild(b);
    });
    var add = document.createElement("select");
    add.className = "add-intent";
    add.setAttribute("aria-label", "Add an intent you meant to this line");
    add.disabled = ended;
    var first = document.createElement("option");
    first.value = "";
    first.textContent = "Add what you meant…";
    add.appendChild(first);
    (cfg.intents || []).forEach(function (name) {
      if (intents.indexOf(name) >= 0) return;
      var o = document.createElement("option");
      o.value = name;
      o.textContent = name;
      add.appendChild(o);
    });
    add.addEventListener("change", function () {
      if (add.value) correct(seq, intents.concat([add.value]), "Correction");
    });
    box.appendChild(add);
    li.classList.toggle("corrected", !!changed || li.classList.contains("corrected"));
  }

  // corrected applies a correction event to the line it corrects.
  function corrected(ev) {
    var u = understood[ev.action.of];
    if (!u) return;
    var removed = ev.removed || [];
    var now = u.intents.filter(function (x) { return removed.indexOf(x) < 0; });
    (ev.intents || []).forEach(function (x) { if (now.indexOf(x) < 0) now.push(x); });
    showUnderstood(u.li, ev.action.of, now, true);
  }

  // ---- clock -------------------------------------------------------------
  var clockState = $("clock-state");
  function tick() {
    var now = clock.now();
    clockEl.textContent = formatClock(now);
    clockState.hidden = clock.running || ended;
    if (sinceEl) {
      if (lastUpdateT == null) {
        sinceEl.textContent = "never (" + formatClock(now) + ")";
        sinceEl.classList.toggle("late", now > cfg.max_silence_ms);
      } else {
        var gap = now - lastUpdateT;
        sinceEl.textContent = formatClock(gap);
        sinceEl.classList.toggle("late", gap > cfg.max_silence_ms);
      }
    }
  }
  setInterval(tick, 250);

  // ---- the connection ----------------------------------------------------
  function setConn(text, ok) {
    connEl.textContent = text;
    connEl.className = "conn " + (ok ? "ok" : "down");
  }

  var session = openSession({
    sessionId: cfg.session,
    onHello: function (msg) {
      // The drill's intents, offered when a practice line is corrected.
      if (msg.vocabulary && msg.vocabulary.intents) cfg.intents = msg.vocabulary.intents;
      if (msg.clock) {
        // A call nobody has joined yet reports a stopped clock at 0; the
        // trainee's resume starts it without an event, so start ours too.
        var starting = !msg.clock.running && msg.clock.t === 0 && msg.role === "trainee" &&
          !(msg.session && msg.session.state === "ended");
        clock.set(msg.clock.t, msg.clock.running || starting, msg.clock.scale);
      }
      if (msg.session && msg.session.state === "ended") setEnded();
    },
    onEvent: applyEvent,
    onResync: applySnapshot,
    onReject: function (msg, label) {
      var what = label || "Your last action";
      if (msg.code === "ended") {
        setEnded();
        showAlert(what + " was not done: the call has ended.");
      } else {
        showAlert(what + " was not done: " + (msg.reason || msg.code));
      }
    },
    onEnded: setEnded,
    onServerError: function (msg) { showAlert("Protocol error from the server: " + (msg.reason || msg.code)); },
    onStatus: function (state, detail) {
      switch (state) {
        case "connecting": setConn("Connecting…", false); break;
        case "connected": if (connEl.textContent !== "Connected") setConn("Connected", true); break;
        case "reconnecting": setConn("Reconnecting…", false); break;
        case "busy": setConn("Server busy, retrying…", false); break;
        case "disconnected": setConn("Disconnected", false); break;
        case "refused":
          setConn("Disconnected by the server (" + detail + ")", false);
          showAlert("The server closed the connection: " + detail + ". Reload the page.");
          break;
        case "signed-out":
          setConn("Signed out", false);
          showAlert("Your sign-in has ended. Sign in again to continue; nothing you did is lost.");
          break;
      }
    },
  });

  // applySnapshot replaces everything with the server's view. The snapshot
  // carries the events a trainee may see (or, failing that, the state);
  // we rebuild the panes from it.
  function applySnapshot(msg) {
    callLog.textContent = "";
    radioLog.textContent = "";
    understood = {};
    lastUnderstood = null;
    engaged = {};
    renderEngaged();
    lastUpdateT = null;
    setHold(false);
    if (msg.clock) clock.set(msg.clock.t, msg.clock.running, msg.clock.scale);
    var snap = msg.snapshot || {};
    var evs = snap.events || [];
    evs.forEach(function (ev) { applyEvent(ev, false); });
    if (!evs.length) {
      (snap.lines || []).forEach(function (ev) { applyEvent(ev, false); });
      if (snap.on_hold != null) setHold(!!snap.on_hold);
      if (snap.category) {
        $("category").value = snap.category;
        if (snap.priority) $("priority").value = snap.priority;
        $("classified-as").textContent = "Classified: " + snap.category + (snap.priority ? ", " + snap.priority : "");
      }
      var rec = snap.record || {};
      Object.keys(rec).forEach(function (f) {
        var form = recordForm(f);
        if (form) { form.querySelector("input").value = rec[f]; form.querySelector(".saved").textContent = "Saved"; }
      });
    }
    addLine(callLog, "system", "Console", "Reloaded the call from the server.", msg.clock ? msg.clock.t : null);
    if (snap.ended || snap.state === "ended") setEnded();
  }

  // "Refresh the call" rebuilds the panes from the server's snapshot, for a
  // trainee who doubts what the screen shows.
  $("resync-btn").addEventListener("click", function () { session.resync(); });

  // ---- commands ----------------------------------------------------------
  function command(action, label) {
    if (ended && action.kind !== "review") {
      showAlert("The call has ended.");
      return;
    }
    return session.command(action, label);
  }

  $("say-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = sayText.value.trim();
    if (!text) { sayText.focus(); return; }
    command({ kind: "say", text: text }, "Message to the customer");
    sayText.value = "";
    sayText.focus();
  });

  var quick = Array.prototype.slice.call(document.querySelectorAll(".intents button[data-intent]"));
  function sayIntent(btn) {
    command({ kind: "say", text: btn.dataset.text, intents: [btn.dataset.intent] }, btn.textContent.replace(/^Alt\+\d\s*/, ""));
  }
  quick.forEach(function (btn) { btn.addEventListener("click", function () { sayIntent(btn); }); });

  $("promise-btn").addEventListener("click", function () {
    var min = parseInt($("promise-min").value, 10);
    if (!(min >= 1 && min <= 60)) { showAlert("Promise an update within 1 to 60 minutes."); $("promise-min").focus(); return; }
    command({
      kind: "say",
      text: "I'll update you again within " + min + " minute" + (min === 1 ? "" : "s") + ".",
      intents: ["update"],
      promise: Math.round(clock.now()) + min * 60000
    }, "Promise of an update");
  });

  $("hold-btn").addEventListener("click", holdCustomer);
  $("resume-btn").addEventListener("click", resumeCustomer);
  function holdCustomer() {
    if (onHold) { showAlert("The customer is already on hold."); return; }
    // Tell the customer before the hold: a hold without notice costs mood.
    command({ kind: "say", text: "Bear with me one moment, I'm going to put you on a short hold.", intents: ["hold"] }, "Hold notice");
    command({ kind: "hold" }, "Hold");
  }
  function resumeCustomer() {
    if (!onHold) { showAlert("The customer is not on hold."); return; }
    command({ kind: "resume" }, "Resume");
    command({ kind: "say", text: "Thank you for holding, I'm back with you.", intents: ["update"] }, "Back from hold");
  }

  var engageForm = $("engage-form");
  var engageKind = "dispatch";
  engageForm.querySelectorAll("button[data-kind]").forEach(function (b) {
    b.addEventListener("click", function () { engageKind = b.dataset.kind; });
  });
  function syncEngageButtons() {
    var opt = $("engage-target").selectedOptions[0];
    var kind = opt ? opt.dataset.kind : "";
    $("dispatch-btn").disabled = ended || kind !== "service";
    $("escalate-btn").disabled = ended || kind !== "team";
  }
  $("engage-target").addEventListener("change", syncEngageButtons);
  syncEngageButtons();
  engageForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var kind = (e.submitter && e.submitter.dataset.kind) || engageKind;
    var target = $("engage-target").value;
    if (!target) return;
    var info = Array.prototype.map.call(engageForm.querySelectorAll("input[name=info]:checked"), function (c) { return c.value; });
    var text = $("engage-text").value.trim();
    var action = { kind: kind, target: target, info: info };
    if (text) action.text = text;
    var label = { dispatch: "Dispatch of ", escalate: "Escalation to ", contact: "Message to " }[kind] + present.name(target);
    command(action, label);
    $("engage-text").value = "";
    engageForm.querySelectorAll("input[name=info]:checked").forEach(function (c) { c.checked = false; });
  });

  $("classify-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var c = $("category").value, p = $("priority").value;
    if (!c || !p) { showAlert("Choose a category and a priority."); (c ? $("priority") : $("category")).focus(); return; }
    command({ kind: "classify", category: c, priority: p }, "Classification");
  });

  document.querySelectorAll(".record-field[data-field]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var v = form.querySelector("input").value.trim();
      if (!v) return;
      form.querySelector(".saved").textContent = "Saving…";
      command({ kind: "record", field: form.dataset.field, value: v }, "Record of " + form.dataset.field);
    });
  });
  $("extra-field-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var f = $("extra-field-name").value.trim().toLowerCase().replace(/\s+/g, "_"), v = $("extra-field-value").value.trim();
    if (!f || !v) return;
    command({ kind: "record", field: f, value: v }, "Record of " + f);
    $("extra-field-name").value = "";
    $("extra-field-value").value = "";
  });

  $("decision-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var kind = e.submitter ? e.submitter.dataset.kind : "request";
    var d = $("decision").value.trim(), amount = parseFloat($("amount").value) || 0;
    if (!d) { showAlert("Name the decision."); $("decision").focus(); return; }
    if (kind === "request") {
      command({ kind: "request", target: $("approver").value, decision: d, amount: amount }, "Approval request");
    } else {
      command({ kind: "decide", decision: d, amount: amount }, "Decision");
    }
  });

  $("close-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var r = $("resolution").value;
    if (!r) { showAlert("Choose a resolution before closing."); $("resolution").focus(); return; }
    command({ kind: "close", resolution: r }, "Closing the call");
  });

  // ---- keyboard ----------------------------------------------------------
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !toast.hidden) { toast.hidden = true; return; }
    var tag = (e.target.tagName || "").toLowerCase();
    var typing = tag === "input" || tag === "textarea" || tag === "select";
    if (e.key === "/" && !typing && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      sayText.focus();
      return;
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      var form = e.target.form || (e.target.closest && e.target.closest("form"));
      if (form) {
        e.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      var digit = /^Digit([1-9])$/.exec(e.code);
      if (digit) {
        var btn = quick[parseInt(digit[1], 10) - 1];
        if (btn) { e.preventDefault(); if (!btn.disabled) sayIntent(btn); }
        return;
      }
      switch (e.code) {
        case "KeyH": e.preventDefault(); if (!ended) holdCustomer(); break;
        case "KeyR": e.preventDefault(); if (!ended) resumeCustomer(); break;
        case "KeyT": e.preventDefault(); $("engage-target").focus(); break;
        case "KeyC": e.preventDefault(); $("category").focus(); break;
        case "KeyS": e.preventDefault(); speakToggle.click(); break;
        case "KeyU": {
          // The last line's "add what you meant" list.
          e.preventDefault();
          var u = lastUnderstood != null && understood[lastUnderstood];
          var sel = u && u.li.querySelector(".add-intent");
          if (sel && !sel.disabled) sel.focus();
          break;
        }
      }
    }
  });

  window.addEventListener("beforeunload", function () { session.close(); });
  if (ended) setEnded();
  session.open();
}
