package records

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/drillroom/drillroom"
)

// Marks returns every mark of a session, oldest first, with the marking
// users' display names; an empty slice when there are none (or no such
// session).
func (s Common) Marks(ctx context.Context, sessionID string) ([]drillroom.Mark, error) {
	return All(ctx, s.DB, "marks of session "+sessionID, func(row Scanner) (drillroom.Mark, error) {
		var m drillroom.Mark
		var kind, actor string
		var at int64
		err := row.Scan(&m.ID, &m.SessionID, &m.RuleID, &kind, &m.Outcome, &m.Points, &m.OldOutcome, &m.OldPoints,
			&m.Reason, &m.RubricHash, &m.RuleHash, &m.ByID, &m.By, &actor, &at)
		m.Kind, m.Actor, m.At = drillroom.MarkKind(kind), drillroom.Actor(actor), FromMillis(at)
		return m, err
	}, `SELECT m.id, m.session_id, m.rule_id, m.kind, m.outcome, m.points, m.old_outcome, m.old_points,
			m.reason, m.rubric_hash, m.rule_hash, m.by_id, COALESCE(u.display_name, ''), m.actor, m.at
		FROM marks m LEFT JOIN users u ON u.id = m.by_id WHERE m.session_id = ? ORDER BY m.id`, sessionID)
}

// Notes returns a session's coaching notes, oldest first (an empty slice
// when there are none).
func (s Common) Notes(ctx context.Context, sessionID string) ([]drillroom.Note, error) {
	return All(ctx, s.DB, "notes of session "+sessionID, func(row Scanner) (drillroom.Note, error) {
		var n drillroom.Note
		var kind, actor string
		var due, at int64
		err := row.Scan(&n.ID, &n.SessionID, &kind, &n.Text, &due, &n.Seq, &n.ByID, &n.By, &actor, &at)
		n.Kind, n.Actor, n.At = drillroom.NoteKind(kind), drillroom.Actor(actor), FromMillis(at)
		if due != 0 {
			n.Due = FromMillis(due)
		}
		return n, err
	}, `SELECT n.id, n.session_id, n.kind, n.text, n.due, n.seq, n.by_id, COALESCE(u.display_name, ''), n.actor, n.at
		FROM notes n LEFT JOIN users u ON u.id = n.by_id WHERE n.session_id = ? ORDER BY n.id`, sessionID)
}

// Responses returns a session's feedback thread, oldest first (an empty
// slice when there is none).
func (s Common) Responses(ctx context.Context, sessionID string) ([]drillroom.Response, error) {
	return All(ctx, s.DB, "responses of session "+sessionID, func(row Scanner) (drillroom.Response, error) {
		var r drillroom.Response
		var kind, actor string
		var at int64
		err := row.Scan(&r.ID, &r.SessionID, &kind, &r.RuleID, &r.Ref, &r.Text, &r.ByID, &r.By, &actor, &at)
		r.Kind, r.Actor, r.At = drillroom.ResponseKind(kind), drillroom.Actor(actor), FromMillis(at)
		return r, err
	}, `SELECT r.id, r.session_id, r.kind, r.rule_id, r.ref, r.text, r.by_id, COALESCE(u.display_name, ''), r.actor, r.at
		FROM responses r LEFT JOIN users u ON u.id = r.by_id WHERE r.session_id = ? ORDER BY r.id`, sessionID)
}

// Releases returns a session's releases, oldest first (an empty slice
// when there are none).
func (s Common) Releases(ctx context.Context, sessionID string) ([]drillroom.Release, error) {
	return All(ctx, s.DB, "releases of session "+sessionID, func(row Scanner) (drillroom.Release, error) {
		var r drillroom.Release
		var actor string
		var at int64
		err := row.Scan(&r.ID, &r.SessionID, &r.ByID, &r.By, &actor, &at, &r.LastMark, &r.LastNote)
		r.Actor, r.At = drillroom.Actor(actor), FromMillis(at)
		return r, err
	}, `SELECT r.id, r.session_id, r.by_id, COALESCE(u.display_name, ''), r.actor, r.at, r.last_mark, r.last_note
		FROM releases r LEFT JOIN users u ON u.id = r.by_id WHERE r.session_id = ? ORDER BY r.id`, sessionID)
}

