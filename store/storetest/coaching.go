package storetest

// The records of the coaches' workspace: claims on sessions, marks,
// notes and the feedback thread, calibration rounds.

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testClaims: one claim per session; its holder renews and releases it;
// another user is refused until it lapses, then takes it over.
func testClaims(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	cora := CreateUser(t, s, "cora", "Cora Coach", drillroom.RoleCoach)
	dan := CreateUser(t, s, "dan", "Dan Coach", drillroom.RoleCoach)
	if _, err := s.SessionClaim(ctx, id); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("SessionClaim before any: %v, want not found", err)
	}
	if cs, err := s.ActiveClaims(ctx); err != nil || cs == nil || len(cs) != 0 {
		t.Errorf("ActiveClaims before any: %#v, %v; want an empty slice", cs, err)
	}
	start := clock.Now()
	c, err := s.ClaimSession(ctx, id, cora.ID, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c.SessionID != id || c.UserID != cora.ID || c.By != "Cora Coach" || !c.At.Equal(start) || !c.Until.Equal(start.Add(30*time.Minute)) {
		t.Errorf("ClaimSession: got %+v; want Cora's claim from %v for 30 minutes", c, start)
	}
	if got, err := s.SessionClaim(ctx, id); err != nil || got.UserID != cora.ID || got.By != "Cora Coach" || !got.Until.Equal(c.Until) {
		t.Errorf("SessionClaim: got %+v, %v; want Cora's", got, err)
	}
	_, err = s.ClaimSession(ctx, id, dan.ID, 30*time.Minute)
	if !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("Dan claims Cora's session: %v, want a conflict", err)
	}
	if err := s.ReleaseClaim(ctx, id, dan.ID); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("Dan releases Cora's claim: %v, want a conflict", err)
	}
	clock.Advance(20 * time.Minute)
	renewed, err := s.ClaimSession(ctx, id, cora.ID, 30*time.Minute)
	if err != nil || !renewed.Until.Equal(start.Add(50*time.Minute)) {
		t.Errorf("Cora renews: %+v, %v; want until %v", renewed, err, start.Add(50*time.Minute))
	}
	clock.Advance(29 * time.Minute)
	if cs, err := s.ActiveClaims(ctx); err != nil || len(cs) != 1 || cs[0].SessionID != id {
		t.Errorf("ActiveClaims a minute before it lapses: %+v, %v; want Cora's", cs, err)
	}
	clock.Advance(time.Minute)
	if _, err := s.SessionClaim(ctx, id); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("SessionClaim once lapsed: %v, want not found", err)
	}
	if cs, err := s.ActiveClaims(ctx); err != nil || len(cs) != 0 {
		t.Errorf("ActiveClaims once lapsed: %+v, %v; want none", cs, err)
	}
	if c, err := s.ClaimSession(ctx, id, dan.ID, 10*time.Minute); err != nil || c.UserID != dan.ID {
		t.Errorf("Dan takes over the lapsed claim: %+v, %v", c, err)
	}
	if err := s.ReleaseClaim(ctx, id, dan.ID); err != nil {
		t.Errorf("Dan releases: %v", err)
	}
	if _, err := s.SessionClaim(ctx, id); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("SessionClaim after release: %v, want not found", err)
	}
	if err := s.ReleaseClaim(ctx, id, dan.ID); err != nil {
		t.Errorf("release again: %v, want a no-op", err)
	}
	if _, err := s.ClaimSession(ctx, "nope", cora.ID, time.Minute); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("claim an unknown session: %v, want not found", err)
	}
	if _, err := s.ClaimSession(ctx, id, 9999, time.Minute); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("claim by an unknown user: %v, want not found", err)
	}
	if _, err := s.ClaimSession(ctx, id, cora.ID, 0); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("claim for no time: %v, want invalid", err)
	}
}

