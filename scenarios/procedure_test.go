package scenarios

import (
	"strings"
	"testing"
)

// TestRuleProcedure: a rule's procedure tag is read as written, and one
// that is not lower-case words joined by hyphens is DR1028 at the tag.
func TestRuleProcedure(t *testing.T) {
	const rule = "        - id: updates-while-waiting\n          title: Updates at least every 2 minutes while waiting\n"
	t.Run("well formed", func(t *testing.T) {
		s, ds := loadEdited(t, rule, rule+"          procedure: keep-customer-informed-en-route\n")
		if ds.HasErrors() {
			t.Fatalf("got errors:\n%v", ds)
		}
		var got string
		for _, sec := range s.Rubric.Sections {
			for _, r := range sec.Rules {
				if r.ID == "updates-while-waiting" {
					got = r.Procedure
				}
			}
		}
		if got != "keep-customer-informed-en-route" {
			t.Errorf("procedure %q, want keep-customer-informed-en-route", got)
		}
	})
	for _, bad := range []string{`"Keep the customer informed"`, "keep_informed", "-informed", "informed-"} {
		t.Run(bad, func(t *testing.T) {
			_, ds := loadEdited(t, rule, rule+"          procedure: "+bad+"\n")
			var found bool
			for _, d := range ds.Errors() {
				if d.Code == CodeIDFormat && strings.Contains(d.Message, ".procedure") && d.Line == 204 && d.Col == 22 {
					found = true
				}
			}
			if !found {
				t.Errorf("got %v, want DR1028 for the procedure at line 204, column 22", ds)
			}
		})
	}
}
