package scenarios

import "testing"

func TestValidID(t *testing.T) {
	for _, id := range []string{"", "a", "A9", "9", "gas", "extra_beat_1", "a.b-c_d", "_a", ".a", "-a", "a b", "a/b", "é", "aé", "a\n", "ok-", "x-rule.3"} {
		if got, want := validID(id), idRE.MatchString(id); got != want {
			t.Errorf("validID(%q): got %v, want %v (idRE)", id, got, want)
		}
	}
}
