package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/internal/records"
)

// CreateSession stores a new live session and returns it with its ID, Hash,
// State, times and LastSeq filled in. The user and the scenario version must
// be stored (drillroom.ErrNotFound); a Hash that is not the version's is drillroom.ErrConflict.
// Mode defaults to practice and Scale to 1.
func (s *Store) CreateSession(ctx context.Context, x drillroom.Session) (drillroom.Session, error) {
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
	x.ID = randomID(16)
	x.State, x.Ending, x.LastSeq = drillroom.StateLive, "", 0
	now := fromMillis(millis(s.now()))
	x.CreatedAt, x.UpdatedAt = now, now
	want := x.Hash
	err := s.w.do(ctx, func(tx *wtx) error {
		var hash string
		err := tx.QueryRow("SELECT hash FROM scenario_versions WHERE scenario_id = ? AND version = ?", x.ScenarioID, x.Version).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("scenario %s v%d: %w", x.ScenarioID, x.Version, drillroom.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if want != "" && want != hash {
			return fmt.Errorf("%w: scenario %s v%d has hash %s, not %s", drillroom.ErrConflict, x.ScenarioID, x.Version, hash, want)
		}
		x.Hash = hash
		_, err = tx.Exec("INSERT INTO sessions ("+records.SessionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			x.ID, x.UserID, x.ScenarioID, x.Version, x.Hash, x.Seed, x.Mode, x.Scale, x.State, x.Ending,
			millis(x.CreatedAt), millis(x.UpdatedAt), x.LastSeq)
		if isForeignKeyViolation(err) {
			return fmt.Errorf("user %d: %w", x.UserID, drillroom.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return drillroom.Session{}, fmt.Errorf("create session of %s v%d for user %d: %w", x.ScenarioID, x.Version, x.UserID, err)
	}
	return x, nil
}

// Session returns a session, or drillroom.ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (drillroom.Session, error) {
	return queryOne(ctx, s, fmt.Sprintf("session %s", id), records.ScanSession, "SELECT "+records.SessionColumns+" FROM sessions WHERE id = ?", id)
}

func (s *Store) sessions(ctx context.Context, what, query string, args ...any) ([]drillroom.Session, error) {
	return queryAll(ctx, s, what, records.ScanSession, query, args...)
}

// SessionsForUser returns a user's sessions, newest first.
func (s *Store) SessionsForUser(ctx context.Context, userID int64) ([]drillroom.Session, error) {
	return s.sessions(ctx, fmt.Sprintf("sessions of user %d", userID),
		"SELECT "+records.SessionColumns+" FROM sessions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC", userID)
}

// LiveSessions returns every session not yet ended, oldest first: after a
// restart the runner resumes each from its event log.
func (s *Store) LiveSessions(ctx context.Context) ([]drillroom.Session, error) {
	return s.sessions(ctx, "live sessions",
		"SELECT "+records.SessionColumns+" FROM sessions WHERE state = 'live' ORDER BY created_at, rowid")
}

// EndSession marks a session ended with its ending id. Ending an ended
// session again with the same ending is a no-op; with another ending it is
// ErrConflict.
func (s *Store) EndSession(ctx context.Context, id string, ending string) error {
	now := millis(s.now())
	err := s.w.do(ctx, func(tx *wtx) error {
		var state drillroom.SessionState
		var was string
		err := tx.QueryRow("SELECT state, ending FROM sessions WHERE id = ?", id).Scan(&state, &was)
		if errors.Is(err, sql.ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if state == drillroom.StateEnded {
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
