package drillroom_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/drillroom/drillroom"

// layers says which packages of the module each package may import; the
// root package names the nouns and imports none. A package missing from
// the table fails the test, so a new one must take its place in the house.
// A test support package (scenarios/scenariotest) counts, in other
// packages' tests, as the package it supports.
var layers = map[string][]string{
	"":                                      {},
	"scenarios":                             {""},
	"scenarios/scenariotest":                {"", "scenarios"},
	"simulator":                             {"", "scenarios"},
	"scoring":                               {"", "scenarios", "simulator"},
	"transcript":                            {"", "scenarios", "simulator"},
	"drilltest":                             {"", "scenarios", "simulator", "scoring", "transcript"},
	"runner":                                {"", "scenarios", "simulator", "scoring"},
	"training":                              {"", "scenarios", "simulator", "scoring", "runner", "drilltest"},
	"store":                                 {"", "simulator", "store/password", "store/internal/records"},
	"store/internal/records":                {"", "simulator", "store/password"},
	"store/password":                        {""},
	"store/postgres":                        {"", "simulator", "store/password", "store/internal/records"},
	"store/postgres/postgrestest":           {},
	"store/storetest":                       {"", "simulator"},
	"store/storetest/internal/genrecording": {},
	"web":                                   {"", "scenarios", "simulator", "scoring", "runner", "training", "transcript", "xapi"},
	"xapi":                                  {"", "scoring"},
	"cmd/drillroom":                         {"*"},
}

// testExtras are what a package's tests may import beyond its layer:
// store's tests run the conformance suite and check the SQL backfill of
// rule outcomes against scoring's own mapping; xapi's deliver from a real
// store's outbox.
var testExtras = map[string][]string{
	"store":          {"store/storetest", "scoring"},
	"store/postgres": {"store/storetest"},
	"xapi":           {"store", "store/storetest"},
}

// outside says which package alone may import an outside library (by
// import path prefix): each technology is adapted in one place. A test
// support package counts as the package it supports (store/postgres/postgrestest,
// which creates the tests' databases, as store/postgres).
var outside = map[string]string{
	"database/sql":                 "store",
	"modernc.org/sqlite":           "store",
	"github.com/jackc/pgx":         "store/postgres",
	"golang.org/x/crypto":          "store/password",
	"github.com/go-chi/chi":        "web",
	"github.com/gorilla/websocket": "web",
	"github.com/expr-lang/expr":    "scenarios",
	"go.yaml.in/yaml":              "scenarios",
	"gopkg.in/yaml":                "scenarios",
	"github.com/chromedp":          "web",
}

type listed struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// TestLayout enforces the import rules of docs/architecture.md:
// the root imports nothing of the module, scenarios only the root, the
// engine no application package, SQL only in store, chi and gorilla only
// in web, and nothing imports cmd or web (cmd/drillroom, the one main,
// wires web in). Tests follow the same layering, except that they may
// open the real SQLite store, and cmd/drillroom's tests may use an outside
// library as a client of the real binary (the restart test's websocket).
func TestLayout(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	seen := 0
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		allowed, ok := layers[name]
		if !ok {
			t.Errorf("package %q has no place in the layout table of layout_test.go", p.ImportPath)
			continue
		}
		check := func(kind string, imports []string, outsideToo bool) {
			for _, imp := range imports {
				if imp == module || strings.HasPrefix(imp, module+"/") {
					dep := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
					if kind == "tests" {
						dep = testSupportOf(dep)
					}
					if dep == name {
						continue // an external test package of the same package
					}
					if dep == "web" || strings.HasPrefix(dep, "cmd/") {
						if name != "cmd/drillroom" || dep != "web" {
							t.Errorf("%s %s imports %s: nothing imports cmd or web", name, kind, imp)
						}
						continue
					}
					if kind == "tests" && slices.Contains(testExtras[name], dep) {
						continue
					}
					if kind == "tests" && dep == "store" {
						continue // tests run on the real SQLite store, never a mock of it
					}
					if !slices.Contains(allowed, "*") && !slices.Contains(allowed, dep) {
						t.Errorf("%s %s imports %s; it may import only %q", displayName(name), kind, imp, allowed)
					}
					continue
				}
				if !outsideToo {
					continue
				}
				for prefix, owner := range outside {
					if (imp == prefix || strings.HasPrefix(imp, prefix+"/") || strings.HasPrefix(imp, prefix)) && owner != testSupportOf(name) {
						t.Errorf("%s %s imports %s: only %s may", displayName(name), kind, imp, owner)
					}
				}
			}
		}
		check("", p.Imports, true)
		check("tests", p.TestImports, name != "cmd/drillroom")
		check("tests", p.XTestImports, name != "cmd/drillroom")
	}
	if seen < len(layers) {
		t.Errorf("go list found %d packages, the layout table names %d: remove the ones that are gone", seen, len(layers))
	}
}

// testSupportOf is the package that dep supports when dep is a test
// support package (scenarios/scenariotest supports scenarios): in tests it
// counts as that package, so a package whose tests may use scenarios may
// use scenariotest. Anything else is itself; non-test code may not import
// a test support package unless the table allows it.
func testSupportOf(dep string) string {
	parent, base := path.Dir(dep), path.Base(dep)
	if stem, ok := strings.CutSuffix(base, "test"); ok && stem != "" && parent != "." && strings.HasPrefix(path.Base(parent), stem) {
		return parent
	}
	return dep
}

func displayName(name string) string {
	if name == "" {
		return "the root package"
	}
	return name
}
