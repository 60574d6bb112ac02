package scoring

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// Explanation says why one rule came out as it did: its expressions, every
// value it read (function calls with their arguments and plain names) with
// the events behind them, and the reasoning in words.
type Explanation struct {
	Rule     RuleResult `json:"rule"`
	Check    string     `json:"check,omitempty"`
	NA       string     `json:"na,omitempty"`
	Guidance string     `json:"guidance,omitempty"`
	Reads    []Read     `json:"reads"`
	Why      []string   `json:"why"`
}

// Read is one value a rule read.
type Read struct {
	In       string     `json:"in"` // na or check
	Name     string     `json:"name"`
	Args     []any      `json:"args,omitempty"`
	Value    any        `json:"value"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Call formats the read as it appears in the expression: said_at("x").
func (r Read) Call() string {
	if r.Args == nil {
		return r.Name
	}
	parts := make([]string, len(r.Args))
	for i, a := range r.Args {
		if s, ok := a.(string); ok {
			parts[i] = fmt.Sprintf("%q", s)
		} else {
			parts[i] = scenarios.FormatValue(a)
		}
	}
	return r.Name + "(" + strings.Join(parts, ", ") + ")"
}

// Explain scores log with sc and explains rule ruleID. Like Rescore, it
// accepts a log of any version of the scenario.
func Explain(sc *scenarios.Scenario, log []simulator.Event, ruleID string) (*Explanation, error) {
	var rule *scenarios.Rule
	var section *scenarios.Section
	for i := range sc.Rubric.Sections {
		for j := range sc.Rubric.Sections[i].Rules {
			if sc.Rubric.Sections[i].Rules[j].ID == ruleID {
				section, rule = &sc.Rubric.Sections[i], &sc.Rubric.Sections[i].Rules[j]
			}
		}
	}
	if rule == nil {
		return nil, fmt.Errorf("explain: scenario %s has no rule %q", sc.ID, ruleID)
	}
	card, err := Rescore(sc, log)
	if err != nil {
		return nil, err
	}
	s, err := newSession(sc, log, true)
	if err != nil {
		return nil, err
	}
	s.rec.full = true
	x := &Explanation{Check: rule.Check.Src, NA: rule.NA.Src, Guidance: rule.Guidance, Reads: []Read{}}
	res, _ := card.Rule(ruleID)
	x.Rule = *res

	// Evaluate the parts separately so the reads say which part they fed.
	naVal, naErr := false, error(nil)
	if rule.NA.IsSet() {
		s.rec.reads, s.rec.on = s.rec.reads[:0], true
		naVal, naErr = rule.NA.Bool(s.env)
		s.rec.on = false
		x.Reads = append(x.Reads, s.reads("na", rule.NA.Src)...)
	}
	checkVal, checkErr := false, error(nil)
	checked := rule.Check.IsSet() && naErr == nil && !naVal && !rule.Manual
	if checked {
		s.rec.reads, s.rec.on = s.rec.reads[:0], true
		checkVal, checkErr = rule.Check.Bool(s.env)
		s.rec.on = false
		x.Reads = append(x.Reads, s.reads("check", rule.Check.Src)...)
	}

	why := []string{}
	if rule.NA.IsSet() {
		switch {
		case naErr != nil:
			why = append(why, fmt.Sprintf("na `%s` failed: %v", rule.NA.Src, naErr))
		case naVal:
			why = append(why, fmt.Sprintf("na `%s` is true, so the rule is not applicable and leaves the denominator", rule.NA.Src))
		default:
			why = append(why, fmt.Sprintf("na `%s` is false, so the rule applies", rule.NA.Src))
		}
	}
	switch {
	case rule.Manual && x.Rule.Outcome == Pending:
		why = append(why, "manual rule: pending until a coach scores it")
	case rule.Manual:
		why = append(why, fmt.Sprintf("manual rule scored by a coach: %s of %s points", num(x.Rule.Points), num(x.Rule.Max)))
	case checked && checkErr != nil:
		why = append(why, fmt.Sprintf("check `%s` failed at run time: %v; an error counts as not passed", rule.Check.Src, checkErr))
	case checked:
		verb := "fails"
		if checkVal {
			verb = "passes"
		}
		why = append(why, fmt.Sprintf("check `%s` is %v, so the rule %s: %s of %s points", rule.Check.Src, checkVal, verb, num(x.Rule.Points), num(x.Rule.Possible)))
	case !rule.Check.IsSet() && !rule.Manual:
		why = append(why, "the rule has no check")
	}
	if rule.Critical != "" && (x.Rule.Outcome == Fail || x.Rule.Outcome == Error) {
		if rule.Critical == "drill" {
			why = append(why, "critical (drill): its failure sets the total to 0 and fails the drill")
		} else {
			why = append(why, fmt.Sprintf("critical (section): its failure zeroes section %s", section.ID))
		}
	}
	if section.Bonus {
		why = append(why, "bonus section: its points add to the total but not to what is possible")
	}
	x.Why = why
	return x, nil
}

// reads turns the recorded calls and the plain names of src into reads.
func (s *session) reads(in, src string) []Read {
	var out []Read
	for _, r := range s.rec.reads {
		ev := r.Evidence
		if len(ev) == 0 {
			ev = nil
		}
		args := r.Args
		if args == nil {
			args = []any{} // a call without arguments, not a plain name
		}
		out = append(out, Read{In: in, Name: r.Name, Args: args, Value: r.Value, Evidence: ev})
	}
	for _, n := range valueNames(src) {
		head, member, _ := strings.Cut(n, ".")
		v := s.env[head]
		if member != "" {
			m, _ := v.(map[string]any)
			v = m[member]
		}
		out = append(out, Read{In: in, Name: n, Value: v, Evidence: s.f.valueEvidence(head)})
	}
	return out
}

// WriteExplanation writes an explanation for the terminal.
func WriteExplanation(w io.Writer, x *Explanation) error {
	b := bufio.NewWriter(w)
	r := x.Rule
	fmt.Fprintf(b, "%s: %s\n", r.ID, r.Title)
	fmt.Fprintf(b, "outcome %s, %s of %s points", strings.ToUpper(r.Outcome), num(r.Points), num(r.Possible))
	if r.Critical != "" {
		fmt.Fprintf(b, ", critical (%s)", r.Critical)
	}
	fmt.Fprintln(b)
	if x.NA != "" {
		fmt.Fprintf(b, "na:    %s\n", x.NA)
	}
	if x.Check != "" {
		fmt.Fprintf(b, "check: %s\n", x.Check)
	}
	if x.Guidance != "" {
		fmt.Fprintf(b, "guidance: %s\n", x.Guidance)
	}
	if len(x.Reads) > 0 {
		fmt.Fprintln(b, "\nread:")
		for _, rd := range x.Reads {
			fmt.Fprintf(b, "  [%s] %s = %s\n", rd.In, rd.Call(), show(rd.Value))
			for _, e := range rd.Evidence {
				fmt.Fprintf(b, "        %s %s\n", evidenceRef(e), e.Note)
			}
		}
	}
	fmt.Fprintln(b, "\nwhy:")
	for _, s := range x.Why {
		fmt.Fprintf(b, "  %s\n", s)
	}
	if r.Feedback != "" {
		fmt.Fprintf(b, "\nfeedback: %s\n", r.Feedback)
	}
	if r.Error != "" {
		fmt.Fprintf(b, "error: %s\n", r.Error)
	}
	return b.Flush()
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	}
	return scenarios.FormatValue(v)
}
