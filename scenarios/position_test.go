package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// TestScalarPositions checks that every style of YAML scalar maps the
// characters of its value back to where they were written: each value
// contains one @, and its position must be the @ in the source.
func TestScalarPositions(t *testing.T) {
	tests := []struct{ name, src string }{
		{"plain", "k: a && @b\n"},
		{"plain-multiline", "k: a &&\n  b || @c\n"},
		{"double", `k: "a && @b"` + "\n"},
		{"double-escapes", `k: "said(\"x\") \u00e9 && \x41 @b"` + "\n"},
		{"double-multiline", "k: \"a &&\n  b @c\"\n"},
		{"double-escaped-break", "k: \"a \\\n  @b\"\n"},
		{"single", "k: 'a == ''x'' && @b'\n"},
		{"literal", "k: |\n  a &&\n    @b\n"},
		{"literal-keep", "k: |+\n  a\n\n  @b\n\n"},
		{"folded", "k: >\n  a\n  b @c\n"},
		{"folded-more-indented", "k: >\n  a\n    more\n  @c\n"},
		{"flow", "{k: \"x\", j: a @b}\n"},
		{"tagged", "k: !!str a @b\n"},
		{"unicode-before", "k: \"é ü {{ @x }}\"\n"},
		{"crlf", "k: |\r\n  a\r\n  @b\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &doc); err != nil {
				t.Fatal(err)
			}
			m := doc.Content[0]
			n := m.Content[len(m.Content)-1]
			f := newSourceFile("t.yaml", []byte(tt.src))
			start, runes := f.scalarPos(n)
			e := Expr{Src: n.Value, Pos: start, runes: runes}
			at := strings.IndexRune(n.Value, '@')
			if at < 0 {
				t.Fatalf("value %q has no @", n.Value)
			}
			got := e.PosAt(utf8.RuneCountInString(n.Value[:at]))
			want := srcPos(tt.src, strings.LastIndex(tt.src, "@"))
			if got != want {
				t.Errorf("value %q: got @ at %d:%d, want %d:%d", n.Value, got.Line, got.Col, want.Line, want.Col)
			}
		})
	}
}

// srcPos is the 1-based line and rune column of byte offset i of s.
func srcPos(s string, i int) Pos {
	line := 1 + strings.Count(s[:i], "\n")
	start := strings.LastIndex(s[:i], "\n") + 1
	return Pos{Line: line, Col: 1 + utf8.RuneCountInString(s[start:i])}
}

func TestExpressionErrorInBlockScalar(t *testing.T) {
	src, err := os.ReadFile("examples/gas-smell-basic.drill.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), `    when: silence >= 120`, "    when: |\n      silence >= 120 &&\n        !nope(\"x\")", 1)
	l := NewLoader()
	l.AddShipped()
	_, ds := l.LoadScenario("b.drill.yaml", []byte(broken))
	want := srcPos(broken, strings.Index(broken, "nope("))
	for _, d := range ds {
		if d.Code == CodeExpr {
			if d.Line != want.Line || d.Col != want.Col {
				t.Errorf("got %s, want it at %d:%d", d, want.Line, want.Col)
			}
			return
		}
	}
	t.Fatalf("got %v, want a %s", ds, CodeExpr)
}

func TestLoadFileFindsNearbyPolicies(t *testing.T) {
	pol, err := os.ReadFile("policies/uk-contact-centre.policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	drill, err := os.ReadFile("examples/gas-smell-basic.drill.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, layout := range []string{"drills", "drills/policies", ".", "policies"} {
		t.Run(layout, func(t *testing.T) {
			root := t.TempDir()
			id := "local-" + strings.NewReplacer("/", "-", ".", "root").Replace(layout)
			p := strings.Replace(string(pol), "id: uk-contact-centre", "id: "+id, 1)
			d := strings.Replace(string(drill), "policy: uk-contact-centre", "policy: "+id, 1)
			if err := os.MkdirAll(filepath.Join(root, layout), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(root, "drills"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, layout, "p.policy.yaml"), []byte(p), 0o644); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(root, "drills", "d.drill.yaml")
			if err := os.WriteFile(file, []byte(d), 0o644); err != nil {
				t.Fatal(err)
			}
			s, ds := LoadFile(file)
			if ds.HasErrors() {
				t.Fatalf("got errors:\n%v", ds)
			}
			if s.Resolved.ID != id {
				t.Errorf("got policy %s, want %s", s.Resolved.ID, id)
			}
		})
	}
}

func TestApplyOverride(t *testing.T) {
	base := &Policy{
		ID:      "p",
		Matrix:  map[string]map[string]string{"high": {"high": "P1", "low": "P2"}},
		Cadence: Cadence{MaxSilence: 60000, HoldUpdate: 45000},
		Intents: map[string][]string{"greet": {"hello"}},
	}
	ms := Duration(30000)
	pm := 80.0
	r := ApplyOverride(base, &PolicyOverride{
		Matrix:   map[string]map[string]string{"high": {"low": "P3"}},
		Cadence:  &CadenceOverride{MaxSilence: &ms},
		PassMark: &pm,
		Intents:  map[string][]string{"bye": {"bye"}},
	})
	if r.Matrix["high"]["high"] != "P1" || r.Matrix["high"]["low"] != "P3" {
		t.Errorf("got matrix %v, want high/high kept and high/low replaced", r.Matrix)
	}
	if base.Matrix["high"]["low"] != "P2" {
		t.Error("ApplyOverride changed the base policy")
	}
	if r.Cadence.MaxSilence != 30000 || r.Cadence.HoldUpdate != 45000 {
		t.Errorf("got cadence %+v, want max_silence replaced and hold_update kept", r.Cadence)
	}
	if r.PassMark != 80 || len(r.Intents) != 2 {
		t.Errorf("got pass mark %v and intents %v", r.PassMark, r.Intents)
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		in   string
		cand []string
		want string
	}{
		{"titel", []string{"title", "tags"}, "title"},
		{"whne", []string{"when", "where"}, "when"},
		{"xyz", []string{"title"}, ""},
		{"ab", []string{"abc"}, "abc"},
		{"a", []string{"b"}, ""},
	}
	for _, tt := range tests {
		if got := closest(tt.in, tt.cand); got != tt.want {
			t.Errorf("closest(%q, %v): got %q, want %q", tt.in, tt.cand, got, tt.want)
		}
	}
}

func TestPosTable(t *testing.T) {
	want := []Pos{{3, 5}, {3, 6}, {3, 8}, {3, 9}, {4, 3}, {4, 4}, {4, 5}, {5, 1}}
	var tab posTable
	for _, p := range want {
		tab.add(p)
	}
	if tab.n != len(want) || len(tab.runs) != 4 {
		t.Fatalf("got %d positions in %d runs, want %d in 4", tab.n, len(tab.runs), len(want))
	}
	for i, p := range want {
		if got := tab.at(i); got != p {
			t.Errorf("at(%d): got %v, want %v", i, got, p)
		}
	}
	sub := tab.slice(2, 6)
	for i := 0; i < sub.n; i++ {
		if got := sub.at(i); got != want[i+2] {
			t.Errorf("slice(2, 6).at(%d): got %v, want %v", i, got, want[i+2])
		}
	}
}
