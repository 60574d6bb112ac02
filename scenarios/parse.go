package scenarios

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits on what the loader accepts. Scenario files arrive through the web
// UI, so the loader treats them as hostile: whatever the input, it returns
// diagnostics quickly and never panics.
const (
	// MaxFileSize is the largest file the loader reads (1 MiB).
	MaxFileSize = 1 << 20
	// MaxDepth is the deepest nesting of mappings and lists accepted. Real
	// drills nest about ten levels.
	MaxDepth = 64
)

// parse checks the raw bytes and parses them into a single YAML document
// whose root is a mapping. It returns nil after adding diagnostics when the
// file cannot be decoded at all; nothing else is checked then.
func parse(src *sourceFile, l *diagList) *yaml.Node {
	data := src.data
	start := Pos{Line: 1, Col: 1}
	if len(data) > MaxFileSize {
		l.add(CodeTooLarge, start, "file is %s; the limit is 1 MiB", byteSize(len(data)))
		return nil
	}
	if i := bytes.IndexByte(data, 0); i >= 0 || !utf8.Valid(data) {
		l.add(CodeBinary, start, "not a text file: a scenario or policy is UTF-8 text (found a NUL byte or invalid UTF-8)")
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		l.add(CodeEmpty, start, "file is empty: a scenario starts with id, title and policy; see docs/scenario-language.md")
		return nil
	}
	if p, ok := flowTooDeep(data); ok {
		l.add(CodeTooDeep, p, "nesting is deeper than %d levels", MaxDepth)
		return nil
	}
	var doc yaml.Node
	d, fast := fastParse(data)
	if fast {
		doc = *d
	} else if err := yaml.Unmarshal(data, &doc); err != nil {
		syntaxError(src, l, err)
		return nil
	}
	if doc.Kind == 0 {
		l.add(CodeEmpty, start, "file has no content, only comments: a scenario starts with id, title and policy")
		return nil
	}
	// Unmarshal reads the first document only. A second one needs a ---
	// or ... line after the first (which the fast parser never accepts);
	// only then is it worth looking.
	if !fast && bytes.Contains(data, []byte("\n---")) || bytes.Contains(data, []byte("\n...")) {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		var first, second yaml.Node
		if err := dec.Decode(&first); err == nil {
			switch err := dec.Decode(&second); {
			case err == nil:
				l.add(CodeDocuments, documentMarker(src), "a file holds one document; a second one starts here (remove the --- line or split the file)")
				return nil
			case !errors.Is(err, io.EOF):
				l.add(CodeDocuments, documentMarker(src), "a file holds one document; found more after this --- line")
				return nil
			}
		}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if !checkTree(root, l) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
			l.add(CodeEmpty, start, "file has no content: a scenario starts with id, title and policy")
			return nil
		}
		l.add(CodeRoot, Pos{Line: root.Line, Col: root.Column}, "the file must be a mapping of keys (id: ..., title: ...), not %s", kindName(root))
		return nil
	}
	return root
}

// documentMarker finds the --- line that starts the second document.
func documentMarker(src *sourceFile) Pos {
	seenContent := false
	for i := 1; i <= len(src.lines); i++ {
		line := src.line(i)
		if bytes.HasPrefix([]byte(line), []byte("---")) || bytes.HasPrefix([]byte(line), []byte("...")) {
			if seenContent {
				return Pos{Line: i, Col: 1}
			}
			continue
		}
		t := bytes.TrimSpace([]byte(line))
		if len(t) > 0 && t[0] != '#' {
			seenContent = true
		}
	}
	return Pos{Line: 1, Col: 1}
}

// checkTree rejects tags the language does not use, nesting deeper than
// MaxDepth, and aliases that expand too much or contain themselves (the
// "billion laughs" attack). Anchors and aliases within those limits are
// allowed: scenario tests reuse steps with them. Recursion stops at
// MaxDepth, so a deep tree cannot exhaust the stack.
func checkTree(root *yaml.Node, l *diagList) bool {
	tc := &treeCheck{l: l, memo: map[*yaml.Node]treeSize{}, active: map[*yaml.Node]bool{}}
	expanded := tc.walk(root, 1)
	if tc.failed || tc.badTags {
		return false
	}
	if expanded-tc.literal > MaxAliasExpansion {
		l.add(CodeAlias, Pos{Line: root.Line, Col: root.Column}, "aliases expand this file by more than %d values; write the values out or reuse less", MaxAliasExpansion)
		return false
	}
	return true
}

// MaxAliasExpansion bounds how many values aliases may add to a file.
const MaxAliasExpansion = 50_000

type treeSize struct{ size, height int }

type treeCheck struct {
	l       *diagList
	memo    map[*yaml.Node]treeSize
	active  map[*yaml.Node]bool
	literal int  // nodes as written
	failed  bool // stop: too deep or a bad alias
	badTags bool
}

// walk returns the number of values n stands for with aliases expanded
// (saturating above the limit) and checks its subtree.
func (tc *treeCheck) walk(n *yaml.Node, depth int) int {
	s := tc.size(n, depth)
	return s.size
}

