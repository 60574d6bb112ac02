package training

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/drilltest"
	"github.com/drillroom/drillroom/scenarios"
)

// A draft play is its author playing an unpublished draft as a trainee
// would, to try it before publishing: the draft's text is stored as a
// version under drillroom.DraftPlayID (so the session is pinned to exactly
// what was played, replays and scores like any other), in practice mode,
// by the author. Those versions are never listed, started from the drill
// list, assigned or analysed; the pages mark such a session as a draft
// play.

// MaxDraftPlayVersions bounds the texts of one draft that are kept to be
// played (each is a stored version).
const MaxDraftPlayVersions = 200

// PlayDraft starts a session of draft d, as it is saved, for its author,
// with the author's policies (Authoring.Policies). A draft that does not
// load is drillroom.ErrInvalid; anyone but its author is
// drillroom.ErrNotFound, as for the draft itself. A live play of the same
// text is resumed instead.
func (s *Service) PlayDraft(ctx context.Context, user drillroom.User, d drillroom.Draft, policies []PolicyFile) (drillroom.Session, error) {
	if !MayAuthor(user) {
		return drillroom.Session{}, drillroom.Errorf(drillroom.CodeForbidden, "Only trainers write and play drafts.")
	}
	if d.AuthorID != user.ID {
		return drillroom.Session{}, fmt.Errorf("draft %d of user %d played by %s: %w", d.ID, d.AuthorID, user.Username, drillroom.ErrNotFound)
	}
	if IsPolicyName(d.Name) {
		return drillroom.Session{}, drillroom.Errorf(drillroom.CodeInvalid, "A policy is not played on its own: play a drill that uses it.")
	}
	sc, ds := Check(d.Name, d.Source, policies...)
	if sc == nil {
		return drillroom.Session{}, drillroom.Errorf(drillroom.CodeInvalid, "The draft has %d error(s); fix them before playing it.", len(ds.Errors()))
	}
	v, err := versionWith(sc, policies)
	if err != nil {
		return drillroom.Session{}, err
	}
	v.ScenarioID = drillroom.DraftPlayID(d.ID)
	// The same text played again is the same version (the store returns
	// it whatever number is asked for); new text is the next number.
	vs, err := s.store.ScenarioVersions(ctx, v.ScenarioID)
	if err != nil {
		return drillroom.Session{}, fmt.Errorf("play draft %d: %w", d.ID, err)
	}
	if !slices.ContainsFunc(vs, func(o drillroom.ScenarioVersion) bool { return o.Hash == v.Hash }) && len(vs) >= MaxDraftPlayVersions {
		return drillroom.Session{}, drillroom.Errorf(drillroom.CodeLimited, "This draft has been played in %d different texts, the most one draft keeps: copy it to a new draft to play on.", MaxDraftPlayVersions)
	}
	v.Version = 1
	if len(vs) > 0 {
		v.Version = vs[0].Version + 1
	}
	if v, err = s.store.PutScenarioVersion(ctx, v); err != nil {
		return drillroom.Session{}, fmt.Errorf("play draft %d: %w", d.ID, err)
	}
	// A live play of this very text is resumed, as a drill's is: a second
	// click never leaves a forgotten call running.
	plays, err := s.DraftPlays(ctx, user, d.ID)
	if err != nil {
		return drillroom.Session{}, err
	}
	for _, x := range plays {
		if x.Version == v.Version && x.State == drillroom.StateLive {
			return x, nil
		}
	}
	scale := sc.Settings.TimeScale
	if scale <= 0 {
		scale = 1
	}
	x, err := s.store.CreateSession(ctx, drillroom.Session{
		UserID: user.ID, ScenarioID: v.ScenarioID, Version: v.Version, Hash: v.Hash,
		Seed: s.seed(), Mode: drillroom.ModePractice, Scale: scale,
	})
	if err != nil {
		return drillroom.Session{}, fmt.Errorf("play draft %d: %w", d.ID, err)
	}
	if _, err := s.live.Status(ctx, x.ID); err != nil {
		return drillroom.Session{}, &drillroom.Error{Code: drillroom.CodeUnavailable,
			Message: "The draft could not be started. Try again in a moment.", Err: fmt.Errorf("host draft play %s: %w", x.ID, err)}
	}
	s.log.Info("draft play started", "session", x.ID, "user", user.Username, "draft", d.ID, "scenario", sc.ID, "play_version", v.Version)
	return x, nil
}

