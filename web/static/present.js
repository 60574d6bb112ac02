// The event presenter of the console: the script's copy of
// transcript.Presenter (transcript/present.go), driven by the same table
// of texts, which the page hands over (transcript.Texts). A change of
// wording is made in that table; a change of logic here and there alike,
// and the browser test (web/e2e_present_test.go) fails where they differ.

import { formatClock, formatDuration } from "./clock.js";

// fill puts values into the text of key: a value that is empty takes the
// space before it along.
export function fill(texts, key, values) {
  let t = texts[key] || "", s = "";
  for (;;) {
    const i = t.indexOf("{");
    const j = i < 0 ? -1 : t.indexOf("}", i);
    if (i < 0 || j < 0) { s += t; break; }
    s += t.slice(0, i);
    const name = t.slice(i + 1, j);
    t = t.slice(j + 1);
    const v = values && values[name] != null ? String(values[name]) : "";
    if (v === "" && s.endsWith(" ") && (t === "" || t[0] === " ")) s = s.slice(0, -1);
    s += v;
  }
  return s.trim();
}

// presenter presents events of one session. names maps the cast's ids to
// their names, labels the drill's other ids to their words
// (transcript.Labels); an id without a label is shown as it is.
export function presenter(texts, names, labels) {
  labels = labels || {};
  const label = (id) => (id != null && labels[id] != null ? labels[id] : id);
  const list = (ids) => ids.map(label).join(", ");
  const optional = (key, name, v) => (v ? (texts[key] || "").replace("{" + name + "}", v) : "");
  const said = (text) => (text ? ": " + text : "");
  const amount = (a) => (a ? optional("amount", "amount", String(a)) : "");
  const actor = (by) => by || "trainee";
  const ending = (reason) => texts["ending." + reason] ?? reason ?? "";

  function name(id) {
    if (names[id]) return names[id];
    if (!id || id === "customer") return texts["who.customer"];
    return id;
  }

  function pane(kind) {
    switch (kind) {
      case "say": case "hold": case "resume": case "close": case "transfer": case "review": case "correct":
      case "end_consult": case "wrap_up":
        return "call";
    }
    return "radio";
  }

  function action(a) {
    const info = a.info && a.info.length ? optional("handover", "info", list(a.info)) : "";
    switch (a.kind) {
      case "say":
        return ((a.text || "") + (a.promise > 0 ? optional("promise", "clock", formatClock(a.promise)) : "")).trim();
      case "hold": case "resume": case "review":
        return fill(texts, "action." + a.kind, { text: said(a.text) });
      case "classify":
        return fill(texts, "action.classify", { category: label(a.category), priority: optional("priority", "priority", label(a.priority)) });
      case "record":
        return fill(texts, "action.record", { field: label(a.field), value: a.value });
      case "dispatch": case "escalate": case "contact":
        return fill(texts, "action." + a.kind, { target: name(a.target), handover: info, text: said(a.text) });
      case "request":
        return fill(texts, "action.request", { target: name(a.target), decision: label(a.decision), amount: amount(a.amount) });
      case "decide":
        return fill(texts, "action.decide", { decision: label(a.decision), amount: amount(a.amount) });
      case "transfer":
        return fill(texts, "action.transfer", { target: name(a.target) });
      case "close":
        return fill(texts, "action.close", { resolution: label(a.resolution) });
      case "correct":
        return fill(texts, "action.correct", { intents: a.intents && a.intents.length ? list(a.intents) : texts["intents.none"] });
      case "consult":
        return fill(texts, "action.consult", { target: name(a.target), text: said(a.text) });
      case "end_consult":
        return fill(texts, "action.end_consult", { text: said(a.text) });
      case "wrap_up":
        return fill(texts, "action.wrap_up", { code: optional("wrap_up.code", "code", label(a.code)), notes: optional("wrap_up.notes", "notes", a.text) });
    }
    return fill(texts, "action", { kind: a.kind, text: said(a.text) });
  }

  // line presents ev as {seq, t, clock, who, text, cls, pane, by}, or
  // returns null for an event that is not shown as a line.
  function line(ev) {
    const l = { seq: ev.seq, t: ev.t, clock: formatClock(ev.t), who: "", text: "", cls: "radio", pane: "radio", by: "" };
    if (ev.action) l.by = actor(ev.action.by);
    const cast = (key) => { l.who = name(ev.from); l.text = ev.text || fill(texts, key); };
    switch (ev.type) {
      case "start":
        Object.assign(l, { who: texts["who.call"], text: fill(texts, "start", { mode: ev.mode }), cls: "system", pane: "call" });
        break;
      case "line":
        l.who = name(ev.from);
        l.text = ev.text || "";
        if (ev.channel === "call") Object.assign(l, { cls: "customer", pane: "call" });
        break;
      case "action": {
        if (!ev.action) return null;
        const a = ev.action;
        Object.assign(l, { who: texts["who.you"], cls: "trainee" });
        if (l.by !== "trainee") Object.assign(l, { who: texts["who." + l.by] || l.by, cls: "system" });
        l.text = a.kind === "hint" ? fill(texts, "action.hint", { text: ev.text || "" }) : action(a);
        if (ev.intents && ev.intents.length && a.kind !== "correct") l.text = (l.text + optional("intents", "intents", list(ev.intents))).trim();
        l.pane = pane(a.kind);
        break;
      }
      case "rejected": {
        Object.assign(l, { who: texts["who.refused"], cls: "rejected" });
        const reason = ev.reason || "refused";
        if (ev.action) {
          l.text = fill(texts, "rejected", { action: action(ev.action), reason: reason });
          l.pane = pane(ev.action.kind);
        } else {
          l.text = reason;
        }
        break;
      }
      case "ack": cast("ack"); break;
      case "arrive": cast("arrive"); break;
      case "resolve": cast("resolve"); break;
      case "eta": {
        const minutes = Math.round(Math.max(ev.eta - ev.t, 0) / 60000);
        l.who = name(ev.from);
        l.text = fill(texts, "eta", { eta: formatClock(ev.eta), minutes: minutes, text: said(ev.text) });
        break;
      }
      case "ask":
        // What the trainee read; the item asked for only when nothing was said.
        Object.assign(l, { who: name(ev.from), cls: "radio ask", text: ev.text || "" });
        if (!l.text) l.text = fill(texts, "ask", { info: label(ev.id) || "information" });
        break;
      case "approve": case "decline":
        l.who = name(ev.from);
        l.text = fill(texts, ev.type, { decision: label(ev.id), amount: amount(ev.amount), text: said(ev.text) });
        break;
      case "pause": case "resume": {
        Object.assign(l, { who: texts["who.clock"], cls: "system", pane: "call" });
        const key = texts[ev.type + "." + ev.reason] != null ? ev.type + "." + ev.reason : ev.type;
        const away = ev.budget > 0 ? " " + fill(texts, "away", { away: formatDuration(ev.away || 0), budget: formatDuration(ev.budget) }) : "";
        l.text = fill(texts, key, { reason: ev.reason, away: away, budget: formatDuration(ev.budget || 0) });
        l.by = ev.reason === "trainer" ? "trainer" : "system";
        break;
      }
      case "away": case "back": {
        // The runner's record of an absence while the clock runs on.
        Object.assign(l, { who: texts["who.clock"], cls: "system", pane: "call", by: "system" });
        let key = ev.type + "." + ev.reason;
        if (texts[key] == null) key = ev.type === "back" ? "back.reconnect" : "away.disconnect";
        if (key === "away.disconnect" && !(ev.budget > 0)) key = "away.disconnect.nobudget";
        l.text = fill(texts, key, { budget: formatDuration(ev.budget || 0) });
        break;
      }
      case "end":
        Object.assign(l, { who: texts["who.call"], cls: "system", pane: "call" });
        l.text = fill(texts, "end", { ending: ending(ev.reason) });
        break;
      case "review":
        Object.assign(l, { who: texts["who.you"], cls: "trainee", pane: "call", text: fill(texts, "review"), by: "trainee" });
        break;
      default:
        return null;
    }
    return l;
  }

  return { name, action, line };
}
