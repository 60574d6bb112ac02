package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// Command is one client command: an action with the id the client chose.
type Command struct {
	ID     string           // client-chosen, unique within the session
	By     drillroom.Actor  // who acts; never the trainee for a trainer's command
	Action simulator.Action // By and Cmd are overwritten from the command
}

// Result codes.
const (
	CodeRefused = "refused" // the engine refused the action; a rejected event records it
	CodeEnded   = "ended"   // the call has ended and the action is not the review
	// CodeRateLimited: the session wrote Config.MaxEventsPerMinute events
	// in the last minute; retry the same id shortly.
	CodeRateLimited = "rate_limited"
	// CodeQuota: the session holds Config.MaxEvents events; nothing more
	// is accepted but the review. Do not retry.
	CodeQuota = "quota_exceeded"
)

// Result is the answer to a command. It is stored with the command id, and
// every retry of the id gets the same Result.
type Result struct {
	// FirstSeq..LastSeq are the events the command produced.
	FirstSeq int64 `json:"first_seq"`
	LastSeq  int64 `json:"last_seq"`
	// Code is empty when the command was applied, else why not.
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Seq is the rejected event that records a refusal (Code refused).
	Seq int64 `json:"seq,omitempty"`
}

// Applied reports whether the command was accepted.
func (r Result) Applied() bool { return r.Code == "" }

// Do applies a command to a live session at most once: a command id seen
// before (in this process or, after a restart, in the log) is not applied
// again and returns the stored Result. The Result is returned only after
// the command's events are durably written; they are then published to the
// session's subscribers.
func (r *Runner) Do(ctx context.Context, sessionID string, cmd Command) (Result, error) {
	if cmd.ID == "" {
		return Result{}, errors.New("runner: command without id")
	}
	for {
		s, err := r.host(ctx, sessionID)
		if err != nil {
			return Result{}, err
		}
		var res Result
		var derr error
		err = s.call(ctx, func() { res, derr = s.do(ctx, cmd) })
		if errors.Is(err, errGone) {
			continue
		}
		if err != nil {
			return Result{}, err
		}
		return res, derr
	}
}

// do runs on the session's worker.
func (s *session) do(ctx context.Context, cmd Command) (Result, error) {
	if cmd.ID == s.lastCmd {
		return decodeResult(s.lastResult)
	}
	// A session this host has written from its first event knows all its
	// ids; only one rebuilt from a log asks the store about every id (a
	// read on this worker for every command was an eighth of the server's
	// CPU under load, docs/performance.md), any other about an id it may
	// have seen.
	h := maphash.String(s.r.idSeed, cmd.ID)
	if _, seen := s.seen[h]; seen || !s.fresh {
		b, err := s.r.cfg.Store.CommandResult(ctx, s.id, cmd.ID)
		switch {
		case err == nil:
			s.seen[h] = struct{}{}
			return decodeResult(b)
		case !errors.Is(err, drillroom.ErrNotFound):
			return Result{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
	a := cmd.Action
	a.By, a.Cmd = cmd.By, cmd.ID
	if s.eng.Ended() && a.Kind != simulator.ActReview && a.Kind != simulator.ActWrapUp {
		// Not recorded: nothing happened in the session.
		return Result{Code: CodeEnded, Reason: "the call has ended; only the wrap-up and the post-incident review are accepted"}, nil
	}
	// The quotas: not recorded either, so that a rate-limited id can be
	// retried. The review and the wrap-up are exempt from the total, so a
	// call cut short by it can still be wrapped up and reviewed.
	if limit := s.r.cfg.MaxEvents; s.lastSeq >= int64(limit) && a.Kind != simulator.ActReview && a.Kind != simulator.ActWrapUp {
		return Result{Code: CodeQuota, Reason: fmt.Sprintf("this session has reached its limit of %d events", limit)}, nil
	}
	if limit := s.r.cfg.MaxEventsPerMinute; s.eventsInLastMinute(time.Now()) >= limit {
		return Result{Code: CodeRateLimited, Reason: fmt.Sprintf("more than %d events in the last minute; retry shortly with the same id", limit)}, nil
	}
	evs, err := s.eng.Apply(s.vnow(), a)
	if err != nil {
		s.rebuild()
		return Result{}, fmt.Errorf("apply %s: %w", a.Kind, err)
	}
	var res Result
	if len(evs) > 0 {
		res.FirstSeq, res.LastSeq = evs[0].Seq, evs[len(evs)-1].Seq
	}
	for _, e := range evs {
		if e.Type == simulator.EvRejected && e.Action != nil && e.Action.Cmd == cmd.ID {
			res.Code, res.Reason, res.Seq = CodeRefused, e.Reason, e.Seq
		}
	}
	body, err := json.Marshal(res)
	if err != nil {
		return Result{}, err
	}
	if err := s.commit(drillroom.Command{ID: cmd.ID, Result: body}, evs); err != nil {
		return Result{}, err
	}
	s.seen[h] = struct{}{}
	s.lastCmd, s.lastResult = cmd.ID, body
	return res, nil
}

func decodeResult(b []byte) (Result, error) {
	var res Result
	if err := json.Unmarshal(b, &res); err != nil {
		return Result{}, fmt.Errorf("stored command result: %w", err)
	}
	return res, nil
}

// eventsInLastMinute counts the events committed in the minute before now,
// forgetting older batches.
func (s *session) eventsInLastMinute(now time.Time) int {
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(s.recent) && s.recent[i].at.Before(cut) {
		i++
	}
	s.recent = s.recent[i:]
	n := 0
	for _, b := range s.recent {
		n += b.n
	}
	return n
}
