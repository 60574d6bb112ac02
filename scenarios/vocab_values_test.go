package scenarios

import (
	"maps"
	"reflect"
	"testing"

	"github.com/expr-lang/expr/types"
)

// TruthValues and PolicyValues are what the engine and the scorer give
// expressions as truth and policy: exactly the declared members, with
// their declared types, and the drill's and its policy's values.
func TestTruthAndPolicyValues(t *testing.T) {
	s := loadEditedOK(t)
	for _, tc := range []struct {
		name string
		got  map[string]any
		typ  types.Map
		want map[string]any
	}{
		{"truth", s.TruthValues(), truthType, map[string]any{
			"category": "gas-emergency", "priority": "P1", "impact": "high", "urgency": "high",
		}},
		{"policy", s.PolicyValues(), policyType, map[string]any{
			"first_response": 15.0, "max_silence": 60.0, "hold_update": 45.0, "waiting_update": 120.0,
			"team_update": 900.0, "promise_grace": 30.0, "pass_mark": 75.0, "wrap_up": 120.0,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
			for name, v := range tc.got {
				if want, ok := tc.typ[name]; !ok || !types.TypeOf(v).Equal(want) {
					t.Errorf("%s.%s: got %T, want %v (declared: %v)", tc.name, name, v, want, ok)
				}
			}
			for name := range maps.Keys(tc.typ) {
				if _, ok := tc.got[name]; !ok {
					t.Errorf("%s.%s is declared but has no value", tc.name, name)
				}
			}
		})
	}
}

// The rubric's pass mark replaces the policy's; without a resolved policy
// the cadence standards are 0 and only the drill's own values remain.
func TestPassMarkAndUnresolvedPolicy(t *testing.T) {
	s := loadEditedOK(t)
	if got := s.PassMark(); got != 75 {
		t.Errorf("pass mark %v, want the policy's 75", got)
	}
	own := *s
	own.Rubric.PassMark = 60
	if got, pol := own.PassMark(), own.PolicyValues()["pass_mark"]; got != 60 || pol != 60.0 {
		t.Errorf("with the rubric's 60: pass mark %v, policy.pass_mark %v; want 60", got, pol)
	}
	bare := *s
	bare.Resolved = nil
	want := map[string]any{
		"first_response": 0.0, "max_silence": 0.0, "hold_update": 0.0, "waiting_update": 0.0,
		"team_update": 0.0, "promise_grace": 0.0, "pass_mark": 0.0, "wrap_up": 0.0,
	}
	if got := bare.PolicyValues(); !reflect.DeepEqual(got, want) {
		t.Errorf("without a policy: got %v, want %v", got, want)
	}
}
