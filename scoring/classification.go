package scoring

import (
	"fmt"
)

// classAt is the classification in force at virtual time ms (the last
// classify at or before it), and whether there was one.
func (f *facts) classAt(ms int64) (classification, bool) {
	var c classification
	ok := false
	for _, x := range f.classes {
		if x.T > ms {
			break
		}
		c, ok = x, true
	}
	return c, ok
}

// final is the classification at the end of the log.
func (f *facts) final() (classification, bool) {
	if len(f.classes) == 0 {
		return classification{}, false
	}
	return f.classes[len(f.classes)-1], true
}

// categoryAt is category_at and priority_at (pri true).
func (f *facts) categoryAt(sec float64, pri bool) (string, []Evidence) {
	c, ok := f.classAt(f.abs(sec))
	if !ok {
		return "", nil
	}
	v := c.Category
	if pri {
		v = c.Priority
	}
	return v, []Evidence{c.ev(fmt.Sprintf("classified %s/%s at %s", c.Category, c.Priority, clockOf(secs(c.T))))}
}

func (f *facts) classifiedAt() (float64, []Evidence) {
	return once(f, "classified_at", func() (float64, []Evidence) {
		if len(f.classes) == 0 {
			return -1, nil
		}
		c := f.classes[0]
		return f.rel(c.T), []Evidence{c.ev("first classified as " + c.Category + "/" + c.Priority)}
	})
}

// correctAt is when the category (or the priority, pri) became what the
// truth says and stayed so to the end; -1 when the final one is wrong.
func (f *facts) correctAt(pri bool) (float64, []Evidence) {
	name := "category_correct_at"
	if pri {
		name = "priority_correct_at"
	}
	return once(f, name, func() (float64, []Evidence) { return f.computeCorrectAt(pri) })
}

func (f *facts) computeCorrectAt(pri bool) (float64, []Evidence) {
	want := f.sc.Truth.Category
	what := "category"
	get := func(c classification) string { return c.Category }
	if pri {
		want, what = f.sc.Truth.Priority, "priority"
		get = func(c classification) string { return c.Priority }
	}
	n := len(f.classes)
	if n == 0 {
		return -1, nil
	}
	if got := get(f.classes[n-1]); got != want || want == "" {
		c := f.classes[n-1]
		return -1, []Evidence{c.ev(fmt.Sprintf("final %s %q, want %q", what, got, want))}
	}
	i := n - 1
	for i > 0 && get(f.classes[i-1]) == want {
		i--
	}
	c := f.classes[i]
	return f.rel(c.T), []Evidence{c.ev(fmt.Sprintf("%s correct (%s) from %s", what, want, clockOf(f.rel(c.T))))}
}

// reclassifiedAfter reports whether a classify action after the first
// firing of beat or reaction id changed the classification.
func (f *facts) reclassifiedAfter(id string) (bool, []Evidence) {
	fr, ok := f.fired[id]
	if !ok {
		return false, nil
	}
	ev := []Evidence{fr.ev(id + " fired")}
	var before classification
	for _, c := range f.classes {
		if c.Seq < fr.Seq {
			before = c
			continue
		}
		if c.Category != before.Category || c.Priority != before.Priority {
			return true, append(ev, c.ev(fmt.Sprintf("reclassified %s/%s -> %s/%s", or(before.Category, "none"), or(before.Priority, "none"), c.Category, c.Priority)))
		}
	}
	return false, ev
}

// rel converts a virtual time in ms to seconds since the start of the call.
func (f *facts) rel(ms int64) float64 { return secs(ms - f.start.T) }

// abs converts seconds since the start of the call to virtual ms.
func (f *facts) abs(sec float64) int64 { return f.start.T + int64(sec*1000) }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
