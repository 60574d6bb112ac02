// Package scenariotest loads the drills that the module's tests share, from
// the tests of any package. It imports only scenarios, so every package may
// use it, the engine included.
package scenariotest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/drillroom/drillroom/scenarios"
)

// Load loads the drill file with the policies of scenarios/policies and
// fails t unless it loads without errors. file is relative to the test's
// package directory, as paths in tests are.
func Load(t testing.TB, file string) *scenarios.Scenario {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return LoadPaths(t, filepath.Join(root, "scenarios", "policies"), file)
}

// LoadPaths loads the policy and drill files and directories in paths, as
// scenarios.LoadPaths does, and fails t unless they load without errors
// and hold exactly one drill, which it returns.
func LoadPaths(t testing.TB, paths ...string) *scenarios.Scenario {
	t.Helper()
	sc, err := loadOne(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// GasExample returns the reference drill, scenarios/examples/
// gas-smell-basic.drill.yaml, with the policies of scenarios/policies (its
// time limit is 20 minutes and its clock runs at scale 1). It is loaded
// once per test binary and shared: copy it before changing it.
func GasExample(t testing.TB) *scenarios.Scenario {
	t.Helper()
	sc, err := gasExample()
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// Library loads the shipped library (scenarios.Library) afresh, as
// scenarios.LoadFS does, and fails t unless it loads without errors.
func Library(t testing.TB) *scenarios.Set {
	t.Helper()
	set, ds := scenarios.LoadFS(scenarios.Library())
	if err := ds.Err(); err != nil {
		t.Fatalf("library: %v", err)
	}
	return set
}

var gasExample = sync.OnceValues(func() (*scenarios.Scenario, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "scenarios")
	return loadOne(filepath.Join(dir, "policies"), filepath.Join(dir, "examples", "gas-smell-basic.drill.yaml"))
})

func loadOne(paths ...string) (*scenarios.Scenario, error) {
	set, ds := scenarios.LoadPaths(paths...)
	if err := ds.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", strings.Join(paths, ", "), err)
	}
	if len(set.Scenarios) != 1 {
		return nil, fmt.Errorf("load %s: got %d drills, want 1", strings.Join(paths, ", "), len(set.Scenarios))
	}
	return set.Scenarios[0], nil
}

// moduleRoot is the nearest directory above the test's working directory
// (its package directory) that holds go.mod. It is found by walking up
// rather than from this file's compiled-in path, which -trimpath removes.
var moduleRoot = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("scenariotest: no go.mod above the working directory")
		}
		dir = parent
	}
})
