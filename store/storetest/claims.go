package storetest

import (
	"context"
	"errors"
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
	cora, err := s.CreateUser(ctx, "cora", "Cora Coach", drillroom.RoleCoach, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	dan, err := s.CreateUser(ctx, "dan", "Dan Coach", drillroom.RoleCoach, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
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
