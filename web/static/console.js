// drillroom trainee console: speaks the drillroom.v1 websocket protocol
// (docs/protocol.md). Plain JavaScript, no build step, no inline handlers
// (the CSP forbids inline script).
(function () {
  "use strict";

  var cfgEl = document.getElementById("console-data");
  if (!cfgEl) return;
  var cfg = JSON.parse(cfgEl.textContent);
  var sessionId = cfg.session;
  var names = {};
  (cfg.services || []).forEach(function (s) { names[s.id] = s.name; });
  (cfg.teams || []).forEach(function (t) { names[t.id] = t.name; });
  names.customer = "Customer";

  var $ = function (id) { return document.getElementById(id); };
  var callLog = $("call-log"), radioLog = $("radio-log"), connEl = $("conn");
  var clockEl = $("clock"), sinceEl = $("since-update"), holdEl = $("hold-state");
  var sayText = $("say-text");

  // ---- state -------------------------------------------------------------
  var lastSeq = 0;            // highest seq applied on this page
  var liveFrom = 0;           // events above this seq happened after we connected
  var clock = { t: 0, running: false, scale: 1, at: performance.now() };
  var lastUpdateT = null;     // virtual ms of the trainee's last line to the customer
  var ended = !!cfg.ended;
  var onHold = false;
  var engaged = {};           // id -> {name, status}
  var ws = null, resumed = false, backoff = 250, reconnectTimer = null;
  var pingTimer = null, pongTimer = null, closedForGood = false;
  var wantResync = false;     // ask the server for a snapshot on the next connection

  // Commands awaiting an ack or reject survive a reload of the page:
  // sessionStorage keeps them per tab, and the server applies an id once.
  var pendingKey = "drillroom:pending:" + sessionId;
  var pending = {};
  try { pending = JSON.parse(sessionStorage.getItem(pendingKey) || "{}") || {}; } catch (e) { pending = {}; }
  function savePending() {
    try { sessionStorage.setItem(pendingKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }

  var idPrefix = (function () {
    var b = new Uint8Array(6);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  })();
  var idCounter = 0;

  // ---- rendering ---------------------------------------------------------
  function fmtClock(ms) {
    if (ms < 0) ms = 0;
    var s = Math.floor(ms / 1000);
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, ss = s % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h > 0 ? h + ":" + pad(m) + ":" + pad(ss) : m + ":" + pad(ss);
  }

  function addLine(log, cls, who, text, t, seq) {
    var li = document.createElement("li");
    li.className = cls;
    if (seq) li.dataset.seq = seq;
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (t != null ? fmtClock(t) + " · " : "") + who;
    li.appendChild(meta);
    li.appendChild(document.createTextNode(text));
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function nameOf(id) { return names[id] || id || ""; }

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
  function showAlert(text) {
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(showAlert.timer);
    showAlert.timer = setTimeout(function () { toast.hidden = true; }, 12000);
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
    engaged[id] = { name: nameOf(id), status: status };
    renderEngaged();
  }

  function setHold(h) {
    onHold = h;
    holdEl.hidden = !h;
  }

  function setEnded() {
    ended = true;
    $("ended-banner").hidden = false;
    document.querySelectorAll("#console button, #console input, #console select, #console textarea").forEach(function (el) {
      el.disabled = true;
    });
  }

  function describeAction(a) {
    var k = a.kind;
    switch (k) {
      case "say": return a.text || (a.intents || []).join(", ");
      case "hold": return "Put the customer on hold" + (a.text ? ": " + a.text : "");
      case "resume": return "Took the customer off hold";
      case "classify": return "Classified as " + a.category + (a.priority ? " " + a.priority : "");
      case "record": return "Recorded " + a.field + ": " + a.value;
      case "dispatch": return "Dispatched " + nameOf(a.target) + handover(a) + (a.text ? ": " + a.text : "");
      case "escalate": return "Escalated to " + nameOf(a.target) + handover(a) + (a.text ? ": " + a.text : "");
      case "contact": return "To " + nameOf(a.target) + handover(a) + (a.text ? ": " + a.text : "");
      case "request": return "Asked " + nameOf(a.target) + " to approve " + a.decision + (a.amount ? " (" + a.amount + ")" : "");
      case "decide": return "Decided " + a.decision + (a.amount ? " (" + a.amount + ")" : "");
      case "transfer": return "Transferred the call to " + a.target;
      case "close": return "Closed the call: " + a.resolution;
      case "review": return "Submitted the review";
    }
    return k;
  }
  function handover(a) { return a.info && a.info.length ? " [handover: " + a.info.join(", ") + "]" : ""; }

  // applyEvent renders one event of the log. live is true for events that
  // happened while this page was connected (they move the clock).
  function applyEvent(ev, live) {
    var t = ev.t;
    switch (ev.type) {
      case "start":
        addLine(callLog, "system", "Call", "Call started (" + (ev.mode || cfg.mode) + ")", t, ev.seq);
        break;
      case "line":
        if (ev.channel === "radio" || (ev.from && ev.from !== "customer")) {
          addLine(radioLog, "radio", nameOf(ev.from), ev.text || "", t, ev.seq);
        } else {
          addLine(callLog, "customer", "Customer", ev.text || "", t, ev.seq);
          if (live) speak(ev.text || "");
        }
        break;
      case "action": {
        var a = ev.action || {};
        var who = a.by === "trainer" ? "Trainer" : "You";
        switch (a.kind) {
          case "say":
            addLine(callLog, "trainee", who + (ev.intents && ev.intents.length ? " · " + ev.intents.join(", ") : ""), describeAction(a), t, ev.seq);
            lastUpdateT = t;
            break;
          case "hold":
            if (a.text) { addLine(callLog, "trainee", who, a.text, t, ev.seq); lastUpdateT = t; }
            addLine(callLog, "system", "Call", "Customer on hold", t);
            setHold(true);
            break;
          case "resume":
            addLine(callLog, "system", "Call", "Customer off hold", t, ev.seq);
            setHold(false);
            break;
          case "classify":
            $("classified-as").textContent = "Classified: " + a.category + (a.priority ? ", " + a.priority : "") + " at " + fmtClock(t);
            $("category").value = a.category;
            if (a.priority) $("priority").value = a.priority;
            break;
          case "record": {
            var form = document.querySelector('.record-field[data-field="' + CSS.escape(a.field) + '"]');
            if (form) {
              form.querySelector("input").value = a.value;
              form.querySelector(".saved").textContent = "Saved at " + fmtClock(t);
            } else {
              addLine(radioLog, "system", "Record", describeAction(a), t, ev.seq);
            }
            break;
          }
          case "dispatch":
          case "escalate":
            engage(a.target, a.kind === "dispatch" ? "dispatched" : "escalated");
            addLine(radioLog, "trainee", who, describeAction(a), t, ev.seq);
            break;
          case "close":
            addLine(callLog, "system", who, describeAction(a), t, ev.seq);
            break;
          case "review":
            break;
          default:
            addLine(radioLog, "trainee", who, describeAction(a), t, ev.seq);
        }
        break;
      }
      case "rejected":
        addLine(ev.action && ev.action.kind === "say" ? callLog : radioLog, "rejected", "Refused",
          describeAction(ev.action || {}) + ": " + (ev.reason || "refused"), t, ev.seq);
        break;
      case "ack":
        if (engaged[ev.from]) engage(ev.from, "acknowledged");
        addLine(radioLog, "radio", nameOf(ev.from), ev.text || "Acknowledged.", t, ev.seq);
        break;
      case "eta":
        engage(ev.from, "ETA " + fmtClock(ev.eta) + " (in " + Math.max(0, Math.round((ev.eta - t) / 60000)) + " min)");
        addLine(radioLog, "radio", nameOf(ev.from), ev.text || "ETA " + Math.max(0, Math.round((ev.eta - t) / 60000)) + " minutes.", t, ev.seq);
        break;
      case "ask":
        addLine(radioLog, "radio ask", nameOf(ev.from) + " asks for " + (ev.id || "information"), ev.text || "", t, ev.seq);
        break;
      case "arrive":
        engage(ev.from, "on scene");
        addLine(radioLog, "radio", nameOf(ev.from), ev.text || "Arrived on scene.", t, ev.seq);
        break;
      case "resolve":
        engage(ev.from, "resolved");
        addLine(radioLog, "radio", nameOf(ev.from), ev.text || "Resolved.", t, ev.seq);
        break;
      case "approve":
        addLine(radioLog, "radio", nameOf(ev.from), (ev.text || "Approved") + " (" + ev.id + (ev.amount ? " " + ev.amount : "") + ")", t, ev.seq);
        break;
      case "decline":
        addLine(radioLog, "radio", nameOf(ev.from), (ev.text || "Declined") + " (" + ev.id + (ev.amount ? " " + ev.amount : "") + ")", t, ev.seq);
        break;
      case "pause":
        addLine(callLog, "system", "Clock", "Paused (" + (ev.reason || "paused") + ")", t, ev.seq);
        if (live) setClock(t, false, clock.scale);
        break;
      case "resume":
        addLine(callLog, "system", "Clock", "Running", t, ev.seq);
        if (live) setClock(t, true, clock.scale);
        break;
      case "scale":
        if (live) setClock(currentT(), clock.running, ev.scale || 1);
        break;
      case "end":
        addLine(callLog, "system", "Call", "The call has ended" + (ev.reason ? " (" + ev.reason + ")" : ""), t, ev.seq);
        if (live) setClock(t, false, clock.scale);
        setEnded();
        break;
    }
    if (live && t > currentT()) setClock(t, clock.running, clock.scale);
  }

  // ---- clock -------------------------------------------------------------
  function setClock(t, running, scale) {
    clock = { t: t, running: running, scale: scale || 1, at: performance.now() };
  }
  function currentT() {
    if (!clock.running) return clock.t;
    return clock.t + (performance.now() - clock.at) * clock.scale;
  }
  var clockState = $("clock-state");
  function tick() {
    var now = currentT();
    clockEl.textContent = fmtClock(now);
    clockState.hidden = clock.running || ended;
    if (sinceEl) {
      if (lastUpdateT == null) {
        sinceEl.textContent = "never (" + fmtClock(now) + ")";
        sinceEl.classList.toggle("late", now > cfg.max_silence_ms);
      } else {
        var gap = now - lastUpdateT;
        sinceEl.textContent = fmtClock(gap);
        sinceEl.classList.toggle("late", gap > cfg.max_silence_ms);
      }
    }
  }
  setInterval(tick, 250);

  // ---- the socket --------------------------------------------------------
  function setConn(text, ok) {
    connEl.textContent = text;
    connEl.className = "conn " + (ok ? "ok" : "down");
  }

  function connect() {
    clearTimeout(reconnectTimer);
    resumed = false;
    var proto = location.protocol === "https:" ? "wss:" : "ws:";
    try {
      ws = new WebSocket(proto + "//" + location.host + "/ws/sessions/" + encodeURIComponent(sessionId), "drillroom.v1");
    } catch (e) {
      scheduleReconnect(false);
      return;
    }
    setConn("Connecting…", false);
    ws.onmessage = function (m) {
      var msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      onMessage(msg);
    };
    ws.onclose = function (e) {
      clearInterval(pingTimer);
      clearTimeout(pongTimer);
      ws = null;
      if (closedForGood) return;
      switch (e.code) {
        case 1000:
          setConn("Disconnected", false);
          return;
        case 1008:
        case 1009:
          setConn("Disconnected by the server (" + (e.reason || e.code) + ")", false);
          showAlert("The server closed the connection: " + (e.reason || e.code) + ". Reload the page.");
          return;
        case 4001:
          setConn("Signed out", false);
          showAlert("Your sign-in has ended. Sign in again to continue; nothing you did is lost.");
          return;
        case 4008:
          scheduleReconnect(true);
          return;
      }
      scheduleReconnect(false);
    };
  }

  function scheduleReconnect(now) {
    setConn("Reconnecting…", false);
    var wait = now ? 0 : backoff * (0.5 + Math.random());
    backoff = Math.min(backoff * 2, 10000);
    reconnectTimer = setTimeout(connect, wait);
  }

  function send(obj) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj));
  }

  function onMessage(msg) {
    switch (msg.type) {
      case "hello":
        backoff = 250;
        liveFrom = msg.last_seq || 0;
        if (msg.clock) {
          // A call nobody has joined yet reports a stopped clock at 0; the
          // trainee's resume starts it without an event, so start ours too.
          var starting = !msg.clock.running && msg.clock.t === 0 && msg.role === "trainee" &&
            !(msg.session && msg.session.state === "ended");
          setClock(msg.clock.t, msg.clock.running || starting, msg.clock.scale);
        }
        if (msg.session && msg.session.state === "ended") setEnded();
        if (wantResync) {
          wantResync = false;
          send({ type: "resume", last_seq: lastSeq, resync: true });
        } else {
          send({ type: "resume", last_seq: lastSeq });
        }
        resumed = true;
        Object.keys(pending).forEach(function (id) {
          send({ type: "command", id: id, action: pending[id].action });
        });
        setConn("Connected", true);
        clearInterval(pingTimer);
        pingTimer = setInterval(ping, 15000);
        break;
      case "event":
        if (msg.seq <= lastSeq) return; // already have it (from an earlier connection)
        if (msg.prev !== lastSeq) {
          // A gap: never paper over it. Reconnect and resume from what we have.
          if (ws) ws.close(4000, "gap");
          return;
        }
        lastSeq = msg.seq;
        applyEvent(msg.event, msg.seq > liveFrom);
        break;
      case "ack":
        delete pending[msg.id];
        savePending();
        if (connEl.textContent !== "Connected") setConn("Connected", true);
        break;
      case "reject": {
        if ((msg.code === "rate_limited" || msg.code === "unavailable") && pending[msg.id]) {
          // Nothing was applied: send the same id again a little later.
          var id = msg.id, retry = pending[id];
          retry.tries = (retry.tries || 0) + 1;
          savePending();
          if (msg.code === "unavailable") setConn("Server busy, retrying…", false);
          setTimeout(function () {
            if (pending[id] && resumed) send({ type: "command", id: id, action: pending[id].action });
          }, Math.min(500 * Math.pow(2, retry.tries), 8000));
          break;
        }
        var p = pending[msg.id];
        delete pending[msg.id];
        savePending();
        var what = p ? p.label : "Your last action";
        if (msg.code === "ended") {
          setEnded();
          showAlert(what + " was not done: the call has ended.");
        } else {
          showAlert(what + " was not done: " + (msg.reason || msg.code));
        }
        break;
      }
      case "resync":
        applySnapshot(msg);
        break;
      case "ended":
        setEnded();
        break;
      case "error":
        showAlert("Protocol error from the server: " + (msg.reason || msg.code));
        break;
      case "pong":
        clearTimeout(pongTimer);
        break;
    }
  }

  function ping() {
    send({ type: "ping" });
    clearTimeout(pongTimer);
    pongTimer = setTimeout(function () { if (ws) ws.close(4000, "no pong"); }, 8000);
  }

  // applySnapshot replaces everything with the server's view. The snapshot
  // carries the events a trainee may see (or, failing that, the state);
  // we rebuild the panes from it.
  function applySnapshot(msg) {
    callLog.textContent = "";
    radioLog.textContent = "";
    engaged = {};
    renderEngaged();
    lastUpdateT = null;
    setHold(false);
    if (msg.clock) setClock(msg.clock.t, msg.clock.running, msg.clock.scale);
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
        var form = document.querySelector('.record-field[data-field="' + CSS.escape(f) + '"]');
        if (form) { form.querySelector("input").value = rec[f]; form.querySelector(".saved").textContent = "Saved"; }
      });
    }
    addLine(callLog, "system", "Console", "Reloaded the call from the server.", msg.clock ? msg.clock.t : null);
    lastSeq = msg.last_seq || lastSeq;
    if (snap.ended || snap.state === "ended") setEnded();
  }

  // "Refresh the call" rebuilds the panes from the server's snapshot, for a
  // trainee who doubts what the screen shows.
  $("resync-btn").addEventListener("click", function () {
    wantResync = true;
    if (ws) ws.close(4000, "resync"); else connect();
  });

  // ---- commands ----------------------------------------------------------
  function command(action, label) {
    if (ended && action.kind !== "review") {
      showAlert("The call has ended.");
      return;
    }
    var id = "c-" + idPrefix + "-" + (++idCounter);
    pending[id] = { action: action, label: label };
    savePending();
    if (resumed) send({ type: "command", id: id, action: action });
    return id;
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
      promise: Math.round(currentT()) + min * 60000
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
    var label = { dispatch: "Dispatch of ", escalate: "Escalation to ", contact: "Message to " }[kind] + nameOf(target);
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
      }
    }
  });

  window.addEventListener("beforeunload", function () { closedForGood = true; if (ws) ws.close(1000); });
  if (ended) setEnded();
  connect();
})();
