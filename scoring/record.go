package scoring

import (
	"fmt"
	"strings"
)

// fieldCheck is one truth.record field and how the trainee recorded it.
type fieldCheck struct {
	Field    string
	Want     string // the true value, rendered
	Match    string // exact, contains or any
	Got      recorded
	Recorded bool
	Correct  bool
	Ev       []Evidence
}

// recordChecks evaluates, once, every truth.record field against the final
// incident log.
func (f *facts) recordChecks() []fieldCheck { return f.recs.get(f.evalRecordChecks) }

func (f *facts) evalRecordChecks() []fieldCheck {
	out := make([]fieldCheck, 0, len(f.sc.Truth.Record))
	for i, rf := range f.sc.Truth.Record {
		c := fieldCheck{Field: rf.Field, Match: rf.Match}
		if c.Match == "" {
			c.Match = "contains"
		}
		if rf.Value.IsSet() && c.Match != "any" {
			v, err := f.renderTruth(rf.Value)
			if err != nil {
				panic(fmt.Errorf("truth.record[%d] (%s).value: %w", i, rf.Field, err))
			}
			c.Want = v
		}
		c.Got, c.Recorded = f.fields[rf.Field]
		c.Recorded = c.Recorded && strings.TrimSpace(c.Got.Value) != ""
		c.Correct = c.Recorded && matches(c.Match, c.Got.Value, c.Want)
		for j, alt := range rf.Also {
			if c.Correct || !c.Recorded || c.Match == "any" {
				break
			}
			v, err := f.renderTruth(alt)
			if err != nil {
				panic(fmt.Errorf("truth.record[%d] (%s).also[%d]: %w", i, rf.Field, j, err))
			}
			if matches(c.Match, c.Got.Value, v) {
				c.Correct, c.Want = true, v
			}
		}
		c.Ev = c.evidence(f)
		out = append(out, c)
	}
	return out
}

// matches compares a recorded value with the truth, ignoring case and runs
// of white space: exact wants the same text, contains wants the truth
// inside what was recorded, any wants something recorded.
func matches(match, got, want string) bool {
	g, w := norm(got), norm(want)
	switch match {
	case "any":
		return g != ""
	case "exact":
		return g == w
	default:
		return g != "" && strings.Contains(g, w)
	}
}

func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func (c fieldCheck) evidence(f *facts) []Evidence {
	if !c.Recorded {
		return []Evidence{{T: f.end.T, Note: c.Field + " never recorded"}}
	}
	verdict := "correct"
	if !c.Correct {
		verdict = "wrong"
	}
	note := fmt.Sprintf("%s recorded as %q (%s", c.Field, c.Got.Value, verdict)
	if c.Match != "any" {
		note += fmt.Sprintf(", %s %q", c.Match, c.Want)
	}
	return []Evidence{c.Got.ev(note + ")")}
}

// recordedField is recorded and field: whether a field has a value, and it.
func (f *facts) recordedField(name string) (string, []Evidence) {
	r, ok := f.fields[name]
	if !ok {
		return "", nil
	}
	return r.Value, []Evidence{r.ev(fmt.Sprintf("%s recorded as %q", name, r.Value))}
}

// fieldCorrect is field_correct. A field the truth does not list is correct
// when it was recorded at all.
func (f *facts) fieldCorrect(name string) (bool, []Evidence) {
	for _, c := range f.recordChecks() {
		if c.Field == name {
			return c.Correct, c.Ev
		}
	}
	v, ev := f.recordedField(name)
	return strings.TrimSpace(v) != "", ev
}

// missingFields is missing_fields (and, empty, record_complete).
func (f *facts) missingFields() ([]string, []Evidence) {
	return once(f, "missing_fields", func() ([]string, []Evidence) {
		out := []string{}
		var ev []Evidence
		for _, c := range f.recordChecks() {
			ev = append(ev, c.Ev...)
			if !c.Recorded {
				out = append(out, c.Field)
			}
		}
		return out, ev
	})
}

// wrongFields is wrong_fields: fields recorded with a value that does not
// match the truth.
func (f *facts) wrongFields() ([]string, []Evidence) {
	return once(f, "wrong_fields", func() ([]string, []Evidence) {
		out := []string{}
		var ev []Evidence
		for _, c := range f.recordChecks() {
			if c.Recorded && !c.Correct {
				out = append(out, c.Field)
				ev = append(ev, c.Ev...)
			}
		}
		return out, ev
	})
}

// recordAccuracy is record_accuracy: the share of truth.record fields
// recorded correctly; 1 when the truth lists none.
func (f *facts) recordAccuracy() (float64, []Evidence) {
	return once(f, "record_accuracy", func() (float64, []Evidence) {
		cs := f.recordChecks()
		if len(cs) == 0 {
			return 1, nil
		}
		n := 0
		var ev []Evidence
		for _, c := range cs {
			if c.Correct {
				n++
			}
			ev = append(ev, c.Ev...)
		}
		return float64(n) / float64(len(cs)), ev
	})
}