// SessionClaim returns the claim on a session that has not lapsed, or
// drillroom.ErrNotFound.
func (s Common) SessionClaim(ctx context.Context, sessionID string) (drillroom.Claim, error) {
	cs, err := s.claims(ctx, "claim on session "+sessionID, "c.session_id = ? AND c.until > ?", sessionID, Millis(s.Now()))
	if err != nil {
		return drillroom.Claim{}, err
	}
	if len(cs) == 0 {
		return drillroom.Claim{}, fmt.Errorf("claim on session %s: %w", sessionID, drillroom.ErrNotFound)
	}
	return cs[0], nil
}

// ActiveClaims returns every claim that has not lapsed, by session id.
func (s Common) ActiveClaims(ctx context.Context) ([]drillroom.Claim, error) {
	return s.claims(ctx, "active claims", "c.until > ?", Millis(s.Now()))
}

func (s Common) claims(ctx context.Context, what, where string, args ...any) ([]drillroom.Claim, error) {
	return All(ctx, s.DB, what, func(row Scanner) (drillroom.Claim, error) {
		var c drillroom.Claim
		var at, until int64
		err := row.Scan(&c.SessionID, &c.UserID, &c.By, &at, &until)
		c.At, c.Until = FromMillis(at), FromMillis(until)
		return c, err
	}, `SELECT c.session_id, c.user_id, COALESCE(u.display_name, ''), c.at, c.until
		FROM claims c LEFT JOIN users u ON u.id = c.user_id WHERE `+where+` ORDER BY c.session_id`, args...)
}

// Round returns calibration round id, or drillroom.ErrNotFound.
func (s Common) Round(ctx context.Context, id int64) (drillroom.Round, error) {
	rs, err := s.rounds(ctx, fmt.Sprintf("calibration round %d", id), "r.id = ?", id)
	if err != nil {
		return drillroom.Round{}, err
	}
	if len(rs) == 0 {
		return drillroom.Round{}, fmt.Errorf("calibration round %d: %w", id, drillroom.ErrNotFound)
	}
	return rs[0], nil
}

// RoundMarks returns every mark of a calibration round, by marker and rule
// (an empty slice when there are none).
func (s Common) RoundMarks(ctx context.Context, roundID int64) ([]drillroom.RoundMark, error) {
	return All(ctx, s.DB, fmt.Sprintf("marks of calibration round %d", roundID), func(row Scanner) (drillroom.RoundMark, error) {
		var m drillroom.RoundMark
		var at int64
		err := row.Scan(&m.RoundID, &m.UserID, &m.By, &m.RuleID, &m.Outcome, &m.Points, &at)
		m.At = FromMillis(at)
		return m, err
	}, `SELECT m.round_id, m.user_id, COALESCE(u.display_name, ''), m.rule_id, m.outcome, m.points, m.at
		FROM calibration_marks m LEFT JOIN users u ON u.id = m.user_id WHERE m.round_id = ? ORDER BY m.user_id, m.rule_id`, roundID)
}

// SessionRounds returns the calibration rounds of a session, oldest first
// (an empty slice when there are none).
func (s Common) SessionRounds(ctx context.Context, sessionID string) ([]drillroom.Round, error) {
	return s.rounds(ctx, "calibration rounds of session "+sessionID, "r.session_id = ?", sessionID)
}

// UserRounds returns the calibration rounds userID leads or marks, oldest
// first (an empty slice when none).
func (s Common) UserRounds(ctx context.Context, userID int64) ([]drillroom.Round, error) {
	return s.rounds(ctx, fmt.Sprintf("calibration rounds of user %d", userID),
		"r.lead_id = ? OR r.id IN (SELECT round_id FROM calibration_members WHERE user_id = ?)", userID, userID)
}