// DraftPlays lists user's own sessions of draft draftID, the newest first.
func (s *Service) DraftPlays(ctx context.Context, user drillroom.User, draftID int64) ([]drillroom.Session, error) {
	mine, err := s.store.SessionsForUser(ctx, user.ID)
	if err != nil {
		return nil, fmt.Errorf("plays of draft %d: %w", draftID, err)
	}
	id := drillroom.DraftPlayID(draftID)
	var out []drillroom.Session
	for _, x := range mine {
		if x.ScenarioID == id {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b drillroom.Session) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// RecordPlay turns one of the author's ended plays of draft d into a
// scenario test (drilltest.Record: the seed, every action at its virtual
// time, and what the play's ending and scores must stay) and appends it to
// src, the draft's text as the author has it now, under tests:. It returns
// the new text, which must still load; the caller decides whether to save
// it. policies are the author's (Authoring.Policies).
func (s *Service) RecordPlay(ctx context.Context, user drillroom.User, d drillroom.Draft, sessionID string, src []byte, policies []PolicyFile) ([]byte, error) {
	if d.AuthorID != user.ID || !MayAuthor(user) {
		return nil, fmt.Errorf("draft %d of user %d recorded by %s: %w", d.ID, d.AuthorID, user.Username, drillroom.ErrNotFound)
	}
	if err := checkSource(src); err != nil {
		return nil, err
	}
	x, err := s.store.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if x.UserID != user.ID || x.ScenarioID != drillroom.DraftPlayID(d.ID) {
		return nil, fmt.Errorf("session %s is not a play of draft %d by %s: %w", sessionID, d.ID, user.Username, drillroom.ErrNotFound)
	}
	if x.State != drillroom.StateEnded {
		return nil, drillroom.Errorf(drillroom.CodeConflict, "The play has not ended yet: end the call, then record it.")
	}
	sc, events, err := s.ScenarioLog(ctx, x)
	if err != nil {
		return nil, fmt.Errorf("record play %s: %w", x.ID, err)
	}
	card, err := s.Scorecard(ctx, x, sc, events)
	if err != nil {
		return nil, fmt.Errorf("record play %s: %w", x.ID, err)
	}
	test, err := drilltest.Record(events, card, fmt.Sprintf("recorded play %s", x.CreatedAt.UTC().Format("2006-01-02 15:04")))
	if err != nil {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "This play cannot be recorded as a test: %v.", err)
	}
	out, err := AppendTest(src, test)
	if err != nil {
		return nil, err
	}
	if len(out) > scenarios.MaxFileSize {
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "With the recorded test the drill would be larger than %d bytes.", scenarios.MaxFileSize)
	}
	if sc, ds := Check(d.Name, out, policies...); sc == nil {
		if sc0, _ := Check(d.Name, src, policies...); sc0 != nil {
			// The draft loaded before: the recording broke it, which is ours to fix, not the author's.
			return nil, fmt.Errorf("record play %s: the recorded test does not load: %s", x.ID, ds.Errors()[0].String())
		}
		return nil, drillroom.Errorf(drillroom.CodeInvalid, "The draft has errors; fix them before recording a play into it.")
	}
	return out, nil
}

var (
	testsKey    = regexp.MustCompile(`(?m)^tests:[ \t]*(\[\])?[ \t]*(#[^\r\n]*)?\r?$`)
	testsInline = regexp.MustCompile(`(?m)^tests:([ \t\r]|$)`)
)

// AppendTest appends test, a list item indented as drilltest.Record writes
// it (two spaces), at the end of src's top-level tests: list, or adds the
// list at the end when there is none (or it is an empty flow list, []). A
// tests: written any other way on its line (a flow list, an alias) is
// drillroom.ErrInvalid: the test cannot be placed in it.
func AppendTest(src, test []byte) ([]byte, error) {
	test = bytes.TrimRight(test, "\n")
	loc := testsKey.FindSubmatchIndex(src)
	if loc == nil {
		if testsInline.Match(src) {
			return nil, drillroom.Errorf(drillroom.CodeInvalid, "The drill's tests: is written on one line; write it as a list, one test per item (- name: ...), to record a play into it.")
		}
		out := bytes.TrimRight(bytes.Clone(src), "\n")
		return append(append(out, "\n\ntests:\n"...), append(test, '\n')...), nil
	}
	if loc[2] >= 0 { // tests: []
		out := append(bytes.Clone(src[:loc[0]]), "tests:\n"...)
		rest := bytes.TrimLeft(src[loc[1]:], "\n")
		out = append(append(out, test...), '\n')
		if len(rest) > 0 {
			out = append(append(out, '\n'), rest...)
		}
		return out, nil
	}
	// The list runs until the next line that starts in the first column
	// and is neither blank, a comment nor a list item: the next top-level
	// key. Its items may be indented or not (YAML allows both); the test
	// follows the first item's indentation.
	end, flush, seen := len(src), false, false
	i := loc[1]
	for i < len(src) {
		nl := bytes.IndexByte(src[i:], '\n')
		if nl < 0 {
			break
		}
		i += nl + 1
		if i >= len(src) {
			break
		}
		c := src[i]
		if c == '-' && !seen {
			flush = true
		}
		if c != '\n' && c != '\r' && c != '#' {
			seen = true
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '#' && c != '-' {
			end = i
			break
		}
	}
	if flush {
		lines := bytes.SplitAfter(test, []byte("\n"))
		for j, l := range lines {
			lines[j] = bytes.TrimPrefix(l, []byte("  "))
		}
		test = bytes.Join(lines, nil)
	}
	body := bytes.TrimRight(src[:end], "\n \t")
	out := append(bytes.Clone(body), '\n')
	out = append(append(out, test...), '\n')
	if end < len(src) {
		out = append(append(out, '\n'), src[end:]...)
	}
	return out, nil
}
