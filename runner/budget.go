package runner

import (
	"math"
	"time"

	"github.com/drillroom/drillroom/simulator"
)

// An assessment's disconnect budget. The clock of an assessment stands
// still for the trainee's absence only until the budget (drill time, so
// a drill played at double speed spends it twice as fast) is spent; then
// it runs on while they are away. Every pause and resume for an absence
// is written at once and carries the total spent (Event.Away) and the
// budget, so the coach sees them and a restarted or adopting runner reads
// the budget back from the log. Once it is spent, each later absence is
// written too, as an away and a back (the clock running), never ignored.

// absent reports whether the trainee has no connection to the session.
func (s *session) absent() bool { return s.trainees == 0 }

// startCharge starts charging the trainee's absence to the budget.
func (s *session) startCharge() {
	s.awaySince = time.Now()
}

// charge adds the absence since startCharge to the budget spent.
func (s *session) charge() {
	if s.awaySince.IsZero() {
		return
	}
	used := float64(time.Since(s.awaySince)) / float64(time.Millisecond) * s.eng.Scale()
	s.spent = min(s.budget, s.spent+simulator.Millis(math.Floor(used+1e-6)))
	s.awaySince = time.Time{}
}

// budgetRunsOut is the real time at which the absence being charged
// spends the budget.
func (s *session) budgetRunsOut() time.Time {
	left := float64(max(s.budget-s.spent, 0)) / s.eng.Scale()
	return s.awaySince.Add(time.Duration(math.Ceil(left * float64(time.Millisecond))))
}

// budgetSpent runs when the budget ran out during an absence: the clock
// runs on without the trainee, and the log says when.
func (s *session) budgetSpent() {
	if s.awaySince.IsZero() {
		return
	}
	s.spent, s.awaySince = s.budget, time.Time{}
	if s.eng.Ended() || !s.eng.Paused() || (s.pausedBy != ReasonDisconnect && s.pausedBy != ReasonRestart) {
		return
	}
	if err := s.system(simulator.ActResumeClock, ReasonBudgetSpent); err != nil {
		s.r.log.Error("resume clock, disconnect budget spent", "session", s.id, "err", err)
		return
	}
	// Still away, now with the clock running: on the log, so that their
	// return is too.
	if err := s.system(simulator.ActAway, ReasonBudgetSpent); err != nil {
		s.r.log.Error("trainee away, disconnect budget spent", "session", s.id, "err", err)
	}
}

// assessmentGone pauses an assessment's clock for the trainee's absence,
// at once, while its budget lasts.
func (s *session) assessmentGone() {
	if s.spent >= s.budget {
		// Spent: the clock runs on, and the absence is on the log all
		// the same, for the coach.
		if err := s.system(simulator.ActAway, ReasonDisconnect); err != nil {
			s.r.log.Error("trainee away", "session", s.id, "err", err)
		}
		return
	}
	if err := s.system(simulator.ActPause, ReasonDisconnect); err != nil {
		s.r.log.Error("pause clock", "session", s.id, "err", err)
		return
	}
	s.startCharge()
}
