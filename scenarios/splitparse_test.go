package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestParseHalves checks that a file parsed in two halves gives the tree a
// single parse gives, and that a file a single parse rejects is never split.
func TestParseHalves(t *testing.T) {
	cases := map[string][]byte{
		"big":            bigScenario(t, 100_000),
		"quoted-across":  []byte("id: x\ntitle: \"a\nb: c\"\nsummary: s\n"),
		"single-across":  []byte("id: x\ntitle: 'a\nb: c'\nsummary: s\n"),
		"flow-across":    []byte("id: x\ntags: [a,\nb: c]\nsummary: s\n"),
		"flow-map":       []byte("id: x\ntags: {a: 1,\nb: 2}\nsummary: s\n"),
		"alias-across":   []byte("id: &a x\ntitle: y\nsummary: *a\nmore: z\n"),
		"alias-inside":   []byte("id: x\ntitle: y\nsummary: &a {k: 1}\nmore: *a\n"),
		"block-scalar":   []byte("id: x\nsummary: |\n  one\n  two\nbriefing: >\n  three\nend: 1\n"),
		"plain-multi":    []byte("id: x\ntitle: one\n  two\nsummary: s\nend: e\n"),
		"indented-root":  []byte("  id: x\n  title: y\nsummary: s\n"),
		"doc-marker":     []byte("---\nid: x\ntitle: y\nsummary: s\n"),
		"second-doc":     []byte("id: x\ntitle: y\n---\nsummary: s\n"),
		"dup-key":        []byte("id: x\ntitle: y\nid: z\nsummary: s\n"),
		"bad-indent":     []byte("id: x\ntitle: y\n  bad: z\n bad2: q\nsummary: s\n"),
		"tab":            []byte("id: x\ntitle: y\n\tsummary: s\nend: e\n"),
		"comments":       []byte("# head\nid: x # line\n# between\ntitle: y\n\n# foot\nsummary: s\n"),
		"crlf":           []byte("id: x\r\ntitle: y\r\nsummary: |\r\n  a\r\n  b\r\nend: e\r\n"),
		"top-list":       []byte("id: x\nlist:\n- a\n- b\nsummary: s\n"),
		"scalar-root":    []byte("hello\nworld: x\nmore: y\n"),
		"tagged-root":    []byte("!!map\nid: x\ntitle: y\nsummary: s\n"),
		"anchor-root":    []byte("&r\nid: x\ntitle: y\nsummary: s\n"),
		"question-key":   []byte("id: x\n? complex\n: value\ntitle: y\nsummary: s\n"),
		"unterminated":   []byte("id: x\ntitle: y\nsummary: \"s\nend: e\n"),
		"deep-then-flat": []byte("a:\n  b:\n    c:\n      d: 1\ne: 2\nf:\n  g: 3\n"),
		"list-items":     []byte("id: x\nlist:\n  - a\n  - b: 1\n    c: 2\n  - d\n  - e\nsummary: s\n"),
		"list-at-end":    []byte("id: x\nsummary: s\nlist:\n  - a\n  - b\n  - c\n  - d\n"),
		"block-dashes":   []byte("id: x\nsummary: |\n  - not\n  - an\n  - item\nend: e\n"),
		"plain-dashes":   []byte("id: x\nsummary: foo\n  - a\n  - b\n  - c\nend: e\n"),
		"flow-dashes":    []byte("id: x\nsummary: [\n  - a\n  - b\n  - c]\nend: e\n"),
		"anchored-list":  []byte("id: x\nlist: &l\n  - a\n  - b\n  - c\nmore: *l\n"),
		"alias-in-list":  []byte("id: &i x\nlist:\n  - a\n  - *i\n  - *i\nend: e\n"),
		"nested-list":    []byte("id: x\ncast:\n  services:\n  - a\n  - b\n  - c\nend: e\n"),
		"shallow-line":   []byte("id: x\nlist:\n  - a\n  - b\n c: d\n  - e\nend: e\n"),
		"deeper-item":    []byte("id: x\nlist:\n  - a\n    - b\n  - c\n  - d\nend: e\n"),
	}
	for _, pattern := range []string{"testdata/diagnostics/*.yaml", "examples/*.yaml", "library/*.yaml", "policies/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cases[f] = data
		}
	}
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzLoad/*")
	for _, f := range seeds {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, lit, _ := strings.Cut(string(data), "[]byte(")
		if s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimSpace(lit), ")")); err == nil {
			cases[f] = []byte(s)
		}
	}
	split := 0
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			var want yaml.Node
			err := yaml.Unmarshal(data, &want)
			got, ok := parseHalves(data)
			if !ok {
				return
			}
			split++
			if err != nil {
				t.Fatalf("got a split parse, want none: a single parse fails with %v", err)
			}
			if diff := sameTree(got, &want, "doc"); diff != "" {
				t.Fatalf("got a different tree from the split parse: %s", diff)
			}
		})
	}
	if split < 10 {
		t.Errorf("got %d files parsed in halves, want most drills", split)
	}
}

// sameTree compares two yaml.v3 trees, comments aside.
func sameTree(a, b *yaml.Node, path string) string {
	if a == nil || b == nil {
		if a != b {
			return path + ": one is nil"
		}
		return ""
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: got %v %v %q %q &%s at %d:%d with %d children, want %v %v %q %q &%s at %d:%d with %d children",
			path, a.Kind, a.Style, a.Tag, a.Value, a.Anchor, a.Line, a.Column, len(a.Content),
			b.Kind, b.Style, b.Tag, b.Value, b.Anchor, b.Line, b.Column, len(b.Content))
	}
	if (a.Alias == nil) != (b.Alias == nil) || a.Alias != nil && (a.Alias.Line != b.Alias.Line || a.Alias.Column != b.Alias.Column) {
		return path + ": aliases differ"
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}
