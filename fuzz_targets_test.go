package drillroom_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fuzzFunc finds a fuzz target's declaration in a test file.
var fuzzFunc = regexp.MustCompile(`(?m)^func (Fuzz\w*)\(\w+ \*testing\.F\)`)

// TestReadmeListsEveryFuzzTarget keeps the README's table of fuzz targets
// whole: each target of the module has its row, naming its package, and
// the table names no target that is gone.
func TestReadmeListsEveryFuzzTarget(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // target -> package, from the table
	for line := range strings.SplitSeq(string(readme), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`Fuzz") {
			continue
		}
		rows[strings.Trim(strings.TrimSpace(cells[1]), "`")] = strings.Trim(strings.TrimSpace(cells[2]), "`")
	}
	found := 0
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && p != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(p))
		for _, m := range fuzzFunc.FindAllStringSubmatch(string(src), -1) {
			found++
			name := m[1]
			got, ok := rows[name]
			switch {
			case !ok:
				t.Errorf("%s (%s) is not in the README's table of fuzz targets", name, p)
			case got != pkg:
				t.Errorf("README: %s is in package %s, not %s", name, pkg, got)
			}
			delete(rows, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range rows {
		t.Errorf("README lists fuzz target %s, which no test file declares", name)
	}
	if found == 0 {
		t.Fatal("no fuzz target found: the walk or the pattern is wrong")
	}
}
