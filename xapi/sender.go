package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/scoring"
)

// Store is what the sender reads and writes. *store.Store satisfies it.
type Store interface {
	Reader
	DueStatements(ctx context.Context, now time.Time, limit int) ([]drillroom.OutboxEntry, error)
	MarkStatementsSent(ctx context.Context, ids []int64) error
	RetryStatements(ctx context.Context, ids []int64, next time.Time, reason string) error
	// What a newer report voids: the statements an entry is about to
	// post, those of the session's other entries that may be in the LRS,
	// and a delivery with the entries it voided.
	PlanStatements(ctx context.Context, entryID int64, statementIDs []string) error
	StandingStatements(ctx context.Context, sessionID string, except int64) ([]drillroom.StandingStatements, error)
	MarkStatementsDelivered(ctx context.Context, id int64, voided []int64) error
}

// Reader is what building a session's statements reads.
type Reader interface {
	Session(ctx context.Context, id string) (drillroom.Session, error)
	UserByID(ctx context.Context, id int64) (drillroom.User, error)
	Scorecard(ctx context.Context, sessionID string) ([]byte, error)
	ScenarioVersion(ctx context.Context, id string, version int) (drillroom.ScenarioVersion, error)
	// A coach's marks and the releases of the review: a release's
	// statements report the official scorecard as released.
	Marks(ctx context.Context, sessionID string) ([]drillroom.Mark, error)
	Releases(ctx context.Context, sessionID string) ([]drillroom.Release, error)
}

// SenderConfig configures delivery to a learning record store.
type SenderConfig struct {
	// Endpoint is the LRS's xAPI endpoint (https://lrs.example.org/xapi/);
	// statements are posted to its statements resource. Required.
	Endpoint string
	// Username and Password are the LRS's Basic credentials, if it wants them.
	Username, Password string
	// BaseIRI names drillroom in the statements (see Config). Required.
	BaseIRI string
	// Every is how often the outbox is read (default 10 s); Backoff and
	// MaxBackoff bound the wait after a failed delivery, which doubles with
	// each attempt (defaults 30 s and 1 h).
	Every, Backoff, MaxBackoff time.Duration
	// Client makes the requests (default: a client with a 30 s timeout).
	Client *http.Client
	Logger *slog.Logger
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
}

// Sender delivers the outbox's statements to an LRS. Run owns its one
// goroutine; a session never waits for it.
type Sender struct {
	store Store
	cfg   SenderConfig
	url   string
}

