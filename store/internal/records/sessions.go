package records

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/simulator"
)

// Session returns a session, or drillroom.ErrNotFound.
func (s Common) Session(ctx context.Context, id string) (drillroom.Session, error) {
	return One(ctx, s.DB, fmt.Sprintf("session %s", id), ScanSession, "SELECT "+SessionColumns+" FROM sessions WHERE id = ?", id)
}

// SessionsForUser returns a user's sessions, newest first.
func (s Common) SessionsForUser(ctx context.Context, userID int64) ([]drillroom.Session, error) {
	return All(ctx, s.DB, fmt.Sprintf("sessions of user %d", userID), ScanSession,
		"SELECT "+SessionColumns+" FROM sessions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC", userID)
}

// LiveSessions returns every session not yet ended, oldest first: after a
// restart the runner resumes each from its event log.
func (s Common) LiveSessions(ctx context.Context) ([]drillroom.Session, error) {
	return All(ctx, s.DB, "live sessions", ScanSession,
		"SELECT "+SessionColumns+" FROM sessions WHERE state = 'live' ORDER BY created_at, rowid")
}

// ScenarioVersion returns one version of a scenario, or drillroom.ErrNotFound.
func (s Common) ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error) {
	return One(ctx, s.DB, fmt.Sprintf("scenario %s v%d", id, version), ScanScenario, "SELECT "+ScenarioRead+" FROM scenario_versions WHERE scenario_id = ? AND version = ?", id, version)
}

// LatestScenarioVersion returns the highest version of a scenario that is
// not retired, or drillroom.ErrNotFound.
func (s Common) LatestScenarioVersion(ctx context.Context, id string) (drillroom.ScenarioVersion, error) {
	return One(ctx, s.DB, fmt.Sprintf("scenario %s", id), ScanScenario, "SELECT "+ScenarioRead+" FROM scenario_versions WHERE scenario_id = ? AND retired_at IS NULL ORDER BY version DESC LIMIT 1", id)
}

// ScenarioVersions returns every version of a scenario, retired ones
// included, highest first; none is an empty list.
func (s Common) ScenarioVersions(ctx context.Context, id string) ([]drillroom.ScenarioVersion, error) {
	return All(ctx, s.DB, "versions of scenario "+id, ScanScenario,
		"SELECT "+ScenarioRead+" FROM scenario_versions WHERE scenario_id = ? ORDER BY version DESC", id)
}

// Review returns a session's review, or drillroom.ErrNotFound.
func (s Common) Review(ctx context.Context, sessionID string) (drillroom.Review, error) {
	r := drillroom.Review{SessionID: sessionID}
	var created, updated int64
	err := s.DB.QueryRow(ctx, "SELECT text, created_at, updated_at FROM reviews WHERE session_id = ?", sessionID).Scan(&r.Text, &created, &updated)
	if err != nil {
		return drillroom.Review{}, NotFound(err, fmt.Sprintf("review of session %s", sessionID))
	}
	r.CreatedAt, r.UpdatedAt = FromMillis(created), FromMillis(updated)
	return r, nil
}

// Scorecard returns the newest scorecard JSON of a session, or drillroom.ErrNotFound.
func (s Common) Scorecard(ctx context.Context, sessionID string) ([]byte, error) {
	var b []byte
	err := s.DB.QueryRow(ctx, "SELECT body FROM scorecards WHERE session_id = ? ORDER BY id DESC LIMIT 1", sessionID).Scan(&b)
	if err != nil {
		return nil, NotFound(err, fmt.Sprintf("scorecard of session %s", sessionID))
	}
	return b, nil
}