func (tc *treeCheck) size(n *yaml.Node, depth int) treeSize {
	p := Pos{Line: n.Line, Col: n.Column}
	if tc.failed {
		return treeSize{}
	}
	if depth > MaxDepth {
		tc.l.add(CodeTooDeep, p, "nesting is deeper than %d levels", MaxDepth)
		tc.failed = true
		return treeSize{}
	}
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if t == nil {
			tc.l.add(CodeAlias, p, "alias *%s has no anchor", n.Value)
			tc.failed = true
			return treeSize{}
		}
		if tc.active[t] {
			tc.l.add(CodeAlias, p, "alias *%s is inside the value it names", n.Value)
			tc.failed = true
			return treeSize{}
		}
		ts, ok := tc.memo[t]
		if !ok {
			return tc.size(t, depth)
		}
		if depth+ts.height-1 > MaxDepth {
			tc.l.add(CodeTooDeep, p, "nesting is deeper than %d levels (through alias *%s)", MaxDepth, n.Value)
			tc.failed = true
		}
		return ts
	}
	anchored := n.Anchor != "" // only anchored nodes can be reached twice
	if anchored {
		if ts, ok := tc.memo[n]; ok {
			return ts // reached through an alias before its own position
		}
	}
	tc.literal++
	if n.Style&yaml.TaggedStyle != 0 && !coreTags[n.ShortTag()] {
		tc.l.add(CodeTag, p, "the YAML tag %s is not allowed here", n.Tag)
		tc.badTags = true
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
				tc.l.add(CodeAlias, Pos{Line: k.Line, Col: k.Column}, "merge keys (<<) are not supported: write the keys out")
				tc.failed = true
			}
		}
	}
	if anchored {
		tc.active[n] = true
	}
	ts := treeSize{size: 1, height: 1}
	for _, c := range n.Content {
		cs := tc.size(c, depth+1)
		ts.size += cs.size
		if ts.size > 1<<40 {
			ts.size = 1 << 40
		}
		ts.height = max(ts.height, cs.height+1)
	}
	if anchored {
		delete(tc.active, n)
		tc.memo[n] = ts
	}
	return ts
}

var coreTags = map[string]bool{"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true, "!!seq": true, "!!map": true}

// flowTooDeep finds nesting deeper than MaxDepth before the YAML parser
// sees it (the parser accepts 10,000 levels): runs of nested [ and {, and
// lines that open many block lists at once ("- - - - x"). It counts brackets
// everywhere, quoted or not: a real drill never has dozens unclosed.
func flowTooDeep(data []byte) (Pos, bool) {
	depth := 0
	line, col := 1, 1
	dashes, lineStart := 0, true
	for i, b := range data {
		if lineStart {
			switch {
			case b == '-' && i+1 < len(data) && data[i+1] == ' ':
				dashes++
				if dashes > MaxDepth {
					return Pos{Line: line, Col: col}, true
				}
			case b == ' ':
			default:
				lineStart = false
			}
		}
		switch b {
		case '[', '{':
			depth++
			if depth > MaxDepth {
				return Pos{Line: line, Col: col}, true
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '\n':
			line++
			col = 0
			dashes, lineStart = 0, true
		}
		if b < 0x80 || b >= 0xc0 {
			col++
		}
	}
	return Pos{}, false
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError reports a YAML parser error at its line. A tab in the
// indentation at or before that line is the likely cause and is reported
// instead.
func syntaxError(src *sourceFile, l *diagList, err error) {
	msg := err.Error()
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else if len(msg) > 6 && msg[:6] == "yaml: " {
		msg = msg[6:]
	}
	limit := line
	if limit == 0 || limit > len(src.lines) {
		limit = len(src.lines)
	}
	for i := 1; i <= limit; i++ {
		text := src.line(i)
		for c, r := range []byte(text) {
			if r == '\t' {
				l.add(CodeTab, Pos{Line: i, Col: c + 1}, "tab in indentation: YAML indents with spaces only")
				return
			}
			if r != ' ' {
				break
			}
		}
	}
	if sp, ok := diagnoseSyntax(src.data); ok && (sp.until == 0 || line == 0 || line <= sp.until) {
		l.add(CodeSyntax, sp.pos, "YAML syntax: %s", sp.msg)
		return
	}
	p := Pos{Line: 1, Col: 1}
	if line > 0 {
		p = Pos{Line: line, Col: firstNonBlank(src.line(line))}
	}
	l.add(CodeSyntax, p, "YAML syntax: %s", msg)
}

func firstNonBlank(s string) int {
	for i, r := range []rune(s) {
		if r != ' ' {
			return i + 1
		}
	}
	return 1
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// kindName describes what a node is, for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "true/false (" + n.Value + ")"
		case "!!int", "!!float":
			return "a number (" + n.Value + ")"
		}
		return "a string (" + strconv.Quote(truncate(n.Value, 40)) + ")"
	}
	return "nothing"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}