// testMarks: coaches' marks are appended with the store's time and the
// marking user's name, listed oldest first, never changed; bad marks and
// marks on unknown sessions or by unknown users are refused.
func testMarks(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	coach := CreateUser(t, s, "cora", "Cora Coach", drillroom.RoleCoach)
	if got, err := s.Marks(ctx, f.Session.ID); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Marks before any: got %#v, %v; want an empty slice", got, err)
	}
	good := drillroom.Mark{SessionID: f.Session.ID, RuleID: "review-quality", Kind: drillroom.MarkManual, Outcome: "partial",
		Points: 6, OldOutcome: "pending", Reason: "Named the lesson, not the delay.", RubricHash: "r1", RuleHash: "q1", ByID: coach.ID, Actor: drillroom.ActorCoach}
	first, err := s.AddMark(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || !first.At.Equal(clock.Now()) || first.By != "Cora Coach" {
		t.Errorf("AddMark: got id %d at %v by %q; want an id, the store's time %v and the coach's name", first.ID, first.At, first.By, clock.Now())
	}
	clock.Advance(time.Minute)
	override := drillroom.Mark{SessionID: f.Session.ID, RuleID: "classify", Kind: drillroom.MarkOverride, Outcome: "pass", Points: 10,
		OldOutcome: "fail", OldPoints: 0, Reason: "The caller never said gas.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorCoach}
	if _, err := s.AddMark(ctx, override); err != nil {
		t.Fatal(err)
	}
	withdraw := drillroom.Mark{SessionID: f.Session.ID, RuleID: "classify", Kind: drillroom.MarkWithdraw, OldOutcome: "pass", OldPoints: 10,
		Reason: "Misread the transcript.", RubricHash: "r1", ByID: coach.ID, Actor: drillroom.ActorTrainer}
	if _, err := s.AddMark(ctx, withdraw); err != nil {
		t.Fatal(err)
	}
	checkRefusals(t, "", good, s.AddMark, []refusal[drillroom.Mark]{
		{"no rule", func(m *drillroom.Mark) { m.RuleID = "" }, drillroom.ErrInvalid},
		{"unknown kind", func(m *drillroom.Mark) { m.Kind = "erase" }, drillroom.ErrInvalid},
		{"unknown outcome", func(m *drillroom.Mark) { m.Outcome = "pending" }, drillroom.ErrInvalid},
		{"a withdrawal with an outcome", func(m *drillroom.Mark) { m.Kind = drillroom.MarkWithdraw }, drillroom.ErrInvalid},
		{"negative points", func(m *drillroom.Mark) { m.Points = -1 }, drillroom.ErrInvalid},
		{"no reason", func(m *drillroom.Mark) { m.Reason = "  " }, drillroom.ErrInvalid},
		{"the trainee as actor", func(m *drillroom.Mark) { m.Actor = drillroom.ActorTrainee }, drillroom.ErrInvalid},
		{"unknown session", func(m *drillroom.Mark) { m.SessionID = "nope" }, drillroom.ErrNotFound},
		{"unknown user", func(m *drillroom.Mark) { m.ByID = 9999 }, drillroom.ErrNotFound},
	})
	got, err := s.Marks(ctx, f.Session.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("Marks: got %d, want the 3 good ones", len(got))
	}
	want := []drillroom.Mark{good, override, withdraw}
	for i, m := range got {
		w := want[i]
		if m.RuleID != w.RuleID || m.Kind != w.Kind || m.Outcome != w.Outcome || m.Points != w.Points || m.OldOutcome != w.OldOutcome ||
			m.OldPoints != w.OldPoints || m.Reason != w.Reason || m.RubricHash != w.RubricHash || m.RuleHash != w.RuleHash || m.ByID != coach.ID ||
			m.By != "Cora Coach" || m.Actor != w.Actor || m.SessionID != f.Session.ID {
			t.Errorf("mark %d: got %+v, want %+v by Cora Coach", i, m, w)
		}
		if i > 0 && !(m.ID > got[i-1].ID) {
			t.Errorf("mark %d: id %d after %d, want oldest first", i, m.ID, got[i-1].ID)
		}
	}
	if !got[0].At.Equal(first.At) || !got[1].At.After(got[0].At) {
		t.Errorf("mark times %v, %v: want the store's clock", got[0].At, got[1].At)
	}
	other := NewFixture(t, s, "ben")
	if got, err := s.Marks(ctx, other.Session.ID); err != nil || len(got) != 0 {
		t.Errorf("Marks of another session: got %d, %v; want none", len(got), err)
	}
}

// testNotesAndResponses: coaching notes and the feedback thread are
// appended with the store's time and the author's name, listed oldest
// first; bad entries and entries on unknown sessions are refused.
func testNotesAndResponses(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	coach := CreateUser(t, s, "cora", "Cora Coach", drillroom.RoleCoach)
	for _, get := range []func() (int, error){
		func() (int, error) { ns, err := s.Notes(ctx, id); return len(ns), nilSlice(ns == nil, err) },
		func() (int, error) { rs, err := s.Responses(ctx, id); return len(rs), nilSlice(rs == nil, err) },
	} {
		if n, err := get(); n != 0 || err != nil {
			t.Errorf("before any: %d, %v; want an empty slice", n, err)
		}
	}
	due := time.Date(2026, 3, 8, 17, 0, 0, 0, time.UTC)
	strength := drillroom.Note{SessionID: id, Kind: drillroom.NoteStrength, Text: "Safety advice in the first 20 seconds.", Seq: 3, ByID: coach.ID, Actor: drillroom.ActorCoach}
	action := drillroom.Note{SessionID: id, Kind: drillroom.NoteAction, Text: "Practise the update script.", Due: due, ByID: coach.ID, Actor: drillroom.ActorTrainer}
	n1, err := s.AddNote(ctx, strength)
	if err != nil || n1.ID == 0 || n1.By != "Cora Coach" || !n1.At.Equal(clock.Now()) {
		t.Fatalf("AddNote: %+v, %v; want an id, the author's name and the store's time", n1, err)
	}
	clock.Advance(time.Minute)
	if _, err := s.AddNote(ctx, action); err != nil {
		t.Fatal(err)
	}
	checkRefusals(t, "note: ", strength, s.AddNote, []refusal[drillroom.Note]{
		{"unknown kind", func(n *drillroom.Note) { n.Kind = "praise" }, drillroom.ErrInvalid},
		{"no text", func(n *drillroom.Note) { n.Text = " " }, drillroom.ErrInvalid},
		{"an action without a due date", func(n *drillroom.Note) { n.Kind = drillroom.NoteAction }, drillroom.ErrInvalid},
		{"a due date on a strength", func(n *drillroom.Note) { n.Due = due }, drillroom.ErrInvalid},
		{"the trainee as author", func(n *drillroom.Note) { n.Actor = drillroom.ActorTrainee }, drillroom.ErrInvalid},
		{"a negative event", func(n *drillroom.Note) { n.Seq = -1 }, drillroom.ErrInvalid},
		{"unknown session", func(n *drillroom.Note) { n.SessionID = "nope" }, drillroom.ErrNotFound},
		{"unknown author", func(n *drillroom.Note) { n.ByID = 9999 }, drillroom.ErrNotFound},
	})
	notes, err := s.Notes(ctx, id)
	if err != nil || len(notes) != 2 {
		t.Fatalf("Notes: %d, %v; want 2", len(notes), err)
	}
	if n := notes[1]; n.Kind != drillroom.NoteAction || n.Text != action.Text || !n.Due.Equal(due) || n.Actor != drillroom.ActorTrainer || n.By != "Cora Coach" || !notes[0].Due.IsZero() || notes[0].Seq != 3 || n.Seq != 0 {
		t.Errorf("Notes: got %+v; want the action with its due date after the strength without one", notes)
	}

	ack := drillroom.Response{SessionID: id, Kind: drillroom.ResponseAck, ByID: f.User.ID, Actor: drillroom.ActorTrainee}
	dispute := drillroom.Response{SessionID: id, Kind: drillroom.ResponseDispute, RuleID: "longest-silence", Text: "I was on hold with the engineer.", ByID: f.User.ID, Actor: drillroom.ActorTrainee}
	if _, err := s.AddResponse(ctx, ack); err != nil {
		t.Fatal(err)
	}
	d, err := s.AddResponse(ctx, dispute)
	if err != nil || d.By != "Test ann" {
		t.Fatalf("dispute: %+v, %v", d, err)
	}
	resolve := drillroom.Response{SessionID: id, Kind: drillroom.ResponseResolve, Ref: d.ID, Text: "Agreed; override withdrawn.", ByID: coach.ID, Actor: drillroom.ActorCoach}
	if _, err := s.AddResponse(ctx, resolve); err != nil {
		t.Fatal(err)
	}
	other := NewFixture(t, s, "ben")
	checkWrites(t, "response: ", s.AddResponse, []writeCase[drillroom.Response]{
		{"unknown kind", drillroom.Response{SessionID: id, Kind: "like", ByID: f.User.ID, Actor: drillroom.ActorTrainee}, drillroom.ErrInvalid},
		{"a dispute without text", func() drillroom.Response { r := dispute; r.Text = ""; return r }(), drillroom.ErrInvalid},
		{"a dispute by a coach", func() drillroom.Response { r := dispute; r.Actor = drillroom.ActorCoach; return r }(), drillroom.ErrInvalid},
		{"a resolution by the trainee", func() drillroom.Response { r := resolve; r.Actor = drillroom.ActorTrainee; return r }(), drillroom.ErrInvalid},
		{"a resolution of nothing", func() drillroom.Response { r := resolve; r.Ref = 0; return r }(), drillroom.ErrInvalid},
		{"a resolution of an acknowledgement", func() drillroom.Response { r := resolve; r.Ref = d.ID - 1; return r }(), drillroom.ErrInvalid},
		{"a resolution of another session's dispute", func() drillroom.Response { r := resolve; r.SessionID = other.Session.ID; return r }(), drillroom.ErrInvalid},
		{"unknown session", func() drillroom.Response { r := ack; r.SessionID = "nope"; return r }(), drillroom.ErrNotFound},
	})
	rs, err := s.Responses(ctx, id)
	if err != nil || len(rs) != 3 {
		t.Fatalf("Responses: %d, %v; want 3", len(rs), err)
	}
	if rs[0].Kind != drillroom.ResponseAck || rs[1].RuleID != "longest-silence" || rs[1].Text != dispute.Text || rs[2].Ref != d.ID || rs[2].By != "Cora Coach" || rs[2].Actor != drillroom.ActorCoach {
		t.Errorf("Responses: got %+v; want the acknowledgement, the dispute and its resolution", rs)
	}
}

func nilSlice(isNil bool, err error) error {
	if err == nil && isNil {
		return errors.New("a nil slice")
	}
	return err
}

// testCalibrationRounds: a round is created with its members, marked by
// them only (a later mark of a rule replaces the earlier), published once,
// and takes no marks after.
func testCalibrationRounds(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	var coaches []drillroom.User
	for _, n := range []string{"cora", "dan", "eve"} {
		coaches = append(coaches, CreateUser(t, s, n, "Coach "+n, drillroom.RoleCoach))
	}
	if rs, err := s.SessionRounds(ctx, f.Session.ID); err != nil || rs == nil || len(rs) != 0 {
		t.Errorf("SessionRounds before any: %#v, %v; want an empty slice", rs, err)
	}
	checkWrites(t, "", s.CreateRound, []writeCase[drillroom.Round]{
		{"one marker", drillroom.Round{SessionID: f.Session.ID, LeadID: coaches[0].ID, Members: []int64{coaches[0].ID, coaches[0].ID}}, drillroom.ErrInvalid},
		{"unknown session", drillroom.Round{SessionID: "nope", LeadID: coaches[0].ID, Members: []int64{coaches[0].ID, coaches[1].ID}}, drillroom.ErrNotFound},
		{"unknown member", drillroom.Round{SessionID: f.Session.ID, LeadID: coaches[0].ID, Members: []int64{coaches[0].ID, 9999}}, drillroom.ErrNotFound},
	})
	r, err := s.CreateRound(ctx, drillroom.Round{SessionID: f.Session.ID, LeadID: coaches[0].ID, Members: []int64{coaches[2].ID, coaches[0].ID, coaches[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{coaches[0].ID, coaches[1].ID, coaches[2].ID}
	slices.Sort(want)
	if r.ID == 0 || r.Lead != "Coach cora" || !slices.Equal(r.Members, want) || r.Published() || !r.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("CreateRound: %+v; want an id, the lead's name, the members sorted, blind, at the store's time", r)
	}
	if got, err := s.Round(ctx, r.ID); err != nil || got.SessionID != f.Session.ID || !slices.Equal(got.Members, want) || got.Published() {
		t.Errorf("Round: %+v, %v", got, err)
	}
	if _, err := s.Round(ctx, r.ID+100); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("Round of an unknown id: %v, want not found", err)
	}
	mark := func(u drillroom.User, rule, outcome string, pts float64) error {
		return s.PutRoundMark(ctx, drillroom.RoundMark{RoundID: r.ID, UserID: u.ID, RuleID: rule, Outcome: outcome, Points: pts})
	}
	for _, m := range []struct {
		u         drillroom.User
		rule, out string
		pts       float64
	}{{coaches[0], "review", "pass", 10}, {coaches[1], "review", "fail", 0}, {coaches[1], "review", "partial", 5}, {coaches[2], "silence", "na", 0}} {
		if err := mark(m.u, m.rule, m.out, m.pts); err != nil {
			t.Fatal(err)
		}
	}
	if err := mark(f.User, "review", "pass", 10); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("a mark by someone not in the round: %v, want invalid", err)
	}
	if err := mark(coaches[0], "review", "pending", 0); !errors.Is(err, drillroom.ErrInvalid) {
		t.Errorf("a mark with a bad outcome: %v, want invalid", err)
	}
	if err := s.PutRoundMark(ctx, drillroom.RoundMark{RoundID: r.ID + 100, UserID: coaches[0].ID, RuleID: "x", Outcome: "pass"}); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("a mark in an unknown round: %v, want not found", err)
	}
	ms, err := s.RoundMarks(ctx, r.ID)
	if err != nil || len(ms) != 3 {
		t.Fatalf("RoundMarks: %+v, %v; want 3 (dan's second mark replaced his first)", ms, err)
	}
	for _, m := range ms {
		if m.UserID == coaches[1].ID && (m.Outcome != "partial" || m.Points != 5 || m.By != "Coach dan") {
			t.Errorf("dan's mark: %+v, want his later partial 5", m)
		}
	}
	clock.Advance(time.Hour)
	// The lead's official marking is written with the publishing, in one
	// transaction: a mark that fails part-way (after a good one was
	// inserted) writes nothing and leaves the round blind.
	official := func(rule, outcome string, pts float64, by int64) drillroom.Mark {
		return drillroom.Mark{SessionID: f.Session.ID, RuleID: rule, Kind: drillroom.MarkOverride, Outcome: outcome, Points: pts,
			OldOutcome: "fail", Reason: "Official marking of the round.", RubricHash: "r1", RuleHash: "q1", ByID: by, Actor: drillroom.ActorCoach}
	}
	other := NewFixture(t, s, "ben")
	elsewhere := official("silence", "pass", 5, coaches[0].ID)
	elsewhere.SessionID = other.Session.ID
	noReason := official("silence", "pass", 5, coaches[0].ID)
	noReason.Reason = ""
	for _, tc := range []struct {
		name  string
		marks []drillroom.Mark
		want  error
	}{
		{"the second mark by an unknown user", []drillroom.Mark{official("review", "pass", 10, coaches[0].ID), official("silence", "pass", 5, 9999)}, drillroom.ErrNotFound},
		{"the second mark on another session", []drillroom.Mark{official("review", "pass", 10, coaches[0].ID), elsewhere}, drillroom.ErrInvalid},
		{"a mark without a reason", []drillroom.Mark{official("review", "pass", 10, coaches[0].ID), noReason}, drillroom.ErrInvalid},
	} {
		t.Run("publish refused: "+tc.name, func(t *testing.T) {
			if _, _, err := s.PublishRound(ctx, r.ID, tc.marks); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if ms, err := s.Marks(ctx, f.Session.ID); err != nil || len(ms) != 0 {
				t.Errorf("the session's marks after a refused publishing: %+v, %v; want none", ms, err)
			}
			if got, err := s.Round(ctx, r.ID); err != nil || got.Published() {
				t.Errorf("the round after a refused publishing: %+v, %v; want it blind", got, err)
			}
		})
	}
	p, stored, err := s.PublishRound(ctx, r.ID, []drillroom.Mark{official("review", "partial", 6, coaches[0].ID), official("silence", "pass", 5, coaches[0].ID)})
	if err != nil || !p.Published() || !p.PublishedAt.Equal(clock.Now()) {
		t.Fatalf("PublishRound: %+v, %v", p, err)
	}
	if len(stored) != 2 || stored[0].ID == 0 || stored[1].ID <= stored[0].ID || !stored[1].At.Equal(clock.Now()) || stored[0].By != "Coach cora" {
		t.Errorf("PublishRound's marks: %+v; want both with ids in order, the store's time and the lead's name", stored)
	}
	if ms, err := s.Marks(ctx, f.Session.ID); err != nil || len(ms) != 2 || ms[0].RuleID != "review" || ms[0].Points != 6 || ms[1].RuleID != "silence" || ms[1].ByID != coaches[0].ID {
		t.Errorf("the session's marks after publishing: %+v, %v; want the two official marks", ms, err)
	}
	if _, _, err := s.PublishRound(ctx, r.ID, nil); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("publish twice: %v, want a conflict", err)
	}
	if _, _, err := s.PublishRound(ctx, r.ID, []drillroom.Mark{official("review", "pass", 10, coaches[0].ID)}); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("publish twice with marks: %v, want a conflict", err)
	}
	if ms, _ := s.Marks(ctx, f.Session.ID); len(ms) != 2 {
		t.Errorf("a refused second publishing wrote marks: %d, want 2", len(ms))
	}
	if _, _, err := s.PublishRound(ctx, r.ID+100, nil); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("publish an unknown round: %v, want not found", err)
	}
	if err := mark(coaches[2], "review", "pass", 10); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("a mark after publishing: %v, want a conflict", err)
	}
	if rs, err := s.SessionRounds(ctx, f.Session.ID); err != nil || len(rs) != 1 || !rs[0].Published() || len(rs[0].Members) != 3 {
		t.Errorf("SessionRounds: %+v, %v; want the published round", rs, err)
	}
	for _, u := range coaches { // coaches[0] leads and marks
		if rs, err := s.UserRounds(ctx, u.ID); err != nil || len(rs) != 1 || rs[0].ID != r.ID || len(rs[0].Members) != 3 {
			t.Errorf("UserRounds of %s: %+v, %v; want the round they lead or mark", u.Username, rs, err)
		}
	}
	if rs, err := s.UserRounds(ctx, f.User.ID); err != nil || rs == nil || len(rs) != 0 {
		t.Errorf("UserRounds of the trainee: %#v, %v; want an empty slice", rs, err)
	}
}

