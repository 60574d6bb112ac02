package scenarios

import (
	"slices"
	"testing"
)

func TestValidID(t *testing.T) {
	for _, id := range []string{"", "a", "A9", "9", "gas", "extra_beat_1", "a.b-c_d", "_a", ".a", "-a", "a b", "a/b", "é", "aé", "a\n", "ok-", "x-rule.3"} {
		if got, want := validID(id), idRE.MatchString(id); got != want {
			t.Errorf("validID(%q): got %v, want %v (idRE)", id, got, want)
		}
	}
}

func TestCheckEnvMaps(t *testing.T) {
	env := map[string]any{
		"truth":  map[string]any{"category": "gas", "priority": 1, "urgency": "high", "extra": "x"},
		"policy": map[string]any{},
	}
	got := CheckEnvMaps(nil, EnvRule, env, "truth", "vars")
	want := []string{
		"truth.impact missing",
		"truth.priority: got int, want string",
		"truth.extra is not declared",
		"vars: not a declared map in both the environment and the vocabulary",
	}
	if !slices.Equal(got, want) {
		t.Errorf("CheckEnvMaps:\ngot  %q\nwant %q", got, want)
	}
}