// NewSender returns a sender for st and cfg.
func NewSender(st Store, cfg SenderConfig) (*Sender, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("xapi: LRS endpoint %q: want an http or https URL", cfg.Endpoint)
	}
	if !IsIRI(cfg.BaseIRI) {
		return nil, fmt.Errorf("xapi: base IRI %q: want an absolute URL such as https://drillroom.example.org", cfg.BaseIRI)
	}
	if cfg.Every <= 0 {
		cfg.Every = 10 * time.Second
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.MaxBackoff < cfg.Backoff {
		cfg.MaxBackoff = max(time.Hour, cfg.Backoff)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sender{store: st, cfg: cfg, url: strings.TrimRight(cfg.Endpoint, "/") + "/statements"}, nil
}

// Run delivers what is due every cfg.Every until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.Every)
	defer t.Stop()
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("xapi: outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// errSuperseded: a newer report of the session has begun its delivery.
var errSuperseded = errors.New("xapi: a newer report of the session supersedes this one")

// SendDue delivers every entry of the outbox that is due now, one
// session's statements per request, and returns how many sessions were
// delivered. A failed delivery is retried later with backoff; it does not
// stop the others. The error is the store's, when it could not be read.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	sent := 0
	for {
		due, err := s.store.DueStatements(ctx, s.cfg.Now(), 50)
		if err != nil {
			return sent, err
		}
		if len(due) == 0 {
			return sent, nil
		}
		for _, e := range due {
			if err := ctx.Err(); err != nil {
				return sent, err
			}
			if !e.Current || s.draftPlay(ctx, e.SessionID) {
				// A newer scoring of the session has its own entry; an
				// author's play of their own draft is no learning record.
				if err := s.store.MarkStatementsSent(ctx, []int64{e.ID}); err != nil {
					return sent, err
				}
				continue
			}
			voided, err := s.deliver(ctx, e)
			if errors.Is(err, errSuperseded) {
				// Another node began delivering a newer report of the
				// session after this one was read as current.
				if err := s.store.MarkStatementsSent(ctx, []int64{e.ID}); err != nil {
					return sent, err
				}
				continue
			}
			if err != nil {
				wait := s.backoff(e.Attempts)
				s.cfg.Logger.Warn("xapi: delivery failed", "session", e.SessionID, "attempt", e.Attempts+1, "retry_in", wait.Round(time.Second), "err", err)
				if err := s.store.RetryStatements(ctx, []int64{e.ID}, s.cfg.Now().Add(wait), err.Error()); err != nil {
					return sent, err
				}
				continue
			}
			if err := s.store.MarkStatementsDelivered(ctx, e.ID, voided); err != nil {
				return sent, err
			}
			sent++
		}
	}
}

// draftPlay reports whether the session is a draft play
// (drillroom.IsDraftPlay). A session that cannot be read is not: its
// delivery then fails and is retried like any other.
func (s *Sender) draftPlay(ctx context.Context, sessionID string) bool {
	x, err := s.store.Session(ctx, sessionID)
	return err == nil && drillroom.IsDraftPlay(x.ScenarioID)
}

// backoff is the wait after the attempts-th failure: Backoff doubled per
// attempt, at most MaxBackoff, less up to a fifth at random so that many
// entries do not retry at once.
func (s *Sender) backoff(attempts int) time.Duration {
	d := s.cfg.Backoff
	for range min(attempts, 30) {
		d *= 2
		if d >= s.cfg.MaxBackoff {
			d = s.cfg.MaxBackoff
			break
		}
	}
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}

// deliver posts one session's statements, after voiding statements that
// stand for the session from its earlier entries (a report the newer one
// replaces: the automatic result before a coach's released review, an
// earlier scoring or release), in one request; it returns the entries it
// voided. The ids of its statements are recorded before the request: if
// the answer is lost and a newer entry supersedes this one, that entry
// voids them in turn (an LRS accepts the voiding of a statement it never
// received). Every statement is the same on a resend, so an LRS stores
// each once.
//
// An entry that a newer report of its session supersedes is not posted:
// deliver returns errSuperseded.
func (s *Sender) deliver(ctx context.Context, e drillroom.OutboxEntry) ([]int64, error) {
	cfg := Config{BaseIRI: s.cfg.BaseIRI}
	sts, err := Build(ctx, s.store, cfg, Ref{SessionID: e.SessionID, ScorecardID: e.ScorecardID, ReleaseID: e.ReleaseID, At: e.QueuedAt})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(sts))
	for i, st := range sts {
		ids[i] = st.ID
	}
	if err := s.store.PlanStatements(ctx, e.ID, ids); err != nil {
		return nil, err
	}
	standing, err := s.store.StandingStatements(ctx, e.SessionID, e.ID)
	if err != nil {
		return nil, err
	}
	for _, old := range standing {
		if old.EntryID > e.ID {
			// A newer report has its statements planned: this entry was
			// read as current before that report was queued (on another
			// node, whose sender shares the outbox). Posting it now would
			// void the newer report's statements, or stand beside them.
			return nil, errSuperseded
		}
	}
	var voided []int64
	var post []Statement
	for _, old := range standing {
		vs, err := Voiding(cfg, e.SessionID, e.ID, old.StatementIDs, ids[0], e.QueuedAt)
		if err != nil {
			return nil, err
		}
		post = append(post, vs...)
		voided = append(voided, old.EntryID)
	}
	post = append(post, sts...)
	for i, st := range post[:len(post)-len(sts)] {
		if err := Validate(st); err != nil {
			return nil, fmt.Errorf("xapi: session %s: voiding statement %d: %w", e.SessionID, i, err)
		}
	}
	body, err := json.Marshal(post)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", Version)
	if s.cfg.Username != "" || s.cfg.Password != "" {
		req.SetBasicAuth(s.cfg.Username, s.cfg.Password)
	}
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("LRS answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return voided, nil
}

// Ref names the statements of a session to build: its stored scorecard
// (whose id goes into the statement ids), reported as scored at At, or as
// the official scorecard of release ReleaseID (the automatic scorecard with
// the coaches' marks that release made visible; the statements' timestamp
// is then the release's).
type Ref struct {
	SessionID   string
	ScorecardID int64
	ReleaseID   int64
	At          time.Time
}

// Build makes the statements of a stored scoring of a session (the
// session's current scorecard), each checked with Validate. The same
// scoring and release always give the same statements, byte for byte.
func Build(ctx context.Context, st Reader, cfg Config, ref Ref) ([]Statement, error) {
	sessionID := ref.SessionID
	x, err := st.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	u, err := st.UserByID(ctx, x.UserID)
	if err != nil {
		return nil, err
	}
	raw, err := st.Scorecard(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	card := &scoring.Scorecard{}
	if err := json.Unmarshal(raw, card); err != nil {
		return nil, fmt.Errorf("scorecard of %s: %w", sessionID, err)
	}
	at := ref.At
	if ref.ReleaseID != 0 {
		if card, at, err = released(ctx, st, ref, card); err != nil {
			return nil, err
		}
	}
	title := ""
	if v, err := st.ScenarioVersion(ctx, x.ScenarioID, x.Version); err == nil {
		title = v.Title
	}
	sts, err := Statements(cfg, Session{Session: x, User: u, ScorecardID: ref.ScorecardID, ReleaseID: ref.ReleaseID, ScoredAt: at, Card: card, Title: title})
	if err != nil {
		return nil, err
	}
	var errs []error
	for i, s := range sts {
		if err := Validate(s); err != nil {
			errs = append(errs, fmt.Errorf("statement %d: %w", i, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("xapi: session %s: invalid statements: %w", sessionID, err)
	}
	return sts, nil
}

// released is auto with the marks release ref.ReleaseID made visible
// applied, and the release's time.
func released(ctx context.Context, st Reader, ref Ref, auto *scoring.Scorecard) (*scoring.Scorecard, time.Time, error) {
	rels, err := st.Releases(ctx, ref.SessionID)
	if err != nil {
		return nil, time.Time{}, err
	}
	var rel drillroom.Release
	for _, r := range rels {
		if r.ID == ref.ReleaseID {
			rel = r
		}
	}
	if rel.ID == 0 {
		return nil, time.Time{}, fmt.Errorf("xapi: session %s: release %d: %w", ref.SessionID, ref.ReleaseID, drillroom.ErrNotFound)
	}
	marks, err := st.Marks(ctx, ref.SessionID)
	if err != nil {
		return nil, time.Time{}, err
	}
	official, _, _ := scoring.ApplyMarks(auto, drillroom.MarksReleased(marks, rel))
	return official, rel.At, nil
}
