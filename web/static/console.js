// drillroom trainee console: the page's state, rendering and forms. It
// speaks the drillroom.v1 protocol through protocol.js, words events with
// present.js (the same table of texts as the debrief) and runs the clock
// with clock.js. ES modules, no build step, no inline handlers (the CSP
// forbids inline script).

import { formatClock, VirtualClock } from "./clock.js";
import { createDesk, label } from "./desk.js";
import { presenter } from "./present.js";
import { openSession } from "./protocol.js";

const cfgEl = document.getElementById("console-data");
if (cfgEl) start(JSON.parse(cfgEl.textContent));

function start(cfg) {
  const names = {};
  (cfg.services || []).forEach(function (s) { names[s.id] = s.name; });
  (cfg.teams || []).forEach(function (t) { names[t.id] = t.name; });
  const present = presenter(cfg.texts || {}, names, cfg.labels || {});

  var $ = function (id) { return document.getElementById(id); };
  var callLog = $("call-log"), radioLog = $("radio-log"), connEl = $("conn");
  var clockEl = $("clock"), sinceEl = $("since-update"), holdEl = $("hold-state");
  var sayText = $("say-text");

  // ---- state -------------------------------------------------------------
  var clock = new VirtualClock();
  var lastUpdateT = null;     // virtual ms of the trainee's last line to the customer
  var ended = !!cfg.ended;
  var onHold = false;
  // After the call: the end's drill time, and whether the after-call work
  // is finished (a wrap_up action) or was ended by the review.
  var endT = null, wrapT = null, wrapped = false, reviewed = false;
  var consulting = null; // the service or team being consulted
  var desk = createDesk({
    now: function () { return clock.now(); },
    name: function (id) { return present.name(id); },
    labels: cfg.labels || {},
    ended: function () { return ended; },
  });

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

  function setHold(h) {
    onHold = h;
    holdEl.hidden = !h;
  }

  // setEnded turns the desk read-only. The focus, which would drop to the
  // page's body with the control that had it, goes to the debrief link.
  function setEnded() {
    var first = !ended || !$("close-btn").disabled;
    ended = true;
    consulting = null;
    syncConsult();
    ["close-dialog", "transfer-dialog"].forEach(function (id) { if ($(id).open) $(id).close(); });
    document.querySelectorAll(".understood button, .understood select").forEach(function (el) { el.disabled = true; });
    $("ended-banner").hidden = false;
    document.querySelectorAll("#console button, #console input, #console select, #console textarea, #close-btn, #hint-btn").forEach(function (el) {
      el.disabled = true;
    });
    // The record keeps its scroll reachable from the keyboard once its
    // controls are off.
    $("record-fields").tabIndex = 0;
    if (first && !$("help-dialog").open) (wrapOpen() ? focusWrap() : $("debrief-link").focus());
  }

  // ---- wrap-up (after-call work) -------------------------------------------
  // Once the call has ended the desk is in wrap-up until the trainee
  // finishes it (or writes the review): its timer runs on the drill clock
  // while they are at the desk, which is what the wrap-up KPI measures.
  function wrapOpen() { return !$("wrap-up").hidden; }
  function focusWrap() {
    var first = $("wrap-code") || $("wrap-notes");
    if (first && !first.disabled) first.focus();
  }
  function syncWrap(live) {
    var open = ended && endT != null && !wrapped && !reviewed;
    var was = wrapOpen();
    $("wrap-up").hidden = !open;
    $("wrap-state").hidden = !open;
    if (open && !was) {
      if (live) desk.say("The call has ended. Wrap-up has started: its timer runs until you finish it.");
      if (!$("help-dialog").open) focusWrap();
    }
    if (!open && was) {
      $("wrap-done").textContent = wrapped && wrapT != null ? "; wrap-up finished in " + formatClock(wrapT - endT) : "";
      $("wrap-done").hidden = !wrapped;
      if (live && wrapped) desk.say("Wrap-up finished in " + formatClock(wrapT - endT) + ".");
      if (!$("help-dialog").open) $("debrief-link").focus();
    }
  }
  var wrapLateSaid = false;
  function tickWrap(now) {
    if (!wrapOpen() || endT == null) return;
    var spent = Math.max(now - endT, 0);
    $("wrap-timer").textContent = formatClock(spent);
    var late = cfg.wrap_target_ms > 0 && spent > cfg.wrap_target_ms;
    $("wrap-late").hidden = !late;
    $("wrap-state").classList.toggle("late", late);
    if (late && !wrapLateSaid) desk.say("Wrap-up is over its standard of " + formatClock(cfg.wrap_target_ms) + ".");
    wrapLateSaid = late;
  }

  // ---- consulting ------------------------------------------------------------
  // A consultation keeps the caller (on hold) while the trainee asks a
  // service or team something; "Back to the caller" ends it.
  function syncConsult() {
    var btn = $("consult-end-btn"), state = $("consult-state");
    btn.hidden = !consulting || ended;
    btn.disabled = !consulting || ended;
    state.hidden = !consulting || ended;
    state.textContent = consulting ? "Consulting " + present.name(consulting) + ": the caller is on hold. Back to the caller with Alt+B." : "";
    $("consult-btn").disabled = ended || !!consulting || !$("engage-target").value;
  }

  // classifiedText words a classification with the policy's titles.
  function classifiedText(category, priority) {
    var c = (cfg.categories || {})[category] || label(null, category);
    var p = priority ? (cfg.priorities || {})[priority] || priority : "";
    return "Classified as " + c + (p ? ", priority " + p : "");
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
      case "line": {
        var shown = show(l);
        if (l.pane === "call" && live) {
          speak(ev.text || "");
          desk.customerSpoke(shown);
        }
        break;
      }
      case "action": {
        var a = ev.action || {};
        if (a.kind === "dispatch" || a.kind === "escalate") dispatched[a.target] = true;
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
          case "hint":
            show(l);
            showHint(ev.text || "", live);
            break;
          case "consult":
            show(l);
            consulting = a.target;
            syncConsult();
            break;
          case "end_consult":
            show(l);
            consulting = null;
            syncConsult();
            break;
          case "wrap_up":
            show(l);
            wrapped = true;
            wrapT = t;
            if (live) clock.set(t, false, clock.scale);
            syncWrap(live);
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
            $("classified-as").textContent = classifiedText(a.category, a.priority) + " at " + formatClock(t);
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
          case "review":
            break; // written after the call, on the debrief
          default:
            if (l) show(l);
        }
        break;
      }
      case "eta": {
        // The line's own words keep the time it was said; the countdown
        // beside it runs on the drill clock until the service arrives.
        var etaLi = show(l);
        var cd = document.createElement("span");
        cd.className = "countdown";
        cd.dataset.due = String(ev.eta);
        cd.dataset.from = ev.from || "";
        etaLi.appendChild(document.createTextNode(" "));
        etaLi.appendChild(cd);
        break;
      }
      case "arrive":
      case "resolve":
        document.querySelectorAll('#radio-log .countdown[data-from="' + CSS.escape(ev.from || "") + '"]').forEach(function (el) { el.dataset.over = "1"; });
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
        endT = t;
        // The clock runs on for the wrap-up, while the trainee is here.
        if (live) clock.set(t, !wrapped && !reviewed, clock.scale);
        setEnded();
        syncWrap(live);
        break;
      case "review":
        reviewed = true;
        if (live) clock.set(t, false, clock.scale);
        syncWrap(live);
        break; // written after the call, on the debrief
      case "away":
      case "back":
        // The runner's record of the trainee's absence: the wrap-up's
        // clock stops while they are away from the desk; an assessment's
        // runs on once its disconnect budget is spent.
        show(l);
        if (live && ev.reason === "wrap_up") clock.set(t, ev.type === "back", clock.scale);
        break;
      default:
        if (l) show(l);
    }
    desk.event(ev);
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

  // showHint lists a hint taken; the last one taken disables the button.
  function showHint(text, live) {
    var list = $("hints"), btn = $("hint-btn");
    if (!list || !btn) return;
    var li = document.createElement("li");
    li.textContent = text;
    list.appendChild(li);
    if (live) desk.say("Hint: " + text);
    if (list.children.length >= parseInt(btn.dataset.hints, 10)) {
      btn.disabled = true;
      btn.textContent = "No more hints";
      if (live) $("practice-help").querySelector("summary").focus();
    }
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
      b.textContent = label(cfg.labels, name);
      var off = document.createElement("span");
      off.className = "visually-hidden";
      off.textContent = ": take it off this line";
      var x = document.createElement("span");
      x.setAttribute("aria-hidden", "true");
      x.textContent = " ×";
      b.appendChild(off);
      b.appendChild(x);
      b.title = "Not what you meant: take " + label(cfg.labels, name).toLowerCase() + " off this line";
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
      o.textContent = label(cfg.labels, name);
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
    clockEl.textContent = formatClock(endT != null ? Math.min(now, endT) : now);
    tickWrap(now);
    clockState.hidden = clock.running || ended;
    if (sinceEl) {
      var gap = lastUpdateT == null ? now : now - lastUpdateT;
      sinceEl.textContent = lastUpdateT == null ? "never (" + formatClock(now) + ")" : formatClock(gap);
      // Late is said in words and once aloud, not by colour alone.
      var late = gap > cfg.max_silence_ms && !ended;
      sinceEl.classList.toggle("late", late);
      $("late-flag").hidden = !late;
      if (late && !lateSaid) desk.say("The caller has had no update for " + formatClock(gap) + ".");
      lateSaid = late;
    }
    desk.tick();
  }
  var lateSaid = false;
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
      if (/^Consultation/.test(what)) {
        // Not consulting after all: the desk goes back to the caller.
        consulting = null;
        syncConsult();
      }
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
    desk.reset();
    desk.replay(true);
    dispatched = {};
    lastUpdateT = null;
    setHold(false);
    endT = wrapT = null;
    wrapped = reviewed = false;
    consulting = null;
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
        $("classified-as").textContent = classifiedText(snap.category, snap.priority);
      }
      var rec = snap.record || {};
      Object.keys(rec).forEach(function (f) {
        var form = recordForm(f);
        if (form) { form.querySelector("input").value = rec[f]; form.querySelector(".saved").textContent = "Saved"; }
      });
    }
    desk.replay(false);
    addLine(callLog, "system", "Console", "Reloaded the call from the server.", msg.clock ? msg.clock.t : null);
    if (snap.ended || snap.state === "ended") setEnded();
  }

  // "Refresh the call" rebuilds the panes from the server's snapshot, for a
  // trainee who doubts what the screen shows.
  $("resync-btn").addEventListener("click", function () { session.resync(); });

  // ---- commands ----------------------------------------------------------
  // After an action the focus goes where the trainee's next action is: a
  // command sent from the responders' pane or the incident record returns
  // it to the customer box, so the caller hears what was done; a saved
  // detail moves on to the next detail; a shortcut leaves it where it was.
  function command(action, label) {
    if (ended && action.kind !== "review" && action.kind !== "wrap_up") {
      showAlert("The call has ended.");
      return;
    }
    return session.command(action, label);
  }

  function toCustomer() { if (!ended) sayText.focus(); }

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
  // A quick intent pressed as a button leaves the focus on it, so that the
  // next one is a Tab away; Alt+1..9 does not move the focus at all.
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
    toCustomer();
  });

  $("hold-btn").addEventListener("click", function () { holdCustomer(); $("resume-btn").focus(); });
  $("resume-btn").addEventListener("click", function () { resumeCustomer(); toCustomer(); });
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

  // ---- responders: dispatch, escalate, message, transfer -----------------
  var engageForm = $("engage-form");
  var dispatched = {}; // target -> true once dispatched or escalated
  function syncEngageButtons() {
    var opt = $("engage-target").selectedOptions[0];
    var kind = opt ? opt.dataset.kind : "";
    $("dispatch-btn").disabled = ended || kind !== "service";
    $("escalate-btn").disabled = ended || kind !== "team";
    $("transfer-btn").disabled = ended || !opt;
  }
  $("engage-target").addEventListener("change", syncEngageButtons);
  syncEngageButtons();

  // defaultEngage is what Ctrl+Enter does in the responders' form: engage
  // the chosen service or team the first time, then message it.
  function defaultEngage() {
    var opt = $("engage-target").selectedOptions[0];
    if (!opt) return "";
    if (dispatched[opt.value]) return "contact";
    return opt.dataset.kind === "team" ? "escalate" : "dispatch";
  }

  function engage(kind) {
    var target = $("engage-target").value;
    if (!target) return;
    if (kind === "transfer") { askTransfer(target); return; }
    if (kind === "consult") { consult(target); return; }
    var info = Array.prototype.map.call(engageForm.querySelectorAll("input[name=info]:checked"), function (c) { return c.value; });
    var text = $("engage-text").value.trim();
    if (kind === "contact" && !text && !info.length) {
      showAlert("Write what you tell them, or tick what you hand over.");
      $("engage-text").focus();
      return;
    }
    var action = { kind: kind, target: target, info: info };
    if (text) action.text = text;
    var what = { dispatch: "Dispatch of ", escalate: "Escalation to ", contact: "Message to " }[kind] + present.name(target);
    command(action, what);
    if (kind !== "contact") dispatched[target] = true;
    $("engage-text").value = "";
    engageForm.querySelectorAll("input[name=info]:checked").forEach(function (c) { c.checked = false; });
    toCustomer();
  }
  // consult asks the chosen service or team the question written to them,
  // with the caller on hold (told first, so the hold costs no mood); the
  // focus goes to "Back to the caller".
  function consult(target) {
    if (ended) return;
    if (consulting) { showAlert("You are consulting " + present.name(consulting) + ": go back to the caller first."); $("consult-end-btn").focus(); return; }
    var text = $("engage-text").value.trim();
    if (!text) {
      showAlert("Write what you ask " + present.name(target) + ", then consult.");
      $("engage-text").focus();
      return;
    }
    if (!onHold) holdCustomer();
    command({ kind: "consult", target: target, text: text }, "Consultation with " + present.name(target));
    consulting = target;
    syncConsult();
    $("engage-text").value = "";
    engageForm.querySelectorAll("input[name=info]:checked").forEach(function (c) { c.checked = false; });
    $("consult-end-btn").focus();
  }
  // backToCaller ends the consultation and takes the caller off hold.
  function backToCaller() {
    if (ended) return;
    if (!consulting) { showAlert("You are not consulting anyone."); return; }
    command({ kind: "end_consult" }, "Back to the caller");
    if (onHold) resumeCustomer();
    consulting = null;
    syncConsult();
    toCustomer();
  }
  $("consult-end-btn").addEventListener("click", backToCaller);
  $("engage-target").addEventListener("change", syncConsult);

  engageForm.addEventListener("submit", function (e) {
    e.preventDefault();
    engage((e.submitter && e.submitter.dataset.kind) || defaultEngage());
  });

  // A dialog that closes gives the focus back to where it was, or, if that
  // is gone, to the customer box.
  var returnFocus = null;
  function openDialog(d, focus) {
    returnFocus = document.activeElement && document.activeElement !== document.body ? document.activeElement : sayText;
    d.showModal();
    if (focus) focus.focus();
  }
  // The browser gives the focus back itself when a modal dialog closes;
  // the close event comes later, as a task of its own, so it steps in only
  // where the focus was lost (on the body, or left in the closed dialog),
  // never taking it from where the trainee has moved it since.
  ["close-dialog", "transfer-dialog", "help-dialog"].forEach(function (id) {
    var d = $(id);
    d.addEventListener("close", function () {
      var back = returnFocus;
      returnFocus = null;
      var a = document.activeElement;
      if (a && a !== document.body && !d.contains(a) && !a.disabled) return;
      if (ended) { if (wrapOpen()) focusWrap(); else $("debrief-link").focus(); return; }
      (back && document.contains(back) && !back.disabled ? back : sayText).focus();
    });
  });

  var transferTarget = "";
  function askTransfer(target) {
    transferTarget = target;
    $("transfer-what").textContent = "Transfer the caller to " + present.name(target) + "? Your part of the call ends and the drill is scored.";
    openDialog($("transfer-dialog"), $("transfer-cancel"));
  }
  $("transfer-form").addEventListener("submit", function (e) {
    e.preventDefault();
    command({ kind: "transfer", target: transferTarget }, "Transfer to " + present.name(transferTarget));
    $("transfer-dialog").close();
  });
  $("transfer-cancel").addEventListener("click", function () { $("transfer-dialog").close(); });

  // ---- the incident record ------------------------------------------------
  $("classify-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var c = $("category").value, p = $("priority").value;
    if (!c || !p) { showAlert("Choose a category and a priority."); (c ? $("priority") : $("category")).focus(); return; }
    command({ kind: "classify", category: c, priority: p }, "Classification");
    toCustomer();
  });

  var fieldForms = Array.prototype.slice.call(document.querySelectorAll(".record-field[data-field]"));
  // nextDetail is the first detail after form (or the first of all) not
  // yet recorded.
  function nextDetail(form) {
    var i = form ? fieldForms.indexOf(form) + 1 : 0;
    for (; i < fieldForms.length; i++) {
      var input = fieldForms[i].querySelector("input");
      if (!input.value.trim()) return input;
    }
    return null;
  }
  fieldForms.forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var input = form.querySelector("input");
      var v = input.value.trim();
      if (!v) { input.focus(); return; }
      form.querySelector(".saved").textContent = "Saving…";
      command({ kind: "record", field: form.dataset.field, value: v }, "Record of " + label(cfg.labels, form.dataset.field));
      var next = nextDetail(form);
      if (next) next.focus(); else toCustomer();
    });
  });
  $("extra-field-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var f = $("extra-field-name").value.trim().toLowerCase().replace(/\s+/g, "_"), v = $("extra-field-value").value.trim();
    if (!f || !v) { (f ? $("extra-field-value") : $("extra-field-name")).focus(); return; }
    command({ kind: "record", field: f, value: v }, "Record of " + $("extra-field-name").value.trim());
    $("extra-field-name").value = "";
    $("extra-field-value").value = "";
    toCustomer();
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
    toCustomer();
  });

  // ---- closing the call ----------------------------------------------------
  // Close asks first, in a dialog that names what is still open.
  function askClose() {
    if (ended) return;
    var open = desk.open();
    $("close-open").hidden = !open.length;
    $("close-open").textContent = open.length ? "Still open: " + open.join("; ") + "." : "";
    openDialog($("close-dialog"), $("resolution"));
  }
  $("close-btn").addEventListener("click", askClose);
  $("close-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var r = $("resolution").value;
    if (!r) { showAlert("Choose how the call ended before closing."); $("resolution").focus(); return; }
    command({ kind: "close", resolution: r }, "Closing the call");
    $("close-dialog").close();
  });
  $("close-cancel").addEventListener("click", function () { $("close-dialog").close(); });

  $("wrap-form").noValidate = true; // our own words, in the alert and aloud
  $("wrap-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!wrapOpen()) return;
    var codeEl = $("wrap-code"), notesEl = $("wrap-notes");
    var code = codeEl ? codeEl.value : "", notes = notesEl.value.trim();
    if (codeEl && !code) { showAlert("Choose a wrap-up code."); codeEl.focus(); return; }
    if (notesEl.required && !notes) { showAlert("Write your wrap-up notes."); notesEl.focus(); return; }
    var action = { kind: "wrap_up" };
    if (code) action.code = code;
    if (notes) action.text = notes;
    command(action, "Wrap-up");
  });

  // ---- practice help ---------------------------------------------------------
  // A hint is an action: the server sends the next of the policy's desk
  // hints back as the action's event (showHint) and the scorecard counts
  // what it costs.
  var hintBtn = $("hint-btn");
  if (hintBtn) {
    hintBtn.addEventListener("click", function () {
      if (!hintBtn.disabled) command({ kind: "hint" }, "Hint");
    });
  }
  // Open, the help lies over the incident record where app.css positions it
  // absolutely (the three-pane layout): going into the record, by Tab, a
  // shortcut or a click, then closes it, so that nothing focused is hidden
  // under it. Esc in it closes it in any layout.
  var practiceHelp = $("practice-help");
  if (practiceHelp) {
    $("record-h").closest(".pane").addEventListener("focusin", function () {
      if (practiceHelp.open && getComputedStyle(practiceHelp).position === "absolute") practiceHelp.open = false;
    });
    practiceHelp.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" || !practiceHelp.open) return;
      e.preventDefault();
      practiceHelp.open = false;
      practiceHelp.querySelector("summary").focus();
    });
  }

  // ---- keyboard ----------------------------------------------------------
  var help = $("help-dialog");
  $("help-btn").addEventListener("click", function () { openDialog(help, $("help-close")); });

  // typingIn says whether el takes text, where "/" and "?" are characters.
  function typingIn(el) {
    var tag = (el.tagName || "").toLowerCase();
    if (tag === "textarea") return true;
    if (tag !== "input") return el.isContentEditable;
    return ["text", "search", "number", "email", "tel", "url", "password"].indexOf(el.type) >= 0;
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented) return;
    if (e.key === "Escape" && !toast.hidden) { toast.hidden = true; return; }
    var inDialog = e.target.closest && e.target.closest("dialog");
    var plain = !e.ctrlKey && !e.altKey && !e.metaKey;
    var typing = typingIn(e.target);
    // "/" goes to the customer box, and "?" opens the shortcut sheet, from
    // anywhere they are not a character of text being written: outside
    // text boxes, and in an empty one (the customer box included, so "/"
    // never types a lone slash there).
    if (e.key === "/" && plain && !inDialog && (!typing || e.target.value === "")) {
      e.preventDefault();
      toCustomer();
      return;
    }
    if (e.key === "?" && plain && !inDialog && (!typing || e.target.value === "")) {
      e.preventDefault();
      openDialog(help, $("help-close"));
      return;
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.altKey) {
      // Only the form the focus is in is sent; nowhere else sends anything.
      var form = e.target.closest && e.target.closest("form");
      e.preventDefault();
      if (!form || (ended && form.id !== "wrap-form")) return;
      if (form.id === "engage-form") {
        engage(defaultEngage());
      } else {
        form.requestSubmit();
      }
      return;
    }
    if (e.altKey && !e.ctrlKey && !e.metaKey && !inDialog) {
      var digit = /^Digit([1-9])$/.exec(e.code);
      if (digit) {
        var btn = quick[parseInt(digit[1], 10) - 1];
        if (btn) { e.preventDefault(); if (!btn.disabled) sayIntent(btn); }
        return;
      }
      switch (e.code) {
        case "KeyH": e.preventDefault(); if (!ended) holdCustomer(); break;
        case "KeyR": e.preventDefault(); if (!ended) resumeCustomer(); break;
        case "KeyM": e.preventDefault(); toCustomer(); break;
        case "KeyT": e.preventDefault(); if (!ended) $("engage-target").focus(); break;
        case "KeyC": e.preventDefault(); if (!ended) $("category").focus(); break;
        case "KeyN": {
          e.preventDefault();
          var next = !ended && nextDetail(null);
          if (next) next.focus(); else if (!ended) $("extra-field-name").focus();
          break;
        }
        case "KeyD": e.preventDefault(); if (!ended) $("decision").focus(); break;
        case "KeyK": e.preventDefault(); if (!ended) engage("consult"); break;
        case "KeyB": e.preventDefault(); backToCaller(); break;
        case "KeyW": e.preventDefault(); if (wrapOpen()) focusWrap(); break;
        case "KeyX": e.preventDefault(); askClose(); break;
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
  syncConsult();
  if (ended) setEnded();
  session.open();
}
