package scenarios

import (
	"embed"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// shipped holds the policies and the drill library that ship inside the
// binary.
//
//go:embed policies library
var shipped embed.FS

// Library returns the shipped files: policies/*.policy.yaml and the drill
// library under library/. Pass it to LoadFS to load them.
func Library() fs.FS { return shipped }

var (
	shippedOnce     sync.Once
	shippedPolicies []*Policy
	shippedDiags    Diagnostics
)

// ShippedPolicies returns the policies that ship with drillroom, loaded once.
// The returned policies are shared: do not modify them.
func ShippedPolicies() ([]*Policy, Diagnostics) {
	shippedOnce.Do(func() {
		l := NewLoader()
		files, err := fsFiles(shipped, "policies")
		if err != nil {
			shippedDiags = Diagnostics{ioDiagnostic("policies", err)}
			return
		}
		for _, f := range files {
			if !isPolicyFile(f) {
				continue
			}
			src, err := fs.ReadFile(shipped, f)
			if err != nil {
				shippedDiags = append(shippedDiags, ioDiagnostic(f, err))
				continue
			}
			p, ds := l.LoadPolicy(f, src)
			shippedDiags = append(shippedDiags, ds...)
			if p != nil {
				shippedPolicies = append(shippedPolicies, p)
			}
		}
	})
	return shippedPolicies, shippedDiags
}

// LoadFS loads every *.policy.yaml and *.drill.yaml file in fsys (skipping
// testdata directories), policies first. Scenarios may use the policies in
// fsys and the shipped ones; a policy in fsys replaces a shipped policy with
// the same id.
func LoadFS(fsys fs.FS) (*Set, Diagnostics) {
	files, err := fsFiles(fsys, ".")
	if err != nil {
		return &Set{}, Diagnostics{ioDiagnostic(".", err)}
	}
	var srcs []source
	for _, f := range files {
		s := source{name: f}
		if fi, err := fs.Stat(fsys, f); err == nil && fi.Size() > MaxFileSize {
			s.diag = &Diagnostic{File: f, Line: 1, Col: 1, Code: CodeTooLarge, Severity: Error,
				Message: "file is " + byteSize(int(fi.Size())) + "; the limit is 1 MiB"}
		} else if s.src, err = fs.ReadFile(fsys, f); err != nil {
			d := ioDiagnostic(f, err)
			s.diag = &d
		}
		srcs = append(srcs, s)
	}
	return loadSources(srcs)
}

// LoadFile loads one scenario file. Its policy may be a shipped one or be
// defined in a *.policy.yaml file in the scenario's directory, its parent
// directory, or a policies/ directory in either of them. Local policies
// replace shipped ones with the same id.
func LoadFile(file string) (*Scenario, Diagnostics) {
	drill := readSource(file, false)
	if drill.diag != nil {
		return nil, Diagnostics{*drill.diag}
	}
	dir := filepath.Dir(file)
	parent := filepath.Dir(dir)
	var srcs []source
	seen := map[string]bool{}
	for _, d := range []string{dir, filepath.Join(dir, "policies"), parent, filepath.Join(parent, "policies")} {
		matches, _ := filepath.Glob(filepath.Join(d, "*.policy.yaml"))
		sort.Strings(matches)
		for _, m := range matches {
			abs, err := filepath.Abs(m)
			if err != nil || seen[abs] {
				continue
			}
			seen[abs] = true
			srcs = append(srcs, readSource(m, true))
		}
	}
	srcs = append(srcs, drill)
	set, ds := loadSources(srcs)
	if len(set.Scenarios) == 1 && !ds.HasErrors() {
		return set.Scenarios[0], ds
	}
	return nil, ds
}

// fsFiles lists the drill and policy files under root in fsys, sorted,
// skipping testdata directories.
func fsFiles(fsys fs.FS, root string) ([]string, error) {
	var out []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		if isPolicyFile(p) || isDrillFile(p) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func isPolicyFile(p string) bool { return strings.HasSuffix(path.Base(p), ".policy.yaml") }
func isDrillFile(p string) bool  { return strings.HasSuffix(path.Base(p), ".drill.yaml") }
