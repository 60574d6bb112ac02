// drillroom replay: plays a session back for a coach at 1x to 16x, or
// shows any moment. The two logs are the trainee's events worded by
// present.js (the debrief's and the console's presenter); the record pane
// and the hidden state are frames the server computes with the engine's
// own fold of the log (GET /sessions/ID/replay/frame?seq=N).

import { formatClock } from "./clock.js";
import { presenter } from "./present.js";

const cfgEl = document.getElementById("replay-data");
if (cfgEl) start(JSON.parse(cfgEl.textContent));

function start(cfg) {
  const $ = (id) => document.getElementById(id);
  const names = {};
  (cfg.services || []).forEach((s) => { names[s.id] = s.name; });
  (cfg.teams || []).forEach((t) => { names[t.id] = t.name; });
  const present = presenter(cfg.texts || {}, names, cfg.labels || {});
  const lines = (cfg.visible || []).map((ev) => present.line(ev)).filter((l) => l);
  // The coaches' annotations go into the log right after the line of the
  // event they are pinned to (or, for an event no pane shows, after the
  // last line before it), so the replay shows each at its moment.
  (cfg.notes || []).forEach((n) => {
    let i = 0;
    while (i < lines.length && (lines[i].seq <= n.seq || lines[i].t < n.t)) i++;
    const before = i > 0 ? lines[i - 1] : null;
    lines.splice(i, 0, {
      cls: "annotation", seq: n.seq, t: n.t, clock: formatClock(n.t),
      who: "Coach's note: " + n.label + " (" + n.by + ")", text: n.text,
      pane: before && before.pane === "radio" && before.seq === n.seq ? "radio" : "call",
    });
  });
  const times = cfg.times || [];
  const callLog = $("call-log"), radioLog = $("radio-log");
  const scrub = $("scrub"), clockEl = $("clock"), playBtn = $("play-btn"), speedEl = $("speed");

  let now = 0, shown = 0, playing = false, last = 0;
  let frameSeq = -1, wanted = 0, inFlight = false;

  // seqAt is the last event at or before virtual time t.
  function seqAt(t) {
    let s = times.length ? times[0][0] : 0;
    for (const [seq, et] of times) {
      if (et > t) break;
      s = seq;
    }
    return s;
  }

  function addLine(l) {
    const li = document.createElement("li");
    li.className = l.cls;
    li.dataset.seq = l.seq;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = l.clock + " · " + l.who;
    li.appendChild(meta);
    li.appendChild(document.createTextNode(l.text));
    (l.pane === "call" ? callLog : radioLog).appendChild(li);
  }

  // show renders the logs up to virtual time t: forwards by appending,
  // backwards by rebuilding.
  function show(t) {
    now = Math.max(0, Math.min(t, cfg.end_ms));
    if (shown > 0 && lines[shown - 1].t > now) {
      callLog.textContent = "";
      radioLog.textContent = "";
      shown = 0;
    }
    while (shown < lines.length && lines[shown].t <= now) addLine(lines[shown++]);
    callLog.scrollTop = callLog.scrollHeight;
    radioLog.scrollTop = radioLog.scrollHeight;
    clockEl.textContent = formatClock(now);
    scrub.value = String(now);
    want(seqAt(now));
  }

  // want asks the server for the frame of seq; one request at a time, the
  // newest wish wins.
  function want(seq) {
    wanted = seq;
    if (inFlight || seq === frameSeq) return;
    inFlight = true;
    fetch("/sessions/" + encodeURIComponent(cfg.session) + "/replay/frame?seq=" + seq, { credentials: "same-origin" })
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        if (ok) { frameSeq = body.seq; renderFrame(body); } else { $("frame-seq").textContent = body.error || "The frame could not be loaded."; }
      })
      .catch(() => { $("frame-seq").textContent = "The frame could not be loaded."; })
      .finally(() => { inFlight = false; if (wanted !== frameSeq) setTimeout(() => want(wanted), 0); });
  }

  function fillKV(dl, obj) {
    dl.textContent = "";
    Object.keys(obj).sort().forEach((k) => {
      const div = document.createElement("div");
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k;
      const v = obj[k];
      dd.textContent = typeof v === "object" ? JSON.stringify(v) : String(v);
      div.appendChild(dt); div.appendChild(dd);
      dl.appendChild(div);
    });
  }

  function renderFrame(f) {
    $("r-class").textContent = f.category ? f.category + " " + (f.priority || "") : "not yet";
    $("r-hold").hidden = !f.on_hold;
    fillKV($("r-record"), f.record || {});
    const cast = $("r-cast");
    cast.textContent = "";
    (f.services || []).concat(f.teams || []).forEach((c) => {
      const li = document.createElement("li");
      let status = "not involved";
      if (c.resolved >= 0) status = "resolved at " + formatClock(c.resolved);
      else if (c.arrived >= 0) status = "arrived at " + formatClock(c.arrived);
      else if (c.acked >= 0) status = "acknowledged" + (c.eta > 0 ? ", ETA " + formatClock(c.eta) : "");
      else if (c.engaged >= 0) status = "engaged at " + formatClock(c.engaged);
      li.textContent = c.name + ": " + status;
      cast.appendChild(li);
    });
    $("h-phase").textContent = f.phase || "–";
    $("h-mood").textContent = Math.round(f.mood);
    $("h-patience").textContent = Math.round(f.patience);
    fillKV($("h-vars"), f.vars || {});
    $("h-fired").textContent = (f.fired || []).join(", ") || "nothing yet";
    $("frame-seq").textContent = "State after event #" + f.seq + " at " + formatClock(f.t) + (f.ended ? " (the call has ended)" : "");
  }

  function tick(ts) {
    if (!playing) return;
    const dt = last ? ts - last : 0;
    last = ts;
    show(now + dt * Number(speedEl.value));
    if (now >= cfg.end_ms) { setPlaying(false); return; }
    requestAnimationFrame(tick);
  }

  function setPlaying(p) {
    playing = p;
    playBtn.textContent = p ? "Pause" : "Play";
    last = 0;
    if (p) {
      if (now >= cfg.end_ms) show(0);
      requestAnimationFrame(tick);
    }
  }

  playBtn.addEventListener("click", () => setPlaying(!playing));
  scrub.addEventListener("input", () => show(Number(scrub.value)));
  document.addEventListener("keydown", (e) => {
    if (e.key === " " && e.target === document.body) { e.preventDefault(); setPlaying(!playing); }
  });

  // Open at the event the page was asked for (an evidence link), else at
  // the start.
  let t0 = 0;
  if (cfg.start_seq > 0) {
    for (const [seq, et] of times) { if (seq <= cfg.start_seq) t0 = et; }
  }
  show(t0);
  window.drillroomReplay = { show, seqAt, get now() { return now; }, get frameSeq() { return frameSeq; } };
}
