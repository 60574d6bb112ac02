package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileFiles are inputs an attacker could upload. Each must produce the
// given code and no panic; the big ones are built here, not committed.
func hostileFiles() map[string]struct {
	data []byte
	code string
} {
	bomb := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for _, c := range "bcdefghi" {
		refs := strings.Repeat("*"+prev+",", 8) + "*" + prev
		bomb += string(c) + ": &" + string(c) + " [" + refs + "]\n"
		prev = string(c)
	}
	big := []byte("id: big\nsummary: \"" + strings.Repeat("x", 20<<20) + "\"\n")
	// Many problems of one kind: the loader must stay linear (these were
	// quadratic once: every unknown beat id was compared with every id).
	var keys, beats strings.Builder
	for i := 0; keys.Len() < 300_000; i++ {
		fmt.Fprintf(&keys, "key_%d: 1\n", i)
	}
	var interps strings.Builder
	interps.WriteString("id: x\ncast: {customer: {name: \"")
	for i := 0; i <= MaxExpressions; i++ {
		fmt.Fprintf(&interps, "{{t+%d}}", i)
	}
	interps.WriteString("\"}}\n")
	beats.WriteString("id: x\ntimeline:\n")
	for i := 0; beats.Len() < 300_000; i++ {
		fmt.Fprintf(&beats, "- {id: b%d, after: nope, do: [{goto: nowhere}]}\n", i)
	}
	return map[string]struct {
		data []byte
		code string
	}{
		"empty":           {nil, CodeEmpty},
		"whitespace":      {[]byte("  \n\n  \n"), CodeEmpty},
		"binary":          {[]byte("\x7fELF\x02\x01\x01\x00\x00\x00"), CodeBinary},
		"invalid-utf8":    {[]byte("id: \xff\xfe\n"), CodeBinary},
		"alias-bomb":      {[]byte(bomb), CodeAlias},
		"deep-flow":       {[]byte("id: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000)), CodeTooDeep},
		"deep-block-list": {[]byte(strings.Repeat("- ", 100000) + "x\n"), CodeTooDeep},
		"deep-mapping":    {[]byte("id: " + strings.Repeat("{a: ", 100000) + "1" + strings.Repeat("}", 100000)), CodeTooDeep},
		"20MB":            {big, CodeTooLarge},
		"list-root":       {[]byte("- a\n- b\n"), CodeRoot},
		"scalar-root":     {[]byte("42\n"), CodeRoot},
		"duplicate-keys":  {[]byte("id: a\nid: b\n"), CodeDuplicateKey},
		"tabs":            {[]byte("id: a\ntruth:\n\tcategory: x\n"), CodeTab},
		"two-documents":   {[]byte("id: a\n---\nid: b\n"), CodeDocuments},
		"many-keys":       {[]byte(keys.String()), CodeTooMany},
		// expr's parser recurses per level and per prefix operator: these
		// would overflow the stack (a crash no recover catches).
		"deep-expression":   {[]byte("id: x\nendings: [{id: e, kind: closed, when: '" + strings.Repeat("(", 400000) + "1" + strings.Repeat(")", 400000) + "'}]\n"), CodeExpr},
		"prefix-chain":      {[]byte("id: x\nendings: [{id: e, kind: closed, when: '" + strings.Repeat("!", 800000) + "true'}]\n"), CodeExpr},
		"nested-expression": {[]byte("id: x\nendings: [{id: e, kind: closed, when: '" + strings.Repeat("(", 100) + "true" + strings.Repeat(")", 100) + "'}]\n"), CodeExpr},
		"many-expressions":  {[]byte(interps.String()), CodeExpr},
		"many-bad-beats":    {[]byte(beats.String()), CodeTooMany},
		// One line of 250,000 values in non-ASCII text: columns are
		// counted along the line once, not from its start for each value.
		"long-line": {[]byte("id: x\ntags: [" + strings.Repeat("é, ", 250_000) + "é]\n"), CodeRequired},
	}
}

func TestHostileInputs(t *testing.T) {
	for name, h := range hostileFiles() {
		t.Run(name, func(t *testing.T) {
			for _, kind := range []string{".drill.yaml", ".policy.yaml"} {
				if kind == ".policy.yaml" && (name == "many-bad-beats" || strings.HasPrefix(h.code, "DR4")) {
					continue // about drill content: in a policy it is an unknown key
				}
				l := NewLoader()
				l.AddShipped()
				var ds Diagnostics
				if kind == ".policy.yaml" {
					_, ds = l.LoadPolicy(name+kind, h.data)
				} else {
					_, ds = l.LoadScenario(name+kind, h.data)
				}
				if !ds.HasErrors() {
					t.Fatalf("%s: got no errors", kind)
				}
				found := false
				for _, d := range ds {
					found = found || d.Code == h.code
					if len(d.Source) > 2*maxSourceWidth {
						t.Errorf("%s: got a %d-byte source line in %v", kind, len(d.Source), d)
					}
				}
				if !found {
					t.Errorf("%s: got %v, want %s among them", kind, ds, h.code)
				}
				if rank(h.code) == 0 && ds[0].Code != h.code {
					t.Errorf("%s: got %v first, want %s: a problem with the file as a whole comes first", kind, ds[0], h.code)
				}
			}
		})
	}
}

func TestHostileFilesFromDisk(t *testing.T) {
	dir := t.TempDir()
	for name, h := range hostileFiles() {
		if err := os.WriteFile(filepath.Join(dir, name+".drill.yaml"), h.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, ds := LoadPaths(dir, filepath.Join(dir, "missing.drill.yaml"))
	got := map[string]map[string]bool{}
	for _, d := range ds {
		base := strings.TrimSuffix(filepath.Base(d.File), ".drill.yaml")
		if got[base] == nil {
			got[base] = map[string]bool{}
		}
		got[base][d.Code] = true
	}
	for name, h := range hostileFiles() {
		if !got[name][h.code] {
			t.Errorf("%s: got codes %v, want %s among them", name, got[name], h.code)
		}
	}
	if !got["missing"][CodeRead] {
		t.Errorf("missing file: got %v, want %s", got["missing"], CodeRead)
	}
}

func TestSizeLimitIsInclusive(t *testing.T) {
	body := "id: x\n# " + strings.Repeat("p", MaxFileSize-9) + "\n"
	if len(body) != MaxFileSize {
		t.Fatalf("built %d bytes, want %d", len(body), MaxFileSize)
	}
	_, ds := NewLoader().LoadScenario("max.drill.yaml", []byte(body))
	for _, d := range ds {
		if d.Code == CodeTooLarge {
			t.Fatalf("a file of exactly MaxFileSize was rejected: %v", d)
		}
	}
	_, ds = NewLoader().LoadScenario("over.drill.yaml", []byte(body+"\n"))
	if len(ds) == 0 || ds[0].Code != CodeTooLarge {
		t.Fatalf("got %v, want %s for one byte over", ds, CodeTooLarge)
	}
}