func (s Common) rounds(ctx context.Context, what, where string, args ...any) ([]drillroom.Round, error) {
	out, err := All(ctx, s.DB, what, func(row Scanner) (drillroom.Round, error) {
		var r drillroom.Round
		var created, published int64
		err := row.Scan(&r.ID, &r.SessionID, &r.LeadID, &r.Lead, &created, &published)
		r.CreatedAt = FromMillis(created)
		if published != 0 {
			r.PublishedAt = FromMillis(published)
		}
		return r, err
	}, `SELECT r.id, r.session_id, r.lead_id, COALESCE(u.display_name, ''), r.created_at, r.published_at
		FROM calibration_rounds r LEFT JOIN users u ON u.id = r.lead_id WHERE `+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Members, err = All(ctx, s.DB, what, func(row Scanner) (id int64, err error) {
			err = row.Scan(&id)
			return id, err
		}, "SELECT user_id FROM calibration_members WHERE round_id = ? ORDER BY user_id", out[i].ID)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AddMark appends a coach's mark on a session's rule, at the store's
// current time (m.ID, m.At and m.By are ignored and filled in), and
// returns it as stored. Marks are never changed or deleted: a later mark
// of the same rule supersedes it. The session and the marking user must
// exist (drillroom.ErrNotFound); a mark needs a rule id, a known kind, an
// outcome that fits the kind (none for a withdrawal), a reason, and a coach
// or trainer as its actor (drillroom.ErrInvalid otherwise).
func (s Common) AddMark(ctx context.Context, m drillroom.Mark) (drillroom.Mark, error) {
	if err := m.Check(); err != nil {
		return drillroom.Mark{}, fmt.Errorf("add mark on session %s: %w", m.SessionID, err)
	}
	m.At = FromMillis(Millis(s.Now()))
	err := s.write(ctx, func(tx Tx) (err error) {
		m.ID, err = insertMark(tx, m)
		return err
	})
	if err != nil {
		return drillroom.Mark{}, fmt.Errorf("add mark on session %s: %w", m.SessionID, err)
	}
	m.By = NameOf(ctx, s, m.ByID, m.By)
	return m, nil
}

// insertMark appends m (checked, with its time) in tx and returns its id.
func insertMark(tx Tx, m drillroom.Mark) (int64, error) {
	return insert(tx, `INSERT INTO marks (session_id, rule_id, kind, outcome, points, old_outcome, old_points, reason, rubric_hash, rule_hash, by_id, actor, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.SessionID, m.RuleID, string(m.Kind), m.Outcome, m.Points, m.OldOutcome, m.OldPoints, m.Reason, m.RubricHash, m.RuleHash, m.ByID, string(m.Actor), Millis(m.At))
}

// AddNote appends a coaching note on a session at the store's current
// time (n.ID, n.At and n.By are filled in). The session and the author
// must exist (drillroom.ErrNotFound); a note needs a known kind, text, a
// due date if and only if it is an action, no negative event number, and a
// coach or trainer as its actor (drillroom.ErrInvalid).
func (s Common) AddNote(ctx context.Context, n drillroom.Note) (drillroom.Note, error) {
	if err := n.Check(); err != nil {
		return drillroom.Note{}, fmt.Errorf("add note on session %s: %w", n.SessionID, err)
	}
	n.At = FromMillis(Millis(s.Now()))
	var due int64
	n.Due, due = dueMillis(n.Due)
	err := s.write(ctx, func(tx Tx) (err error) {
		n.ID, err = insert(tx, "INSERT INTO notes (session_id, kind, text, due, seq, by_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			n.SessionID, string(n.Kind), n.Text, due, n.Seq, n.ByID, string(n.Actor), Millis(n.At))
		return err
	})
	if err != nil {
		return drillroom.Note{}, fmt.Errorf("add note on session %s: %w", n.SessionID, err)
	}
	n.By = NameOf(ctx, s, n.ByID, n.By)
	return n, nil
}

// AddResponse appends an entry to a session's feedback thread at the
// store's current time. Acknowledgements and disputes are the trainee's
// (actor trainee, no Ref); a dispute needs text; a resolution is a coach's
// or trainer's, needs text and names a dispute of the same session in Ref
// (drillroom.ErrInvalid otherwise). An unknown session or user is
// drillroom.ErrNotFound.
func (s Common) AddResponse(ctx context.Context, r drillroom.Response) (drillroom.Response, error) {
	if err := r.Check(); err != nil {
		return drillroom.Response{}, fmt.Errorf("add response on session %s: %w", r.SessionID, err)
	}
	r.At = FromMillis(Millis(s.Now()))
	err := s.write(ctx, func(tx Tx) error {
		if r.Kind == drillroom.ResponseResolve {
			var found bool
			if err := tx.QueryRow("SELECT EXISTS (SELECT 1 FROM responses WHERE id = ? AND session_id = ? AND kind = 'dispute')",
				r.Ref, r.SessionID).Scan(&found); err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("%w: no dispute %d on this session", drillroom.ErrInvalid, r.Ref)
			}
		}
		var err error
		r.ID, err = insert(tx, "INSERT INTO responses (session_id, kind, rule_id, ref, text, by_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			r.SessionID, string(r.Kind), r.RuleID, r.Ref, r.Text, r.ByID, string(r.Actor), Millis(r.At))
		return err
	})
	if err != nil {
		return drillroom.Response{}, fmt.Errorf("add response on session %s: %w", r.SessionID, err)
	}
	r.By = NameOf(ctx, s, r.ByID, r.By)
	return r, nil
}

// AddRelease records a coach's release of a session's reviewed scorecard
// to its trainee at the store's current time (r.ID, r.At, r.By, r.LastMark
// and r.LastNote are filled in): in one transaction, it takes the
// session's newest mark and note as what it releases, and refuses
// (drillroom.ErrConflict) when neither is newer than the last release's,
// so two coaches releasing at once record one release. The actor is a
// coach or trainer (drillroom.ErrInvalid); an unknown session or author is
// drillroom.ErrNotFound.
func (s Common) AddRelease(ctx context.Context, r drillroom.Release) (drillroom.Release, error) {
	if r.Actor != drillroom.ActorCoach && r.Actor != drillroom.ActorTrainer {
		return drillroom.Release{}, fmt.Errorf("release session %s: %w: actor %q", r.SessionID, drillroom.ErrInvalid, r.Actor)
	}
	r.At = FromMillis(Millis(s.Now()))
	err := s.write(ctx, func(tx Tx) (err error) {
		// Two coaches releasing at once: the second waits for the first's
		// release (the session's row lock) and then finds nothing new.
		var sid string
		err = tx.QueryRow(tx.Locked("SELECT id FROM sessions WHERE id = ?", ForUpdate), r.SessionID).Scan(&sid)
		if errors.Is(err, ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		var lastMark, lastNote int64
		err = tx.QueryRow(`SELECT COALESCE((SELECT MAX(id) FROM marks WHERE session_id = ?), 0), COALESCE((SELECT MAX(id) FROM notes WHERE session_id = ?), 0),
			COALESCE((SELECT last_mark FROM releases WHERE session_id = ? ORDER BY id DESC LIMIT 1), 0),
			COALESCE((SELECT last_note FROM releases WHERE session_id = ? ORDER BY id DESC LIMIT 1), 0)`, r.SessionID, r.SessionID, r.SessionID, r.SessionID).
			Scan(&r.LastMark, &r.LastNote, &lastMark, &lastNote)
		if err != nil {
			return err
		}
		if r.LastMark <= lastMark && r.LastNote <= lastNote {
			return drillroom.Errorf(drillroom.CodeConflict, "There is no new mark or note to release.")
		}
		r.ID, err = insert(tx, "INSERT INTO releases (session_id, by_id, actor, at, last_mark, last_note) VALUES (?, ?, ?, ?, ?, ?)",
			r.SessionID, r.ByID, string(r.Actor), Millis(r.At), r.LastMark, r.LastNote)
		return err
	})
	if err != nil {
		return drillroom.Release{}, fmt.Errorf("release session %s: %w", r.SessionID, err)
	}
	r.By = NameOf(ctx, s, r.ByID, r.By)
	return r, nil
}

// CompleteAction records that an agreed action was carried out, at the
// store's current time (d.At and d.By are filled in). The note must be an
// action of d's session (drillroom.ErrNotFound for a missing note or one
// of another session, drillroom.ErrInvalid for a note that is no action);
// an action is done once (drillroom.ErrConflict after); an unknown author
// is drillroom.ErrNotFound; drillroom.ActionDone.Check says what else is
// invalid.
func (s Common) CompleteAction(ctx context.Context, d drillroom.ActionDone) (drillroom.ActionDone, error) {
	if err := d.Check(); err != nil {
		return drillroom.ActionDone{}, fmt.Errorf("complete action %d: %w", d.NoteID, err)
	}
	d.At = FromMillis(Millis(s.Now()))
	err := s.write(ctx, func(tx Tx) error {
		var kind string
		err := tx.QueryRow("SELECT kind FROM notes WHERE id = ? AND session_id = ?", d.NoteID, d.SessionID).Scan(&kind)
		if errors.Is(err, ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if kind != string(drillroom.NoteAction) {
			return fmt.Errorf("%w: note %d is a %s, not an action", drillroom.ErrInvalid, d.NoteID, kind)
		}
		n, err := tx.Exec(`INSERT INTO actions_done (note_id, session_id, text, by_id, actor, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (note_id) DO NOTHING`, d.NoteID, d.SessionID, d.Text, d.ByID, string(d.Actor), Millis(d.At))
		if errors.Is(err, ErrForeignKey) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return drillroom.Errorf(drillroom.CodeConflict, "This action is already done.")
		}
		return nil
	})
	if err != nil {
		return drillroom.ActionDone{}, fmt.Errorf("complete action %d: %w", d.NoteID, err)
	}
	d.By = NameOf(ctx, s, d.ByID, d.By)
	return d, nil
}

// DoneActions returns the completed actions of a session, in the order
// they were done (an empty slice when none).
func (s Common) DoneActions(ctx context.Context, sessionID string) ([]drillroom.ActionDone, error) {
	return All(ctx, s.DB, "actions done of session "+sessionID, func(row Scanner) (drillroom.ActionDone, error) {
		var d drillroom.ActionDone
		var actor string
		var at int64
		err := row.Scan(&d.NoteID, &d.SessionID, &d.Text, &d.ByID, &d.By, &actor, &at)
		d.Actor, d.At = drillroom.Actor(actor), FromMillis(at)
		return d, err
	}, `SELECT d.note_id, d.session_id, d.text, d.by_id, COALESCE(u.display_name, ''), d.actor, d.at
		FROM actions_done d LEFT JOIN users u ON u.id = d.by_id WHERE d.session_id = ? ORDER BY d.at, d.note_id`, sessionID)
}

// ClaimSession gives userID the claim on a session for ttl from the
// store's current time, or renews their own claim. A claim another user
// holds that has not lapsed is drillroom.ErrConflict (with the holder's
// name in the message); a lapsed one is taken over. An unknown session or
// user is drillroom.ErrNotFound, a ttl that is not positive ErrInvalid.
func (s Common) ClaimSession(ctx context.Context, sessionID string, userID int64, ttl time.Duration) (drillroom.Claim, error) {
	if ttl <= 0 {
		return drillroom.Claim{}, fmt.Errorf("claim session %s: %w: ttl %v", sessionID, drillroom.ErrInvalid, ttl)
	}
	now := s.Now()
	c := drillroom.Claim{SessionID: sessionID, UserID: userID, At: FromMillis(Millis(now)), Until: FromMillis(Millis(now.Add(ttl)))}
	err := s.write(ctx, func(tx Tx) error {
		// The upsert takes the claim only from its holder or once it has
		// lapsed, in one statement, so two coaches claiming at once cannot
		// both win; when it takes nothing, the holder is read for the message.
		var taken bool
		err := tx.QueryRow(`INSERT INTO claims (session_id, user_id, at, until) VALUES (?, ?, ?, ?)
			ON CONFLICT (session_id) DO UPDATE SET user_id = excluded.user_id, at = excluded.at, until = excluded.until
			WHERE claims.user_id = excluded.user_id OR claims.until <= excluded.at
			RETURNING true`, sessionID, userID, Millis(c.At), Millis(c.Until)).Scan(&taken)
		if errors.Is(err, ErrForeignKey) {
			return drillroom.ErrNotFound
		}
		if !errors.Is(err, ErrNoRows) {
			return err
		}
		var until int64
		var name string
		err = tx.QueryRow(`SELECT c.until, COALESCE(u.display_name, '') FROM claims c LEFT JOIN users u ON u.id = c.user_id
			WHERE c.session_id = ?`, sessionID).Scan(&until, &name)
		if err != nil {
			return err
		}
		return &drillroom.Error{Code: drillroom.CodeConflict,
			Message: fmt.Sprintf("%s is reviewing this session (claimed until %s UTC).", name, FromMillis(until).Format("15:04"))}
	})
	if err != nil {
		return drillroom.Claim{}, fmt.Errorf("claim session %s: %w", sessionID, err)
	}
	c.By = NameOf(ctx, s, userID, c.By)
	return c, nil
}

// ReleaseClaim ends userID's claim on a session. Releasing a claim one
// does not hold is a no-op, unless another user holds a claim that has
// not lapsed: drillroom.ErrConflict.
func (s Common) ReleaseClaim(ctx context.Context, sessionID string, userID int64) error {
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		n, err := tx.Exec("DELETE FROM claims WHERE session_id = ? AND (user_id = ? OR until <= ?)", sessionID, userID, now)
		if err != nil || n > 0 {
			return err
		}
		var held bool
		if err := tx.QueryRow("SELECT EXISTS (SELECT 1 FROM claims WHERE session_id = ?)", sessionID).Scan(&held); err != nil {
			return err
		}
		if held {
			return drillroom.Errorf(drillroom.CodeConflict, "Another coach holds the claim on this session.")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release claim on session %s: %w", sessionID, err)
	}
	return nil
}

// CreateRound opens a calibration round on a session with its members, at
// the store's current time (r.ID, r.CreatedAt and r.Lead are filled in).
// A round needs at least two distinct members (drillroom.ErrInvalid); the
// session, the lead and every member must exist (drillroom.ErrNotFound).
func (s Common) CreateRound(ctx context.Context, r drillroom.Round) (drillroom.Round, error) {
	members := slices.Clone(r.Members)
	slices.Sort(members)
	members = slices.Compact(members)
	if len(members) < 2 {
		return drillroom.Round{}, fmt.Errorf("create round on session %s: %w: %d markers, want at least 2", r.SessionID, drillroom.ErrInvalid, len(members))
	}
	r.Members = members
	r.CreatedAt, r.PublishedAt = FromMillis(Millis(s.Now())), time.Time{}
	err := s.write(ctx, func(tx Tx) (err error) {
		r.ID, err = insert(tx, "INSERT INTO calibration_rounds (session_id, lead_id, created_at, published_at) VALUES (?, ?, ?, 0)",
			r.SessionID, r.LeadID, Millis(r.CreatedAt))
		if err != nil {
			return err
		}
		for _, m := range members {
			_, err := tx.Exec("INSERT INTO calibration_members (round_id, user_id) VALUES (?, ?)", r.ID, m)
			if errors.Is(err, ErrForeignKey) {
				return drillroom.ErrNotFound
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return drillroom.Round{}, fmt.Errorf("create round on session %s: %w", r.SessionID, err)
	}
	r.Lead = NameOf(ctx, s, r.LeadID, r.Lead)
	return r, nil
}

// PutRoundMark records (or replaces) a member's outcome for one rule of a
// calibration round, at the store's current time. The round must exist
// (drillroom.ErrNotFound) and still be blind (drillroom.ErrConflict once
// published); the user must be a member and the mark needs a rule and an
// outcome of pass, fail, partial or na (drillroom.ErrInvalid).
func (s Common) PutRoundMark(ctx context.Context, m drillroom.RoundMark) error {
	if err := m.Check(); err != nil {
		return fmt.Errorf("calibration mark in round %d: %w", m.RoundID, err)
	}
	now := Millis(s.Now())
	err := s.write(ctx, func(tx Tx) error {
		var published int64
		// FOR SHARE: a publication waits for this mark, or this mark sees it.
		err := tx.QueryRow(tx.Locked("SELECT published_at FROM calibration_rounds WHERE id = ?", ForShare), m.RoundID).Scan(&published)
		if errors.Is(err, ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if published != 0 {
			return drillroom.Errorf(drillroom.CodeConflict, "This calibration round is published: its markings are final.")
		}
		var member bool
		if err := tx.QueryRow("SELECT EXISTS (SELECT 1 FROM calibration_members WHERE round_id = ? AND user_id = ?)",
			m.RoundID, m.UserID).Scan(&member); err != nil {
			return err
		}
		if !member {
			return fmt.Errorf("%w: user %d is not a marker of this round", drillroom.ErrInvalid, m.UserID)
		}
		_, err = tx.Exec(`INSERT INTO calibration_marks (round_id, user_id, rule_id, outcome, points, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (round_id, user_id, rule_id) DO UPDATE SET outcome = excluded.outcome, points = excluded.points, at = excluded.at`,
			m.RoundID, m.UserID, m.RuleID, m.Outcome, m.Points, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("calibration mark in round %d: %w", m.RoundID, err)
	}
	return nil
}

// PublishRound ends the blind marking of a round at the store's current
// time, with the lead's official marking: official are appended to the
// round's session as AddMark would, at the same time, in the same
// transaction, so that the round is published with all of them or not at
// all. It returns the round and the marks as stored. An unknown round is
// drillroom.ErrNotFound, one already published drillroom.ErrConflict; a
// mark of another session, or one drillroom.Mark.Check refuses, is
// drillroom.ErrInvalid; a mark by an unknown user drillroom.ErrNotFound.
func (s Common) PublishRound(ctx context.Context, id int64, official []drillroom.Mark) (drillroom.Round, []drillroom.Mark, error) {
	for i, m := range official {
		if err := m.Check(); err != nil {
			return drillroom.Round{}, nil, fmt.Errorf("publish calibration round %d: official mark %d: %w", id, i+1, err)
		}
	}
	at := FromMillis(Millis(s.Now()))
	marks := slices.Clone(official)
	err := s.write(ctx, func(tx Tx) error {
		var session string
		var published int64
		err := tx.QueryRow(tx.Locked("SELECT session_id, published_at FROM calibration_rounds WHERE id = ?", ForUpdate), id).Scan(&session, &published)
		if errors.Is(err, ErrNoRows) {
			return drillroom.ErrNotFound
		}
		if err != nil {
			return err
		}
		if published != 0 {
			return drillroom.Errorf(drillroom.CodeConflict, "This calibration round is already published.")
		}
		for i := range marks {
			if marks[i].SessionID != session {
				return fmt.Errorf("%w: official mark %d is on session %s, the round on %s", drillroom.ErrInvalid, i+1, marks[i].SessionID, session)
			}
			marks[i].At = at
			if marks[i].ID, err = insertMark(tx, marks[i]); err != nil {
				return fmt.Errorf("official mark %d: %w", i+1, err)
			}
		}
		_, err = tx.Exec("UPDATE calibration_rounds SET published_at = ? WHERE id = ?", Millis(at), id)
		return err
	})
	if err != nil {
		return drillroom.Round{}, nil, fmt.Errorf("publish calibration round %d: %w", id, err)
	}
	for i := range marks {
		marks[i].By = NameOf(ctx, s, marks[i].ByID, marks[i].By)
	}
	r, err := s.Round(ctx, id)
	return r, marks, err
}
