package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Timing is a span of virtual time that drives the simulation: when a beat
// fires, how long a service or team takes to answer, an ETA. It is written
// like any duration (90s, 2m) or as vary.NAME, naming a between variation,
// so that each session draws its own value from its seed ("the engineer
// acknowledges after a random 40 to 90 seconds").
//
// Only the engine's one-off delays are timings (see docs/scenario-language.md,
// Variation); deadlines the rubric scores against, cadences and the length of
// the call stay plain Durations.
type Timing struct {
	Fixed Duration // the duration written, when Vary is ""
	Vary  string   // the between variation it reads, or ""
}

// Fixed returns the timing of a duration written as is.
func Fixed(d Duration) Timing { return Timing{Fixed: d} }

var timingType = reflect.TypeOf(Timing{})

// timingTypeName is how diagnostics describe a timing to an author.
const timingTypeName = "a duration (like 90s, 2m or 1h30m) or vary.NAME"

// ParseTiming reads a timing as written in a scenario file: a duration, or
// vary.NAME. Whether NAME is a between variation is checked with the rest
// of the scenario (DR2012).
func ParseTiming(s string) (Timing, error) {
	s = strings.TrimSpace(s)
	if name, ok := strings.CutPrefix(s, "vary."); ok {
		if name == "" || strings.ContainsAny(name, " \t{}.") {
			return Timing{}, fmt.Errorf("invalid timing %q: write vary.NAME with the name of a between variation", s)
		}
		return Timing{Vary: name}, nil
	}
	if strings.Contains(s, "vary.") {
		// {{vary.x}} by analogy with texts, or vary.x with a unit after it.
		return Timing{}, fmt.Errorf("invalid timing %q: write vary.NAME alone, without braces or other text", s)
	}
	d, err := ParseDuration(s)
	if err != nil {
		return Timing{}, err
	}
	return Timing{Fixed: d}, nil
}

// IsZero reports whether t is a literal 0 (or was not written).
func (t Timing) IsZero() bool { return t == Timing{} }

// String formats t the way authors write it: 2m30s or vary.NAME.
func (t Timing) String() string {
	if t.Vary != "" {
		return "vary." + t.Vary
	}
	return t.Fixed.String()
}

// Resolve returns the duration t stands for in a session whose variation
// drew vary (the values expressions read as vary.NAME; a between variation
// gives seconds). The loader has checked that NAME is a between variation;
// a value that is missing all the same (a log of another version of the
// drill) counts as 0.
func (t Timing) Resolve(vary map[string]any) Duration {
	if t.Vary == "" {
		return t.Fixed
	}
	var sec float64
	switch x := vary[t.Vary].(type) {
	case float64:
		sec = x
	case int:
		sec = float64(x)
	case int64:
		sec = float64(x)
	}
	if sec <= 0 || math.IsNaN(sec) {
		return 0
	}
	return Duration(math.Round(sec * 1000))
}

// UnmarshalYAML reads a timing (for callers that decode with yaml.v3
// directly; the loader has its own decoder).
func (t *Timing) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a timing must be a duration or vary.NAME", n.Line)
	}
	v, err := ParseTiming(n.Value)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// decodeDuration is the loader's decoder for Duration and Timing values:
// a scalar that parse reads into v, a T.
func decodeDuration[T Duration | Timing](d *decoder, n *yaml.Node, v reflect.Value, pl int, parse func(string) (T, error)) {
	if !d.scalar(n, pl, v.Type()) {
		return
	}
	x, err := parse(n.Value)
	if err != nil {
		d.l.add(CodeDuration, nodePos(n), "%s: %v", where(d.path(pl)), err)
		return
	}
	*v.Addr().Interface().(*T) = x
}

// timingRef is a timing that reads a variation, and where it is written.
type timingRef struct {
	path string // key path, such as cast.services.gas.ack
	name string // the variation
}

// varyTimings lists the timings of s that read a variation, in file order
// (map entries by sorted key). A test keeps it in step with the Timing
// fields of the scenario types.
func varyTimings(s *Scenario) []timingRef {
	var out []timingRef
	add := func(t Timing, path func() string) {
		if t.Vary != "" {
			out = append(out, timingRef{path: path(), name: t.Vary})
		}
	}
	steps := func(owner string, list []Step) {
		for j, st := range list {
			if st.ETA != nil {
				add(st.ETA.ETA, func() string { return owner + ".do[" + strconv.Itoa(j) + "].eta.eta" })
			}
		}
	}
	asks := func(owner string, list []Ask) {
		for j, a := range list {
			add(a.After, func() string { return owner + ".asks[" + strconv.Itoa(j) + "].after" })
		}
	}
	for i, b := range s.Timeline {
		p := "timeline[" + strconv.Itoa(i) + "]"
		if b.At != nil {
			add(*b.At, func() string { return p + ".at" })
		}
		add(b.Delay, func() string { return p + ".delay" })
		steps(p, b.Do)
	}
	for i, r := range s.Reactions {
		steps("reactions["+strconv.Itoa(i)+"]", r.Do)
	}
	for _, id := range sortedKeys(s.Cast.Services) {
		svc, p := s.Cast.Services[id], "cast.services."+id
		add(svc.Ack, func() string { return p + ".ack" })
		add(svc.ETA, func() string { return p + ".eta" })
		for j, r := range svc.Revise {
			q := p + ".revise[" + strconv.Itoa(j) + "]"
			add(r.After, func() string { return q + ".after" })
			add(r.ETA, func() string { return q + ".eta" })
		}
		asks(p, svc.Asks)
		if svc.Consult != nil {
			add(svc.Consult.After, func() string { return p + ".consult.after" })
		}
	}
	for _, id := range sortedKeys(s.Cast.Teams) {
		team, p := s.Cast.Teams[id], "cast.teams."+id
		add(team.Ack, func() string { return p + ".ack" })
		asks(p, team.Asks)
		if team.Consult != nil {
			add(team.Consult.After, func() string { return p + ".consult.after" })
		}
	}
	return out
}

// checkTimings reports timings that read no between variation (DR2012).
func checkTimings(s *Scenario, d *decoder, l *diagList) {
	var betweens []string
	for _, name := range sortedKeys(s.Variation) {
		if s.Variation[name].Between != nil {
			betweens = append(betweens, name)
		}
	}
	for _, r := range varyTimings(s) {
		v, ok := s.Variation[r.name]
		switch {
		case !ok:
			hint := suggest(r.name, betweens)
			if hint == "" && len(betweens) > 0 {
				hint = " (the between variations are " + strings.Join(betweens, ", ") + ")"
			} else if hint == "" {
				hint = " (declare it under variation: with between: [min, max])"
			}
			l.add(CodeTimingVary, d.at(r.path), "%s: no variation %q%s", r.path, r.name, hint)
		case v.Between == nil:
			kind := "pick"
			if v.Range != nil {
				kind = "range"
			}
			l.add(CodeTimingVary, d.at(r.path), "%s: variation %q is a %s, not a between: a timing reads a between variation, which draws seconds", r.path, r.name, kind)
		}
	}
}
