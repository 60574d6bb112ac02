package postgres_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/drillroom/drillroom"
	"github.com/drillroom/drillroom/store/postgres"
)

// TestSignoutsReachEveryNode: node b listens; what ends logins on node a
// (a sign-out, a password set, a disabled account) reaches b as the login's
// hash or the user's id, once each and in order, and a change that ends no
// login (an update that fails) sends nothing.
func TestSignoutsReachEveryNode(t *testing.T) {
	url := pgtestURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	a := openURL(t, url, postgres.WithNode("a"))
	b := openURL(t, url, postgres.WithNode("b"))
	got := make(chan drillroom.Signout, 8)
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.ListenSignouts(ctx, func(so drillroom.Signout) { got <- so }, ready)
	}()
	defer func() { cancel(); <-done }()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("ListenSignouts did not start listening")
	}
	next := func(what string) drillroom.Signout {
		t.Helper()
		select {
		case so := <-got:
			return so
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no sign-out reached node b", what)
			return drillroom.Signout{}
		}
	}

	u, err := a.CreateUser(ctx, "ann", "Ann", drillroom.RoleTrainee, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	token, err := a.CreateLogin(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteLogin(ctx, token); err != nil {
		t.Fatal(err)
	}
	if so := next("sign-out"); !bytes.Equal(so.Login, drillroom.LoginHash(token)) || so.UserID != 0 {
		t.Errorf("after a sign-out on a, b got %+v, want the login's hash", so)
	}
	if _, err := a.UpdateUser(ctx, drillroom.User{ID: u.ID + 1000, DisplayName: "Nobody", Role: drillroom.RoleTrainee, Disabled: true}); err == nil {
		t.Fatal("disabling an unknown user succeeded")
	}
	if err := a.SetPassword(ctx, u.ID, "another horse battery", false); err != nil {
		t.Fatal(err)
	}
	if so := next("password set"); so.UserID != u.ID || so.Login != nil {
		t.Errorf("after a password was set on a, b got %+v, want user %d", so, u.ID)
	}
	u.Disabled = true
	if _, err := a.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if so := next("account disabled"); so.UserID != u.ID {
		t.Errorf("after the account was disabled on a, b got %+v, want user %d", so, u.ID)
	}
	select {
	case so := <-got:
		t.Errorf("an extra sign-out reached b: %+v", so)
	case <-time.After(200 * time.Millisecond):
	}
}
