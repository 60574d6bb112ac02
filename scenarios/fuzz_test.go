package scenarios

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes through the whole load path, as a policy
// and as a scenario, without the loader's panic guard: any panic is a bug.
// Seeds: testdata/fuzz/FuzzLoad, the broken fixtures and the examples.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/diagnostics/*.yaml", "examples/*.yaml", "policies/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	known := map[string]bool{}
	for _, c := range Codes {
		known[c.Code] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := NewLoader()
		l.AddShipped()
		p, pds := l.loadPolicy("fuzz.policy.yaml", data)
		s, sds := l.loadScenario("fuzz.drill.yaml", data)
		for _, ds := range []Diagnostics{pds, sds} {
			for _, d := range ds {
				if !known[d.Code] {
					t.Errorf("unknown code in %v", d)
				}
				if d.Line < 0 || d.Col < 0 || (d.Line > 0 && d.Col < 1) {
					t.Errorf("bad position in %v", d)
				}
			}
		}
		if (p == nil) != pds.HasErrors() {
			t.Errorf("policy: got %v with errors=%v", p != nil, pds.HasErrors())
		}
		if (s == nil) != sds.HasErrors() {
			t.Errorf("scenario: got %v with errors=%v", s != nil, sds.HasErrors())
		}
	})
}