// CommandResult returns the stored answer to a command, or drillroom.ErrNotFound if
// the command id was never committed for that session.
func (s Common) CommandResult(ctx context.Context, sessionID, cmdID string) ([]byte, error) {
	var b []byte
	err := s.DB.QueryRow(ctx, "SELECT result FROM commands WHERE session_id = ? AND cmd_id = ?", sessionID, cmdID).Scan(&b)
	if err != nil {
		return nil, NotFound(err, fmt.Sprintf("command %q of session %s", cmdID, sessionID))
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// CreateSession stores a new live session and returns it with its ID, Hash,
// State, times and LastSeq filled in. The user and the scenario version must
// be stored (drillroom.ErrNotFound); a Hash that is not the version's is
// drillroom.ErrConflict. Mode defaults to practice and Scale to 1.
func (s Common) CreateSession(ctx context.Context, x drillroom.Session) (drillroom.Session, error) {
	if x.Mode == "" {
		x.Mode = drillroom.ModePractice
	}
	if !x.Mode.Valid() {
		return drillroom.Session{}, fmt.Errorf("create session: %w: mode %q", drillroom.ErrInvalid, x.Mode)
	}
	if x.Scale == 0 {
		x.Scale = 1
	}
	if x.Scale < 0 {
		return drillroom.Session{}, fmt.Errorf("create session: %w: scale %v", drillroom.ErrInvalid, x.Scale)
	}
	x.ID = RandomID(16)
	x.State, x.Ending, x.LastSeq = drillroom.StateLive, "", 0
	now := FromMillis(Millis(s.Now()))
	x.CreatedAt, x.UpdatedAt = now, now
	want := x.Hash
	err := s.write(ctx, func(tx Tx) error {
		var hash string
		err := tx.QueryRow("SELECT hash FROM scenario_versions WHERE scenario_id = ? AND version = ?", x.ScenarioID, x.Version).Scan(&hash)
		if errors.Is(err, ErrNoRows) {
			return fmt.Errorf("scenario %s v%d: %w", x.ScenarioID, x.Version, drillroom.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if want != "" && want != hash {
			return fmt.Errorf("%w: scenario %s v%d has hash %s, not %s", drillroom.ErrConflict, x.ScenarioID, x.Version, hash, want)
		}
		x.Hash = hash
		_, err = tx.Exec("INSERT INTO sessions ("+SessionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			x.ID, x.UserID, x.ScenarioID, x.Version, x.Hash, x.Seed, string(x.Mode), x.Scale, string(x.State), x.Ending,
			Millis(x.CreatedAt), Millis(x.UpdatedAt), x.LastSeq)
		if errors.Is(err, ErrForeignKey) {
			return fmt.Errorf("user %d: %w", x.UserID, drillroom.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return drillroom.Session{}, fmt.Errorf("create session of %s v%d for user %d: %w", x.ScenarioID, x.Version, x.UserID, err)
	}
	return x, nil
}

// EndSession marks a session ended with its ending id. Ending an ended
// session again with the same ending is a no-op; with another ending it is
// drillroom.ErrConflict.
func (s Common) EndSession(ctx context.Context, id string, ending string) error {
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		var state, was string
		err := tx.QueryRow(tx.Locked("SELECT state, ending FROM sessions WHERE id = ?", ForNoKeyUpdate), id).Scan(&state, &was)
		if errors.Is(err, ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if drillroom.SessionState(state) == drillroom.StateEnded {
			if was == ending {
				return nil
			}
			return fmt.Errorf("%w: already ended with %q", drillroom.ErrConflict, was)
		}
		_, err = tx.Exec("UPDATE sessions SET state = 'ended', ending = ?, updated_at = ? WHERE id = ?", ending, now, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("end session %s: %w", id, err)
	}
	return nil
}

// RetireScenarioVersion retires one version: it can no longer be started,
// and the Latest methods skip it. Retiring it again keeps the first time.
// A missing version is drillroom.ErrNotFound.
func (s Common) RetireScenarioVersion(ctx context.Context, id string, version int) error {
	return s.change(ctx, fmt.Sprintf("retire scenario %s v%d", id, version),
		"UPDATE scenario_versions SET retired_at = COALESCE(retired_at, ?) WHERE scenario_id = ? AND version = ?", Millis(s.Now()), id, version)
}

// PutReview stores (or replaces) the trainee's post-incident review text.
func (s Common) PutReview(ctx context.Context, sessionID, text string) error {
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		_, err := tx.Exec(`INSERT INTO reviews (session_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (session_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
			sessionID, text, now, now)
		if errors.Is(err, ErrForeignKey) {
			return drillroom.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("put review of session %s: %w", sessionID, err)
	}
	return nil
}

// PutScenarioVersion stores a scenario version and returns it as stored.
// It is idempotent: putting the same (ScenarioID, Hash) again returns the
// stored version unchanged (whatever Version the caller passed). The same
// ScenarioID and Version with a different Hash is drillroom.ErrConflict: a
// published version never changes.
func (s Common) PutScenarioVersion(ctx context.Context, v drillroom.ScenarioVersion) (drillroom.ScenarioVersion, error) {
	if v.ScenarioID == "" || v.Version <= 0 || v.Hash == "" || len(v.Source) == 0 {
		return drillroom.ScenarioVersion{}, fmt.Errorf("put scenario %q v%d: %w: id, version > 0, hash and source are required", v.ScenarioID, v.Version, drillroom.ErrInvalid)
	}
	tags := v.Tags
	if tags == nil {
		tags = []string{}
	}
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		return drillroom.ScenarioVersion{}, fmt.Errorf("put scenario %s v%d: %w", v.ScenarioID, v.Version, err)
	}
	policy := v.PolicySource
	if policy == nil {
		policy = []byte{}
	}
	now := s.Now()
	var stored drillroom.ScenarioVersion
	err = s.write(ctx, func(tx Tx) error {
		// Two nodes publishing the library at start-up race here: the
		// insert does nothing if either key is taken, and the reads after it
		// see whoever won.
		n, err := tx.Exec("INSERT INTO scenario_versions ("+ScenarioColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			v.ScenarioID, v.Version, v.Hash, v.Title, v.Summary, v.Briefing, v.Difficulty, v.DurationMs, string(tagsJSON),
			v.Source, policy, Millis(now))
		if err != nil {
			return err
		}
		if n == 1 {
			stored = v
			stored.Tags = tags
			stored.Source = bytes.Clone(v.Source)
			stored.PolicySource = bytes.Clone(policy)
			stored.CreatedAt = FromMillis(Millis(now))
			return nil
		}
		got, err := ScanScenario(tx.QueryRow("SELECT "+ScenarioRead+" FROM scenario_versions WHERE scenario_id = ? AND hash = ?", v.ScenarioID, v.Hash))
		if err == nil {
			stored = got
			return nil
		}
		if !errors.Is(err, ErrNoRows) {
			return err
		}
		var otherHash string
		err = tx.QueryRow("SELECT hash FROM scenario_versions WHERE scenario_id = ? AND version = ?", v.ScenarioID, v.Version).Scan(&otherHash)
		if err != nil {
			return err
		}
		return fmt.Errorf("%w: version %d is already published with hash %s", drillroom.ErrConflict, v.Version, otherHash)
	})
	if err != nil {
		return drillroom.ScenarioVersion{}, fmt.Errorf("put scenario %s v%d: %w", v.ScenarioID, v.Version, err)
	}
	return stored, nil
}

// LatestScenarios returns the highest version that is not retired of
// every scenario, ordered by id. A scenario whose versions are all retired
// is not listed, nor are the versions of draft plays (drillroom.IsDraftPlay).
func (s Common) LatestScenarios(ctx context.Context) ([]drillroom.ScenarioVersion, error) {
	return All(ctx, s.DB, "latest scenarios", ScanScenario, "SELECT "+ScenarioRead+` FROM scenario_versions v
		WHERE version = (SELECT MAX(version) FROM scenario_versions w WHERE w.scenario_id = v.scenario_id AND w.retired_at IS NULL)
		AND scenario_id NOT LIKE ?
		ORDER BY scenario_id`, drillroom.DraftPlayPattern)
}

// Events returns a session's events with Seq > afterSeq, in Seq order.
// An unknown session is drillroom.ErrNotFound; a known one with nothing
// after afterSeq gives an empty slice.
func (s Common) Events(ctx context.Context, sessionID string, afterSeq int64) ([]simulator.Event, error) {
	what := "events of session " + sessionID
	var body []byte
	events, err := All(ctx, s.DB, what, func(row Scanner) (simulator.Event, error) {
		var e simulator.Event
		if err := row.Scan(&e.Seq, &body); err != nil {
			return e, err
		}
		seq := e.Seq
		if err := json.Unmarshal(body, &e); err != nil {
			return e, fmt.Errorf("seq %d: %w", seq, err)
		}
		e.Seq = seq
		return e, nil
	}, "SELECT seq, body FROM events WHERE session_id = ? AND seq > ? ORDER BY seq", sessionID, afterSeq)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 {
		if _, err := s.Session(ctx, sessionID); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	return events, nil
}

// EventBodies checks that events are numbered one after another and
// encodes each as the JSON body the events table keeps, for AppendEvents.
func EventBodies(sessionID string, events []simulator.Event) ([][]byte, error) {
	bodies := make([][]byte, len(events))
	for i, e := range events {
		if i > 0 && e.Seq != events[0].Seq+int64(i) {
			return nil, fmt.Errorf("append to session %s: %w: events[%d].seq is %d, want %d", sessionID, drillroom.ErrConflict, i, e.Seq, events[0].Seq+int64(i))
		}
		b, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("append to session %s: event seq %d: %w", sessionID, e.Seq, err)
		}
		bodies[i] = b
	}
	return bodies, nil
}
