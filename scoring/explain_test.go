package scoring

import (
	"bytes"
	"strings"
	"testing"

	"github.com/drillroom/drillroom/scenarios/scenariotest"
)

func TestExplain(t *testing.T) {
	sc := scenariotest.GasExample(t)
	notDispatched := newLog(sc).say(5, "hello, leave the flat", "safety_advice").classify(30, "fire", "P2").end(200, "hangup", "hangup").ev
	cases := []struct {
		rule    string
		outcome string
		reads   []string // Call() = value, in order
		why     []string
	}{
		{"updates-while-waiting", NA, []string{`dispatched("gas") = false`}, []string{"is true, so the rule is not applicable"}},
		{"correct-category", Fail, []string{`category = fire`, `truth.category = gas-emergency`}, []string{"is false, so the rule fails", "critical (drill)"}},
		{"safety-advice-first-minute", Pass, []string{`said_at("safety_advice") = 5`}, []string{"is true, so the rule passes: 15 of 15 points"}},
		{"review-quality", Pending, nil, []string{"pending until a coach scores it"}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			x, err := Explain(sc, notDispatched, c.rule)
			if err != nil {
				t.Fatal(err)
			}
			if x.Rule.Outcome != c.outcome {
				t.Errorf("outcome %s, want %s", x.Rule.Outcome, c.outcome)
			}
			var got []string
			for _, r := range x.Reads {
				got = append(got, r.Call()+" = "+show(r.Value))
			}
			joined := strings.Join(got, "\n")
			for _, want := range c.reads {
				want = strings.Replace(want, "= fire", `= "fire"`, 1)
				want = strings.Replace(want, "= gas-emergency", `= "gas-emergency"`, 1)
				if !strings.Contains(joined, want) {
					t.Errorf("reads\n%s\nlack %s", joined, want)
				}
			}
			why := strings.Join(x.Why, "\n")
			for _, want := range c.why {
				if !strings.Contains(why, want) {
					t.Errorf("why %q lacks %q", why, want)
				}
			}
			var buf bytes.Buffer
			if err := WriteExplanation(&buf, x); err != nil || !strings.Contains(buf.String(), c.rule) {
				t.Errorf("WriteExplanation: %v\n%s", err, buf.String())
			}
		})
	}
	if _, err := Explain(sc, notDispatched, "nope"); err == nil {
		t.Error("Explain of an unknown rule gave no error")
	}
}

func TestValueNames(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`category == truth.category`, "category truth.category"},
		{`said("category") && csat >= 4`, "csat"},
		{`vars.evacuated && !on_hold`, "vars.evacuated on_hold"},
		{`longest_gap("waiting") <= policy.waiting_update`, "policy.waiting_update"},
		{"`t` + phase", "phase"},
	} {
		if got := strings.Join(valueNames(c.src), " "); got != c.want {
			t.Errorf("valueNames(%s) = %q, want %q", c.src, got, c.want)
		}
	}
}
