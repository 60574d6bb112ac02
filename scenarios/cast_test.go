package scenarios

import "testing"

// Cast.Consult finds a service's or a team's consult settings by id.
func TestCastConsult(t *testing.T) {
	desk, duty := &Consult{}, &Consult{}
	c := Cast{
		Services: map[string]Service{"gas": {Consult: desk}, "fire": {}},
		Teams:    map[string]Team{"duty": {Consult: duty}, "network": {}},
	}
	for _, tc := range []struct {
		id   string
		want *Consult
	}{
		{"gas", desk},
		{"duty", duty},
		{"fire", nil},
		{"network", nil},
		{"customer", nil},
		{"nobody", nil},
	} {
		if got := c.Consult(tc.id); got != tc.want {
			t.Errorf("Consult(%q) = %p, want %p", tc.id, got, tc.want)
		}
	}
}
