package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
)

// testCalibrationRounds: a round is created with its members, marked by
// them only (a later mark of a rule replaces the earlier), published once,
// and takes no marks after.
func testCalibrationRounds(t *testing.T, s Store, clock *Clock) {
	ctx := context.Background()
	f := NewFixture(t, s, "ann")
	var coaches []drillroom.User
	for _, n := range []string{"cora", "dan", "eve"} {
		u, err := s.CreateUser(ctx, n, "Coach "+n, drillroom.RoleCoach, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		coaches = append(coaches, u)
	}
	if rs, err := s.SessionRounds(ctx, f.Session.ID); err != nil || rs == nil || len(rs) != 0 {
		t.Errorf("SessionRounds before any: %#v, %v; want an empty slice", rs, err)
	}
	for _, tc := range []struct {
		name string
		r    drillroom.Round
		want error
	}{
		{"one marker", drillroom.Round{SessionID: f.Session.ID, LeadID: coaches[0].ID, Members: []int64{coaches[0].ID, coaches[0].ID}}, drillroom.ErrInvalid},
		{"unknown session", drillroom.Round{SessionID: "nope", LeadID: coaches[0].ID, Members: []int64{coaches[0].ID, coaches[1].ID}}, drillroom.ErrNotFound},
		{"unknown member", drillroom.Round{SessionID: f.Session.ID, LeadID: coaches[0].ID, Members: []int64{coaches[0].ID, 9999}}, drillroom.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.CreateRound(ctx, tc.r); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
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
	p, err := s.PublishRound(ctx, r.ID)
	if err != nil || !p.Published() || !p.PublishedAt.Equal(clock.Now()) {
		t.Fatalf("PublishRound: %+v, %v", p, err)
	}
	if _, err := s.PublishRound(ctx, r.ID); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("publish twice: %v, want a conflict", err)
	}
	if _, err := s.PublishRound(ctx, r.ID+100); !errors.Is(err, drillroom.ErrNotFound) {
		t.Errorf("publish an unknown round: %v, want not found", err)
	}
	if err := mark(coaches[2], "review", "pass", 10); !errors.Is(err, drillroom.ErrConflict) {
		t.Errorf("a mark after publishing: %v, want a conflict", err)
	}
	if rs, err := s.SessionRounds(ctx, f.Session.ID); err != nil || len(rs) != 1 || !rs[0].Published() || len(rs[0].Members) != 3 {
		t.Errorf("SessionRounds: %+v, %v; want the published round", rs, err)
	}
}
