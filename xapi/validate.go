package xapi

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Validate checks a statement against the rules of xAPI 1.0.3 that apply
// to what drillroom writes: the required properties (actor with exactly
// one identifier, verb, object; a voiding statement's object a
// StatementRef with the voided statement's UUID), UUIDs, IRIs (absolute, with a scheme),
// language maps, ISO 8601 durations and timestamps, a score's scaled value
// within [-1, 1] and its raw value between min and max, the extensions'
// keys as IRIs, and the version. It returns every problem found, joined.
func Validate(s Statement) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if !isUUID(s.ID) {
		bad("id %q: want a UUID", s.ID)
	}
	validateAgent("actor", s.Actor, bad)
	if s.Verb.ID == "" {
		bad("verb.id: required")
	} else if !IsIRI(s.Verb.ID) {
		bad("verb.id %q: want an IRI", s.Verb.ID)
	}
	validateLangMap("verb.display", s.Verb.Display, bad)
	switch {
	case s.Object.ObjectType == "StatementRef":
		if !isUUID(s.Object.ID) {
			bad("object.id %q: a StatementRef names a statement by its UUID", s.Object.ID)
		}
		if s.Object.Definition != nil {
			bad("object.definition: a StatementRef has none")
		}
	case s.Verb.ID == VerbVoided:
		bad("object: a voiding statement's object must be a StatementRef, got objectType %q", s.Object.ObjectType)
	default:
		validateActivity("object", s.Object, bad)
	}
	if r := s.Result; r != nil {
		if sc := r.Score; sc != nil {
			if sc.Scaled != nil && (*sc.Scaled < -1 || *sc.Scaled > 1) {
				bad("result.score.scaled %g: want -1 to 1", *sc.Scaled)
			}
			if sc.Min != nil && sc.Max != nil && *sc.Min > *sc.Max {
				bad("result.score.min %g above max %g", *sc.Min, *sc.Max)
			}
			if sc.Raw != nil {
				if sc.Min != nil && *sc.Raw < *sc.Min {
					bad("result.score.raw %g below min %g", *sc.Raw, *sc.Min)
				}
				if sc.Max != nil && *sc.Raw > *sc.Max {
					bad("result.score.raw %g above max %g", *sc.Raw, *sc.Max)
				}
			}
		}
		if r.Duration != "" && !IsDuration(r.Duration) {
			bad("result.duration %q: want an ISO 8601 duration such as PT4M10S", r.Duration)
		}
		validateExtensions("result.extensions", r.Extensions, bad)
	}
	if c := s.Context; c != nil {
		if c.Registration != "" && !isUUID(c.Registration) {
			bad("context.registration %q: want a UUID", c.Registration)
		}
		if ca := c.ContextActivities; ca != nil {
			for i, a := range ca.Parent {
				validateActivity(fmt.Sprintf("context.contextActivities.parent[%d]", i), a, bad)
			}
			for i, a := range ca.Category {
				validateActivity(fmt.Sprintf("context.contextActivities.category[%d]", i), a, bad)
			}
		}
		validateExtensions("context.extensions", c.Extensions, bad)
	}
	if s.Timestamp != "" {
		if _, err := time.Parse(time.RFC3339Nano, s.Timestamp); err != nil {
			bad("timestamp %q: want an ISO 8601 date and time with a zone", s.Timestamp)
		}
	}
	if s.Version != "" && !strings.HasPrefix(s.Version, "1.0.") {
		bad("version %q: want 1.0.x", s.Version)
	}
	return errors.Join(errs...)
}

func validateAgent(where string, a Agent, bad func(string, ...any)) {
	if a.ObjectType != "" && a.ObjectType != "Agent" {
		bad("%s.objectType %q: want Agent", where, a.ObjectType)
	}
	ifis := 0
	if a.Mbox != "" {
		ifis++
		if !strings.HasPrefix(a.Mbox, "mailto:") {
			bad("%s.mbox %q: want a mailto: IRI", where, a.Mbox)
		}
	}
	if a.Account != nil {
		ifis++
		if !IsIRI(a.Account.HomePage) {
			bad("%s.account.homePage %q: want an IRL", where, a.Account.HomePage)
		}
		if a.Account.Name == "" {
			bad("%s.account.name: required", where)
		}
	}
	if ifis != 1 {
		bad("%s: want exactly one inverse functional identifier (mbox, account, ...), got %d", where, ifis)
	}
}

func validateActivity(where string, a Activity, bad func(string, ...any)) {
	if a.ObjectType != "" && a.ObjectType != "Activity" {
		bad("%s.objectType %q: want Activity", where, a.ObjectType)
	}
	if a.ID == "" {
		bad("%s.id: required", where)
	} else if !IsIRI(a.ID) {
		bad("%s.id %q: want an IRI", where, a.ID)
	}
	if d := a.Definition; d != nil {
		validateLangMap(where+".definition.name", d.Name, bad)
		validateLangMap(where+".definition.description", d.Description, bad)
		if d.Type != "" && !IsIRI(d.Type) {
			bad("%s.definition.type %q: want an IRI", where, d.Type)
		}
	}
}

var langTagRE = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

func validateLangMap(where string, m map[string]string, bad func(string, ...any)) {
	for k := range m {
		if !langTagRE.MatchString(k) {
			bad("%s: key %q is not a language tag", where, k)
		}
	}
}

func validateExtensions(where string, m map[string]any, bad func(string, ...any)) {
	for k := range m {
		if !IsIRI(k) {
			bad("%s: key %q is not an IRI", where, k)
		}
	}
}

// IsIRI reports whether s is an absolute IRI: a scheme, and for http(s)
// a host, with no spaces.
func IsIRI(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\n<>\"{}|\\^`") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		return u.Host != ""
	}
	return u.Opaque != "" || u.Host != "" || u.Path != ""
}

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	durationRE = regexp.MustCompile(`^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$|^P\d+W$`)
)

func isUUID(s string) bool { return uuidRE.MatchString(strings.ToLower(s)) }

// IsDuration reports whether s is an ISO 8601 duration (PnYnMnDTnHnMnS or
// PnW) with at least one part, and a T only before a time part.
func IsDuration(s string) bool {
	if !durationRE.MatchString(s) || s == "P" || strings.HasSuffix(s, "T") {
		return false
	}
	return true
}
