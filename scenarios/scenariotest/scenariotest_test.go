package scenariotest

import (
	"strings"
	"testing"
)

func TestLoaders(t *testing.T) {
	for _, tc := range []struct {
		name string
		load func(testing.TB) string
		want string
	}{
		{"GasExample", func(t testing.TB) string { return GasExample(t).ID }, "gas-smell-basic"},
		{"Load relative to the package", func(t testing.TB) string {
			return Load(t, "../examples/billing-complaint-basic.drill.yaml").ID
		}, "billing-complaint-basic"},
		{"LoadPaths", func(t testing.TB) string {
			return LoadPaths(t, "../policies", "../examples/gas-smell-basic.drill.yaml").Resolved.ID
		}, "uk-contact-centre"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.load(t); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestGasExampleIsShared(t *testing.T) {
	if a, b := GasExample(t), GasExample(t); a != b {
		t.Error("got two loads of the gas example, want one shared")
	}
}

func TestLoadOneErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"missing file", []string{"../examples/nope.drill.yaml"}, "nope.drill.yaml"},
		{"two drills", []string{"../policies", "../examples"}, "got 2 drills, want 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadOne(tc.paths...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