// testReleases: a release of a reviewed scorecard names the newest mark
// and note it gives the trainee, taken in the transaction that records it;
// it is appended with the store's time and the author's name, listed
// oldest first; a release with nothing new since the last is a conflict,
// also when two coaches release at once (exactly one is recorded); a
// release by the trainee, on an unknown session or by an unknown author is
// refused.
func testReleases(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	coach := CreateUser(t, s, "cora", "Cora Coach", drillroom.RoleCoach)
	if rs, err := s.Releases(ctx, id); rs == nil || len(rs) != 0 || err != nil {
		t.Fatalf("Releases before any: %v, %v; want an empty slice", rs, err)
	}
	release := func(actor drillroom.Actor) (drillroom.Release, error) {
		return s.AddRelease(ctx, drillroom.Release{SessionID: id, ByID: coach.ID, Actor: actor})
	}
	if _, err := release(drillroom.ActorCoach); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("a release with nothing marked: %v, want a conflict", err)
	}
	mark := func() drillroom.Mark {
		t.Helper()
		m, err := s.AddMark(ctx, drillroom.Mark{SessionID: id, RuleID: "review-quality", Kind: drillroom.MarkManual, Outcome: "pass", Points: 10,
			OldOutcome: "pending", Reason: "Clear lessons.", ByID: coach.ID, Actor: drillroom.ActorCoach})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	note := func() drillroom.Note {
		t.Helper()
		n, err := s.AddNote(ctx, drillroom.Note{SessionID: id, Kind: drillroom.NoteStrength, Text: "Calm throughout.", ByID: coach.ID, Actor: drillroom.ActorCoach})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	m1, n1 := mark(), note()
	r1, err := release(drillroom.ActorCoach)
	if err != nil || r1.ID == 0 || r1.By != "Cora Coach" || !r1.At.Equal(clock.Now()) || r1.LastMark != m1.ID || r1.LastNote != n1.ID {
		t.Fatalf("AddRelease: %+v, %v; want an id, the author's name, the store's time, mark %d and note %d", r1, err, m1.ID, n1.ID)
	}
	if _, err := release(drillroom.ActorCoach); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("a second release with nothing new: %v, want a conflict", err)
	}
	// A note in the same millisecond as the release is not released by it.
	n2 := note()
	if !n2.At.Equal(r1.At) || r1.Covers(0, n2.ID) {
		t.Errorf("a note at the release's time %v (note at %v) is covered by it", r1.At, n2.At)
	}
	clock.Advance(time.Minute)
	r2, err := release(drillroom.ActorTrainer)
	if err != nil || r2.LastMark != m1.ID || r2.LastNote != n2.ID {
		t.Fatalf("a release of a new note: %+v, %v; want mark %d still, note %d", r2, err, m1.ID, n2.ID)
	}
	// Two coaches release a new mark at once: one release is recorded.
	mark()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = release(drillroom.ActorCoach)
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !(errors.Is(errs[0], drillroom.ErrConflict) || errors.Is(errs[1], drillroom.ErrConflict)) {
		t.Errorf("two releases at once: %v and %v; want one recorded and one conflict", errs[0], errs[1])
	}
	mark()
	checkWrites(t, "AddRelease by ", s.AddRelease, []writeCase[drillroom.Release]{
		{"the trainee", drillroom.Release{SessionID: id, ByID: f.User.ID, Actor: drillroom.ActorTrainee}, drillroom.ErrInvalid},
		{"unknown session", drillroom.Release{SessionID: "nope", ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrNotFound},
		{"unknown author", drillroom.Release{SessionID: id, ByID: 9999, Actor: drillroom.ActorCoach}, drillroom.ErrNotFound},
	})
	rs, err := s.Releases(ctx, id)
	if err != nil || len(rs) != 3 || rs[0].ID != r1.ID || rs[0].LastNote != n1.ID || rs[1].Actor != drillroom.ActorTrainer || rs[1].LastNote != n2.ID ||
		!rs[1].At.Equal(clock.Now()) || rs[1].By != "Cora Coach" || rs[2].LastMark <= m1.ID {
		t.Errorf("Releases: %+v, %v; want the three, oldest first, with what each released", rs, err)
	}
	other := NewFixture(t, s, "ben")
	if rs, err := s.Releases(ctx, other.Session.ID); err != nil || len(rs) != 0 {
		t.Errorf("Releases of another session: %d, %v; want none", len(rs), err)
	}
}

// testActionsDone: an agreed action is marked done once, by the trainee
// or a coach, with the store's time and the author's name; a note that is
// no action, a note of another session, a missing note or author, and a
// second completion are refused.
func testActionsDone(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	id := f.Session.ID
	coach := CreateUser(t, s, "cora", "Cora Coach", drillroom.RoleCoach)
	if ds, err := s.DoneActions(ctx, id); ds == nil || len(ds) != 0 || err != nil {
		t.Fatalf("DoneActions before any: %v, %v; want an empty slice", ds, err)
	}
	note := func(kind drillroom.NoteKind, session string) drillroom.Note {
		t.Helper()
		n := drillroom.Note{SessionID: session, Kind: kind, Text: "Read back the address.", ByID: coach.ID, Actor: drillroom.ActorCoach}
		if kind == drillroom.NoteAction {
			n.Due = clock.Now().Add(48 * time.Hour)
		}
		n, err := s.AddNote(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a1, a2, strength := note(drillroom.NoteAction, id), note(drillroom.NoteAction, id), note(drillroom.NoteStrength, id)
	other := NewFixture(t, s, "ben")
	elsewhere := note(drillroom.NoteAction, other.Session.ID)
	clock.Advance(time.Hour)
	d1, err := s.CompleteAction(ctx, drillroom.ActionDone{NoteID: a1.ID, SessionID: id, Text: "Done in today's drill.", ByID: f.User.ID, Actor: drillroom.ActorTrainee})
	if err != nil || d1.By != f.User.DisplayName || !d1.At.Equal(clock.Now()) {
		t.Fatalf("CompleteAction: %+v, %v; want the trainee's name and the store's time", d1, err)
	}
	clock.Advance(time.Minute)
	if _, err := s.CompleteAction(ctx, drillroom.ActionDone{NoteID: a2.ID, SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}); err != nil {
		t.Fatalf("a coach confirms an action: %v", err)
	}
	checkWrites(t, "CompleteAction, ", s.CompleteAction, []writeCase[drillroom.ActionDone]{
		{"done twice", drillroom.ActionDone{NoteID: a1.ID, SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrConflict},
		{"a strength", drillroom.ActionDone{NoteID: strength.ID, SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrInvalid},
		{"another session's action", drillroom.ActionDone{NoteID: elsewhere.ID, SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrNotFound},
		{"a missing note", drillroom.ActionDone{NoteID: 99999, SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrNotFound},
		{"an unknown author", drillroom.ActionDone{NoteID: elsewhere.ID, SessionID: other.Session.ID, ByID: 99999, Actor: drillroom.ActorCoach}, drillroom.ErrNotFound},
		{"no note", drillroom.ActionDone{SessionID: id, ByID: coach.ID, Actor: drillroom.ActorCoach}, drillroom.ErrInvalid},
		{"no actor", drillroom.ActionDone{NoteID: elsewhere.ID, SessionID: other.Session.ID, ByID: coach.ID}, drillroom.ErrInvalid},
	})
	ds, err := s.DoneActions(ctx, id)
	if err != nil || len(ds) != 2 || ds[0].NoteID != a1.ID || ds[0].Text != "Done in today's drill." || ds[0].Actor != drillroom.ActorTrainee ||
		ds[1].NoteID != a2.ID || ds[1].By != "Cora Coach" || !ds[1].At.Equal(clock.Now()) {
		t.Errorf("DoneActions: %+v, %v; want both, in the order they were done, with who and when", ds, err)
	}
	if ds, err := s.DoneActions(ctx, other.Session.ID); err != nil || len(ds) != 0 {
		t.Errorf("DoneActions of another session: %+v, %v; want none", ds, err)
	}
}
