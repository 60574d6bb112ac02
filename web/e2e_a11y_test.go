package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The accessibility checks of the browser tests: axe-core, vendored as
// its published bundle in testdata/axe (tools/axe/build.sh rebuilds it
// from npm), injected into a page and run on all of it. Any violation
// fails the test, with axe's rule, the element and its advice.

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile("testdata/axe/axe.min.js")
	return string(b), err
})

// axeViolation is the part of an axe-core result a failure names.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axe runs axe-core on the page as it is now and fails the test for each
// violation it reports.
func (e *e2e) axe(page string) {
	e.t.Helper()
	e.axeCount(page, nil)
}

// axeCount is axe, and counts the elements of each violation in found
// (by "rule on page"), if found is not nil.
func (e *e2e) axeCount(page string, found map[string]int) {
	e.t.Helper()
	src, err := axeSource()
	if err != nil {
		e.t.Fatalf("axe-core is not vendored (run tools/axe/build.sh): %v", err)
	}
	ctx, cancel := context.WithTimeout(e.ctx, stepLimit)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "undefined" && (0, eval)(`+jsString(src)+`) === undefined`)); err != nil {
		e.t.Fatalf("axe on %s: inject axe-core: %v", page, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary}))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		e.t.Fatalf("axe on %s: %v", page, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		e.t.Fatalf("axe on %s: read the result: %v", page, err)
	}
	for _, v := range vs {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      ")))
		}
		e.t.Errorf("axe on %s: %s (%s): %s, %d element(s):\n    %s", page, v.ID, v.Impact, v.Help, len(v.Nodes), strings.Join(where, "\n    "))
		if found != nil {
			found[v.ID+" on "+page] += len(v.Nodes)
		}
	}
	if len(vs) == 0 {
		e.t.Logf("axe on %s: no violations", page)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// press types keys into whatever has the focus, as a keyboard does: each
// key's keydown carries its character, so a page that cancels the keydown
// gets no character, as with a real keyboard (chromedp.KeyEvent sends the
// character as an event of its own, which no page can cancel). With Alt,
// Ctrl or Meta held, keys type nothing.
func (e *e2e) press(keys string, mods ...chromedp.Modifier) {
	e.t.Helper()
	var m int64
	for _, x := range mods {
		m |= int64(x)
	}
	ctx, cancel := context.WithTimeout(e.ctx, stepLimit)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range keys {
			evs := kb.Encode(r)
			var text, unmodified string
			for _, k := range evs {
				if k.Type == kb.KeyChar {
					text, unmodified = k.Text, k.UnmodifiedText
				}
			}
			for _, k := range evs {
				if k.Type == kb.KeyChar {
					continue
				}
				p := *k
				p.Modifiers |= m
				if p.Type == kb.KeyDown && p.Modifiers&^int64(chromedp.ModifierShift) == 0 {
					p.Text, p.UnmodifiedText = text, unmodified
				}
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	if err != nil {
		e.t.Fatalf("press %q: %v", keys, err)
	}
}

// focused describes the element that has the focus: its id, or its tag
// and name or value.
func (e *e2e) focused() string {
	return e.eval(`(() => { const a = document.activeElement;
		if (!a || a === document.body) return "body";
		return a.id ? "#" + a.id : a.tagName.toLowerCase() + (a.name ? "[name=" + a.name + "]" : "") + (a.value ? "=" + a.value : ""); })()`)
}

// wantFocus fails the test unless the focus is on want (as focused
// describes it), after what.
func (e *e2e) wantFocus(what, want string) {
	e.t.Helper()
	if got := e.focused(); got != want {
		e.t.Fatalf("after %s: the focus is on %s, want %s", what, got, want)
	}
}

// tabTo presses Tab until js is true of document.activeElement (as a);
// it fails after limit presses.
func (e *e2e) tabTo(what, js string, limit int) {
	e.t.Helper()
	e.focusWith("Tab", what, js, limit)
}

// focusWith presses Tab, with mods (named as in keys, "Shift+Tab"),
// until js is true of document.activeElement (as a); it fails after limit
// presses.
func (e *e2e) focusWith(keys, what, js string, limit int, mods ...chromedp.Modifier) {
	e.t.Helper()
	check := `(() => { const a = document.activeElement; return String(!!(a && (` + js + `))); })()`
	for i := 0; i < limit; i++ {
		if e.eval(check) == "true" {
			return
		}
		e.press(kb.Tab, mods...)
	}
	if e.eval(check) != "true" {
		e.t.Fatalf("%d %ss did not reach %s (focus on %s)", limit, keys, what, e.focused())
	}
}

// choose moves a focused select to the option whose value is value with
// the arrow keys, as a keyboard user does.
func (e *e2e) choose(value string) {
	e.t.Helper()
	n := e.eval(`String(document.activeElement.options ? document.activeElement.options.length : 0)`)
	var count int
	fmt.Sscan(n, &count)
	if count == 0 {
		e.t.Fatalf("choose %s: the focus is on %s, not a list", value, e.focused())
	}
	e.press(kb.Home)
	for i := 0; i < count; i++ {
		if e.eval(`document.activeElement.value`) == value {
			return
		}
		e.press(kb.ArrowDown)
	}
	if got := e.eval(`document.activeElement.value`); got != value {
		e.t.Fatalf("choose %s: the list %s stops at %q", value, e.focused(), got)
	}
}
