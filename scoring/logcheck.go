package scoring

import (
	"errors"
	"fmt"

	"github.com/drillroom/drillroom/scenarios"
	"github.com/drillroom/drillroom/simulator"
)

// ErrBadLog is wrapped by every error about a log that cannot be scored.
var ErrBadLog = errors.New("bad event log")

// LogError names the first bad line of a log. Line is 1-based (the line of
// the JSON Lines file when the log was read from one); Seq is the sequence
// number found there, when there was an event.
type LogError struct {
	Line int
	Seq  int64
	Msg  string
}

func (e *LogError) Error() string {
	if e.Line == 0 {
		return "event log: " + e.Msg
	}
	return fmt.Sprintf("event log line %d (seq %d): %s", e.Line, e.Seq, e.Msg)
}

// Unwrap makes errors.Is(err, ErrBadLog) true.
func (e *LogError) Unwrap() error { return ErrBadLog }

// CheckLog reports the first reason log cannot be scored against sc: it
// must start with a start event of sc's id (and, unless anyVersion, sc's
// version and source hash when the log records one); sequence numbers must
// follow one another without gaps; virtual time must never go back.
func CheckLog(sc *scenarios.Scenario, log []simulator.Event, anyVersion bool) error {
	if len(log) == 0 {
		return &LogError{Msg: "empty log: want a start event first"}
	}
	st := log[0]
	bad := func(i int, format string, args ...any) error {
		return &LogError{Line: i + 1, Seq: log[i].Seq, Msg: fmt.Sprintf(format, args...)}
	}
	if st.Type != simulator.EvStart {
		return bad(0, "first event is %q, want start", st.Type)
	}
	if st.Scenario != sc.ID {
		return bad(0, "log is of scenario %q, not %q", st.Scenario, sc.ID)
	}
	if !anyVersion {
		if st.Version != sc.Version {
			return bad(0, "log was played against version %d of %s, the scenario file is version %d (re-score to apply another version's rubric)", st.Version, sc.ID, sc.Version)
		}
		if st.Hash != "" && sc.Hash != "" && st.Hash != sc.Hash {
			return bad(0, "log was played against a different file of %s version %d (hash %.12s, file %.12s)", sc.ID, sc.Version, st.Hash, sc.Hash)
		}
	}
	if st.T < 0 {
		return bad(0, "negative virtual time %d", st.T)
	}
	for i := 1; i < len(log); i++ {
		e, p := log[i], log[i-1]
		switch {
		case e.Seq != p.Seq+1:
			if e.Seq <= p.Seq {
				return bad(i, "sequence number %d after %d: out of order", e.Seq, p.Seq)
			}
			return bad(i, "sequence number %d after %d: events %d to %d are missing", e.Seq, p.Seq, p.Seq+1, e.Seq-1)
		case e.T < p.T:
			return bad(i, "virtual time goes back from %dms to %dms", p.T, e.T)
		case e.Type == simulator.EvStart:
			return bad(i, "a second start event")
		case e.Type == "":
			return bad(i, "event without a type")
		}
	}
	return nil
}
