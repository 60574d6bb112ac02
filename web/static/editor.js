// drillroom drill editor: CodeMirror 6 (vendored, one pre-built module)
// over the draft's textarea. Diagnostics come from the server's own
// validator (POST /author/check) as the trainer types; completion and hover
// come from the drill language's JSON Schema (/author/schema.json); the
// tests run on the server (POST /author/test) and their failures point at
// their line. Without script the textarea and its form still save.

import {
  EditorView, EditorState, basicSetup, yaml, linter, lintGutter, forceLinting,
  autocompletion, hoverTooltip, keymap, indentUnit,
} from "./vendor/codemirror/codemirror.js";

const form = document.getElementById("editor-form");
if (form) start(form);

function start(form) {
  const $ = (id) => document.getElementById(id);
  const textarea = $("source"), nameInput = $("draft-name"), saveState = $("save-state");
  const problemsEl = $("problems"), countEl = $("problem-count");
  const testSummary = $("test-summary"), testResults = $("test-results");
  const csrf = form.elements.csrf.value;
  const draftURL = form.getAttribute("action");
  let dirty = false;
  let schema = null;

  async function post(url, fields) {
    const body = new URLSearchParams();
    body.set("csrf", csrf);
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    const res = await fetch(url, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) throw new Error((data && data.error && (data.error.message || data.error.code)) || ("The server answered " + res.status + "."));
    return data;
  }

  // A policy draft (*.policy.yaml) completes from the policy schema.
  fetch("/author/schema.json" + (form.dataset.kind === "policy" ? "?kind=policy" : ""), { credentials: "same-origin" })
    .then((r) => r.json()).then((s) => { schema = s; }).catch(() => {});

  // ---- the editor ----------------------------------------------------------
  const view = new EditorView({
    parent: $("editor"),
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        EditorView.cspNonce.of($("editor").dataset.styleNonce || ""),
        basicSetup,
        yaml(),
        indentUnit.of("  "),
        EditorState.tabSize.of(2),
        lintGutter(),
        linter(checkDoc, { delay: 400 }),
        autocompletion({ override: [completeFromSchema] }),
        hoverTooltip(hoverFromSchema),
        keymap.of([{ key: "Mod-s", preventDefault: true, run: () => { save(); return true; } }]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) {
            dirty = true;
            saveState.textContent = "Unsaved changes";
          }
        }),
        // tabindex: the editor is reached with Tab (Tab inside it moves on,
        // as basicSetup binds no Tab key), and its scrolling area is
        // keyboard-scrollable through it.
        EditorView.contentAttributes.of({ "aria-label": form.dataset.kind === "policy" ? "Policy YAML" : "Drill YAML", "data-testid": "drill-editor", tabindex: "0" }),
      ],
    }),
  });
  textarea.hidden = true;
  $("editor").hidden = false;
  window.drillEditor = view; // for the end-to-end test and the console

  function text() { return view.state.doc.toString(); }

  // posOf turns a 1-based line and column into a document position.
  function posOf(line, col) {
    const doc = view.state.doc;
    const l = doc.line(Math.min(Math.max(line || 1, 1), doc.lines));
    return Math.min(l.from + Math.max((col || 1) - 1, 0), l.to);
  }

  async function checkDoc(v) {
    const doc = v.state.doc;
    let data;
    try {
      data = await post("/author/check", { name: nameInput.value, source: doc.toString() });
    } catch (e) {
      showProblems(null, e.message);
      return [];
    }
    if (v.state.doc !== doc) return []; // typed on meanwhile; the next run answers
    const ds = data.diagnostics || [];
    showProblems(ds);
    return ds.map((d) => {
      const from = posOf(d.line, d.col);
      const lineEnd = doc.lineAt(from).to;
      let to = from;
      while (to < lineEnd && !/\s/.test(doc.sliceString(to, to + 1))) to++;
      if (to === from) to = lineEnd;
      return { from, to, severity: d.severity === "warning" ? "warning" : "error", message: d.code + ": " + d.message, source: d.code };
    });
  }

  function jumpTo(line, col) {
    const pos = posOf(line, col);
    view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    view.focus();
  }

  function item(list, cls, label, msg, line, col) {
    const li = document.createElement("li");
    li.className = cls;
    if (line) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "linkbutton jump";
      b.textContent = "line " + line;
      b.addEventListener("click", () => jumpTo(line, col));
      li.append(b, " ");
    }
    const strong = document.createElement("strong");
    strong.textContent = label;
    li.append(strong, " " + msg);
    list.append(li);
  }

  // say tells a screen reader how the check came out, when that changes
  // (not at every keystroke that leaves it as it was).
  function say(text) {
    if ($("problems-said").textContent !== text) $("problems-said").textContent = text;
  }

  function showProblems(ds, failure) {
    problemsEl.replaceChildren();
    if (failure) {
      item(problemsEl, "bad", "Not checked:", failure);
      countEl.textContent = "";
      say("Not checked: " + failure);
      return;
    }
    const errors = ds.filter((d) => d.severity !== "warning").length;
    const plural = (n, one) => n + " " + one + (n === 1 ? "" : "s");
    say(!ds.length ? "No problems." : [errors ? plural(errors, "error") : "", ds.length - errors ? plural(ds.length - errors, "warning") : ""].filter(Boolean).join(" and ") +
      ", the first at line " + (ds[0].line || 1) + ".");
    countEl.textContent = ds.length ? String(ds.length) : "";
    countEl.className = "badge " + (errors ? "bad" : ds.length ? "warn" : "ok");
    if (!ds.length) {
      const li = document.createElement("li");
      li.className = "ok";
      li.textContent = "No problems: the drill loads.";
      problemsEl.append(li);
      return;
    }
    for (const d of ds) item(problemsEl, d.severity === "warning" ? "warn" : "bad", d.code, d.message, d.line, d.col);
  }

  // ---- saving --------------------------------------------------------------
  async function save() {
    saveState.textContent = "Saving…";
    try {
      const data = await post(draftURL, { name: nameInput.value, source: text() });
      dirty = false;
      saveState.textContent = "Saved " + data.saved;
      return true;
    } catch (e) {
      saveState.textContent = "Not saved: " + e.message;
      return false;
    }
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); save(); });
  nameInput.addEventListener("input", () => { dirty = true; saveState.textContent = "Unsaved changes"; forceLinting(view); });
  window.addEventListener("beforeunload", (e) => { if (dirty) e.preventDefault(); });

  // Publishing publishes the saved draft: save first, then confirm.
  const publishForm = $("publish") && $("publish").form;
  if (publishForm) {
    publishForm.classList.remove("confirm");
    publishForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!window.confirm(publishForm.dataset.confirm)) return;
      if (dirty && !(await save())) return;
      dirty = false;
      publishForm.submit();
    });
  }

  // ---- draft plays ----------------------------------------------------------
  // Playing plays the saved draft in a new tab: the tab is opened now,
  // while the click still counts as the trainer's, and the form is sent
  // to it once the changes are saved.
  const playForm = $("play-form");
  if (playForm) {
    playForm.addEventListener("submit", async (e) => {
      if (!dirty) return;
      e.preventDefault();
      const name = "draft-play-" + Date.now();
      const tab = window.open("about:blank", name);
      if (!(await save())) { if (tab) tab.close(); return; }
      playForm.target = tab ? name : "_blank";
      playForm.submit();
    });
  }

  const playsEl = $("plays");
  const draftID = form.dataset.draft;
  function playRow(p) {
    const tr = document.createElement("tr");
    tr.dataset.session = p.id;
    const started = document.createElement("td");
    started.textContent = p.started;
    const state = document.createElement("td");
    state.textContent = p.ended ? "ended" + (p.ending ? " (" + p.ending + ")" : "") : "live";
    const actions = document.createElement("td");
    const row = document.createElement("div");
    row.className = "row";
    const link = document.createElement("a");
    link.className = "button secondary";
    link.target = "_blank";
    if (p.ended) {
      link.href = "/sessions/" + p.id + "/debrief";
      link.textContent = "Debrief";
      const f = document.createElement("form");
      f.method = "post";
      f.action = "/author/drafts/" + draftID + "/record";
      f.className = "record-form";
      f.innerHTML = '<input type="hidden" name="csrf"><input type="hidden" name="session"><button type="submit" class="secondary record-play">Record as a test</button>';
      f.elements.csrf.value = csrf;
      f.elements.session.value = p.id;
      row.append(link, f);
    } else {
      link.href = "/sessions/" + p.id;
      link.textContent = "Open the call";
      row.append(link);
    }
    actions.append(row);
    tr.append(started, state, actions);
    return tr;
  }
  async function refreshPlays() {
    let data;
    try {
      const res = await fetch("/author/drafts/" + draftID + "/plays", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!res.ok) return;
      data = await res.json();
    } catch (e) { return; }
    if (!data.plays.length) return;
    let table = $("plays-table");
    if (!table) {
      table = document.createElement("table");
      table.className = "list";
      table.id = "plays-table";
      table.innerHTML = '<thead><tr><th scope="col">Started</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody></tbody>';
      const none = $("no-plays");
      if (none) none.replaceWith(table); else playsEl.append(table);
    }
    table.tBodies[0].replaceChildren(...data.plays.map(playRow));
  }
  window.addEventListener("focus", refreshPlays);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshPlays(); });

  // Recording sends the editor's text as it is; the test comes back
  // appended to tests: in the editor, to read and save.
  const recordState = document.createElement("p");
  recordState.id = "record-state";
  recordState.setAttribute("role", "status");
  if (playsEl) playsEl.append(recordState);
  if (playsEl) playsEl.addEventListener("submit", async (e) => {
    const f = e.target;
    if (!f.classList || !f.classList.contains("record-form")) return;
    e.preventDefault();
    recordState.className = "muted";
    recordState.textContent = "Recording the play…";
    let data;
    try {
      data = await post(f.action, { session: f.elements.session.value, source: text() });
    } catch (err) {
      recordState.className = "bad";
      recordState.textContent = "Not recorded: " + err.message;
      return;
    }
    const before = text();
    let at = 0;
    while (at < before.length && at < data.source.length && before[at] === data.source[at]) at++;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: data.source } });
    const line = view.state.doc.lineAt(Math.min(at, view.state.doc.length)).number;
    recordState.className = "ok";
    recordState.textContent = "The play is recorded as a test from line " + line + ": read it, run the tests and save.";
    jumpTo(line + 1, 1);
  });

  // ---- tests ---------------------------------------------------------------
  if ($("run-tests")) $("run-tests").addEventListener("click", async () => {
    testSummary.textContent = "Running the tests…";
    testResults.replaceChildren();
    let rep;
    try {
      rep = await post("/author/test", { name: nameInput.value, source: text() });
    } catch (e) {
      testSummary.textContent = "The tests did not run: " + e.message;
      return;
    }
    if (rep.diagnostics && rep.diagnostics.some((d) => d.severity !== "warning")) {
      testSummary.textContent = "The drill does not load: fix the problems first.";
      return;
    }
    const failed = rep.results.filter((r) => !r.passed);
    testSummary.textContent = (rep.passed ? "All tests pass" : failed.length + " of " + rep.results.length + " failed") +
      (rep.coverage ? ". Coverage: " + rep.coverage : "") + (rep.missed && rep.missed.length ? ". Never exercised: " + rep.missed.join(", ") : "");
    testSummary.className = rep.passed ? "ok" : "bad";
    testSummary.id = "test-summary";
    for (const r of rep.results) {
      item(testResults, r.passed ? "ok" : "bad", (r.passed ? "ok " : "FAIL ") + r.name, r.reason ? "— " + r.reason : "", r.passed ? 0 : r.line, r.col);
    }
  });

  // ---- the schema: completion and hover -------------------------------------
  function deref(node) {
    for (let i = 0; node && i < 10; i++) {
      if (node.$ref) {
        const name = node.$ref.replace(/^#\/(definitions|\$defs)\//, "");
        node = (schema.definitions || schema.$defs || {})[name];
        continue;
      }
      const alts = node.anyOf || node.oneOf;
      if (alts && !node.properties && !node.items) {
        node = alts.find((a) => a.$ref || a.properties || a.items) || alts[0];
        continue;
      }
      break;
    }
    return node;
  }
  function child(node, key) {
    node = deref(node);
    if (!node) return null;
    if (node.items) node = deref(node.items);
    if (!node) return null;
    if (node.properties && node.properties[key]) return deref(node.properties[key]);
    if (node.additionalProperties && typeof node.additionalProperties === "object") return deref(node.additionalProperties);
    return null;
  }
  function mappingOf(node) {
    node = deref(node);
    if (node && node.items) node = deref(node.items);
    return node;
  }

  // keyColumn is where a line's key starts (after the indent and any "- ").
  function keyColumn(s) {
    const m = /^(\s*(?:-\s+)*)/.exec(s);
    return m[1].length;
  }
  // pathAt returns the keys that enclose a key at column col of line n:
  // walking up, each line whose key starts left of the current column is
  // the parent, and the walk goes on from its column. A "- key:" line at
  // the same column is a sibling in the same list item.
  function pathAt(doc, n, col) {
    const path = [];
    for (let i = n - 1; i >= 1 && col > 0; i--) {
      const s = doc.line(i).text;
      if (!s.trim() || /^\s*#/.test(s)) continue;
      const c = keyColumn(s);
      if (c >= col) continue;
      const m = /^\s*(?:-\s+)*([A-Za-z_][\w-]*)\s*:/.exec(s);
      if (m) {
        path.unshift(m[1]);
        col = c;
      }
    }
    return path;
  }

  function nodeAt(path) {
    let node = schema;
    for (const k of path) {
      node = child(node, k);
      if (!node) return null;
    }
    return node;
  }

  function completeFromSchema(ctx) {
    if (!schema) return null;
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const keyMatch = /^(\s*(?:-\s+)*)([\w-]*)$/.exec(before);
    if (keyMatch) {
      const col = keyMatch[1].length;
      const node = mappingOf(nodeAt(pathAt(ctx.state.doc, line.number, col)));
      if (!node || !node.properties) return null;
      return {
        from: ctx.pos - keyMatch[2].length,
        options: Object.entries(node.properties).map(([k, v]) => {
          const d = deref(v) || {};
          return { label: k, type: "property", apply: k + ": ", detail: d.type || (d.items ? "list" : ""), info: v.description || d.description || "" };
        }),
        validFor: /^[\w-]*$/,
      };
    }
    const valMatch = /^(\s*(?:-\s+)*)([\w-]+):\s*([\w-]*)$/.exec(before);
    if (valMatch) {
      const col = valMatch[1].length;
      const node = child(nodeAt(pathAt(ctx.state.doc, line.number, col)) || schema, valMatch[2]);
      const values = node && (node.enum || (node.items && deref(node.items) && deref(node.items).enum));
      if (!values) return null;
      return { from: ctx.pos - valMatch[3].length, options: values.map((v) => ({ label: String(v), type: "enum" })), validFor: /^[\w-]*$/ };
    }
    return null;
  }

  function hoverFromSchema(v, pos) {
    if (!schema) return null;
    const line = v.state.doc.lineAt(pos);
    const m = /^(\s*(?:-\s+)*)([A-Za-z_][\w-]*)\s*:/.exec(line.text);
    if (!m) return null;
    const start = line.from + m[1].length, end = start + m[2].length;
    if (pos < start || pos > end) return null;
    const parent = nodeAt(pathAt(v.state.doc, line.number, m[1].length));
    const raw = parent && mappingOf(parent) && mappingOf(parent).properties && mappingOf(parent).properties[m[2]];
    const node = raw && (raw.description ? raw : deref(raw));
    if (!node || !node.description) return null;
    return {
      pos: start, end, above: true,
      create() {
        const dom = document.createElement("div");
        dom.className = "schema-hover";
        const h = document.createElement("strong");
        h.textContent = m[2];
        const p = document.createElement("p");
        p.textContent = node.description;
        dom.append(h, p);
        return { dom };
      },
    };
  }
}
