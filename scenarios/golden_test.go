package scenarios

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files and generated docs")

// fixtures lists the broken fixtures under testdata/diagnostics: files and
// directories, each named after the code it demonstrates.
func fixtures(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata/diagnostics")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".golden") {
			continue
		}
		out = append(out, filepath.Join("testdata/diagnostics", e.Name()))
	}
	return out
}

func goldenPath(fixture string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(fixture, ".yaml"), filepath.Ext(strings.TrimSuffix(fixture, ".yaml")))
	return base + ".golden"
}

var fixtureCode = regexp.MustCompile(`^DR\d{4}`)

// TestGoldenDiagnostics loads every broken fixture and compares the text
// validate prints with its golden file. go test -update rewrites them.
func TestGoldenDiagnostics(t *testing.T) {
	for _, fx := range fixtures(t) {
		name := filepath.Base(fx)
		t.Run(name, func(t *testing.T) {
			_, ds := LoadPaths(fx)
			var b bytes.Buffer
			if err := ds.Write(&b); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			gp := goldenPath(fx)
			if *update {
				if err := os.WriteFile(gp, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(gp)
			if err != nil {
				t.Fatalf("no golden file (run go test -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics differ from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", gp, got, want)
			}
			if !ds.HasErrors() && !strings.HasPrefix(name, "DR5") {
				t.Errorf("got no errors for a broken fixture")
			}
			if code := fixtureCode.FindString(name); code != "" {
				found := false
				for _, d := range ds {
					found = found || d.Code == code
				}
				if !found {
					t.Errorf("got no %s diagnostic for a fixture named after it", code)
				}
			}
		})
	}
}

// TestEveryCodeHasAFixture checks that every code in Codes is produced by
// some fixture (or, for the codes that need a file too large or missing to
// commit, by TestHostileInputs).
func TestEveryCodeHasAFixture(t *testing.T) {
	seen := map[string]bool{CodeRead: true, CodeTooLarge: true} // TestHostileInputs
	// The intent lints need the recogniser: simulator's TestIntentLintFixtures.
	for _, c := range []string{CodeTooFewExamples, CodeConfusableExample, CodePatternOverlap} {
		seen[c] = true
	}
	for _, fx := range fixtures(t) {
		_, ds := LoadPaths(fx)
		for _, d := range ds {
			seen[d.Code] = true
		}
	}
	var missing []string
	for _, c := range Codes {
		if !seen[c.Code] {
			missing = append(missing, c.Code)
		}
	}
	if len(missing) > 0 {
		t.Errorf("codes no fixture produces: %v", missing)
	}
}

// TestCodesAreListed checks that every code the package emits is in Codes,
// with its severity, and is unique.
func TestCodesAreListed(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range Codes {
		if listed[c.Code] {
			t.Errorf("code %s listed twice", c.Code)
		}
		listed[c.Code] = true
	}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`"(DR\d{4})"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !listed[m[1]] {
				t.Errorf("%s uses code %s, which Codes does not list", f, m[1])
			}
		}
	}
}

// TestCodesAreDocumented checks that docs/diagnostics.md has a section for
// every code, and documents no code that does not exist.
func TestCodesAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/diagnostics.md")
	if err != nil {
		t.Fatal(err)
	}
	heads := regexp.MustCompile(`(?m)^### (DR\d{4})\b`).FindAllStringSubmatch(string(doc), -1)
	documented := map[string]bool{}
	for _, h := range heads {
		documented[h[1]] = true
	}
	var missing, extra []string
	listed := map[string]bool{}
	for _, c := range Codes {
		listed[c.Code] = true
		if !documented[c.Code] {
			missing = append(missing, c.Code)
		}
	}
	for c := range documented {
		if !listed[c] {
			extra = append(extra, c)
		}
	}
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("docs/diagnostics.md has no ### section for %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("docs/diagnostics.md documents codes that do not exist: %v", extra)
	}
}
